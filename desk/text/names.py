"""Personal names: a name tidied for storing as typed, and the key that finds or matches it however it was written."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from desk.text.characters import KEY_FOLDING, SPACES, character_class

#: Names: the key folding, and spaces (any width, after NFKC), middle dots and the
#: separators lists put between family and given name vanish.
NAME_TABLE = str.maketrans({**KEY_FOLDING, **dict.fromkeys(" \t\r\n\u3000・･·‧•=＝,、")})
# Most names need nothing from the table, and translate() is the slow step: search first.
_NAME_SPECIAL = character_class(NAME_TABLE)
_HONORIFICS = ("様", "さま", "サマ", "殿", "御中")
# Names repeat: a million-row list is mostly the same few thousand names seen again.
_CACHE = 1 << 18


def tidy_name(text: str | None) -> str:
    """Full-width spaces and runs of spaces become one space; otherwise as typed (NFC)."""
    return SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


@lru_cache(maxsize=_CACHE)
def name_key(value: str | None) -> str | None:
    """山田 花子 / 山田　花子 / 髙橋・﨑子 様 -> one key; hiragana and katakana are one script.

    The suppression register hashes this key and keeps nothing else, so what it returns for
    a name already on the register must never change (see desk.text)."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value)
    if " " in text:
        text = text.replace(" ", "")
    if _NAME_SPECIAL.search(text):
        text = text.translate(NAME_TABLE)
    if text.endswith(_HONORIFICS):
        for suffix in _HONORIFICS:
            # A name that is only an honorific (or one character and 様) is kept whole.
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                break
    return text or None


#: A reading is a name written in kana: the same folding applies.
kana_key = name_key
