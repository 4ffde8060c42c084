"""API keys: made by an administrator, shown once, kept as keyed hashes, every use audited.

A key reads `desk_` + 43 URL-safe characters (256 random bits). It is looked up by its
HMAC-SHA256 under a key derived from the master key: a random key needs no slow password
hash, and a copy of the table alone gives nothing that calls the API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select

from desk import catalogue, settings
from desk.api.models import ApiKey
from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.clock import local_zone, now, today
from desk.extensions import db

PREFIX = "desk_"
#: Characters of the key kept in clear to tell keys apart in lists (desk_ + 8).
SHOWN = len(PREFIX) + 8
#: A key is touched (last_used_at) at most this often: a busy key does not rewrite its row
#: on every call.
TOUCH_EVERY = timedelta(minutes=1)


def _hmac_key() -> bytes:
    app = current_app._get_current_object()
    key = app.extensions.get("desk_api_key_hash")
    if key is None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"desk: api keys").derive(
            app.config["MASTER_KEY"].encode()
        )
        app.extensions["desk_api_key_hash"] = key
    return key


def key_hash(secret: str) -> str:
    return hmac.new(_hmac_key(), secret.encode(), hashlib.sha256).hexdigest()


def expiry_of(day: date) -> datetime:
    """A key given until a date works to the end of that day at the business."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone())


def create_key(
    name: str, scopes: list[str], expires_on: date, *, actor=None, actor_kind: str | None = None
) -> tuple[ApiKey, str]:
    """A new key and, once only, its secret. Flushes; the caller commits."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Refused("キーの名前を100文字以内で入力してください。", "Give the key a name of at most 100 characters.")
    unknown = [s for s in scopes if s not in catalogue.API_SCOPES]
    if unknown or not scopes:
        raise Refused("権限（スコープ）を1つ以上選んでください。", "Choose at least one scope.")
    longest = int(settings.get("api_key_max_days"))
    if expires_on <= today():
        raise Refused("有効期限には明日以降の日付を指定してください。", "The expiry must be tomorrow or later.")
    if expires_on > today() + timedelta(days=longest):
        raise Refused(
            f"有効期限は{longest}日以内にしてください。", f"The expiry must be within {longest} days from today."
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        prefix=secret[:SHOWN],
        key_hash=key_hash(secret),
        scopes=sorted(set(scopes), key=list(catalogue.API_SCOPES).index),
        created_by_id=getattr(actor, "id", None),
        expires_at=expiry_of(expires_on),
    )
    db.session.add(key)
    db.session.flush()
    record(
        "api.key_created",
        actor=actor,
        actor_kind=actor_kind,
        detail={"key": key.id, "scopes": key.scopes, "expires_on": expires_on.isoformat()},
    )
    return key, secret


def revoke(key: ApiKey, *, actor=None, actor_kind: str | None = None) -> bool:
    """Stop a key at once. False when it was already revoked."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = now()
    key.revoked_by_id = getattr(actor, "id", None)
    record("api.key_revoked", actor=actor, actor_kind=actor_kind, detail={"key": key.id})
    db.session.flush()
    return True


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())))


def by_id(key_id: int) -> ApiKey | None:
    return db.session.get(ApiKey, key_id)


@dataclass
class KeyRefusal:
    """Why a presented key does not open an endpoint (said the same way to every caller)."""

    status: int
    reason: str
    key: ApiKey | None = None


def authenticate(header: str | None, scope: str) -> ApiKey | KeyRefusal:
    """The key of an `Authorization: Bearer …` header, if it is known, not expired nor
    revoked, and holds `scope`."""
    scheme, _, secret = (header or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(PREFIX) or len(secret) > 100:
        return KeyRefusal(401, "missing")
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(secret)))
    at = now()
    if key is None:
        return KeyRefusal(401, "unknown")
    if not key.usable(at):
        return KeyRefusal(401, key.state(at), key)
    if scope not in (key.scopes or []):
        return KeyRefusal(403, "scope", key)
    if key.last_used_at is None or at - key.last_used_at >= TOUCH_EVERY:
        key.last_used_at = at
    return key


def audit_use(key: ApiKey, operation: str, status: int, *, case=None, detail: dict | None = None) -> None:
    """Every call made with a key, in the audit trail: which key, which operation, the answer."""
    record(
        "api.key_used",
        actor_kind="api",
        case=case,
        detail={"key": key.id, "operation": operation, "status": status, **(detail or {})},
    )


def audit_refusal(refusal: KeyRefusal, operation: str) -> None:
    """A known key turned away (expired, revoked, lacking the scope). Unknown keys are not
    recorded: the trail would fill with whatever strangers send."""
    if refusal.key is None:
        return
    record(
        "api.key_refused",
        actor_kind="api",
        detail={"key": refusal.key.id, "operation": operation, "reason": refusal.reason},
    )
