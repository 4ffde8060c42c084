"""A supervisor's approval of a drafted decision (the four-eyes rule for refusals)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
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
    #: "pending", "approved" or "returned"
    result: Mapped[str] = mapped_column(String(12), default="pending")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
