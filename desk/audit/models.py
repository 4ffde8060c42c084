"""The audit trail: append-only, each event chained to the previous one by a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.types import UTCDateTime


class AuditEvent(db.Model):
    """Who did what, when, on which case. Codes and references only, never personal data,
    so the trail survives disposal whole."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The staff user, or None for the system (daily job) and the public (web form).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: "staff", "system" or "public".
    actor_kind: Mapped[str] = mapped_column(String(10))
    #: A dotted code, e.g. "case.transition", "document.viewed", "staff.login_failed".
    action: Mapped[str] = mapped_column(String(48), index=True)
    case_id: Mapped[int | None] = mapped_column(index=True)
    #: Kept as text too, so the event still names the case if the row is ever gone.
    case_reference: Mapped[str | None] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    #: Codes and numbers only.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(db.Model):
    """One row holding the hash of the newest event. Locking it serialises appends across
    application servers, so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
