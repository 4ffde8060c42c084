"""Staff accounts: who may sign in, with which role."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
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
    #: Sign-in attempts from browsers this account has not signed in from, since the last
    #: success: each is counted before its password is checked. From the fifth on, the
    #: next attempt must wait (growing delays, see desk.auth.service).
    failed_logins: Mapped[int] = mapped_column(default=0)
    #: Until when such attempts are refused without looking at the password.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Attempts since the last success from browsers this account signed in from before
    #: (trusted-browser cookie); five make those browsers count as unknown ones.
    device_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Raised by sign-out, a password change or reset and deactivation: a session holding
    #: an older number is over (checked on every request).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The password was set by an administrator or `desk create-user`: it must be changed
    #: before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The TOTP secret, encrypted under a key derived from the master key; None when the
    #: person has not turned two-step sign-in on.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    #: The time step of the last code accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class RecoveryCode(db.Model):
    """One-time codes for signing in when the authenticator is lost, shown once when
    two-step sign-in is turned on and kept only as keyed hashes."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: HMAC-SHA256 of the staff id and the normalised code.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
