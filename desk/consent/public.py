"""What the public does: sign up with double opt-in, confirm, unsubscribe by the signed link, opt out of post and phone."""

from __future__ import annotations

from sqlalchemy import select

from desk import settings
from desk.cases.lifecycle import Refused
from desk.clock import now
from desk.consent import links, mail, service
from desk.consent.keys import Address, Keyring, address_for
from desk.consent.models import ConsentRecord, ConsentSignup
from desk.consent.purposes import label, purposes
from desk.extensions import db


def consent_text(lang: str) -> str:
    """The consent text exactly as the form shows it."""
    return settings.get("consent_text_en" if lang == "en" else "consent_text")


def start_signup(email: str, chosen: list[str], lang: str) -> ConsentSignup:
    """A sign-up asked on the form: one 'requested' record per purpose (the text shown and its
    version kept), and the confirmation link mailed. Nothing counts as consent yet."""
    address = address_for("email", email=email)
    chosen = [code for code in dict.fromkeys(chosen) if code in purposes()]
    if not chosen:
        raise Refused("配信を希望する内容を1つ以上選んでください。", "Choose at least one thing you want to receive.")
    keyring = Keyring()
    signup = ConsentSignup(
        email=address.key,
        key_hash=address.digest(keyring),
        purposes=",".join(chosen),
        language=lang,
        requested_at=now(),
    )
    db.session.add(signup)
    db.session.flush()
    text, version = consent_text(lang), settings.get("consent_text_version")
    for code in chosen:
        service.add(
            address,
            purpose=code,
            action="requested",
            method="web_form",
            shown_text=text,
            text_version=version,
            signup=signup,
            keyring=keyring,
        )
    subject, body = mail.confirmation(links.confirm_url(signup.id), [label(c, lang) for c in chosen], lang)
    mail.send(address.key, subject, body, what="confirmation")
    return signup


def signup_for(token: str) -> ConsentSignup:
    signup = db.session.get(ConsentSignup, links.read_confirm_token(token))
    if signup is None or (signup.confirmed_at is None and signup.erased_at is not None):
        raise Refused(
            "確認の期限が過ぎました。お手数ですが、もう一度ご登録ください。",
            "The confirmation link has expired. Please sign up again.",
        )
    return signup


def confirm(token: str) -> ConsentSignup:
    """The click on the confirmation link: consent given from this moment, per purpose, with
    the text that was shown; the welcome message (with its unsubscribe headers) sent; the
    address in clear erased. A second click changes nothing."""
    signup = signup_for(token)
    if signup.confirmed_at is not None:
        return signup
    moment = now()
    keyring = Keyring()
    address = Address("email", signup.email, "")
    requested = {
        r.purpose: r
        for r in db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.signup_id == signup.id, ConsentRecord.action == "requested")
        )
    }
    lang = signup.language
    for code in signup.purposes.split(","):
        shown = requested.get(code)
        service.add(
            Address("email", signup.email, shown.address_masked if shown else ""),
            purpose=code,
            action="given",
            method="email_confirmation",
            occurred_at=moment,
            shown_text=shown.shown_text if shown else None,
            text_version=shown.text_version if shown else None,
            signup=signup,
            keyring=keyring,
        )
        headers = links.list_unsubscribe_headers(address.digest(keyring), code)
        subject, body = mail.welcome(
            label(code, lang), links.unsubscribe_url("email", address.digest(keyring), code), lang
        )
        mail.send(signup.email, subject, body, headers, what="welcome")
    signup.confirmed_at = moment
    signup.email, signup.erased_at = None, moment
    db.session.flush()
    return signup


def unsubscribe(token: str) -> tuple[ConsentRecord | None, str, str]:
    """The one-click unsubscribe: the token alone says which address and purpose; returns the
    new record (None when the address had already opted out), the channel and the purpose."""
    channel, digest, purpose = links.read_unsubscribe_token(token)
    service.check_purpose(purpose, "withdrawn")
    masked = db.session.scalar(
        select(ConsentRecord.address_masked)
        .where(ConsentRecord.channel == channel, ConsentRecord.key_hash == digest)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )
    address = Address(channel, "", masked or "—", known_digest=digest)
    return service.withdraw(address, purpose, method="unsubscribe_link"), channel, purpose


def opt_out(channel: str, purpose: str, *, phone=None, name=None, postal_address=None) -> ConsentRecord | None:
    """The public opt-out page (post and phone, SMS too): recorded at once, no confirmation needed
    (an opt-out only ever sends less)."""
    if channel not in ("post", "phone", "sms"):
        raise Refused("郵送・電話・SMS のいずれかを選んでください。", "Choose post, phone or SMS.")
    address = address_for(channel, phone=phone, name=name, postal_address=postal_address)
    return service.withdraw(address, purpose, method="optout_page")
