"""The keyed index of a recorded list: one row per person with three digests, so that one person is found across every list without any list being readable in the database.

Each digest is the suppression register's HMAC-SHA256 (its key and its normalisation, from
desk.suppression.keys and desk.text) of the normalised name joined to one more field: the
date of birth, the address, the phone. Someone holding the database alone can test no name.
"""

from __future__ import annotations

import csv
import gc
import hmac
import io
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import or_, select

from desk.extensions import db
from desk.provisions.models import ProvisionRecord, RecordPerson
from desk.suppression.csv_input import cell, open_csv, read_errors, resolve_columns
from desk.suppression.errors import SuppressionError
from desk.suppression.keys import Hasher, matching_key
from desk.text import addresses, dates, names, phones

SEPARATOR = "\x1f"  # cannot occur in a normalised key
#: Digests are cut to 16 bytes: no collision across billions of rows, and half the index.
DIGEST_BYTES = 16
INSERT_ROWS = 5000
#: rule -> (ja, en)
RULES = {
    "name+birth_date": ("氏名＋生年月日", "name + date of birth"),
    "name+phone": ("氏名＋電話番号", "name + phone"),
    "name+address": ("氏名＋住所", "name + address"),
}


@dataclass(frozen=True)
class PersonDigests:
    birth: bytes | None
    phone: bytes | None
    address: bytes | None


def _combiner(hasher: Hasher):
    """name key, other key, tag -> the truncated HMAC of the two joined (None without the other).

    The register's Hasher is HMAC-SHA256 of "tag NUL value"; the one-shot hmac.digest (in C)
    computes the very same digest in one call, which matters a million times per list."""
    key = hasher.key
    prefixes = {tag: tag.encode() + b"\x00" for tag in ("birth_date", "phone", "address")}
    one_shot = hmac.digest

    def combined(name_key: str, other: str | None, tag: str) -> bytes | None:
        if not other:
            return None
        return one_shot(key, prefixes[tag] + (name_key + SEPARATOR + other).encode(), "sha256")[:DIGEST_BYTES]

    return combined


def person_digests(name=None, birth_date=None, phone=None, address=None, hasher: Hasher | None = None):
    """The digests of one person as the case knows them (raw values, normalised here)."""
    name_key = names.name_key(name)
    if name_key is None:
        return PersonDigests(None, None, None)
    combined = _combiner(hasher or Hasher(matching_key()))
    return PersonDigests(
        combined(name_key, dates.date_key(birth_date), "birth_date"),
        combined(name_key, phones.phone_key(phone), "phone"),
        combined(name_key, addresses.address_key(address), "address"),
    )


def index_list(record: ProvisionRecord, data: bytes, overrides: dict[str, list[str]] | None = None) -> int:
    """Index every person (row with a name) of the CSV `data` under `record`; returns how many.
    Rows go to the database in batches through the driver's executemany, as plain tuples."""
    source = io.BytesIO(data)
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    combined = _combiner(Hasher(matching_key()))
    name_key, date_key, phone_key, address_key = names.name_key, dates.date_key, phones.phone_key, addresses.address_key
    connection = db.session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {RecordPerson.__tablename__} (record_id, row, birth_key, address_key, phone_key) "
        f"VALUES ({marker}, {marker}, {marker}, {marker}, {marker})"
    )
    record_id, count = record.id, 0
    collecting = gc.isenabled()
    gc.disable()
    try:
        with read_errors(source, csv_in, reader):
            try:
                header = next(reader)
            except StopIteration:
                raise SuppressionError("ファイルが空です。", "the file is empty", line=1) from None
            columns = resolve_columns(header, overrides)
            name_c, birth_c, phone_c, address_c = columns.name, columns.birth_date, columns.phone, columns.address
            row_number = 0
            while chunk := list(islice(reader, INSERT_ROWS)):
                rows = []
                for row in chunk:
                    if not row:
                        continue
                    row_number += 1
                    key = name_key(cell(row, name_c))
                    if key is None:
                        continue
                    rows.append(
                        (
                            record_id,
                            row_number,
                            combined(key, date_key(cell(row, birth_c)), "birth_date") if birth_c else None,
                            combined(key, address_key(cell(row, address_c)), "address") if address_c else None,
                            combined(key, phone_key(cell(row, phone_c)), "phone") if phone_c else None,
                        )
                    )
                if rows:
                    connection.exec_driver_sql(statement, rows)
                    count += len(rows)
    finally:
        csv_in.text.detach()
        if collecting:
            gc.enable()
    return count


@dataclass(frozen=True)
class Hit:
    record: ProvisionRecord
    rule: str
    row: int

    def rule_label(self, lang: str) -> str:
        return RULES[self.rule][1 if lang == "en" else 0]


def find_person(wanted: PersonDigests) -> list[Hit]:
    """Every record still kept whose list holds the person, with the rule that fired (one
    hit per record, the strongest rule first). As on the register, a date of birth on both
    sides that differs means another person: then a shared phone or address is no match."""
    conditions = []
    table = RecordPerson.__table__
    for column, digest in (
        (table.c.birth_key, wanted.birth),
        (table.c.phone_key, wanted.phone),
        (table.c.address_key, wanted.address),
    ):
        if digest is not None:
            conditions.append(column == digest)
    if not conditions:
        return []
    rows = db.session.execute(
        select(table.c.record_id, table.c.row, table.c.birth_key, table.c.phone_key, table.c.address_key).where(
            or_(*conditions)
        )
    ).all()
    best: dict[int, tuple[int, str, int]] = {}
    for record_id, row, birth, phone, address in rows:
        if wanted.birth is not None and birth == wanted.birth:
            rank, rule = 0, "name+birth_date"
        elif wanted.birth is not None and birth is not None:
            continue  # born on another day: another person with the same name
        elif wanted.phone is not None and phone == wanted.phone:
            rank, rule = 1, "name+phone"
        elif wanted.address is not None and address == wanted.address:
            rank, rule = 2, "name+address"
        else:
            continue
        if record_id not in best or rank < best[record_id][0]:
            best[record_id] = (rank, rule, row)
    if not best:
        return []
    records = {
        r.id: r
        for r in db.session.scalars(
            select(ProvisionRecord).where(ProvisionRecord.id.in_(best), ProvisionRecord.disposed_on.is_(None))
        )
    }
    hits = [Hit(records[i], rule, row) for i, (_rank, rule, row) in best.items() if i in records]
    return sorted(hits, key=lambda h: (h.record.occurred_on, h.record.id))
