"""Phone numbers: stored as written (digits and hyphens), and their digits in national form for finding and matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from desk.text.characters import DASHES, nfkc

_DASH = "[" + re.escape(DASHES) + "]"
_WRITTEN = re.compile(r"\+?[\d\-() ]+")
_NOT_DIGIT = re.compile(r"[^0-9]")
_INTERNATIONAL = re.compile(r"^(?:\+|00)81(?:\(0\)|0)?")
_HYPHEN_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9]){_DASH}(?=[0-9])")
_CACHE = 1 << 18


def phone_number(text: str | None) -> str:
    """Digits with the hyphens people write; 10-11 digits in Japan, or +international.

    Raises ValueError for anything else."""
    value = re.sub(_DASH, "-", nfkc(text))
    if not _WRITTEN.fullmatch(value or "x"):
        raise ValueError("phone")
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        if not 8 <= len(digits) <= 15:
            raise ValueError("phone")
    elif not (digits.startswith("0") and 10 <= len(digits) <= 11):
        raise ValueError("phone")
    return re.sub(r"\s+", " ", value)


def national_digits(value: str | None) -> str:
    """+81 90-1234-5678, 090(1234)5678, ０９０－１２３４－５６７８ -> "09012345678"; "" when there are no digits.

    Any length: the start of a number typed into a search box is still its start."""
    # Not nfkc(): it also strips the ends, which would decide differently whether "+81"
    # starts the text, and this key must not change.
    text = unicodedata.normalize("NFKC", value or "").replace(" ", "").replace("\u3000", "")
    text = _HYPHEN_BETWEEN_DIGITS.sub("-", text)
    international = _INTERNATIONAL.match(text)
    if international:
        text = "0" + text[international.end() :]
    return _NOT_DIGIT.sub("", text)


@lru_cache(maxsize=_CACHE)
def phone_key(value: str | None) -> str | None:
    """The national digits of a whole phone number, or None (なし, 内線123, nothing).

    The suppression register hashes this key: what it returns must never change (see desk.text)."""
    if not value:
        return None
    digits = national_digits(value)
    return digits if len(digits) >= 9 else None  # shorter is not a Japanese phone number
