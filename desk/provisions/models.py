"""Counterparties, the records of provision and receipt (Arts. 29, 30), and the keyed index of the people on each list."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.storage.models import EncryptedFile
from desk.types import UTCDateTime


class Counterparty(db.Model):
    """A third party the business provides data to or receives data from (提供先・提供元)."""

    __tablename__ = "counterparties"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A short code staff and the command line use (`--to CODE`); kept in exports instead of the name.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    #: For a corporation: its representative (代表者の氏名).
    representative: Mapped[str | None] = mapped_column(String(100))
    #: Where the counterparty provides by opt-out: its notification to the Commission.
    optout_published_on: Mapped[date | None] = mapped_column(Date)
    optout_reference: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    @property
    def provides_by_optout(self) -> bool:
        return bool(self.optout_reference)


class ProvisionRecord(EncryptedFile, db.Model):
    """One provision to or receipt from a counterparty: the Art. 29/30 record. The list of
    the principals concerned is the encrypted file; its buckets (RecordBucket) index it.
    At disposal the file is shredded and the index deleted; the skeleton stays."""

    __tablename__ = "provision_records"
    __table_args__ = (Index("ix_provision_records_due", "keep_until", "disposed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: bases.DIRECTIONS: "provision" or "receipt"
    direction: Mapped[str] = mapped_column(String(10), index=True)
    #: The date of provision or receipt.
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    counterparty_id: Mapped[int] = mapped_column(ForeignKey("counterparties.id"), index=True)
    #: bases.BASES (a basis that needs a record)
    basis: Mapped[str] = mapped_column(String(24))
    #: The data items provided or received (e.g. 氏名、住所、電話番号).
    items: Mapped[str] = mapped_column(Text)
    #: Receipt: how the provider acquired the data, as the provider stated and staff confirmed (Art. 30(1)(ii)).
    acquisition: Mapped[str | None] = mapped_column(Text)
    #: Receipt from an opt-out provider: the Commission's publication confirmed (date, reference).
    optout_published_on: Mapped[date | None] = mapped_column(Date)
    optout_reference: Mapped[str | None] = mapped_column(String(100))
    #: The list's name as given, or 「個別記録」 for a manual record.
    list_name: Mapped[str] = mapped_column(String(200))
    #: "screening" (desk screen, the screening page) or "manual" (the staff form)
    via: Mapped[str] = mapped_column(String(10))
    screening_run_id: Mapped[int | None] = mapped_column(ForeignKey("screening_runs.id", ondelete="SET NULL"))
    #: People on the list (rows with a name); kept after disposal.
    person_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows the index holds (person_count until disposal, then 0).
    indexed_count: Mapped[int] = mapped_column(Integer, default=0)
    #: When the list's people were indexed; NULL while the index is still to be built (a
    #: screening indexes right after the screened list is written; `desk daily` catches up).
    indexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The command line's --column mapping, so the list can be indexed later as it was screened.
    column_overrides: Mapped[dict | None] = mapped_column(JSON)
    #: The stored list's encoding (as the list came: utf-8, utf-8-sig, cp932), to read a piece of it.
    list_encoding: Mapped[str | None] = mapped_column(String(20))
    #: The stored list is in pieces (the header, then some 32 KB of rows each): the first
    #: row of each piece after the header, as big-endian uint32s (desk.provisions.index).
    piece_rows: Mapped[bytes | None] = mapped_column(LargeBinary)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The command line's OS user when recorded there.
    operator: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: occurred_on + the basis's years (settings); disposal is due the day after.
    keep_until: Mapped[date] = mapped_column(Date)
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Why the hold stands (litigation, an inquiry of the Commission); staff with retention.hold only.
    hold_reason: Mapped[str | None] = mapped_column(Text)
    disposed_on: Mapped[date | None] = mapped_column(Date)

    counterparty: Mapped[Counterparty] = relationship()
    recorded_by = relationship("StaffUser")

    @property
    def number(self) -> str:
        return f"{'P' if self.direction == 'provision' else 'R'}-{self.id:06d}"


class RecordBucket(db.Model):
    """One bucket of a recorded list's index (desk.provisions.index): the people of the list
    whose name's keyed digest (the suppression register's) begins with the bucket's 12 bits,
    each as that digest's first 8 bytes and the row, sealed (AES-GCM) under a key derived
    from the stored list's own key. Nothing readable; shredding the list's key shreds its
    index too.

    Clustered by (record, bucket): a list's buckets are appended in order and deleted as one
    range at disposal; a search reads one bucket of each list kept (SQLite: WITHOUT ROWID)."""

    __tablename__ = "provision_record_buckets"
    __table_args__ = ({"sqlite_with_rowid": False},)

    record_id: Mapped[int] = mapped_column(
        ForeignKey("provision_records.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: nonce (12 bytes) + AES-GCM ciphertext of the bucket's entries
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
