"""Staff accounts: who may sign in, with which role."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in name, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Shown on cases and letters (担当者名).
    name: Mapped[str] = mapped_column(String(100))
    #: One of catalogue.ROLES.
    role: Mapped[str] = mapped_column(String(20))
    #: argon2 hash.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Deactivated accounts cannot sign in but stay referenced by the audit trail.
    active: Mapped[bool] = mapped_column(default=True)
    #: Consecutive wrong passwords; five lock the account.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"
