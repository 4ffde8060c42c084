"""Japanese addresses brought to one notation, so the three addresses of the identity check
can be compared: full-width/half-width, kanji numerals, 丁目・番地・号 versus hyphens,
postal marks and spaces all fold away; what still differs is a real difference."""
from __future__ import annotations

import difflib
import re
import unicodedata

from markupsafe import Markup, escape

_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千]+")
_DASHES = re.compile(r"[‐‑‒–—―−ーｰ－]")


def _kanji_to_int(text: str) -> int:
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = current * 10 + _DIGITS[char] if current and not any(u in text for u in _UNITS) else _DIGITS[char]
        else:
            total += (current or 1) * _UNITS[char]
            current = 0
    return total + current


def normalise(address: str | None) -> str:
    if not address:
        return ""
    text = unicodedata.normalize("NFKC", address)
    text = re.sub(r"〒?\s*\d{3}-?\d{4}\s*", "", text, count=1) if re.match(r"\s*〒?\s*\d{3}-?\d{4}", text) else text
    text = _DASHES.sub("-", text)
    # Kanji numerals before 丁目・番・号 (and in general) become digits.
    text = _KANJI_NUMBER.sub(lambda m: str(_kanji_to_int(m.group())), text)
    text = re.sub(r"[\s\u3000]+", "", text)
    text = re.sub(r"(\d+)丁目", r"\1-", text)
    text = re.sub(r"(\d+)番地?の?", r"\1-", text)
    text = re.sub(r"(\d+)号", r"\1", text)
    text = re.sub(r"(\d+)の(\d+)", r"\1-\2", text)
    text = re.sub(r"-+", "-", text).rstrip("-")
    return text


def highlight(reference: str, other: str) -> Markup:
    """`other` with the characters that differ from `reference` wrapped in <mark>."""
    if not other:
        return Markup("")
    out = []
    matcher = difflib.SequenceMatcher(a=reference, b=other, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        piece = escape(other[j1:j2])
        out.append(piece if tag == "equal" else Markup("<mark>") + piece + Markup("</mark>"))
    return Markup("").join(out)


def compare(application: str | None, document: str | None, records: str | None) -> dict:
    """The three addresses normalised, each highlighted against the application's."""
    base = normalise(application)
    rows = []
    for key, raw in (("application", application), ("document", document), ("records", records)):
        norm = normalise(raw)
        rows.append({"key": key, "raw": raw, "normalised": norm,
                     "marked": highlight(base, norm) if key != "application" else escape(norm),
                     "agrees": bool(norm) and norm == base})
    given = [r for r in rows if r["normalised"]]
    return {"rows": rows, "all_agree": len(given) == 3 and all(r["agrees"] for r in rows)}
