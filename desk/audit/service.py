"""Writing and verifying the audit trail."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

from flask import has_request_context
from sqlalchemy import bindparam, insert, select, update

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
    prev_hash=select(_HEAD.c.last_hash).where(_HEAD.c.id == 1, _HEAD.c.last_hash == bindparam("follows"))
    .scalar_subquery())
_NEW_HASH = bindparam("hash", type_=_HEAD.c.last_hash.type)
#: The head moves to the event just appended, found by its (unique) hash: no round trip
#: to learn the new id first.
_MOVE_HEAD = (update(_HEAD).where(_HEAD.c.id == 1)
              .values(last_id=select(_EVENTS.c.id).where(_EVENTS.c.hash == _NEW_HASH).scalar_subquery(),
                      last_hash=_NEW_HASH))
_NEW_HEAD = insert(_HEAD).values(id=1, last_id=0, last_hash=GENESIS)


def _digest(prev_hash: str, event) -> str:
    """The hash of one event; `event` is a mapping of its columns."""
    body = {
        "prev": prev_hash,
        "at": event["at"].astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": event["actor_id"],
        "actor_kind": event["actor_kind"],
        "action": event["action"],
        "case_id": event["case_id"],
        "case_reference": event["case_reference"],
        "from": event["from_status"],
        "to": event["to_status"],
        "detail": event["detail"] or {},
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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
        connection.execute(_NEW_HEAD)
        return GENESIS
    return last_hash


def followed_a_moved_head(error: BaseException) -> bool:
    """Whether `error` is the refusal of an append built on a head that has moved since
    (record(follows=...)): nothing is wrong but timing, and the append may be built again."""
    return "prev_hash" in str(error) and "null" in str(error).lower()


def record(action: str, *, actor=None, case=None, from_status: str | None = None,
           to_status: str | None = None, detail: dict | None = None, actor_kind: str | None = None,
           case_id: int | None = None, case_reference: str | None = None, connection=None,
           follows: str | None = None) -> str:
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
            connection.execute(_NEW_HEAD)
            follows = GENESIS
    event = {"at": now(), "actor_id": getattr(actor, "id", None), "actor_kind": actor_kind or _actor_kind(actor),
             "action": action, "case_id": case_id, "case_reference": case_reference,
             "from_status": from_status, "to_status": to_status, "detail": detail or {}}
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


def verify(batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order, recomputing every hash. Reads plain rows in batches, so a
    trail of millions of events needs the memory of one batch and the ORM session (with the
    signed-in user in it) is left alone."""
    table = AuditEvent.__table__
    prev_hash, last_id, checked = GENESIS, 0, 0
    while True:
        rows = db.session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            event = row._mapping
            if event["prev_hash"] != prev_hash:
                return VerifyResult(False, checked, event["id"],
                                    "the event does not follow the one before it (an event was removed or altered)")
            if _digest(prev_hash, event) != event["hash"]:
                return VerifyResult(False, checked, event["id"], "the event's content does not match its hash (altered)")
            prev_hash, last_id = event["hash"], event["id"]
            checked += 1
    head = db.session.execute(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if head is not None and (head.last_hash != prev_hash or head.last_id != last_id):
        return VerifyResult(False, checked, head.last_id or None,
                            "the newest events are missing (the trail was cut short)")
    return VerifyResult(True, checked)
