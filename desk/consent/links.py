"""Signed links: the one-click unsubscribe (RFC 8058) and the double opt-in confirmation.

An unsubscribe token carries the address's keyed digest and the purpose, signed with the
app's secret (itsdangerous): it is verified without a database lookup, never expires (a
mail client may send the POST years later) and holds no address in clear. The same
address and purpose always give the same token, so `desk consent-headers` prints exactly
the headers desk's own mails carry."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from desk import settings
from desk.cases.lifecycle import Refused

_UNSUBSCRIBE_SALT = "desk.consent.unsubscribe"
_CONFIRM_SALT = "desk.consent.confirm"
UNSUBSCRIBE_PATH = "/consent/unsubscribe/"
CONFIRM_PATH = "/consent/confirm/"

_BAD_LINK = (
    "このリンクは無効です。メールに記載のリンクをそのままお使いください。",
    "This link is not valid. Use the link exactly as it appears in the e-mail.",
)


def unsubscribe_token(channel: str, key_hash: bytes, purpose: str) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT).dumps(
        [channel, key_hash.hex(), purpose]
    )


def read_unsubscribe_token(token: str) -> tuple[str, bytes, str]:
    """(channel, digest, purpose) of a genuine token; Refused for a forged or altered one."""
    try:
        channel, digest, purpose = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT).loads(
            token
        )
        return str(channel), bytes.fromhex(digest), str(purpose)
    except (BadSignature, ValueError, TypeError):
        raise Refused(*_BAD_LINK) from None


def confirm_token(signup_id: int) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT).dumps(signup_id)


def read_confirm_token(token: str) -> int:
    hours = int(settings.get("consent_confirm_hours"))
    try:
        return int(
            URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT).loads(
                token, max_age=hours * 3600
            )
        )
    except SignatureExpired:
        raise Refused(
            "確認の期限が過ぎました。お手数ですが、もう一度ご登録ください。",
            "The confirmation link has expired. Please sign up again.",
        ) from None
    except (BadSignature, ValueError, TypeError):
        raise Refused(*_BAD_LINK) from None


def public_base() -> str:
    """https://privacy.example.jp: the setting consent_public_url, else the address of this request."""
    configured = (settings.get("consent_public_url") or "").strip().rstrip("/")
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    raise Refused(
        "設定「公開ページのURL」（consent_public_url）を入力してください。",
        "Set consent_public_url (the public address of desk) first.",
    )


def unsubscribe_url(channel: str, key_hash: bytes, purpose: str) -> str:
    return public_base() + UNSUBSCRIBE_PATH + unsubscribe_token(channel, key_hash, purpose)


def confirm_url(signup_id: int) -> str:
    return public_base() + CONFIRM_PATH + confirm_token(signup_id)


def list_unsubscribe_headers(key_hash: bytes, purpose: str) -> list[tuple[str, str]]:
    """The two headers of RFC 8058 for one e-mail address and purpose."""
    targets = [f"<{unsubscribe_url('email', key_hash, purpose)}>"]
    mailto = (settings.get("consent_unsubscribe_mailto") or "").strip()
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return [("List-Unsubscribe", ", ".join(targets)), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
