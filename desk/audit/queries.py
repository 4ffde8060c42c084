"""Reading the audit trail for the viewer: filters and pages, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.clock import local_zone
from desk.extensions import db


@dataclass
class AuditFilter:
    start: date | None = None
    end: date | None = None
    action: str | None = None
    actor_id: int | None = None
    #: "system" or "public" select events without a staff actor.
    actor_kind: str | None = None
    reference: str | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def events(f: AuditFilter, page: int = 1, per_page: int = 50):
    """A page of events, newest first. Dates are the business's local days."""
    query = select(AuditEvent)
    if f.start:
        query = query.where(AuditEvent.at >= _local_midnight(f.start))
    if f.end:
        query = query.where(AuditEvent.at < _local_midnight(f.end + timedelta(days=1)))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.actor_id:
        query = query.where(AuditEvent.actor_id == f.actor_id)
    elif f.actor_kind in ("system", "public", "api"):
        query = query.where(AuditEvent.actor_kind == f.actor_kind)
    if f.reference:
        query = query.where(AuditEvent.case_reference == f.reference)
    return db.paginate(query.order_by(AuditEvent.id.desc()), page=page, per_page=per_page, error_out=False)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
