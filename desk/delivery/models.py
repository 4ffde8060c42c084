"""A delivery package: the reply and the disclosed data, published to the requester's page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import now
from desk.extensions import db
from desk.storage.models import EncryptedFile
from desk.types import UTCDateTime


class DeliveryPackage(EncryptedFile, db.Model):
    """One ZIP file (reply PDF, disclosed rows as CSV and as a PDF table, attached files),
    stored encrypted under its own key. Its key is shredded when its period ends or its
    downloads are used up; the case's stored reply stays until disposal."""

    __tablename__ = "delivery_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: After this moment the package is shredded (desk daily) and the page says how to ask again.
    available_until: Mapped[datetime] = mapped_column(UTCDateTime())
    max_downloads: Mapped[int] = mapped_column(Integer)
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    #: Whether the e-mail saying it is there was sent (no address, no server: False).
    notified: Mapped[bool] = mapped_column(default=False)

    case = relationship("Case")
