"""Files held between the form and the confirmation page.

After the form passes every check, its files are encrypted under a fresh key that lives
only in the requester's (signed) session cookie, and written under DOCUMENT_DIR/staging.
The confirmation step reads them back into the real store in the case's transaction and
deletes them. A requester who walks away leaves ciphertext whose key the server never
had; it is removed after STAGING_MAX_AGE_MINUTES by the next submission or the daily job.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, session

from desk.identity.uploads import CheckedFile
from desk.storage.service import document_dir

SESSION_KEY = "intake_staged"
NONCE = 12


@dataclass
class StagedFile:
    slot: str
    name: str
    media_type: str
    pages: int
    file: CheckedFile | None = None


def staging_dir() -> Path:
    path = document_dir() / "staging"
    path.mkdir(exist_ok=True, mode=0o700)
    return path


def _path(name: str) -> Path:
    if not name or not all(c in "0123456789abcdef" for c in name) or len(name) != 32:
        raise ValueError("invalid staged name")
    return staging_dir() / name


def max_age_seconds() -> int:
    return int(current_app.config.get("STAGING_MAX_AGE_MINUTES", 120)) * 60


class StagingFull(Exception):
    """The staging area holds as much as it may (STAGING_MAX_BYTES): try again later."""


def max_bytes() -> int:
    return int(current_app.config.get("STAGING_MAX_BYTES", 512 * 1024 * 1024))


def staged_bytes() -> int:
    total = 0
    for path in staging_dir().iterdir():
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def stage(slot_files: dict[str, list[CheckedFile]]) -> None:
    """Replace the staged files of the given slots (other slots keep theirs).

    Everyone's staged files together stay under STAGING_MAX_BYTES: an anonymous client
    repeating the confirm step (with fresh cookies) cannot fill the disk; past the bound
    StagingFull is raised and nothing is written."""
    incoming = sum(len(checked.data) for files in slot_files.values() for checked in files)
    if incoming and staged_bytes() + incoming > max_bytes():
        purge_stale()
        if staged_bytes() + incoming > max_bytes():
            raise StagingFull()
    entries = [e for e in session.get(SESSION_KEY, []) if e["slot"] not in slot_files]
    for e in session.get(SESSION_KEY, []):
        if e["slot"] in slot_files:
            _remove(e["name"])
    for slot, files in slot_files.items():
        for checked in files:
            name, key, nonce = secrets.token_hex(16), AESGCM.generate_key(bit_length=256), os.urandom(NONCE)
            fd = os.open(_path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(nonce + AESGCM(key).encrypt(nonce, checked.data, name.encode()))
            entries.append(
                {
                    "slot": slot,
                    "name": name,
                    "key": base64.b64encode(key).decode(),
                    "type": checked.media_type,
                    "pages": checked.pages,
                    "at": int(time.time()),
                }
            )
    session[SESSION_KEY] = entries


def staged(slot: str | None = None) -> list[StagedFile]:
    """What is staged for this session (without reading the files)."""
    return [
        StagedFile(e["slot"], e["name"], e["type"], e["pages"])
        for e in session.get(SESSION_KEY, [])
        if slot is None or e["slot"] == slot
    ]


def staged_slots() -> set[str]:
    return {e["slot"] for e in session.get(SESSION_KEY, [])}


def load() -> dict[str, list[CheckedFile]]:
    """Decrypt every staged file of this session; a missing or unreadable one raises
    LookupError (the requester is asked to attach the files again)."""
    result: dict[str, list[CheckedFile]] = {}
    for e in session.get(SESSION_KEY, []):
        if time.time() - e["at"] > max_age_seconds():
            raise LookupError("expired")
        try:
            blob = _path(e["name"]).read_bytes()
            data = AESGCM(base64.b64decode(e["key"])).decrypt(blob[:NONCE], blob[NONCE:], e["name"].encode())
        except Exception as error:  # missing file, wrong key: the same for the requester
            raise LookupError("unreadable") from error
        result.setdefault(e["slot"], []).append(CheckedFile(data, e["type"], pages=e["pages"]))
    return result


def discard() -> None:
    for e in session.pop(SESSION_KEY, []):
        _remove(e["name"])


def _remove(name: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        _path(name).unlink(missing_ok=True)


def purge_stale(max_age: int | None = None) -> int:
    """Remove staged files older than the limit, whoever left them. Returns how many."""
    limit = max_age if max_age is not None else max_age_seconds()
    cutoff, removed = time.time() - limit, 0
    for path in staging_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
