"""The keyed index of a recorded list: a person is found across every list kept without any
list being readable in the database.

The stored list is kept in pieces (desk.storage): its header, then some 32 KB of rows each,
each sealed on its own. Each person (a row with a name) is put in one of 4,096 buckets by
the first 12 bits of the name's keyed digest: the suppression register's HMAC-SHA256 of the
normalised name (its key, its normalisation, desk.suppression.keys and desk.text). A bucket
holds, for each of its people, that digest's first 8 bytes and the row (12 bytes a person),
sealed with AES-GCM under a key derived from the stored list's own key
(desk.storage.piece_cipher), bound to its list and bucket. So the database holds 4,096
sealed rows per list, not a row per person, and shredding the list's key at disposal makes
its index noise too.

A search opens the one bucket of each list that can hold the name. For the namesakes it
finds there it reads the piece of the list that holds their row, and applies the register's
rules to the row's date of birth, phone and address, normalised as the register does.

Why rows and not the fields or their digests: a screening has already computed the digest
of every name on the list (its matcher's, reused here), so an entry costs nothing more to
make. Normalising and hashing the phone and address of a million rows cost four times the
screening itself, and copying the fields into the index made it as large as the list.
"""

from __future__ import annotations

import csv
import io
import os
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from operator import itemgetter

import numpy as np
from sqlalchemy import delete, select

from desk.extensions import db
from desk.memory import collector_paused
from desk.provisions.models import ProvisionRecord, RecordBucket
from desk.storage import service as storage
from desk.suppression.csv_input import Columns, cell, open_csv, read_errors, resolve_columns
from desk.suppression.errors import SuppressionError
from desk.suppression.keys import Hasher, matching_key, person_keys
from desk.text import addresses, dates, names, phones

#: The wanted person's digest is kept to 16 bytes (an entry is compared by its first 8).
DIGEST_BYTES = 16
#: An entry: the name's digest cut to 8 bytes, and the row. The people of a bucket already
#: share its 12 bits, so 52 tell them apart; with some 250 people in a list's bucket, a
#: search of 150 lists meets a stranger's name with the same 64 bits about once in 10^11
#: searches, and the register's rules decide after it.
ENTRY = np.dtype([("digest", ">u8"), ("row", ">u4")])
#: The bucket is the digest's first 12 bits: 4,096 buckets, some 3 KB each for a list of a million.
BUCKET_BITS = 12
BUCKETS = 1 << BUCKET_BITS
#: Rows read at a time when a list is indexed again.
CHUNK_ROWS = 256
#: A piece of the stored list holds at least this much (the last one may hold less): a search
#: opens and parses one piece per namesake, some 400 rows.
PIECE_BYTES = 32 * 1024
NONCE_BYTES = 12
PURPOSE = b"provision list index"
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
        if not all(found):
            known = self._known
            for k in [k for k, digest in enumerate(found) if digest is None]:
                raw = cells[k]
                found[k] = known[raw] if raw in known else self._compute(raw)
        return found


class IndexBuilder:
    """A list's entries, a chunk of rows at a time, and where its stored pieces begin; sealed
    at the end. Rows are numbered as the list holds them (1 = the first row after the
    header; blank lines are no rows); a row without a name is counted but not indexed.

    After the header and after every chunk, `mark` is told where the list stands: a byte
    offset into the stored list, or (by_line) the number of its lines read so far. A piece
    is cut at a mark once it holds PIECE_BYTES, so no piece begins inside a row."""

    def __init__(self, columns: Columns, encoding: str, matcher=None, *, by_line: bool = False):
        self.columns, self.encoding, self.by_line = columns, encoding, by_line
        self._matcher = matcher
        self._cuts: list[np.ndarray] = []  # each chunk's name digests cut to 8 bytes
        self._rows: list[np.ndarray] = []  # each chunk's rows with a name
        self._marks: list[tuple[int, int]] = []  # (offset or line, rows before it)
        self._layout: tuple[list[int], bytes | None] | None = None
        self.rows = self.people = 0

    @cached_property
    def digests(self) -> NameDigests:
        """Only for rows given without their digests (a list read again)."""
        return NameDigests(self._matcher)

    def add(self, chunk: list[list[str]], digests: list[bytes | None] | None = None) -> None:
        """A chunk of rows; `digests`: their names' digests where the screening computed them."""
        if [] in chunk:
            kept = [k for k, row in enumerate(chunk) if row]
            chunk = [chunk[k] for k in kept]
            digests = [digests[k] for k in kept] if digests is not None else None
        if not chunk:
            return
        if digests is None:
            digests = self.digests(_column(chunk, self.columns.name))
        first = self.rows + 1
        self.rows += len(chunk)
        if not all(digests):  # a row without a name (digests are never empty; `None in` compares each)
            keep = [k for k, digest in enumerate(digests) if digest is not None]
            digests = [digests[k] for k in keep]
            rows = np.add(np.array(keep, dtype=np.uint32), first, dtype=np.uint32)
        else:
            rows = np.arange(first, first + len(chunk), dtype=np.uint32)
        # The first 8 of each digest's 32 bytes: a million people keep 8 MB, not 32.
        self._cuts.append(np.frombuffer(b"".join(digests), dtype=">u8")[::4].copy())
        self._rows.append(rows)
        self.people += len(digests)

    def mark(self, where: int) -> None:
        self._marks.append((where, self.rows))

    def layout(self, data: storage.Content) -> tuple[list[int], bytes | None]:
        """Where the pieces of the stored list `data` (its bytes or its file) begin after the
        first (the header's), and the first row of each of them (ProvisionRecord.piece_rows)."""
        if self._layout is None:
            wheres = [where for where, _rows in self._marks]
            offsets = _line_ends(storage.content_bytes(data), wheres) if self.by_line else wheres
            size = storage.content_size(data)
            cuts, firsts = [], []
            for offset, (_where, rows) in zip(offsets, self._marks, strict=True):
                if offset >= size:
                    break
                if not cuts or offset - cuts[-1] >= PIECE_BYTES:
                    cuts.append(offset)
                    firsts.append(rows + 1)
            self._layout = cuts, np.array(firsts, dtype=">u4").tobytes() if firsts else None
        return self._layout

    def sealed(self, record: ProvisionRecord) -> list[tuple[int, int, bytes]]:
        """(record id, bucket, nonce + ciphertext) of every bucket that holds someone."""
        if not self.people:
            return []
        cut, rows = np.concatenate(self._cuts), np.concatenate(self._rows)
        # 12-bit buckets as uint16, so numpy sorts them by radix; the two columns are put in
        # that order one at a time (much faster than moving 12-byte records).
        buckets = (cut >> np.uint64(64 - BUCKET_BITS)).astype(np.uint16)
        order = np.argsort(buckets, kind="stable")
        entries = np.empty(len(order), ENTRY)
        entries["digest"], entries["row"] = cut[order], rows[order]
        plain = entries.tobytes()
        counts = np.bincount(buckets, minlength=BUCKETS)
        ends = (np.cumsum(counts) * ENTRY.itemsize).tolist()
        cipher = storage.piece_cipher(record, PURPOSE)
        record_id, found = record.id, []
        for bucket in np.flatnonzero(counts).tolist():
            nonce = os.urandom(NONCE_BYTES)
            held = plain[ends[bucket] - int(counts[bucket]) * ENTRY.itemsize : ends[bucket]]
            found.append((record_id, bucket, nonce + cipher.encrypt(nonce, held, _place(record_id, bucket))))
        return found


def _line_ends(data: bytes, lines: list[int]) -> list[int]:
    """The offset just after each given number of lines of `data`, as the csv module counts
    lines (a line ends at LF, CRLF or a lone CR; UTF-8 and Shift_JIS use those bytes for
    nothing else)."""
    octets = np.frombuffer(data, dtype=np.uint8)
    lf, cr = octets == 0x0A, octets == 0x0D
    cr[:-1] &= ~lf[1:]
    ends = np.flatnonzero(lf | cr)
    return [int(ends[line - 1]) + 1 if line - 1 < len(ends) else len(data) for line in lines]


def _place(record_id: int, bucket: int) -> bytes:
    """The associated data: a sealed bucket opens only as its own list's, in its own place."""
    return f"{record_id}:{bucket}".encode()


def _column(chunk: list[list[str]], indices: list[int]) -> list[str]:
    """One field of every row of a chunk (its columns joined where it has several)."""
    if len(indices) == 1:
        return list(map(itemgetter(indices[0]), chunk))
    return [cell(row, indices) for row in chunk]


@collector_paused()
def gather(data: bytes, overrides: dict[str, list[str]] | None = None, matcher=None) -> IndexBuilder:
    """Every person of the CSV list `data`, read again: a list recorded by hand or from the
    screening page, or one whose screening was interrupted before its index was written.
    `matcher`: a screening's, whose digests of the names are reused."""
    source = io.BytesIO(data)
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    try:
        with read_errors(source, csv_in, reader):
            try:
                header = next(reader)
            except StopIteration:
                raise SuppressionError("ファイルが空です。", "the file is empty", line=1) from None
            builder = IndexBuilder(resolve_columns(header, overrides), csv_in.encoding, matcher, by_line=True)
            builder.mark(reader.line_num)
            while chunk := list(islice(reader, CHUNK_ROWS)):
                builder.add(chunk)
                builder.mark(reader.line_num)
    finally:
        csv_in.text.detach()
    return builder


def write_index(record: ProvisionRecord, builder: IndexBuilder) -> None:
    """The sealed buckets into provision_record_buckets, through the driver: executemany of
    tuples on SQLite, binary COPY on PostgreSQL (4,096 rows for a list of a million)."""
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


class StoredList:
    """A recorded list's rows, read from the store a piece at a time."""

    def __init__(self, record: ProvisionRecord):
        self.pieces = storage.Pieces(record)
        self.encoding = record.list_encoding or "utf-8"
        self.firsts = np.frombuffer(record.piece_rows or b"", dtype=">u4").tolist()
        self._parsed: dict[int, list[list[str]]] = {}
        header = self._rows_of(0)[0]
        self.columns = resolve_columns(header, record.column_overrides)

    def _rows_of(self, piece: int) -> list[list[str]]:
        if piece not in self._parsed:
            text = self.pieces.read(piece).decode(self.encoding)
            self._parsed[piece] = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
        return self._parsed[piece]

    def row(self, number: int) -> list[str]:
        """Row `number` (1 = the first after the header; blank lines are no rows)."""
        if self.pieces.count == 1:  # stored whole: the header, then every row
            return self._rows_of(0)[number]
        piece = bisect_right(self.firsts, number)
        return self._rows_of(piece)[number - self.firsts[piece - 1]]

    def fields(self, number: int) -> tuple[str, str, str]:
        """The row's date of birth, phone and address as written ("" where the list has none)."""
        row, columns = self.row(number), self.columns
        return tuple(cell(row, c) if c else "" for c in (columns.birth_date, columns.phone, columns.address))


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
    name, opened, and its namesakes' rows read from the list and tried by the register's
    rules. As on the register, a date of birth on both sides that differs means another
    person: then a shared phone or address is no match."""
    if wanted.name is None or (wanted.birth is None and wanted.phone is None and wanted.address is None):
        return []
    prefix = int.from_bytes(wanted.name[: ENTRY["digest"].itemsize], "big")
    bucket = prefix >> (64 - BUCKET_BITS)
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
        entries = np.frombuffer(plain, dtype=ENTRY)
        namesakes = sorted(entries["row"][entries["digest"] == prefix].tolist())
        if not namesakes:
            continue
        listed, best = StoredList(record), None
        for row in namesakes:
            found = _rule(wanted, *listed.fields(row))
            if found is not None and (best is None or found[0] < best[0]):
                best = (*found, row)
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
