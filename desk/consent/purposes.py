"""Marketing purposes (newsletter, product offers, …): from the setting consent_purposes, one `code|日本語|English` a line."""

from __future__ import annotations

from desk import settings
from desk.catalogue import Entry
from desk.consent.channels import ALL_PURPOSES

EVERY_PURPOSE = Entry(ALL_PURPOSES, "すべての目的", "Every purpose")


def parse(lines) -> dict[str, Entry]:
    """`newsletter|メールマガジン|Newsletter` lines -> {code: Entry}; a line without labels uses its code."""
    found: dict[str, Entry] = {}
    for line in lines or ():
        code, _, rest = str(line).partition("|")
        ja, _, en = rest.partition("|")
        code = code.strip()
        if code:
            found[code] = Entry(code, ja.strip() or code, en.strip() or ja.strip() or code)
    return found


def purposes() -> dict[str, Entry]:
    return parse(settings.get("consent_purposes"))


def purpose(code: str) -> Entry | None:
    """The purpose, or "every purpose" for a withdrawal of all."""
    if code == ALL_PURPOSES:
        return EVERY_PURPOSE
    return purposes().get(code)


def label(code: str, lang: str) -> str:
    found = purpose(code)
    return found.label(lang) if found else code
