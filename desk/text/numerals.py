"""Kanji numerals (二十三, 百五, 二〇二) read as numbers, for the places where they are numbers: address numbers and dates."""

from __future__ import annotations

import re

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
#: The characters a kanji numeral is written with, for building patterns.
NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)
#: Any run of kanji numerals. Only for text known to be a number (a date); in addresses
#: they are also place names (八王子, 四日市), see desk.text.addresses.
ANY_NUMERAL = re.compile(rf"[{NUMERAL_CHARS}]+")


def kanji_number(text: str) -> int:
    """二十三 -> 23, 百五 -> 105, 十 -> 10, 二〇二 -> 202 (digit by digit when no unit)."""
    if not any(c in _UNITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = current * 10 + _DIGITS[char]
        else:
            total += (current or 1) * _UNITS[char]
            current = 0
    return total + current


def to_digits(match: re.Match) -> str:
    """For re.sub: the matched kanji numeral as Arabic digits."""
    return str(kanji_number(match.group(0)))
