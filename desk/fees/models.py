"""Fee payments received for a case (手数料)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class FeePayment(db.Model):
    __tablename__ = "fee_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Yen.
    amount: Mapped[int] = mapped_column()
    #: catalogue.PAYMENT_METHODS
    method: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    case = relationship("Case", backref="payments")
