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
    the principals concerned is the encrypted file; `people` indexes it by keyed hashes.
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


class RecordPerson(db.Model):
    """One person (a row with a name) on one recorded list: the suppression register's own
    keyed digests of the row's normalised fields (HMAC-SHA256 under the register's key, each
    field under its tag, cut to 16 bytes), the very digests the screening computes. Nothing
    readable. The person is found by the name's digest (the one secondary index); the other
    digests confirm it as the register's rules do.

    Clustered by (record, row): a list's rows are appended in order and deleted as one range
    at disposal (SQLite: WITHOUT ROWID, so the table is that key's B-tree, no rowid beside)."""

    __tablename__ = "provision_record_people"
    __table_args__ = (Index("ix_provision_record_people_name_key", "name_key"), {"sqlite_with_rowid": False})

    record_id: Mapped[int] = mapped_column(
        ForeignKey("provision_records.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    #: The person's row on the list (1 = first row after the header).
    row: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: 16 bytes each (index.DIGEST_BYTES): never colliding across billions of rows.
    name_key: Mapped[bytes] = mapped_column(LargeBinary(16))
    birth_key: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    phone_key: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    address_key: Mapped[bytes | None] = mapped_column(LargeBinary(16))
