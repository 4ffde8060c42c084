"""Letters issued for a case; the copy generated at dispatch is kept, encrypted, until disposal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.storage.models import EncryptedFile
from desk.types import UTCDateTime


class Letter(EncryptedFile, db.Model):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The case the letter is about; None for a letter about an inquiry.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The inquiry a reply (kind "inquiry_reply") answers (desk.inquiries).
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    #: "ack", "shortfall", "extension", "reply", "lapse", "access_code" or "inquiry_reply".
    kind: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="ja")
    #: Date printed on the letter.
    dated_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: Set when sent; a letter without it is waiting in the print run.
    dispatched_on: Mapped[date | None] = mapped_column(Date)
    #: catalogue.DISPATCH_METHODS
    dispatch_method: Mapped[str | None] = mapped_column(String(20))
    #: Set when a queued letter left the print run unsent: its reason went (the fee was
    #: paid, the case closed), or an officer took it out. A withdrawn letter is never printed.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why: "reason_gone" (the case no longer calls for it), "by_hand" or "disposed".
    withdrawn_reason: Mapped[str | None] = mapped_column(String(16))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    @classmethod
    def waiting(cls):
        """The condition for a letter waiting in the print run."""
        return and_(cls.dispatched_on.is_(None), cls.storage_name.is_(None), cls.withdrawn_at.is_(None))

    case = relationship("Case", backref="letters")
    inquiry = relationship("Inquiry")

    @property
    def reference(self) -> str:
        """The reference of what the letter is about: its case, or its inquiry."""
        return self.case.reference if self.case_id is not None else self.inquiry.reference

    def audit_subject(self) -> dict:
        """The audit arguments naming what the letter is about."""
        if self.case_id is not None:
            return {"case": self.case}
        return {"case_reference": self.inquiry.reference}
