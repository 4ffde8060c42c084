"""Dates, times and money as a Japanese office writes them, and as an English reader expects."""

from __future__ import annotations

import re
from datetime import date, datetime

from markupsafe import Markup, escape

from desk.clock import local
from desk.i18n import current_language

#: Era starts, newest first (元号).
ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))


def era_date(day: date) -> str:
    """令和8年11月22日; the first year of an era is 元年."""
    for start, name in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def english_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def format_date(day: date | None, style: str = "short", lang: str | None = None) -> str:
    """short: 2026/11/22 (staff screens); long: 2026年11月22日 / 22 November 2026;
    era: 令和8年11月22日 (letters, public pages) / 22 November 2026."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = local(day).date()
    lang = lang or current_language()
    if style == "short":
        return day.strftime("%Y/%m/%d") if lang == "ja" else day.strftime("%d %b %Y")
    if lang == "en":
        return english_date(day)
    if style == "era":
        return era_date(day)
    return f"{day.year}年{day.month}月{day.day}日"


def format_datetime(moment: datetime | None, style: str = "short", lang: str | None = None) -> str:
    """short: 2026/11/22 14:05 (staff screens); era: 令和8年11月22日 14:05 / 22 November 2026, 14:05
    (public pages, where a date reads as in a letter)."""
    if moment is None:
        return "—"
    moment = local(moment)
    lang = lang or current_language()
    if style == "era":
        day = format_date(moment.date(), "era", lang)
        return f"{day} {moment:%H:%M}" if lang == "ja" else f"{day}, {moment:%H:%M}"
    return moment.strftime("%Y/%m/%d %H:%M") if lang == "ja" else moment.strftime("%d %b %Y %H:%M")


def format_yen(amount: int | None, lang: str | None = None) -> str:
    amount = amount or 0
    return f"{amount:,}円" if (lang or current_language()) == "ja" else f"¥{amount:,}"


def format_postal(code: str | None, lang: str | None = None) -> str:
    """A seven-digit postal code as it is written: 〒150-0001 in Japanese, 150-0001 in English
    (the mark is a Japanese convention, not part of the code)."""
    if not code:
        return ""
    code = f"{code[:3]}-{code[3:]}" if len(code) == 7 and code.isdigit() else code
    return f"〒{code}" if (lang or current_language()) == "ja" else code


#: Runs of Japanese script (kana, ideographs, Japanese punctuation and brackets).
_JAPANESE_RUN = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]+")


def mark_japanese(text: str) -> Markup:
    """An English text that quotes Japanese terms (「開示等請求書在中」, 拝啓 … 敬具, 住民票の除票):
    each Japanese run marked lang="ja", so it is read out, and shaped, as Japanese."""
    escaped = str(escape(text))
    if current_language() == "ja":
        return Markup(escaped)  # the whole page is Japanese already
    return Markup(_JAPANESE_RUN.sub(lambda m: f'<span lang="ja">{m.group()}</span>', escaped))
