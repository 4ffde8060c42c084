"""Inquiries and complaints: what reaches the desk and is not a statutory request (JIS Q 15001
asks for a record of complaints and consultations and their answers; Art. 40 for handling them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.storage.models import EncryptedFile
from desk.types import UTCDateTime


class Inquiry(db.Model):
    __tablename__ = "inquiries"
    __table_args__ = (
        # The queue: open inquiries by what is due first.
        Index("ix_inquiries_queue", "status", "due_on", "id"),
        Index("ix_inquiries_received", "received_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Told to the person and printed on the reply (文書番号), e.g. Q2026-000012.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: inquiries.catalogue.CHANNELS
    channel: Mapped[str] = mapped_column(String(16))
    #: The day it reached the desk.
    received_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: Language of the person and of the reply letter.
    language: Mapped[str] = mapped_column(String(2), default="ja")
    #: inquiries.catalogue.CATEGORIES
    category: Mapped[str] = mapped_column(String(20), index=True)
    #: inquiries.catalogue.STATES; changed only through desk.inquiries.service.
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    #: Who asked: everything optional (anonymous complaints exist). Erased at disposal.
    name: Mapped[str | None] = mapped_column(String(100))
    #: Normalised name, for the queue's search (desk.cases.search.name_key).
    name_key: Mapped[str | None] = mapped_column(String(100), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    phone_key: Mapped[str | None] = mapped_column(String(20), index=True)
    postal_code: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(300))
    #: The matter, in the person's words or as the officer noted it. Erased at disposal.
    matter: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: received_on + inquiry_answer_days business days (setting).
    due_on: Mapped[date] = mapped_column(Date)
    #: The answer last given: text (erased at disposal), date and how (ANSWER_CHANNELS).
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_channel: Mapped[str | None] = mapped_column(String(16))
    #: The first answer's date: the dashboard's time to answer counts to it.
    first_answered_on: Mapped[date | None] = mapped_column(Date)
    #: Retention counts from it (inquiry_retention_years).
    closed_on: Mapped[date | None] = mapped_column(Date)
    disposed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    assignee = relationship("StaffUser", lazy="joined")
    attachments: Mapped[list[InquiryAttachment]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="InquiryAttachment.id"
    )
    links: Mapped[list[InquiryCase]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="InquiryCase.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "answered")


class InquiryAttachment(EncryptedFile, db.Model):
    """A file that came with an inquiry or that the officer attached, stored encrypted."""

    __tablename__ = "inquiry_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    #: "public" (sent with the web form) or "staff".
    added_by: Mapped[str] = mapped_column(String(10), default="staff")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    inquiry: Mapped[Inquiry] = relationship(back_populates="attachments")


class InquiryCase(db.Model):
    """A case an inquiry led to, or came from (inquiries.catalogue.LINKS)."""

    __tablename__ = "inquiry_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: "opened_case" or "from_case"
    relation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    inquiry: Mapped[Inquiry] = relationship(back_populates="links")
    case = relationship("Case")
