"""Screening a few people at once (the API's question "is this person suppressed?"), by the
same rules as a list (desk.suppression.matching), without loading the register: only the
entries whose name or reading digest equals one asked about are read, by their indexes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from desk.extensions import db
from desk.suppression.csv_input import Columns
from desk.suppression.keys import Hasher, matching_key
from desk.suppression.matching import EMPTY, Matcher
from desk.suppression.models import SuppressionEntry
from desk.text import names
from desk.text.kana import is_kana

#: The columns of one asked-about person, as Matcher.rule reads a row.
_COLUMNS = Columns(name=[0], kana=[1], birth_date=[2], phone=[3], address=[4])


@dataclass(frozen=True)
class Person:
    name: str | None = None
    furigana: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    address: str | None = None

    def row(self) -> list[str]:
        return [self.name or "", self.furigana or "", self.birth_date or "", self.phone or "", self.address or ""]


@dataclass(frozen=True)
class Hit:
    #: The rule that matched (name+birth_date, kana+phone, …).
    rule: str
    entry_id: int
    #: SCOPES of desk.suppression.models.
    scope: str

    @property
    def entry_number(self) -> str:
        return f"S-{self.entry_id:06d}"


def screen_people(people: list[Person]) -> list[Hit | None]:
    """For each person, the register entry they match, or None."""
    hasher = Hasher(matching_key())
    name_digest = hasher.name_hasher()
    name_digests: set[str] = set()
    kana_digests: set[str] = set()
    for person in people:
        key = names.name_key(person.name)
        if key is not None:
            name_digests.add(name_digest(key).hex())
            if is_kana(key):
                kana_digests.add(hasher("kana", key).hex())
        kana = names.kana_key(person.furigana)
        if kana is not None:
            kana_digests.add(hasher("kana", kana).hex())
    if not name_digests and not kana_digests:
        return [None] * len(people)
    table = SuppressionEntry.__table__
    conditions = []
    if name_digests:
        conditions.append(table.c.name_hash.in_(sorted(name_digests)))
    if kana_digests:
        conditions.append(table.c.kana_hash.in_(sorted(kana_digests)))
    connection = db.session.connection()
    rows = connection.execute(
        select(
            table.c.id,
            table.c.name_hash,
            table.c.kana_hash,
            table.c.birth_date_hash,
            table.c.phone_hash,
            table.c.address_hash,
            table.c.scope,
        ).where(or_(*conditions))
    ).fetchall()
    scopes = {row.id: row.scope for row in rows}
    matcher = Matcher(hasher, [tuple(row)[:6] for row in rows])
    found: list[Hit | None] = []
    for person in people:
        row = person.row()
        hits = matcher.hits(row[0])
        if hits is EMPTY:
            hits = matcher.kana_candidates(row[1]) if row[1] else ()
        result = matcher.rule(hits, row, _COLUMNS) if hits else None
        found.append(Hit(result[0], result[1], scopes[result[1]]) if result else None)
    return found
