"""The keyed index of a recorded list: a person is found across every list kept without any
list being readable in the database.

Each person (a row with a name) is put in one of 65,536 buckets by the first 16 bits of the
name's keyed digest: the suppression register's HMAC-SHA256 of the normalised name (its
key, its normalisation, desk.suppression.keys and desk.text). A bucket holds, for each of
its people, that digest's first 8 bytes, the row, and the row's date of birth, phone
and address as the list writes them (some 75 bytes a person); the bucket is sealed with
AES-GCM under a key derived from the stored list's own key (desk.storage.piece_cipher),
bound to its list and bucket.
So the database holds 65,536 sealed rows per list, not a row per person, and shredding the
list's key at disposal makes its index noise too.

Why raw fields and not a digest of each: a screening has already computed the digest of
every name on the list (its matcher's, reused here), but normalising and hashing the phone
and the address of a million rows cost four times the screening itself. A search needs them
for a handful of rows only: it opens the one bucket of each list that can hold the name,
and applies the register's rules to the namesakes it finds there, normalising their fields
as the register does.
"""

from __future__ import annotations

import csv
import gc
import io
import os
from dataclasses import dataclass
from itertools import islice, repeat
from operator import itemgetter

from sqlalchemy import delete, select

from desk.extensions import db
from desk.provisions.models import ProvisionRecord, RecordBucket
from desk.storage import service as storage
from desk.suppression.csv_input import Columns, cell, open_csv, read_errors, resolve_columns
from desk.suppression.errors import SuppressionError
from desk.suppression.keys import Hasher, matching_key, person_keys
from desk.text import addresses, dates, names, phones

#: The wanted person's digest is cut to 16 bytes (an entry is compared by its first 8).
DIGEST_BYTES = 16
#: An entry holds the name's digest cut to 8 bytes (16 hex digits, the bucket's 4 first):
#: the people of a bucket already share its 16 bits, so 48 tell them apart; with some
#: fifteen people in a list's bucket, a search of 150 lists meets a stranger's name with
#: the same 64 bits about once in 10^11 searches, and the register's rules decide after
#: it. The whole digest would be 48 more bytes a person, 40% of a list's index. (Entries
#: written whole before 2026-12-04 begin with the same 16 digits and are found alike.)
ENTRY_DIGEST_BYTES = 8
_ENTRY_DIGEST = itemgetter(slice(0, ENTRY_DIGEST_BYTES))
#: The bucket is the digest's first two bytes, written as its first four hex digits.
BUCKET_HEX = 4
CHUNK_ROWS = 20_000
NONCE_BYTES = 12
PURPOSE = b"provision list index"
#: Inside a sealed bucket: entries apart, and an entry's fields (digest, row, birth, phone, address) apart.
ENTRY, FIELD = "\x1e", "\x1f"
TABLE = RecordBucket.__tablename__
COLUMNS = "record_id, bucket, sealed"
#: rule -> (ja, en)
RULES = {
    "name+birth_date": ("氏名＋生年月日", "name + date of birth"),
    "name+phone": ("氏名＋電話番号", "name + phone"),
    "name+address": ("氏名＋住所", "name + address"),
}


@dataclass(frozen=True)
class Wanted:
    """The person searched for: the name's cut digest and the other fields' normalised keys."""

    name: bytes | None
    birth: str | None
    phone: str | None
    address: str | None


def wanted_person(name=None, birth_date=None, phone=None, address=None, hasher: Hasher | None = None) -> Wanted:
    """The person as the case knows them (raw values, normalised as the register does)."""
    keys = person_keys(name, None, birth_date, phone, address)
    if keys.name is None:
        return Wanted(None, None, None, None)
    digest = (hasher or Hasher(matching_key()))("name", keys.name)
    return Wanted(digest[:DIGEST_BYTES], keys.birth_date, keys.phone, keys.address)


class NameDigests:
    """The register's digest of each raw name cell (all 32 bytes, as the screening's matcher
    keeps them, so its digests are taken as they are): from the screening's matcher when it
    computed it, otherwise computed once per distinct cell of the list."""

    def __init__(self, matcher=None):
        hasher = matcher.hasher if matcher is not None else Hasher(matching_key())
        self._hash_name = hasher.name_hasher()
        self._screened = matcher.name_digests if matcher is not None else {}
        self._known: dict[str, bytes | None] = {}

    def _compute(self, raw: str) -> bytes | None:
        key = names.name_key(raw)
        digest = self._known[raw] = self._hash_name(key) if key is not None else None
        return digest

    def __call__(self, cells: list[str]) -> list[bytes | None]:
        found = list(map(self._screened.get, cells))
        if None in found:
            known = self._known
            for k in [k for k, digest in enumerate(found) if digest is None]:
                raw = cells[k]
                found[k] = known[raw] if raw in known else self._compute(raw)
        return found


class IndexBuilder:
    """A list's entries, a chunk of rows at a time, gathered by bucket; sealed at the end.
    Rows are numbered as the list holds them (1 = the first row after the header; blank
    lines are no rows); a row without a name is counted but not indexed."""

    def __init__(self, columns: Columns, matcher=None):
        self.columns = columns
        self.digests = NameDigests(matcher)
        self.buckets: dict[str, list[str]] = {}
        self.rows = self.people = 0

    def add(self, chunk: list[list[str]]) -> None:
        if [] in chunk:
            chunk = [row for row in chunk if row]
        if not chunk:
            return
        columns = self.columns
        digests = self.digests(_column(chunk, columns.name))
        fields = [_column(chunk, columns.birth_date), _column(chunk, columns.phone), _column(chunk, columns.address)]
        numbers = list(map(str, range(self.rows + 1, self.rows + 1 + len(chunk))))
        self.rows += len(chunk)
        if None in digests:
            keep = [k for k, d in enumerate(digests) if d is not None]
            if not keep:
                return
            numbers, digests = [numbers[k] for k in keep], [digests[k] for k in keep]
            fields = [[f[k] for k in keep] if f is not None else None for f in fields]
        self.people += len(digests)
        blank = repeat("")
        entries = map(
            FIELD.join,
            zip(
                map(bytes.hex, map(_ENTRY_DIGEST, digests)),
                numbers,
                *(f if f is not None else blank for f in fields),
                strict=False,
            ),
        )
        buckets = self.buckets
        for entry in entries:
            bucket = buckets.get(entry[:BUCKET_HEX])
            if bucket is None:
                buckets[entry[:BUCKET_HEX]] = [entry]
            else:
                bucket.append(entry)

    def sealed(self, record: ProvisionRecord) -> list[tuple[int, int, bytes]]:
        """(record id, bucket, nonce + ciphertext) of every bucket that holds someone."""
        cipher = storage.piece_cipher(record, PURPOSE)
        record_id, found = record.id, []
        for key in sorted(self.buckets):
            bucket = int(key, 16)
            nonce = os.urandom(NONCE_BYTES)
            plain = ENTRY.join(self.buckets[key]).encode()
            found.append((record_id, bucket, nonce + cipher.encrypt(nonce, plain, _place(record_id, bucket))))
        return found


def _place(record_id: int, bucket: int) -> bytes:
    """The associated data: a sealed bucket opens only as its own list's, in its own place."""
    return f"{record_id}:{bucket}".encode()


def _column(chunk: list[list[str]], indices: list[int]) -> list[str] | None:
    """One field of every row of a chunk (its columns joined where it has several), with
    the index's separators (control characters no list means) made spaces."""
    if not indices:
        return None
    cells = list(map(itemgetter(indices[0]), chunk)) if len(indices) == 1 else [cell(row, indices) for row in chunk]
    joined = "".join(cells)
    if ENTRY in joined or FIELD in joined:
        cells = [c.replace(ENTRY, " ").replace(FIELD, " ") for c in cells]
    return cells


def index_list(
    record: ProvisionRecord, data: bytes, overrides: dict[str, list[str]] | None = None, matcher=None
) -> int:
    """Index every person (row with a name) of the stored CSV list `data` of `record`, in
    place of any index it had; returns how many. `matcher`: the screening's, whose digests
    of the names are reused."""
    source = io.BytesIO(data)
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    collecting = gc.isenabled()
    gc.disable()  # a million small strings in lists without cycles: the collector would only walk them
    try:
        with read_errors(source, csv_in, reader):
            try:
                header = next(reader)
            except StopIteration:
                raise SuppressionError("ファイルが空です。", "the file is empty", line=1) from None
            builder = IndexBuilder(resolve_columns(header, overrides), matcher)
            while chunk := list(islice(reader, CHUNK_ROWS)):
                builder.add(chunk)
        write_index(record, builder)
    finally:
        csv_in.text.detach()
        if collecting:
            gc.enable()
    return builder.people


def write_index(record: ProvisionRecord, builder: IndexBuilder) -> None:
    """The sealed buckets into provision_record_buckets, through the driver: executemany of
    tuples on SQLite, binary COPY on PostgreSQL (65,536 rows for a list of a million)."""
    db.session.execute(delete(RecordBucket).where(RecordBucket.record_id == record.id))
    rows = builder.sealed(record)
    if not rows:
        return
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "int4", "bytea"])
            for row in rows:
                copy.write_row(row)
    else:
        raw.executemany(f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, ?)", rows)


@dataclass(frozen=True)
class Hit:
    record: ProvisionRecord
    rule: str
    row: int

    def rule_label(self, lang: str) -> str:
        return RULES[self.rule][1 if lang == "en" else 0]


def find_person(wanted: Wanted) -> list[Hit]:
    """Every record still kept whose list holds the person, with the rule that fired (one
    hit per record, the strongest rule first): the one bucket of each list that can hold the
    name, opened, its namesakes tried by the register's rules. As on the register, a date of
    birth on both sides that differs means another person: then a shared phone or address
    is no match."""
    if wanted.name is None or (wanted.birth is None and wanted.phone is None and wanted.address is None):
        return []
    bucket = int.from_bytes(wanted.name[: BUCKET_HEX // 2], "big")
    prefix = wanted.name[:ENTRY_DIGEST_BYTES].hex()  # what an entry begins with
    kept = db.session.execute(
        select(ProvisionRecord, RecordBucket.sealed)
        .join(RecordBucket, RecordBucket.record_id == ProvisionRecord.id)
        .where(
            RecordBucket.bucket == bucket,
            ProvisionRecord.disposed_on.is_(None),
            ProvisionRecord.wrapped_key.is_not(None),
        )
    ).all()
    hits = []
    for record, sealed in kept:
        plain = storage.piece_cipher(record, PURPOSE).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _place(record.id, bucket)
        )
        best = None
        for entry in plain.decode().split(ENTRY):
            if entry.startswith(prefix):
                _digest, row, birth, phone, address = entry.split(FIELD)
                found = _rule(wanted, birth, phone, address)
                if found is not None and (best is None or found[0] < best[0]):
                    best = (*found, int(row))
        if best is not None:
            hits.append(Hit(record, best[1], best[2]))
    return sorted(hits, key=lambda h: (h.record.occurred_on, h.record.id))


def _rule(wanted: Wanted, birth: str, phone: str, address: str) -> tuple[int, str] | None:
    """(rank, rule) by which a namesake's row is the person, or None."""
    birth_key = dates.date_key(birth) if birth else None
    if wanted.birth is not None and birth_key == wanted.birth:
        return 0, "name+birth_date"
    if wanted.birth is not None and birth_key is not None:
        return None  # born on another day: another person with the same name
    if wanted.phone is not None and phone and phones.phone_key(phone) == wanted.phone:
        return 1, "name+phone"
    if wanted.address is not None and address and addresses.address_key(address) == wanted.address:
        return 2, "name+address"
    return None
