"""What the public form keeps between its own requests: the sends already made (idempotency)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class IntakeSend(db.Model):
    """One "Send" of the confirmation page, claimed by its one-time token.

    The row is inserted in the case's own transaction, so a second send of the same token
    (a double click, a retry) waits for the first and then finds it. What the completion
    page shows (reference, access code) is kept encrypted under a key derived from the
    token, which only the requester's browser has; rows are removed after a short while."""

    __tablename__ = "intake_sends"

    #: SHA-256 (hex) of the token: the token itself is the key to `completion`.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The completion page's data, AES-GCM under a key derived from the token.
    completion: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
