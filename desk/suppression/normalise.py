"""Normalisation for matching people across lists written by different hands.

Each function turns what a spreadsheet holds into one canonical key, or None when there
is nothing usable. Both sides of a comparison (the register and the list) go through the
same function, so a rule only has to be consistent, not pretty. Everything is cached and
built on precompiled translate tables: a million-row list is mostly the same few names,
addresses and dates seen again.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from desk.suppression.variants import VARIANTS

_NFKC = unicodedata.normalize
_CACHE = 1 << 18

# --------------------------------------------------------------------------- tables

def _kana_and_variants() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Hiragana -> katakana (ぁ..ゖ, ゝゞ); NFKC has already widened half-width katakana.
    for code in range(0x3041, 0x3097):
        table[code] = chr(code + 0x60)
    table[0x309D], table[0x309E] = "ヽ", "ヾ"
    for variant, standard in VARIANTS.items():
        table[ord(variant)] = standard
    # Variation selectors (IVS, e.g. 邉󠄂) pick a glyph, not a different character.
    for code in list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)):
        table[code] = None
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


_COMMON = _kana_and_variants()
#: Names: spaces (any width, after NFKC), middle dots and separators between family and given name vanish.
NAME_TABLE = str.maketrans({**_COMMON, **{c: None for c in " \t\r\n\u3000・･·‧•=＝,、"}})
#: Addresses: same folding; spaces go; ヶ/ケ/が in place names (霞が関, 霞ヶ関, 霞ケ関) are one.
ADDRESS_TABLE = str.maketrans({**_COMMON, **{c: None for c in " \t\r\n\u3000"},
                               **{ord("ヶ"): "ケ", ord("ヵ"): "カ", ord("が"): "ケ"}})

def _char_class(codes) -> re.Pattern:
    """A compiled [..] of the given code points, consecutive ones as ranges (fast to search)."""
    codes, parts, start = sorted(codes), [], None
    for i, code in enumerate(codes):
        if start is None:
            start = code
        if i + 1 == len(codes) or codes[i + 1] != code + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(code)) if code != start else ""))
            start = None
    return re.compile("[" + "".join(parts) + "]")


_NAME_SPECIAL = _char_class(NAME_TABLE)

_HONORIFICS = ("様", "さま", "サマ", "殿", "御中")

# --------------------------------------------------------------------------- names

@lru_cache(maxsize=_CACHE)
def name(value: str | None) -> str | None:
    """山田 花子 / 山田　花子 / 髙橋・﨑子 様 -> one key; hiragana and katakana are one script."""
    if not value:
        return None
    text = _NFKC("NFKC", value)
    if " " in text:
        text = text.replace(" ", "")
    if _NAME_SPECIAL.search(text):  # most names need nothing more; translate() is the slow step
        text = text.translate(NAME_TABLE)
    if text.endswith(_HONORIFICS):
        for suffix in _HONORIFICS:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                break
    return text or None


kana = name  # a reading is a name written in kana: the same folding applies

_KATAKANA_ONLY = re.compile(r"[\u30A0-\u30FF]+")


def is_kana(key: str) -> bool:
    """A name key written entirely in kana (after folding): it may be compared with readings."""
    return _KATAKANA_ONLY.fullmatch(key) is not None

# --------------------------------------------------------------------------- numerals

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


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


# Only numerals that count something in an address (一丁目, 二十三番地, 五号, 三の二) become
# digits; place names (八王子, 四谷, 千代田, 六本木) keep their kanji.
_ADDRESS_NUMERAL = re.compile(rf"[{_NUMERAL_CHARS}]+(?=丁目|番地|番|号|地割|[のノ][0-9{_NUMERAL_CHARS}]|[-0-9]|$)")
_ANY_NUMERAL = re.compile(rf"[{_NUMERAL_CHARS}]+")

# --------------------------------------------------------------------------- addresses

PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
    "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
    "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
    "熊本県 大分県 宮崎県 鹿児島県 沖縄県").split()
_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\u2043\ufe63-"
_HYPHEN_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9])[{_HYPHENS}](?=[0-9])")
_POSTAL = re.compile(r"^〒?[0-9]{3}-?[0-9]{4}|〒")
_UNIT = re.compile(r"([0-9]+)(?:丁目|番地[のノ]?|番[のノ]?|地割|号室|号|[のノ](?=[0-9]))")
_LOOSE_HYPHENS = re.compile(r"-+(?![0-9])|(?<![0-9])-+")
_MANY_HYPHENS = re.compile(r"-{2,}")


def _numerals_to_digits(match: re.Match) -> str:
    return str(kanji_number(match.group(0)))


@lru_cache(maxsize=_CACHE)
def address(value: str | None) -> str | None:
    """〒150-0001 東京都渋谷区神宮前一丁目２番３号 == 渋谷区神宮前1-2-3 == 神宮前１ー２ー３ (with the ward)."""
    if not value:
        return None
    text = _NFKC("NFKC", value).translate(ADDRESS_TABLE)
    text = _HYPHEN_BETWEEN_DIGITS.sub("-", text)
    text = _POSTAL.sub("", text)
    text = _PREFECTURE.sub("", text)  # lists often leave the prefecture out
    text = _ADDRESS_NUMERAL.sub(_numerals_to_digits, text)
    text = _HYPHEN_BETWEEN_DIGITS.sub("-", text)
    text = _UNIT.sub(r"\1-", text)
    text = _MANY_HYPHENS.sub("-", text)
    text = _LOOSE_HYPHENS.sub("", text)
    return text or None


def postal_code(value: str | None) -> str | None:
    if not value:
        return None
    digits = re.sub(r"[^0-9]", "", _NFKC("NFKC", value))
    return digits if len(digits) == 7 else None

# --------------------------------------------------------------------------- phones

_NOT_DIGIT = re.compile(r"[^0-9]")
_INTERNATIONAL = re.compile(r"^(?:\+|00)81(?:\(0\)|0)?")


@lru_cache(maxsize=_CACHE)
def phone(value: str | None) -> str | None:
    """+81 90-1234-5678, 090(1234)5678, ０９０－１２３４－５６７８ -> 09012345678."""
    if not value:
        return None
    text = _NFKC("NFKC", value).replace(" ", "").replace("\u3000", "")
    text = _HYPHEN_BETWEEN_DIGITS.sub("-", text)
    international = _INTERNATIONAL.match(text)
    if international:
        text = "0" + text[international.end():]
    digits = _NOT_DIGIT.sub("", text)
    return digits if len(digits) >= 9 else None  # shorter is not a Japanese phone number

# --------------------------------------------------------------------------- dates of birth

#: Era starts (元号): the first year of each is 元年 = 1.
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
        "m": 1868, "t": 1912, "s": 1926, "h": 1989, "r": 2019}
_WESTERN = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_ERA = re.compile(r"^(明治|大正|昭和|平成|令和|[mtshr])\.?([0-9]{1,2}|元)[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")


@lru_cache(maxsize=_CACHE)
def birth_date(value: str | date | None) -> str | None:
    """1980-04-01, 1980/4/1, 1980年4月1日, 19800401, 昭和55年4月1日, S55.4.1, 昭和五十五年四月一日
    -> "1980-04-01"; anything that is not a real date -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = _NFKC("NFKC", value).strip().lower().replace(" ", "")
    text = _ANY_NUMERAL.sub(_numerals_to_digits, text)
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
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def clear_caches() -> None:
    for function in (name, address, phone, birth_date):
        function.cache_clear()
