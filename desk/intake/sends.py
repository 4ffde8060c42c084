"""Sends are idempotent: the confirmation page carries a one-time token, and a repeated or
concurrent send of it returns the first send's completion page instead of a second case."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import timedelta

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import g, session
from sqlalchemy import bindparam, delete
from sqlalchemy.exc import IntegrityError

from desk.clock import now
from desk.extensions import db
from desk.intake.models import IntakeSend

SESSION_KEY = "intake_send_token"
#: How long a repeated send still finds the first one's completion page.
KEEP = timedelta(minutes=30)
NONCE = 12
#: Sends older than KEEP, removed before a claim (built once). No object of the session is
#: matched against it (synchronize_session): the session never reads an expired send.
_EXPIRED = (
    delete(IntakeSend).where(IntakeSend.created_at < bindparam("cutoff")).execution_options(synchronize_session=False)
)
#: A process sweeps the expired sends before a claim at most this often: a send lives a
#: minute past KEEP at most, and the other sends of that minute skip a statement (a round
#: trip each on PostgreSQL). Concurrent sweeps are harmless.
SWEEP_EVERY = timedelta(minutes=1)
_last_sweep = [None]


def issue() -> str:
    """A fresh token for the confirmation page, remembered in the session it was shown to."""
    token = secrets.token_urlsafe(24)
    session[SESSION_KEY] = token
    return token


def valid(token: str | None) -> bool:
    """The token was issued to this session (the double click's two requests share it)."""
    issued = session.get(SESSION_KEY)
    return bool(token and issued) and hmac.compare_digest(str(token).encode(), str(issued).encode())


def _hash(token: str) -> str:
    return hashlib.sha256(b"desk intake send\0" + token.encode()).hexdigest()


def _key(token: str) -> bytes:
    return hashlib.sha256(b"desk intake completion\0" + token.encode()).digest()


def claim(token: str) -> bool:
    """Insert the token's row first in the send's transaction; False (and the transaction
    rolled back) when another send has it, after waiting for that send to end. The caller commits."""
    if db.session.get_bind().dialect.name != "postgresql":
        # Nothing is pending. SQLite: a fresh transaction, so the write below waits for a
        # concurrent writer instead of failing on a snapshot older than its commit.
        # PostgreSQL reads afresh at each statement: the transaction the settings were read
        # in goes on, which spares a ROLLBACK and a BEGIN.
        db.session.rollback()
    moment, last = now(), _last_sweep[0]
    if last is None or not last <= moment < last + SWEEP_EVERY:  # due, or the clock went back
        _last_sweep[0] = moment
        db.session.execute(_EXPIRED, {"cutoff": moment - KEEP})
    row = IntakeSend(token_hash=_hash(token))
    db.session.add(row)
    try:
        db.session.flush()  # PostgreSQL waits here for a concurrent send of the same token
    except IntegrityError:
        db.session.rollback()
        return False
    # Held for complete(): the session keeps a clean object only by a weak reference, so
    # without this it is gone by then and read back from the database.
    g._desk_claimed_send = row
    return True


def complete(token: str, completion: dict) -> None:
    """Keep what the completion page shows, for a repeated send of the same token."""
    held = g.pop("_desk_claimed_send", None)
    row = held if held is not None and held.token_hash == _hash(token) else db.session.get(IntakeSend, _hash(token))
    nonce = os.urandom(NONCE)
    row.completion = nonce + AESGCM(_key(token)).encrypt(nonce, json.dumps(completion).encode(), None)


def completed(token: str) -> dict | None:
    """The completion page of the send that claimed this token, or None."""
    row = db.session.get(IntakeSend, _hash(token), populate_existing=True)
    if row is None or row.completion is None:
        return None
    blob = row.completion
    return json.loads(AESGCM(_key(token)).decrypt(blob[:NONCE], blob[NONCE:], None))
