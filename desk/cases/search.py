"""Normalised keys for finding a case by name, furigana, phone or e-mail.

Stored beside the person (and redacted with them), so a search is an indexed lookup on
prepared text rather than a fuzzy scan of every row.
"""
from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000・･]+")


def name_key(name: str | None) -> str | None:
    if not name:
        return None
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).lower() or None


def kana_key(kana: str | None) -> str | None:
    """Either kana, any width, spaces ignored: all folded to full-width katakana."""
    if not kana:
        return None
    text = unicodedata.normalize("NFKC", kana)
    return _SPACES.sub("", jaconv.hira2kata(text)) or None


def phone_key(phone: str | None) -> str | None:
    if not phone:
        return None
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    return digits or None


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def search_keys(name, furigana, phone, email) -> tuple:
    return name_key(name), kana_key(furigana), phone_key(phone), email_key(email)
