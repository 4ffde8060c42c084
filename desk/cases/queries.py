"""Read-side queries for staff pages: the case list, one case's timeline."""
from __future__ import annotations

from sqlalchemy import func, select

from desk.audit.models import AuditEvent
from desk.auth.models import StaffUser
from desk.cases.models import Case
from desk.extensions import db


def status_counts() -> dict[str, int]:
    return dict(db.session.execute(select(Case.status, func.count()).group_by(Case.status)).all())


def case_list(status: str | None = None, page: int = 1, per_page: int = 50):
    """Cases ordered by what is due first: the internal target, then the statutory horizon;
    cases whose clock is paused follow by their requester due date."""
    query = select(Case)
    if status:
        query = query.where(Case.status == status)
    query = query.order_by(Case.is_open.desc(), Case.internal_target_on.is_(None),
                           Case.internal_target_on, Case.statutory_horizon_on, Case.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def timeline(case: Case) -> list[dict]:
    """The audit events of a case and its notes, oldest first."""
    rows = db.session.execute(
        select(AuditEvent, StaffUser.name).outerjoin(StaffUser, StaffUser.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)).all()
    entries = [{"at": event.at, "who": name, "event": event, "note": None} for event, name in rows]
    entries += [{"at": note.created_at, "who": note.author.name if note.author else None, "event": None, "note": note}
                for note in case.notes]
    return sorted(entries, key=lambda e: e["at"])
