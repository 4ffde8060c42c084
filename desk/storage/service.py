"""The encrypted document store.

Each file is encrypted with its own AES-256-GCM key; that key is wrapped (AES-GCM) by a key
derived from the master key and stored in the row. Destroying the wrapped key makes every
copy of the file unreadable (crypto-shredding), including copies in backups.

Only ciphertext is ever written: files are written before the database commit and removed
again if the transaction rolls back, so a crash leaves neither an orphan file nor a row
pointing at nothing.

A large file that is read a part at a time (a recorded list: a search reads the few rows it
needs) is stored in pieces: each piece sealed on its own under the file's key, with a
counter nonce and its place (number, count) as associated data, so a piece cannot be moved,
dropped or taken from another file; a table of the pieces' ends leads the file.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import struct
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from desk.clock import now
from desk.storage.models import EncryptedFile

NONCE_BYTES = 12
TAG_BYTES = 16
#: A file stored in pieces begins so (a file stored whole begins with its random nonce);
#: then the number of pieces and the end of each in the plaintext (big-endian uint32, uint64s).
PIECES_MAGIC = b"desk pieces 1\n"
_PENDING = "desk_pending_files"


class StorageError(Exception):
    pass


def _key_encryption_key() -> bytes:
    master = current_app.config["MASTER_KEY"]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"desk: wrapping per-file keys").derive(
        master.encode()
    )


def document_dir() -> Path:
    path = Path(current_app.config["DOCUMENT_DIR"])
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


_HEX = frozenset("0123456789abcdef")


def _location(storage_name: str, directory: str | None = None) -> str:
    """Where a stored file lives, as text. Makes no directory (writers do), and builds no
    Path, so the disposal job can name 200,000 files cheaply."""
    # Server-chosen hex names only: nothing a requester typed ever becomes a path.
    if not storage_name or not _HEX.issuperset(storage_name):
        raise StorageError("invalid storage name")
    return os.path.join(directory or current_app.config["DOCUMENT_DIR"], storage_name[:2], storage_name)


def path_of(storage_name: str) -> Path:
    return Path(_location(storage_name))


def _wrap(key: bytes, storage_name: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key_encryption_key()).encrypt(nonce, key, storage_name.encode())


def _unwrap(wrapped: bytes, storage_name: str) -> bytes:
    return AESGCM(_key_encryption_key()).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], storage_name.encode())


#: What a file is stored from: its bytes, or the path of a file that holds them (a large
#: list stored in pieces is then read a piece at a time, never held whole).
Content = bytes | os.PathLike


def content_size(data: Content) -> int:
    return len(data) if isinstance(data, (bytes, bytearray)) else os.path.getsize(data)


def content_bytes(data: Content) -> bytes:
    return data if isinstance(data, (bytes, bytearray)) else Path(data).read_bytes()


def open_content(data: Content) -> BinaryIO:
    """`data` as a binary file to read (the caller closes it)."""
    return io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else open(data, "rb")  # noqa: SIM115


def store(
    record: EncryptedFile, data: Content, media_type: str, session: Session | None = None, *, cuts: Sequence[int] = ()
) -> None:
    """Encrypt `data` under a new key into a new file and fill the record's columns; with
    `cuts` (offsets into `data`, increasing) in pieces that begin there, each readable alone
    (read_piece). If the surrounding transaction rolls back, the file is removed."""
    from desk.extensions import db

    session = session or db.session()
    storage_name = secrets.token_hex(16)
    key = AESGCM.generate_key(bit_length=256)
    size = content_size(data)
    ends = [*cuts, size]
    if cuts and (ends[0] <= 0 or any(a >= b for a, b in zip(ends, ends[1:], strict=False))):
        raise StorageError("pieces must be cut at increasing offsets inside the file")
    target = path_of(storage_name)
    document_dir()
    target.parent.mkdir(exist_ok=True, mode=0o700)
    temporary = target.with_suffix(".part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            if cuts:
                _write_pieces(fh, key, storage_name, data, ends)
            else:
                nonce = os.urandom(NONCE_BYTES)
                fh.write(nonce + AESGCM(key).encrypt(nonce, content_bytes(data), storage_name.encode()))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StorageError(f"could not write the document: {error.strerror}") from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    session.info.setdefault(_PENDING, []).append(target)
    record.storage_name = storage_name
    record.wrapped_key = _wrap(key, storage_name)
    record.media_type = media_type
    record.size = size
    record.destroyed_at = None


def _piece_nonce(number: int) -> bytes:
    # A counter: every file has a key of its own, so no nonce repeats under a key.
    return number.to_bytes(NONCE_BYTES, "big")


def _piece_place(storage_name: str, number: int, count: int) -> bytes:
    return f"{storage_name}:{number}:{count}".encode()


def _write_pieces(fh, key: bytes, storage_name: str, data: Content, ends: list[int]) -> None:
    """The ends table, then each piece sealed and written as it is read: a list of a million
    rows never lies in memory whole, in clear or sealed (80 MB each, and as many page faults)."""
    cipher, count = AESGCM(key), len(ends)
    fh.write(PIECES_MAGIC + struct.pack(f">I{count}Q", count, *ends))
    with open_content(data) as source:
        start = 0
        for number, end in enumerate(ends):
            piece = source.read(end - start)
            if len(piece) != end - start:
                raise StorageError("the file changed while it was being stored")
            fh.write(cipher.encrypt(_piece_nonce(number), piece, _piece_place(storage_name, number, count)))
            start = end


class Pieces:
    """A stored file read a piece at a time (a file stored whole is one piece)."""

    def __init__(self, record: EncryptedFile):
        if record.wrapped_key is None or record.storage_name is None:
            raise StorageError("this file has been destroyed")
        self.name = record.storage_name
        self.cipher = AESGCM(_unwrap(record.wrapped_key, self.name))
        self.path = path_of(self.name)
        with open(self.path, "rb") as fh:
            head = fh.read(len(PIECES_MAGIC) + 4)
            if head[: len(PIECES_MAGIC)] != PIECES_MAGIC:
                self.ends, self.start = None, 0
                return
            (count,) = struct.unpack(">I", head[len(PIECES_MAGIC) :])
            self.ends = struct.unpack(f">{count}Q", fh.read(8 * count))
            self.start = len(head) + 8 * count

    @property
    def count(self) -> int:
        return 1 if self.ends is None else len(self.ends)

    def read(self, number: int) -> bytes:
        """One piece, opened (the whole file when it was stored whole)."""
        if self.ends is None:
            blob = self.path.read_bytes()
            return self.cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], self.name.encode())
        begin = self.ends[number - 1] if number else 0
        with open(self.path, "rb") as fh:
            fh.seek(self.start + begin + TAG_BYTES * number)
            sealed = fh.read(self.ends[number] - begin + TAG_BYTES)
        return self.cipher.decrypt(_piece_nonce(number), sealed, _piece_place(self.name, number, self.count))

    def read_all(self) -> bytes:
        if self.ends is None:
            return self.read(0)
        blob = memoryview(self.path.read_bytes())[self.start :]
        parts, begin = [], 0
        for number, end in enumerate(self.ends):
            at = begin + TAG_BYTES * number
            parts.append(
                self.cipher.decrypt(
                    _piece_nonce(number),
                    blob[at : at + end - begin + TAG_BYTES],
                    _piece_place(self.name, number, self.count),
                )
            )
            begin = end
        return b"".join(parts)

    @property
    def cuts(self) -> list[int]:
        """Where the pieces after the first begin (none for a file stored whole)."""
        return [] if self.ends is None else list(self.ends[:-1])


def read(record: EncryptedFile) -> bytes:
    """The whole plaintext, whether it was stored whole or in pieces."""
    return Pieces(record).read_all()


def piece_cipher(record: EncryptedFile, purpose: bytes) -> AESGCM:
    """A cipher for small pieces that belong to a stored file (a recorded list's index),
    under a key derived from the file's own key for `purpose`: shredding the file's key
    makes them noise too, and a master-key rotation (which re-wraps the file's key) leaves
    them readable. Callers give each piece a random nonce and bind it to its place as
    associated data."""
    if record.wrapped_key is None or record.storage_name is None:
        raise StorageError("this file has been destroyed")
    key = _unwrap(record.wrapped_key, record.storage_name)
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"desk: " + purpose).derive(key))


def shred_key(record: EncryptedFile) -> None:
    """Step one of destruction: forget the key (the caller commits). From then on the file
    is noise, wherever copies of it are."""
    record.wrapped_key = None
    record.destroyed_at = now()


def remove_file(storage_name: str | None, *, directory: str | None = None) -> bool:
    """Step two: delete the ciphertext. True when the file is gone (or never was).
    `directory`, the app's DOCUMENT_DIR, lets a thread without the app context call it."""
    if not storage_name:
        return True
    try:
        os.unlink(_location(storage_name, directory))
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def replace_content(record: EncryptedFile, data: Content, media_type: str, *, cuts: Sequence[int] = ()) -> None:
    """Store new content (e.g. a masked image) under a new key and file; the old file's key
    is dropped with the old values and its ciphertext removed after commit."""
    from desk.extensions import db

    old_name = record.storage_name
    store(record, data, media_type, cuts=cuts)
    if old_name:
        db.session().info.setdefault("desk_remove_after_commit", []).append(old_name)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_PENDING, None)
    for name in session.info.pop("desk_remove_after_commit", []):
        remove_file(name)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its files are orphans
        for path in session.info.pop(_PENDING, []):
            Path(path).unlink(missing_ok=True)
        session.info.pop("desk_remove_after_commit", None)


#: A file no row names is swept only once it is this old: a transaction that wrote it may
#: still be about to commit the row.
ORPHAN_AGE = timedelta(hours=1)
_STORED_NAME = re.compile(r"[0-9a-f]{32}(\.part)?")


def sweep_orphans(now_: datetime | None = None) -> int:
    """Delete the ciphertext files (and half-written .part files) under DOCUMENT_DIR that no
    record names: what a worker killed between writing a file and committing its row left
    behind. Every model with an encrypted file (EncryptedFile) is asked; staging has its
    own clean-up. Returns how many files were removed."""
    from desk.extensions import db

    root = Path(current_app.config["DOCUMENT_DIR"])
    if not root.is_dir():
        return 0
    named: set[str] = set()
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if issubclass(model, EncryptedFile):
            named.update(db.session.scalars(select(model.storage_name).where(model.storage_name.is_not(None))))
    cutoff = (now_ or now()).timestamp() - ORPHAN_AGE.total_seconds()
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir() or len(folder.name) != 2 or not _HEX.issuperset(folder.name):
            continue  # staging/ and anything that is not a store folder
        for path in folder.iterdir():
            if not _STORED_NAME.fullmatch(path.name) or path.name.removesuffix(".part") in named:
                continue
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
