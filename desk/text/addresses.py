"""Japanese addresses and postal codes: one notation for 丁目・番地・号, kanji numerals, hyphens and 〒, and the key that compares them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from desk.text.characters import DASHES, KEY_FOLDING, SPACES, nfkc
from desk.text.numerals import NUMERAL_CHARS, to_digits

PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]

#: Addresses: the key folding; spaces go; ヶ/ケ/が in place names (霞が関, 霞ヶ関, 霞ケ関) are one.
ADDRESS_TABLE = str.maketrans(
    {**KEY_FOLDING, **dict.fromkeys(" \t\r\n\u3000"), **{ord("ヶ"): "ケ", ord("ヵ"): "カ", ord("が"): "ケ"}}
)

_DASH = "[" + re.escape(DASHES) + "]"
_HYPHEN_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9]){_DASH}(?=[0-9])")
_POSTAL = re.compile(r"^〒?[0-9]{3}-?[0-9]{4}|〒")
_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
# Only numerals that count something become digits: those before 丁目・番地・番・号・地割,
# before の/ノ and another number (三の二), before a hyphen or a digit, or at the end (a
# block number). Inside place names (八王子, 四日市, 千代田, 六本木, 九段南) they are
# letters and stay kanji. Known quirk, kept because register keys depend on it: the N of
# N番町 (千代田区一番町) counts as a number, so 一番町 and 1番町 both become 1町.
_ADDRESS_NUMERAL = re.compile(rf"[{NUMERAL_CHARS}]+(?=丁目|番地|番|号|地割|[のノ][0-9{NUMERAL_CHARS}]|[-0-9]|$)")
_UNIT = re.compile(r"([0-9]+)(?:丁目|番地[のノ]?|番[のノ]?|地割|号室|号|[のノ](?=[0-9]))")
_LOOSE_HYPHENS = re.compile(r"-+(?![0-9])|(?<![0-9])-+")
_MANY_HYPHENS = re.compile(r"-{2,}")
# Addresses repeat in long lists, and the identity page compares three each time.
_CACHE = 1 << 18


def _numbers_as_hyphens(text: str, *, keep_prefecture: bool) -> str:
    """The shared steps of notation() and address_key(), on text already folded and without spaces."""
    text = _HYPHEN_BETWEEN_DIGITS.sub("-", text)
    text = _POSTAL.sub("", text)
    if not keep_prefecture:
        text = _PREFECTURE.sub("", text)  # lists often leave the prefecture out
    text = _ADDRESS_NUMERAL.sub(to_digits, text)
    text = _HYPHEN_BETWEEN_DIGITS.sub("-", text)
    text = _UNIT.sub(r"\1-", text)
    text = _MANY_HYPHENS.sub("-", text)
    return _LOOSE_HYPHENS.sub("", text)


@lru_cache(maxsize=_CACHE)
def address_key(value: str | None) -> str | None:
    """〒150-0001 東京都渋谷区神宮前一丁目２番３号 == 渋谷区神宮前1-2-3 == 神宮前１ー２ー３ (with the ward).

    Besides notation(): the prefecture goes, kana and variant kanji are folded. The
    suppression register hashes this key and keeps nothing else, so what it returns for an
    address already on the register must never change (see desk.text)."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).translate(ADDRESS_TABLE)
    return _numbers_as_hyphens(text, keep_prefecture=False) or None


def notation(value: str | None) -> str:
    """The address as an officer reads it, in one notation: 東京都渋谷区神宮前一丁目２番３号 -> 東京都渋谷区神宮前1-2-3.

    Half-width, without spaces, 〒 or postal code; address numbers as digits and hyphens.
    The prefecture, kana and kanji stay as written: two notations may still differ where
    their address_key() agrees."""
    if not value:
        return ""
    return _numbers_as_hyphens(SPACES.sub("", nfkc(value)), keep_prefecture=True)


def postal_code(text: str | None) -> str:
    """1234567, 123-4567, 〒１２３－４５６７ -> "1234567"; anything but seven digits raises ValueError."""
    value = nfkc(text).replace("〒", "")
    value = "".join(c for c in value if c not in DASHES and not c.isspace())
    if not re.fullmatch(r"\d{7}", value):
        raise ValueError("postal code")
    return value
