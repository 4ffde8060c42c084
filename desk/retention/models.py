"""Legal holds and the disposal record (one run, and the cases it disposed)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class LegalHold(db.Model):
    """A hold suspends disposal of a case (e.g. a lawsuit under Art. 39) until released.

    The reason is free text and stays here, never in the audit trail; it is about the
    case's litigation, not the requester, and is kept with the hold after release."""

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_active", "case_id", "released_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: None while the hold stands.
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    case = relationship("Case")
    placed_by = relationship("StaffUser", foreign_keys=[placed_by_id])
    released_by = relationship("StaffUser", foreign_keys=[released_by_id])

    @property
    def active(self) -> bool:
        return self.released_at is None


class DisposalRun(db.Model):
    """One run of the disposal job: the disposal record (廃棄記録) an auditor reads."""

    __tablename__ = "disposal_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: None while running, or when the run was interrupted (its cases are still listed).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The day the run counted retention from.
    as_of: Mapped[date] = mapped_column(Date)
    #: "staff", "system" (the daily job) or "cli" (an operator ran `desk dispose`).
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    case_count: Mapped[int] = mapped_column(default=0)
    #: Stored files (documents and letters) destroyed.
    document_count: Mapped[int] = mapped_column(default=0)

    actor = relationship("StaffUser")


class DisposedCase(db.Model):
    """One case disposed in a run, written in the same transaction as its redaction."""

    __tablename__ = "disposed_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("disposal_runs.id", ondelete="CASCADE"), index=True)
    #: Unique: a case is disposed once. Two runs at once (two app servers' daily jobs)
    #: cannot both record it, so the second one's transaction for it fails whole.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), unique=True)
    reference: Mapped[str] = mapped_column(String(20))
    closed_on: Mapped[date] = mapped_column(Date)
    documents: Mapped[int] = mapped_column(default=0)
