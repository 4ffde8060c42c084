"""The identity check's address rule: whether the application's, the identity document's and our records' addresses are one place.

Built on desk.text's address key (notation, kanji numerals, 丁目・番地・号, hyphens, 〒 and the
prefecture fold away), with one rule of its own: a building named on one side only is no
difference."""

from __future__ import annotations

import difflib

from markupsafe import Markup, escape

from desk.text.addresses import address_key, notation

_DIGITS = "0123456789"


def normalise(address: str | None) -> str:
    """The address in one notation, as the comparison shows it ("" when there is none)."""
    return notation(address)


def same_address(one: str | None, other: str | None) -> bool:
    """Whether two addresses are one place: the same address key, or one key is the other
    plus a building. Identity documents and records often leave the building out, so a
    building named on one side only is no difference; a different block number, town or
    ward, or two different buildings, is.

    "Plus a building" means the shorter key ends in its block number and the rest starts
    with neither a digit nor a hyphen: 神宮前1-2-3 + サンハイツ101, but not 神宮前1-2 + -3
    nor 神宮前1-2-3 + 4 (a different block number)."""
    one_key, other_key = address_key(one), address_key(other)
    if not one_key or not other_key:
        return False
    if one_key == other_key:
        return True
    shorter, longer = sorted((one_key, other_key), key=len)
    building = longer[len(shorter) :]
    return longer.startswith(shorter) and shorter[-1] in _DIGITS and building[0] not in _DIGITS + "-"


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
