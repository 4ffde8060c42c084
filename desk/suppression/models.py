"""The suppression register and the log of screenings (the evidence of the triple check)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.storage.models import EncryptedFile
from desk.types import UTCDateTime

#: scope codes -> (ja, en)
SCOPES = {
    "third_party_provision": ("第三者提供の停止", "No provision to third parties"),
    "all_use": ("利用停止（全利用）", "No use at all"),
}
#: how an entry came onto the register -> (ja, en)
ORIGINS = {
    "decision": ("請求の決定", "Decision on a request"),
    "alternative_measure": ("代替措置の決定", "Decision: alternative measure"),
    "manual": ("職員が登録", "Added by staff"),
    "import": ("一括取込", "Imported"),
}
#: screening directions -> (ja, en)
DIRECTIONS = {
    "acquired": ("取得した名簿", "List acquired"),
    "delivery": ("提供する名簿", "List to be delivered"),
}


class SuppressionEntry(db.Model):
    """One person who must not be provided (or used): keyed hashes of their normalised
    details, and only what an officer needs to recognise the entry."""

    __tablename__ = "suppression_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC-SHA256 (hex) of the normalised name, reading, date of birth, phone and address.
    name_hash: Mapped[str] = mapped_column(String(64), index=True)
    kana_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_date_hash: Mapped[str | None] = mapped_column(String(64))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    address_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The name masked by keys.mask_name (山＊ 花＊; a one-character part shows nothing: 森＊ ＊).
    display_name: Mapped[str] = mapped_column(String(40))
    #: SCOPES
    scope: Mapped[str] = mapped_column(String(24))
    #: ORIGINS
    origin: Mapped[str] = mapped_column(String(24))
    #: The case the entry came from (kept after the case's documents are disposed).
    source_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    #: The case reference, or the reference of an imported register.
    source_reference: Mapped[str | None] = mapped_column(String(40))
    added_on: Mapped[date] = mapped_column(Date)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    added_by = relationship("StaffUser")

    @property
    def number(self) -> str:
        return f"S-{self.id:06d}"


class ScreeningRun(db.Model):
    """One screening of one list: when, who, which list, which way, rows in and removed."""

    __tablename__ = "screening_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    #: The staff member (web); NULL for the command line, where `operator` names the OS user.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    operator: Mapped[str | None] = mapped_column(String(100))
    #: "web" or "cli"
    via: Mapped[str] = mapped_column(String(8))
    #: The list's file name as given (a list name, e.g. "2026-11 取得名簿A.csv").
    list_name: Mapped[str] = mapped_column(String(200))
    #: DIRECTIONS
    direction: Mapped[str] = mapped_column(String(16))
    rows_in: Mapped[int] = mapped_column(Integer)
    rows_removed: Mapped[int] = mapped_column(Integer)
    #: Register entries the list was screened against.
    register_size: Mapped[int] = mapped_column(Integer)
    #: "utf-8", "utf-8-sig" or "cp932"
    encoding: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the list as received and of the list as written: ties the log to the files.
    input_sha256: Mapped[str] = mapped_column(String(64))
    output_sha256: Mapped[str] = mapped_column(String(64))
    #: Screened for marketing by channel (desk.consent): the channel, the purpose and the
    #: rows its consent removed (NULL for a screening against the register alone).
    channel: Mapped[str | None] = mapped_column(String(8))
    purpose: Mapped[str | None] = mapped_column(String(40))
    consent_removed: Mapped[int | None] = mapped_column(Integer)

    staff = relationship("StaffUser")
    files: Mapped[list[ScreeningFile]] = relationship(back_populates="run", order_by="ScreeningFile.id")

    @property
    def who(self) -> str:
        return self.staff.name if self.staff else (self.operator or "—")


class ScreeningFile(EncryptedFile, db.Model):
    """The screened list or the report of a web screening, kept encrypted for download
    until the daily job shreds it (setting screening_result_days)."""

    __tablename__ = "screening_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("screening_runs.id", ondelete="CASCADE"), index=True)
    #: "output" or "report"
    kind: Mapped[str] = mapped_column(String(8))

    run: Mapped[ScreeningRun] = relationship(back_populates="files")
