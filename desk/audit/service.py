"""Writing and verifying the audit trail."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

from flask import has_request_context
from sqlalchemy import select

from desk.audit.models import AuditEvent, AuditHead
from desk.clock import now
from desk.extensions import db

GENESIS = "0" * 64


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = {
        "prev": prev_hash,
        "at": event.at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_kind": event.actor_kind,
        "action": event.action,
        "case_id": event.case_id,
        "case_reference": event.case_reference,
        "from": event.from_status,
        "to": event.to_status,
        "detail": event.detail or {},
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _head() -> AuditHead:
    # FOR UPDATE serialises appends on PostgreSQL; SQLite has one writer anyway.
    head = db.session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


def _actor_kind(actor) -> str:
    if actor is not None:
        return "staff"
    return "public" if has_request_context() else "system"


def record(action: str, *, actor=None, case=None, from_status: str | None = None,
           to_status: str | None = None, detail: dict | None = None, actor_kind: str | None = None) -> AuditEvent:
    """Append one event in the current transaction. `detail` holds codes and numbers only:
    never a name, an address or free text a person typed."""
    head = _head()
    event = AuditEvent(
        at=now(),
        actor_id=getattr(actor, "id", None),
        actor_kind=actor_kind or _actor_kind(actor),
        action=action,
        case_id=getattr(case, "id", None),
        case_reference=getattr(case, "reference", None),
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
        prev_hash=head.last_hash,
    )
    event.hash = _digest(head.last_hash, event)
    db.session.add(event)
    db.session.flush()
    head.last_id, head.last_hash = event.id, event.hash
    return event


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
            event = AuditEvent(**row._mapping)
            if event.prev_hash != prev_hash:
                return VerifyResult(False, checked, event.id,
                                    "the event does not follow the one before it (an event was removed or altered)")
            if _digest(prev_hash, event) != event.hash:
                return VerifyResult(False, checked, event.id, "the event's content does not match its hash (altered)")
            prev_hash, last_id = event.hash, event.id
            checked += 1
    head = db.session.execute(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if head is not None and (head.last_hash != prev_hash or head.last_id != last_id):
        return VerifyResult(False, checked, head.last_id or None,
                            "the newest events are missing (the trail was cut short)")
    return VerifyResult(True, checked)
