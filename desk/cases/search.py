"""Normalised keys for finding a case by name, furigana, phone or e-mail.

Stored beside the person (and redacted with them), so a search is an indexed lookup on
prepared text rather than a fuzzy scan of every row. The Japanese rules are desk.text's, the
same the suppression register matches by: 髙橋 is found as 高橋, さくら as サクラ, +81 90… as
090…. Migration 0008 rebuilt the stored keys when they became these. The given name has
keys of its own (given_key), kept by the model itself whenever a person is written
(desk.cases.models), so that 「美咲」 alone finds 鈴木 美咲; migration 0018 filled them.
"""

from __future__ import annotations

import unicodedata

from desk.text import names, phones

name_key = names.name_key
kana_key = names.kana_key


def phone_key(phone: str | None) -> str | None:
    """The national digits, of any length: a search may give only the start of a number."""
    return phones.national_digits(phone) or None


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def given_key(value: str | None) -> str | None:
    """The given name (the part after the first space: 山田 花子 -> 花子, ヤマダ ハナコ ->
    ハナコ) by the same rules as name_key, so a search may give the given name alone. A
    name written without a space has no given key: nothing says where it would start."""
    if not value:
        return None
    parts = unicodedata.normalize("NFKC", value).strip().split(None, 1)
    return name_key(parts[1]) if len(parts) == 2 else None


def search_keys(name, furigana, phone, email) -> tuple:
    return name_key(name), kana_key(furigana), phone_key(phone), email_key(email)
