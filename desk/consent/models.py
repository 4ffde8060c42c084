"""The consent log (append-only: a withdrawal is a new record), each address's current state per purpose, and pending sign-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class ConsentRecord(db.Model):
    """One thing that happened to one address's consent for one purpose on one channel.
    Never changed afterwards: history is read from these rows, newest last."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: channels.CHANNELS
    channel: Mapped[str] = mapped_column(String(8))
    #: a code of the setting consent_purposes, or "all" (a withdrawal from every purpose)
    purpose: Mapped[str] = mapped_column(String(40))
    #: channels.ACTIONS: requested, given, withdrawn
    action: Mapped[str] = mapped_column(String(12))
    #: Keyed digest of the normalised address (desk.consent.keys): the database names nobody.
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(16), index=True)
    #: What staff see of the address (ta＊＊＊@example.jp, ＊＊＊＊＊＊＊5678, 山＊ 花＊ 東京都渋谷区＊＊＊).
    address_masked: Mapped[str] = mapped_column(String(120))
    #: When the person gave or withdrew it (for a double opt-in: the click on the confirmation link).
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: When desk wrote the record (an import or a paper form is entered later).
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: channels.METHODS
    method: Mapped[str] = mapped_column(String(20))
    #: The exact text the person was shown when consenting, and its version.
    shown_text: Mapped[str | None] = mapped_column(Text)
    text_version: Mapped[str | None] = mapped_column(String(40))
    #: The staff member who took it (phone, counter, paper form, import, case).
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The rights request it came with (an opt-out asked together with a cessation request).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    #: The pending sign-up a double opt-in record belongs to.
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("consent_signups.id", ondelete="SET NULL"))
    #: Where it came from: the imported file's name, the paper form's number, a staff note.
    source: Mapped[str | None] = mapped_column(String(200))

    staff = relationship("StaffUser")

    @property
    def number(self) -> str:
        return f"C-{self.id:07d}"


class ConsentState(db.Model):
    """The latest given or withdrawn record of one address for one purpose on one channel:
    what screening reads. Kept by desk.consent.service on every record, never edited by hand."""

    __tablename__ = "consent_states"
    __table_args__ = (
        UniqueConstraint("channel", "purpose", "key_hash", name="one_state_per_address"),
        # Screening by channel reads every digest of a channel, purpose and state: from the
        # index alone (migration 0027).
        Index("ix_consent_states_screening", "channel", "purpose", "state", "key_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(40))
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(16), index=True)
    #: Post: the digest of the name alone, so screening normalises an address only for a namesake.
    name_hash: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    #: "given" or "withdrawn"
    state: Mapped[str] = mapped_column(String(12))
    #: The record that set it: later records win (ids only grow). NULL once its history has
    #: been disposed of while the opt-out itself is still honoured (post and phone).
    record_id: Mapped[int | None] = mapped_column(ForeignKey("consent_records.id", ondelete="SET NULL"))
    #: Its own order, which outlives the record: the id of the record that set it.
    sequence: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsentSignup(db.Model):
    """A sign-up from the public form waiting for its confirmation link to be clicked. The
    address is held in clear only until then (to send the welcome message), then erased."""

    __tablename__ = "consent_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(16))
    #: purpose codes, comma-separated
    purposes: Mapped[str] = mapped_column(String(400))
    #: "ja" or "en": the language of the form, the mails and the pages that follow
    language: Mapped[str] = mapped_column(String(2), default="ja")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the address was erased (confirmed, or the link expired).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsentDroppedPurpose(db.Model):
    """A purpose that was in the setting consent_purposes and is no longer: nothing can be
    screened or sent for it since, so its records are kept consent_keep_days from
    `dropped_at` and then disposed of. Noted by the disposal run the first time it finds
    records of a purpose the setting no longer names (so the period counts from then, never
    from earlier); forgotten if the purpose comes back."""

    __tablename__ = "consent_dropped_purposes"

    purpose: Mapped[str] = mapped_column(String(40), primary_key=True)
    dropped_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: When its records were disposed of (the row stays, so the run does not count them again).
    disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
