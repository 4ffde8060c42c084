"""Writing and verifying the audit trail.

Each event carries an HMAC-SHA256, under a key derived from the master key, over its
content and the MAC of the event before it. Someone who can write to the database but does
not hold the master key can neither alter, insert, remove nor reorder events, nor rewrite
the chain from some point on, without `verify` naming the first event that no longer fits.
What a chain alone cannot show is its newest events cut off (the head row moved back to an
earlier event): an auditor keeps a signed head (`export_head`, `flask desk audit-head`)
outside the database, and `verify(head=...)` checks that the trail still reaches it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, has_request_context
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert

from desk.audit.models import AuditEvent, AuditHead
from desk.clock import now
from desk.extensions import db

GENESIS = "0" * 64

_EVENTS = AuditEvent.__table__
_HEAD = AuditHead.__table__
#: FOR UPDATE serialises appends across app servers on PostgreSQL; SQLite has one writer anyway.
_LOCK_HEAD = select(_HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
#: SQLite has no row locks: its write lock is taken by the first write of a transaction, and
#: a head read before it could be stale by the time the event is appended. This no-op write
#: takes that lock (waiting its turn) before the head is read.
_TAKE_WRITE_LOCK = update(_HEAD).where(_HEAD.c.id == 1).values(last_hash=_HEAD.c.last_hash)
_READ_HEAD = select(_HEAD.c.last_hash).where(_HEAD.c.id == 1)
#: The new event names as its predecessor the head as it stands, and only if that is the
#: event the caller built it on (:follows); otherwise prev_hash is NULL, which the column
#: refuses. So an append built on a head read earlier, or guessed, fails rather than fork
#: the chain; the disposal job relies on that to send many appends without waiting.
_APPEND = insert(_EVENTS).values(
    prev_hash=select(_HEAD.c.last_hash)
    .where(_HEAD.c.id == 1, _HEAD.c.last_hash == bindparam("follows"))
    .scalar_subquery()
)
_NEW_HASH = bindparam("hash", type_=_HEAD.c.last_hash.type)
#: The head moves to the event just appended, found by its (unique) hash: no round trip
#: to learn the new id first.
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(last_id=select(_EVENTS.c.id).where(_EVENTS.c.hash == _NEW_HASH).scalar_subquery(), last_hash=_NEW_HASH)
)
_NEW_HEAD = insert(_HEAD).values(id=1, last_id=0, last_hash=GENESIS)


@functools.lru_cache(maxsize=8)
def _derive(master_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master_key.encode())


#: HKDF labels: one key chains the events, another signs exported heads.
CHAIN_KEY_INFO = b"desk: audit trail chain"
HEAD_KEY_INFO = b"desk: audit trail head"


def _chain_key() -> bytes:
    return _derive(current_app.config["MASTER_KEY"], CHAIN_KEY_INFO)


def event_body(prev_hash: str, event) -> bytes:
    """What the MAC of one event covers: its predecessor's MAC and every column but the id
    (given by the database after the append is sent). `event` is a mapping of its columns."""
    body = {
        "prev": prev_hash,
        "at": event["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event["actor_id"],
        "actor_kind": event["actor_kind"],
        "action": event["action"],
        "case_id": event["case_id"],
        "case_reference": event["case_reference"],
        "from": event["from_status"],
        "to": event["to_status"],
        "detail": event["detail"] or {},
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False).encode()


def _digest(prev_hash: str, event, key: bytes | None = None) -> str:
    """The MAC of one event: HMAC-SHA256 under the chain key, in hex."""
    return hmac.new(key or _chain_key(), event_body(prev_hash, event), hashlib.sha256).hexdigest()


def _actor_kind(actor) -> str:
    if actor is not None:
        return "staff"
    return "public" if has_request_context() else "system"


def head_of_chain(connection=None) -> str:
    """The hash of the newest event, without a lock (GENESIS before the first; the head
    row is then created in this transaction). For a caller that appends several events
    with record(follows=...), each built on the one before."""
    connection = connection if connection is not None else db.session.connection()
    last_hash = connection.execute(_READ_HEAD).scalar()
    if last_hash is None:
        return _make_head(connection, _READ_HEAD)
    return last_hash


def _make_head(connection, reread) -> str:
    """The head row, made by the trail's first append. Two first appends at once (two
    workers on an empty PostgreSQL database) must not both insert it, or the second fails
    with a duplicate key: the second waits for the first's row (ON CONFLICT DO NOTHING) and
    builds on it. SQLite has one writer at a time, so its first append is alone."""
    if connection.dialect.name != "postgresql":
        connection.execute(_NEW_HEAD)
        return GENESIS
    connection.execute(
        postgresql_insert(_HEAD)
        .values(id=1, last_id=0, last_hash=GENESIS)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    return connection.execute(reread).scalar()


def followed_a_moved_head(error: BaseException) -> bool:
    """Whether `error` is the refusal of an append built on a head that has moved since
    (record(follows=...)): nothing is wrong but timing, and the append may be built again."""
    return "prev_hash" in str(error) and "null" in str(error).lower()


def record(
    action: str,
    *,
    actor=None,
    case=None,
    from_status: str | None = None,
    to_status: str | None = None,
    detail: dict | None = None,
    actor_kind: str | None = None,
    case_id: int | None = None,
    case_reference: str | None = None,
    connection=None,
    follows: str | None = None,
) -> str:
    """Append one event in the current transaction and return its hash. `detail` holds
    codes and numbers only: never a name, an address or free text a person typed.

    The case is given as `case` (anything with id and reference) or as `case_id` and
    `case_reference`. Core statements, the same whether run through the session or, by the
    disposal job (one event per case for 100,000 cases), on a desk.driver.DriverConnection
    given as `connection`.

    Without `follows` the head is locked and read first. With it, the event is built on
    that hash without waiting for the read: the head is still locked, and the append
    fails (the transaction with it) if the head has moved meanwhile."""
    if case is not None:
        db.session.flush()  # a case created in this transaction needs its id first
        case_id, case_reference = case.id, case.reference
    if connection is None:
        connection = db.session.connection()
    if follows is None and connection.dialect.name == "sqlite":
        connection.execute(_TAKE_WRITE_LOCK)  # protects the read below; with follows, nothing is read
    head = connection.execute(_LOCK_HEAD)
    if follows is None:
        follows = head.scalar()
        if follows is None:
            follows = _make_head(connection, _LOCK_HEAD)
    event = {
        "at": now(),
        "actor_id": getattr(actor, "id", None),
        "actor_kind": actor_kind or _actor_kind(actor),
        "action": action,
        "case_id": case_id,
        "case_reference": case_reference,
        "from_status": from_status,
        "to_status": to_status,
        "detail": detail or {},
    }
    event["hash"] = _digest(follows, event)
    connection.execute(_APPEND, {**event, "follows": follows})
    connection.execute(_MOVE_HEAD, {"hash": event["hash"]})
    return event["hash"]


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""
    #: Facts an auditor should know though the chain is intact (e.g. the plain chain found
    #: broken when the trail was keyed).
    notes: list[str] = field(default_factory=list)


class HeadRefused(ValueError):
    """An exported head that is not desk's: malformed, or its signature does not match."""


HEAD_FORMAT = "desk-audit-head/1"


def _head_signature(fields: dict) -> str:
    payload = json.dumps(
        {k: fields[k] for k in ("format", "last_id", "last_hash", "events", "exported_at")}, sort_keys=True
    ).encode()
    return hmac.new(_derive(current_app.config["MASTER_KEY"], HEAD_KEY_INFO), payload, hashlib.sha256).hexdigest()


def export_head() -> dict:
    """The head of the trail as it stands, signed: for an auditor to keep outside the
    database and give back to `verify(head=...)`. It holds ids and MACs only."""
    row = db.session.execute(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    last_id, last_hash = (row.last_id, row.last_hash) if row is not None else (0, GENESIS)
    events = db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(AuditEvent.id <= last_id))
    head = {
        "format": HEAD_FORMAT,
        "last_id": last_id,
        "last_hash": last_hash,
        "events": events,
        "exported_at": now().astimezone(UTC).isoformat(timespec="seconds"),
    }
    head["signature"] = _head_signature(head)
    return head


def read_head(text: str) -> dict:
    """An exported head from its JSON; HeadRefused unless desk signed it with this master key."""
    try:
        head = json.loads(text)
        if head.get("format") != HEAD_FORMAT:
            raise HeadRefused("not an exported audit head (format)")
        head["last_id"], head["events"] = int(head["last_id"]), int(head["events"])
        signature = str(head["signature"])
        expected = _head_signature(head)
    except HeadRefused:
        raise
    except (ValueError, TypeError, KeyError, AttributeError):
        raise HeadRefused("not an exported audit head (unreadable)") from None
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise HeadRefused("the head's signature does not match (altered, or made with another master key)")
    return head


def verify(batch: int = 5000, head: dict | None = None) -> VerifyResult:
    """Walk the chain in id order, recomputing every MAC. Reads plain rows in batches, so a
    trail of millions of events needs the memory of one batch and the ORM session (with the
    signed-in user in it) is left alone. With `head` (from read_head), the trail must still
    hold that event, with that MAC, after as many events as when it was exported."""
    table = AuditEvent.__table__
    key = _chain_key()
    prev_hash, last_id, checked = GENESIS, 0, 0
    notes: list[str] = []
    head_seen = head is None or head["last_id"] == 0
    while True:
        rows = db.session.execute(select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            event = row._mapping
            if event["prev_hash"] != prev_hash:
                return VerifyResult(
                    False,
                    checked,
                    event["id"],
                    "the event does not follow the one before it (an event was removed, inserted, moved or altered)",
                )
            if not hmac.compare_digest(_digest(prev_hash, event, key), event["hash"]):
                return VerifyResult(
                    False,
                    checked,
                    event["id"],
                    "the event's content does not match its MAC (altered, or not written by desk)",
                )
            prev_hash, last_id = event["hash"], event["id"]
            checked += 1
            if head is not None and event["id"] == head["last_id"]:
                if event["hash"] != head["last_hash"] or checked != head["events"]:
                    return VerifyResult(
                        False,
                        checked,
                        event["id"],
                        "the trail no longer leads to the exported head (rewritten before it)",
                    )
                head_seen = True
            if event["action"] == "audit.keyed" and (event["detail"] or {}).get("plain_chain") == "broken":
                notes.append(
                    f"when the trail was keyed (event {event['id']}), the plain chain before it was "
                    f"already broken at event {event['detail'].get('broken_at')}"
                )
    if not head_seen:
        return VerifyResult(
            False,
            checked,
            head["last_id"],
            "the exported head is no longer in the trail (its newest events were cut off)",
        )
    row = db.session.execute(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if row is not None and (row.last_hash != prev_hash or row.last_id != last_id):
        return VerifyResult(
            False, checked, row.last_id or None, "the newest events are missing (the trail was cut short)"
        )
    return VerifyResult(True, checked, notes=notes)
