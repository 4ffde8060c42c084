"""What people type, made regular: postal codes, furigana, dates of birth, phone numbers.

Pure functions (no Flask): each returns the clean value or raises ValueError; the form
turns that into a message next to the field.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

import jaconv

_DASHES = "-‐‑‒–—―−ーｰ－"
_SPACES = re.compile(r"[\s\u3000]+")


def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def postal_code(text: str | None) -> str:
    """1234567, 123-4567, 〒１２３－４５６７ -> "1234567"."""
    value = nfkc(text).replace("〒", "")
    value = "".join(c for c in value if c not in _DASHES and not c.isspace())
    if not re.fullmatch(r"\d{7}", value):
        raise ValueError("postal code")
    return value


def furigana(text: str | None) -> str:
    """Hiragana or katakana of any width -> full-width katakana, words separated by one space."""
    value = _SPACES.sub(" ", jaconv.hira2kata(nfkc(text))).strip()
    if not value or not re.fullmatch(r"[ァ-ヺー・ ]+", value):
        raise ValueError("furigana")
    return value


def phone(text: str | None) -> str:
    """Digits with the hyphens people write; 10-11 digits in Japan, or +international."""
    value = nfkc(text)
    value = "".join("-" if c in _DASHES else c for c in value)
    if not re.fullmatch(r"\+?[\d\-() ]+", value or "x"):
        raise ValueError("phone")
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        if not 8 <= len(digits) <= 15:
            raise ValueError("phone")
    elif not (digits.startswith("0") and 10 <= len(digits) <= 11):
        raise ValueError("phone")
    return re.sub(r"\s+", " ", value)


#: Era names and their first years (元号), with the initials used on forms (S55.4.1).
ERAS = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926,
        "大正": 1912, "T": 1912, "明治": 1868, "M": 1868}
_ERA_DATE = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTM])\s*(元|\d{1,2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")


def birth_date(text: str | None, today: date) -> date:
    """1980-04-01, 1980/4/1, 1980年4月1日, 昭和55年4月1日, S55.4.1 (any width)."""
    value = nfkc(text).upper()
    match = _ERA_DATE.match(value)
    if match:
        era, year, month, day = match.groups()
        year = ERAS[era] + (0 if year == "元" else int(year) - 1)
    else:
        match = _DATE.match(value)
        if not match:
            if re.fullmatch(r"\d{8}", value):
                year, month, day = value[:4], value[4:6], value[6:]
            else:
                raise ValueError("date format")
        else:
            year, month, day = match.groups()
    try:
        result = date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError("no such date") from None
    if result > today or result.year < today.year - 130:
        raise ValueError("out of range")
    return result


def name(text: str | None) -> str:
    """Full-width spaces and runs of spaces become one space; otherwise as typed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
