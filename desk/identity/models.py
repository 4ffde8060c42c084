"""Documents submitted with a request: identity documents, proxy documents, enclosures."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.storage.models import EncryptedFile
from desk.types import UTCDateTime


class Document(EncryptedFile, db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Whose document: "principal" or "proxy"; None for enclosures and disclosed data.
    party: Mapped[str | None] = mapped_column(String(10))
    #: catalogue.DOCUMENT_KINDS code, or "enclosure" / "application" / "disclosed_data".
    kind: Mapped[str] = mapped_column(String(32))
    #: A neutral label shown to staff, e.g. "運転免許証 1/2" (never the uploaded file name).
    label: Mapped[str | None] = mapped_column(String(120))
    #: Review by the officer: "received", "acceptable" or "deficient".
    review: Mapped[str] = mapped_column(String(12), default="received")
    deficiency: Mapped[str | None] = mapped_column(Text)
    #: Issue date of a certificate, typed by the officer (3-month rule).
    issued_on: Mapped[date | None] = mapped_column(Date)
    #: When an officer burnt masks into it (My Number, insured-person symbol/number).
    masked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    case = relationship("Case", backref="documents")
