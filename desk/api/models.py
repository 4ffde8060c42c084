"""API keys: who may call the integration endpoints of /api/v1/, with which scopes, until when."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.clock import local_zone, now
from desk.extensions import db
from desk.types import UTCDateTime


class ApiKey(db.Model):
    """One key given to one outside system. The key itself is shown once, when it is made;
    only its keyed hash is kept, so a copy of the database cannot call the API."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the key is for, as the administrator named it (「コールセンター連携」).
    name: Mapped[str] = mapped_column(String(100))
    #: The key's first characters (desk_XXXXXXXX), shown in lists to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    #: HMAC-SHA256 (hex) of the whole key under a key derived from the master key.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Codes of catalogue.API_SCOPES.
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: After this instant the key is refused.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by = relationship("StaffUser", foreign_keys=[created_by_id])

    @property
    def last_day(self) -> date:
        """The last day the key works, at the business (it stops at the end of that day)."""
        return (self.expires_at - timedelta(microseconds=1)).astimezone(local_zone()).date()

    def usable(self, at: datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at

    def state(self, at: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if at >= self.expires_at else "active"
