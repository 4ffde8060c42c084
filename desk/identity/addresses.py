"""The identity check's address rule: whether the application's, the identity document's and our records' addresses are one place.

Built on desk.text's address key (notation, kanji numerals, 丁目・番地・号, hyphens, 〒 and the
prefecture fold away), with one rule of its own: a building named on one side only is no
difference."""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

from desk.text.addresses import PREFECTURES, address_key, notation

_DIGITS = "0123456789"
_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
#: A block number that is over: digits (and hyphens) followed by what is not a unit of a
#: place name (北1条西, 西12町): what follows it is a building or a room.
_BLOCK_DONE = re.compile(r"[0-9](?:-[0-9]+)*[^0-9\-条線町丁番号地区]")

#: What kind of difference two addresses have, as the page names it.
DIFFERENCES = {
    "building_missing": ("建物名・部屋番号が一方にだけ記載", "Building or room named on one side only"),
    "building": ("建物名・部屋番号が異なる", "Different building or room"),
    "block": ("番地・号が異なる", "Different block number"),
    "town": ("町名・市区町村が異なる", "Different town, ward or city"),
}


#: Commas and full stops between the parts of an address written in Latin letters (3-4-5
#: Roppongi, Minato-ku, Tokyo) and the Japanese comma: two writings of one place with and
#: without them agree. Only the comparison drops them: the register's address_key keeps
#: them, as its stored hashes depend on it.
#: Between two digits a separator stays: it parts two numbers (Room 101, 1-2-3; 1-2-3、101号室),
#: which must not run together into one.
_SEPARATORS = re.compile(r"(?<![0-9])[,.、]|[,.、](?![0-9])")


def _key(address: str | None) -> str | None:
    """The address key the identity check compares: desk.text's, without separators, and
    Latin letters in one case (TOKYO, Tokyo)."""
    key = address_key(address)
    return (_SEPARATORS.sub("", key).casefold() or None) if key else None


def normalise(address: str | None) -> str:
    """The address in one notation, as the comparison shows it ("" when there is none)."""
    return _SEPARATORS.sub("", notation(address))


def same_address(one: str | None, other: str | None) -> bool:
    """Whether two addresses are one place: the same address key, or one key is the other
    plus a building. Identity documents and records often leave the building out, so a
    building named on one side only is no difference; a different block number, town or
    ward, or two different buildings, is.

    "Plus a building" means the shorter key ends in its block number and the rest starts
    with neither a digit nor a hyphen: 神宮前1-2-3 + サンハイツ101, but not 神宮前1-2 + -3
    nor 神宮前1-2-3 + 4 (a different block number)."""
    one_key, other_key = _key(one), _key(other)
    if not one_key or not other_key:
        return False
    if one_key == other_key:
        return True
    shorter, longer = sorted((one_key, other_key), key=len)
    building = longer[len(shorter) :]
    return longer.startswith(shorter) and shorter[-1] in _DIGITS and building[0] not in _DIGITS + "-"


def difference(one: str | None, other: str | None) -> str | None:
    """None when the two are one address key; else "building_missing" (one is the other
    plus a building), "building", "block" or "town": which part differs first."""
    one_key, other_key = _key(one) or "", _key(other) or ""
    if one_key == other_key:
        return None
    shorter, longer = sorted((one_key, other_key), key=len)
    building = longer[len(shorter) :]
    if shorter and longer.startswith(shorter) and shorter[-1] in _DIGITS and building[0] not in _DIGITS + "-":
        return "building_missing"
    common = len(_common_prefix(one_key, other_key))
    shared = one_key[:common]
    if _BLOCK_DONE.search(shared):
        return "building"
    rest = (one_key[common:], other_key[common:])
    if shared[-1:] in tuple(_DIGITS) and all(r and r[0] not in _DIGITS + "-" for r in rest):
        return "building"
    if (shared and shared[-1] in _DIGITS + "-") or any(r[:1] in tuple(_DIGITS + "-") and r for r in rest):
        return "block"
    return "town"


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def agree(one: str | None, other: str | None, *, building_counts: bool = False) -> bool:
    """Whether two addresses agree under the business's policy: one address key, or a building
    named on one side only unless that counts as a difference (identity_building_missing_counts)."""
    if not _key(one) or not _key(other):
        return False
    found = difference(one, other)
    return found is None or (found == "building_missing" and not building_counts)


def compare_pair(reference: str | None, other: str | None, *, building_counts: bool = False) -> dict:
    """Two addresses in one notation, `other` highlighted against `reference`: what the
    case page shows for each comparison. `entered` is False until both exist, and then
    nothing is said about them."""
    base, norm = _shown_alike(normalise(reference), normalise(other))
    entered = bool(_key(reference)) and bool(_key(other))
    found = difference(reference, other) if entered else None
    return {
        "reference": {
            "raw": reference,
            "normalised": base,
            "marked": highlight(norm, base) if entered else escape(base),
        },
        "other": {"raw": other, "normalised": norm, "marked": highlight(base, norm) if entered else escape(norm)},
        "entered": entered,
        "difference": found,
        "agrees": entered and agree(reference, other, building_counts=building_counts),
    }


def _shown_alike(one: str, other: str) -> tuple[str, str]:
    """Both without the prefecture when only one names it: the comparison ignores it, so
    the page does not mark it as a difference."""
    one_prefecture, other_prefecture = _PREFECTURE.match(one), _PREFECTURE.match(other)
    if bool(one_prefecture) != bool(other_prefecture):
        one = one[one_prefecture.end() :] if one_prefecture else one
        other = other[other_prefecture.end() :] if other_prefecture else other
    return one, other


def highlight(reference: str, other: str) -> Markup:
    """`other` with the characters that differ from `reference` wrapped in <mark>."""
    if not other:
        return Markup("")
    out = []
    matcher = difflib.SequenceMatcher(a=reference, b=other, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if j1 == j2:
            continue  # nothing of `other` here (a deletion): nothing to mark
        piece = escape(other[j1:j2])
        out.append(piece if tag == "equal" else Markup("<mark>") + piece + Markup("</mark>"))
    return Markup("").join(out)


def compare(application: str | None, document: str | None, records: str | None) -> dict:
    """The three addresses in one notation, each highlighted against the application's and
    marked whether it agrees with it (same_address)."""
    base = normalise(application)
    rows = []
    for key, raw in (("application", application), ("document", document), ("records", records)):
        norm = normalise(raw)
        rows.append(
            {
                "key": key,
                "raw": raw,
                "normalised": norm,
                "marked": highlight(base, norm) if key != "application" else escape(norm),
                "agrees": bool(norm) and (key == "application" or same_address(application, raw)),
            }
        )
    given = [r for r in rows if r["normalised"]]
    return {"rows": rows, "all_agree": len(given) == 3 and all(r["agrees"] for r in rows)}
