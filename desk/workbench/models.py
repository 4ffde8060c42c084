"""What the officer records while working a case: the identity and proxy checks, and where
the data was looked for. Verification belongs to one case and is never copied."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class Verification(db.Model):
    """The identity check (three addresses) and the proxy check of one case."""

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    #: The address on the identity document, typed by the officer looking at it (personal data).
    document_address: Mapped[str | None] = mapped_column(Text)
    #: The address in the business's own records, typed or pasted (personal data).
    records_address: Mapped[str | None] = mapped_column(Text)
    #: "identified" or "unidentified"; None until the officer decides.
    identity_result: Mapped[str | None] = mapped_column(String(16))
    identity_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    identity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: "confirmed" or "unconfirmed" for a proxy's authority; None until decided.
    proxy_result: Mapped[str | None] = mapped_column(String(16))
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    proxy_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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
