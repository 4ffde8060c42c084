"""The keyed index of a recorded list: one row per person with the suppression register's
own digests of the name, the date of birth, the phone and the address, so that one person is
found across every list without any list being readable in the database.

Each digest is the register's HMAC-SHA256 (its key, its per-field tags and its normalisation,
from desk.suppression.keys and desk.text) cut to 16 bytes. A screening has already computed
the name's digest of every distinct name on the list and the birth date's of many dates:
its matcher is passed in and those are reused, not computed twice. Someone holding the
database alone can test no name.
"""

from __future__ import annotations

import csv
import gc
import io
from dataclasses import dataclass
from itertools import islice, repeat
from operator import itemgetter

from sqlalchemy import select, text

from desk.extensions import db
from desk.provisions.models import ProvisionRecord, RecordPerson
from desk.suppression.csv_input import cell, open_csv, read_errors, resolve_columns
from desk.suppression.errors import SuppressionError
from desk.suppression.keys import Hasher, matching_key
from desk.text import addresses, dates, names, phones

#: Digests are cut to 16 bytes: no collision across billions of rows, and half the index.
DIGEST_BYTES = 16
INSERT_ROWS = 20_000
TABLE = RecordPerson.__tablename__
NAME_INDEX = "ix_provision_record_people_name_key"
COLUMNS = "record_id, row, name_key, birth_key, phone_key, address_key"
#: rule -> (ja, en)
RULES = {
    "name+birth_date": ("氏名＋生年月日", "name + date of birth"),
    "name+phone": ("氏名＋電話番号", "name + phone"),
    "name+address": ("氏名＋住所", "name + address"),
}
MISSING = object()


@dataclass(frozen=True)
class PersonDigests:
    name: bytes | None
    birth: bytes | None
    phone: bytes | None
    address: bytes | None


class Digests:
    """The register's digests of a list's fields, cut to DIGEST_BYTES, a column of a chunk at
    a time: names and dates of birth remembered per raw cell (taken from the screening's
    matcher when it computed them), phones and addresses per row (HMAC from the hasher's
    precomputed pads, exactly the register's)."""

    def __init__(self, matcher=None):
        hasher = matcher.hasher if matcher is not None else Hasher(matching_key())
        self.hasher = hasher
        #: the screening's raw cell -> full digest
        self._screened_names = matcher.name_digests if matcher is not None else {}
        self._screened_births = matcher.birth_digests if matcher is not None else {}
        #: raw cell -> cut digest or None, for this list
        self._names: dict[str, bytes | None] = {}
        self._births: dict[str, bytes | None] = {}
        self._hash_name = hasher.name_hasher()
        self._phone_digest, self._address_digest = hasher.field_hasher("phone"), hasher.field_hasher("address")

    def _name(self, raw: str) -> bytes | None:
        digest = self._screened_names.get(raw)
        if digest is None:
            key = names.name_key(raw)
            digest = self._hash_name(key) if key is not None else None
        cut = self._names[raw] = digest[:DIGEST_BYTES] if digest is not None else None
        return cut

    def _birth(self, raw: str) -> bytes | None:
        digest = self._screened_births.get(raw, MISSING)
        if digest is MISSING:
            digest = self.hasher("birth_date", dates.date_key(raw))
        cut = self._births[raw] = digest[:DIGEST_BYTES] if digest is not None else None
        return cut

    @staticmethod
    def _remembered(cells: list[str], known: dict, compute) -> list:
        get = known.get
        found = [get(raw, MISSING) for raw in cells]
        if MISSING in found:
            found = [compute(raw) if digest is MISSING else digest for raw, digest in zip(cells, found, strict=True)]
        return found

    def names(self, cells: list[str]) -> list:
        return self._remembered(cells, self._names, self._name)

    def births(self, cells: list[str]) -> list:
        return self._remembered(cells, self._births, self._birth)

    def phones(self, cells: list[str]) -> list:
        digest = self._phone_digest
        return [digest(key)[:DIGEST_BYTES] if key else None for key in map(phones.phone_key, cells)]

    def addresses(self, cells: list[str]) -> list:
        digest = self._address_digest
        return [digest(key)[:DIGEST_BYTES] if key else None for key in map(addresses.address_key, cells)]


def person_digests(name=None, birth_date=None, phone=None, address=None, hasher: Hasher | None = None):
    """The digests of one person as the case knows them (raw values, normalised here)."""
    name_key = names.name_key(name)
    if name_key is None:
        return PersonDigests(None, None, None, None)
    hasher = hasher or Hasher(matching_key())

    def cut(field_name, value):
        digest = hasher(field_name, value)
        return digest[:DIGEST_BYTES] if digest is not None else None

    return PersonDigests(
        cut("name", name_key),
        cut("birth_date", dates.date_key(birth_date)),
        cut("phone", phones.phone_key(phone)),
        cut("address", addresses.address_key(address)),
    )


def index_list(
    record: ProvisionRecord, data: bytes, overrides: dict[str, list[str]] | None = None, matcher=None
) -> int:
    """Index every person (row with a name) of the CSV `data` under `record`; returns how many.
    `matcher`: the screening's, whose digests are reused. Rows go to the database in batches
    of plain tuples, through the driver (executemany on SQLite, COPY on PostgreSQL); when the
    list is larger than everything indexed so far, the name's index is built after the load."""
    source = io.BytesIO(data)
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    digests = Digests(matcher)
    writer = _Writer(record, data)
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
            nothing = repeat(None)
            while chunk := list(islice(reader, INSERT_ROWS)):
                if [] in chunk:  # blank lines are no rows
                    chunk = [row for row in chunk if row]
                numbers = range(row_number + 1, row_number + 1 + len(chunk))
                row_number += len(chunk)
                rows = [
                    (record_id, number, name, birth, phone, address)
                    for number, name, birth, phone, address in zip(
                        numbers,
                        digests.names(_column(chunk, name_c)),
                        digests.births(_column(chunk, birth_c)) if birth_c else nothing,
                        digests.phones(_column(chunk, phone_c)) if phone_c else nothing,
                        digests.addresses(_column(chunk, address_c)) if address_c else nothing,
                        strict=False,  # the repeat(None) columns are endless
                    )
                    if name is not None
                ]
                if rows:
                    writer.write(rows)
                    count += len(rows)
        writer.close()
    finally:
        csv_in.text.detach()
        if collecting:
            gc.enable()
    return count


def _column(chunk: list[list[str]], indices: list[int]) -> list[str]:
    """One field of every row of a chunk (its columns joined where it has several)."""
    if len(indices) == 1:
        return list(map(itemgetter(indices[0]), chunk))
    return [cell(row, indices) for row in chunk]


class _Writer:
    """Rows into provision_record_people through the driver: executemany of tuples on
    SQLite, binary COPY on PostgreSQL. The name's index is dropped and built again after
    the load when the list alone outnumbers the rows already indexed (an index built from
    sorted keys at once is several times cheaper than a million random insertions)."""

    def __init__(self, record: ProvisionRecord, data: bytes):
        connection = db.session.connection()
        self.dialect = connection.dialect.name
        self.raw = connection.connection.driver_connection
        indexed = db.session.scalar(
            select(db.func.coalesce(db.func.sum(ProvisionRecord.indexed_count), 0)).where(
                ProvisionRecord.id != record.id
            )
        )
        self.rebuild = data.count(b"\n") > indexed
        if self.rebuild:
            db.session.execute(text(f"DROP INDEX IF EXISTS {NAME_INDEX}"))
        self.copy = None
        if self.dialect == "postgresql":
            self.cursor = self.raw.cursor()
            self._copy_context = self.cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN (FORMAT BINARY)")
            self.copy = self._copy_context.__enter__()
            self.copy.set_types(["int4", "int4", "bytea", "bytea", "bytea", "bytea"])
        else:
            self.statement = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"

    def write(self, rows: list[tuple]) -> None:
        if self.copy is not None:
            write_row = self.copy.write_row
            for row in rows:
                write_row(row)
        else:
            self.raw.executemany(self.statement, rows)

    def close(self) -> None:
        if self.copy is not None:
            self._copy_context.__exit__(None, None, None)
            self.cursor.close()
        if self.rebuild:
            db.session.execute(text(f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON {TABLE} (name_key)"))


@dataclass(frozen=True)
class Hit:
    record: ProvisionRecord
    rule: str
    row: int

    def rule_label(self, lang: str) -> str:
        return RULES[self.rule][1 if lang == "en" else 0]


def find_person(wanted: PersonDigests) -> list[Hit]:
    """Every record still kept whose list holds the person, with the rule that fired (one
    hit per record, the strongest rule first): the rows with the person's name (the name's
    index), then the register's rules on them. As on the register, a date of birth on both
    sides that differs means another person: then a shared phone or address is no match."""
    if wanted.name is None or (wanted.birth is None and wanted.phone is None and wanted.address is None):
        return []
    table = RecordPerson.__table__
    rows = db.session.execute(
        select(table.c.record_id, table.c.row, table.c.birth_key, table.c.phone_key, table.c.address_key).where(
            table.c.name_key == wanted.name
        )
    ).all()
    best: dict[int, tuple[int, str, int]] = {}
    for record_id, row, birth, phone, address in rows:
        birth, phone, address = (bytes(v) if v is not None else None for v in (birth, phone, address))
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
