"""Dates as people write them (1980/4/1, 昭和55年4月1日, S55.4.1, 昭和五十五年四月一日): read into a date, checked as a date of birth, or keyed."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from desk.text.numerals import ANY_NUMERAL, to_digits

#: Era starts (元号), by name and by the initial forms use (S55.4.1); the first year of each is 元年 = 1.
ERAS = {
    "明治": 1868,
    "大正": 1912,
    "昭和": 1926,
    "平成": 1989,
    "令和": 2019,
    "m": 1868,
    "t": 1912,
    "s": 1926,
    "h": 1989,
    "r": 2019,
}
_WESTERN = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_ERA = re.compile(r"^(明治|大正|昭和|平成|令和|[mtshr])\.?([0-9]{1,2}|元)[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
# Dates of birth repeat in long lists (some 25,000 distinct in a million rows).
_CACHE = 1 << 18
#: The oldest date of birth a living person may have, in years before today.
OLDEST_YEARS = 130


def parse_date(value: str | None) -> date | None:
    """1980-04-01, 1980/4/1, 1980.4.1, 1980年4月1日, 19800401, 昭和55年4月1日, S55.4.1, 昭和五十五年四月一日,
    in any width -> the date; None for anything that is not a real date (1980-02-30, 不明)."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip().lower().replace(" ", "")
    text = ANY_NUMERAL.sub(to_digits, text)
    for pattern in (_WESTERN, _COMPACT):
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            break
    else:
        match = _ERA.match(text)
        if not match:
            return None
        era, year_text, month_text, day_text = match.groups()
        year = ERAS[era] + (1 if year_text == "元" else int(year_text)) - 1
        month, day = int(month_text), int(day_text)
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=_CACHE)
def date_key(value: str | date | None) -> str | None:
    """The date as "1980-04-01" (a date is taken as it is), or None.

    The suppression register hashes this key: what it returns must never change (see desk.text)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None


def birth_date(text: str | None, today: date) -> date:
    """A date of birth as typed into a form; raises ValueError unless it is a real date
    no later than today and no more than OLDEST_YEARS years before it."""
    result = parse_date(text)
    if result is None:
        raise ValueError("date")
    if result > today or result.year < today.year - OLDEST_YEARS:
        raise ValueError("out of range")
    return result
