"""Documents submitted with a request (identity documents, proxy documents, enclosures) and
the officer's identity and proxy check of a case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
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
    #: How it came after the application: "staff" (added on the case page: a scan that came
    #: by post, a photo at the counter) or "requester" (the status page); None with the application.
    origin: Mapped[str | None] = mapped_column(String(12))

    case = relationship("Case", backref="documents")


class Verification(db.Model):
    """The identity check (three addresses) and the proxy check of one case. It belongs to
    that case and is never copied."""

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
    #: An in-person check at the counter: the identity-document kinds the officer saw
    #: (catalogue.IDENTITY_DOCUMENTS codes), who checked and when.
    counter_kinds: Mapped[list | None] = mapped_column(JSON)
    counter_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    counter_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The last digits of the document's number, only where the business records them
    #: (setting identity_record_number_tail; personal data, erased at disposal).
    counter_number_tail: Mapped[str | None] = mapped_column(String(8))
    #: Where the addresses disagree and the business accepts a linking document (setting
    #: identity_accept_linking_document): the reviewed document that links them.
    linking_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
