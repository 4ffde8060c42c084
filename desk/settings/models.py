"""Settings an administrator edits, stored as JSON values keyed by name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class Setting(db.Model):
    __tablename__ = "settings"

    #: A key of desk.settings.definitions.SETTINGS.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
