"""Access codes for the status page: 80 random bits, told once, kept only as a keyed hash.

Codes use Crockford's base-32 alphabet (no I, L, O or U), shown as XXXX-XXXX-XXXX-XXXX;
what a person types is forgiving: any width, lower case, spaces or hyphens, O for 0 and
I or L for 1.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 characters x 5 bits = 80 bits
GROUP = 4
_VERSION = "v1"
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, grouped for reading aloud and writing down."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def letter_code(reference: str, letter_id: int) -> str:
    """The code a posted "access_code" letter carries: derived from a key and the letter, so
    the print run and the stored copy print the same code while only its hash is kept."""
    mac = hmac.new(_key(), f"letter\n{reference}\n{letter_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac[:10], "big")
    raw = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(typed: str | None) -> str:
    text = unicodedata.normalize("NFKC", typed or "").upper().translate(_TYPOS)
    return "".join(c for c in text if c in ALPHABET)


def _key() -> bytes:
    # Derived from the master key, which (unlike the session key) is never rotated lightly.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"desk: status page access codes").derive(
        current_app.config["MASTER_KEY"].encode()
    )


def code_hash(reference: str, code: str) -> str:
    """The stored form: HMAC-SHA256 over the reference and the normalised code."""
    mac = hmac.new(_key(), f"{reference}\n{normalise(code)}".encode(), hashlib.sha256).hexdigest()
    return f"{_VERSION}${mac}"


#: Compared against when no case has the reference, so both answers cost the same.
_ABSENT = _VERSION + "$" + "0" * 64


def matches(reference: str, code: str, stored: str | None) -> bool:
    """Constant-time check; the same work whether or not the case exists."""
    candidate = code_hash(reference, code)
    ok = hmac.compare_digest(candidate, stored or _ABSENT)
    return ok and stored is not None and len(normalise(code)) == LENGTH
