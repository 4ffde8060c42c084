"""Readings of names (furigana) in kana: katakana as stored, and telling a kana-only key from a written name."""

from __future__ import annotations

import re

from desk.text.characters import HIRAGANA_TO_KATAKANA, SPACES, nfkc

_FURIGANA = re.compile(r"[ァ-ヺー・ ]+")
_KATAKANA_ONLY = re.compile(r"[\u30A0-\u30FF]+")


def katakana(text: str) -> str:
    """Hiragana become katakana; everything else is left as it is."""
    return text.translate(HIRAGANA_TO_KATAKANA)


def furigana(text: str | None) -> str:
    """Hiragana or katakana of any width -> full-width katakana, words separated by one space.

    Raises ValueError for anything else (a reading in kanji or Latin letters is not a reading)."""
    value = SPACES.sub(" ", katakana(nfkc(text))).strip()
    if not value or not _FURIGANA.fullmatch(value):
        raise ValueError("furigana")
    return value


def is_kana(key: str) -> bool:
    """A name key written entirely in kana (after folding): it may be compared with readings."""
    return _KATAKANA_ONLY.fullmatch(key) is not None
