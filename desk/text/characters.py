"""Character-level folding every rule of desk.text starts from: width, dashes, spaces, kana script, old and variant kanji."""

from __future__ import annotations

import re
import unicodedata

from desk.text.variants import VARIANTS

#: Every character Japanese text uses for a hyphen: the hyphens and dashes of Unicode, the
#: minus sign, and the long-vowel mark (ー, half-width ｰ) that Japanese keyboards put
#: where a hyphen belongs; full-width and small hyphen-minus too, though NFKC folds them.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u30fc\uff70\uff0d\ufe63"
#: Runs of spaces of any width (NFKC turns the ideographic space into a plain one, but
#: text is not always folded first).
SPACES = re.compile(r"[\s\u3000]+")


def nfkc(text: str | None) -> str:
    """Full-width letters and digits, half-width katakana and compatibility forms folded (NFKC), ends stripped."""
    return unicodedata.normalize("NFKC", text or "").strip()


def _hiragana_to_katakana() -> dict[int, str]:
    # ぁ..ゖ sit exactly 0x60 below ァ..ヶ; the iteration marks ゝゞ have their own pair.
    # Half-width katakana need no entry: NFKC has already widened them.
    table = {code: chr(code + 0x60) for code in range(0x3041, 0x3097)}
    table[0x309D], table[0x309E] = "ヽ", "ヾ"
    return table


#: Hiragana -> katakana, for str.translate.
HIRAGANA_TO_KATAKANA: dict[int, str] = _hiragana_to_katakana()


def _key_folding() -> dict[int, str | None]:
    table: dict[int, str | None] = dict(HIRAGANA_TO_KATAKANA)
    for variant, standard in VARIANTS.items():
        table[ord(variant)] = standard
    # Variation selectors (IVS, e.g. 邉󠄂) pick a glyph, not a different character.
    for code in list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)):
        table[code] = None
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


#: What every key folds, after NFKC: hiragana and katakana are one script, old and variant
#: kanji are their common form, variation selectors go, Latin letters are lower case.
#: Keys are stored and hashed: a change here changes them (see desk.text).
KEY_FOLDING: dict[int, str | None] = _key_folding()


def character_class(codes) -> re.Pattern:
    """A compiled [..] of the given code points, consecutive ones as ranges (fast to search)."""
    codes, parts, start = sorted(codes), [], None
    for i, code in enumerate(codes):
        if start is None:
            start = code
        if i + 1 == len(codes) or codes[i + 1] != code + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(code)) if code != start else ""))
            start = None
    return re.compile("[" + "".join(parts) + "]")


#: Japanese prose rather than a name or an address: kana runs or Japanese sentence punctuation.
_JAPANESE_SENTENCE = re.compile(r"[\u3041-\u309f]{2}|[。、]")


def japanese_sentence(text: str | None) -> bool:
    """Whether the text holds a Japanese sentence (a name or an address alone does not):
    what an English letter must not print."""
    return bool(_JAPANESE_SENTENCE.search(text or ""))
