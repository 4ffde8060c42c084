"""What a decision rests on and who approved it: the searches for the principal's data, and
a supervisor's approval of a drafted decision (the four-eyes rule for refusals and partial
outcomes) or of a lapse the daily job proposes ("treated as not made")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class Approval(db.Model):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The officer who submitted the draft.
    drafter_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The supervisor who decided; never the drafter.
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: "decision": a drafted decision; "lapse": the requester's fee or documents did not
    #: arrive by the due date, and the daily job proposes to treat the request as not made.
    kind: Mapped[str] = mapped_column(String(12), default="decision", server_default="decision")
    #: For a lapse, what did not arrive: "fee", "documents" or "clarification".
    reason: Mapped[str | None] = mapped_column(String(16))
    #: "pending", "approved", "returned" (for a lapse: a new due date was given), or
    #: "superseded" (a lapse no longer in question: what was owed arrived, or the case moved on)
    result: Mapped[str] = mapped_column(String(12), default="pending")
    #: Why the supervisor returned a decision for revision, shown to the drafter on the case.
    comment: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def pending_lapse(cls):
        """The condition for a lapse proposal that still waits for a supervisor."""
        return and_(cls.kind == "lapse", cls.result == "pending")

    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DataSearch(db.Model):
    """One search for the principal's data: which systems, and what was found."""

    __tablename__ = "data_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The systems or ledgers searched (free text; may name the principal: redacted at disposal).
    systems: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
