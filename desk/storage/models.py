"""Columns every encrypted file carries (documents, letters): where it is and its wrapped key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.types import UTCDateTime


class EncryptedFile:
    """Mixin: a file stored encrypted under its own key, that key wrapped by the master key.

    Destroying the wrapped key makes the file unreadable even where a copy survives
    (crypto-shredding); the file itself is deleted afterwards.
    """

    #: Server-chosen file name under DOCUMENT_DIR (never anything the requester typed).
    storage_name: Mapped[str | None] = mapped_column(String(64))
    #: The per-file key, wrapped (encrypted) by the master key; NULL once shredded.
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Sniffed from the content: application/pdf, image/jpeg, image/png.
    media_type: Mapped[str | None] = mapped_column(String(64))
    #: Plaintext size in bytes.
    size: Mapped[int | None] = mapped_column()
    #: When the key was shredded and the file removed.
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
