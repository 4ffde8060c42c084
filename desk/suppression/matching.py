"""The register in memory, and the rules that match a row to an entry: a name (or reading) confirmed by a date of birth, a phone or an address."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select

from desk.extensions import db
from desk.suppression.csv_input import Columns, cell
from desk.suppression.keys import Hasher, matching_key
from desk.suppression.models import SuppressionEntry
from desk.text import addresses, dates, names, phones
from desk.text.kana import is_kana

#: A value not looked up yet (None is a looked-up "nothing").
MISSING = object()


class Matcher:
    """The register in memory: name digest -> candidate entries, each with its other digests."""

    def __init__(self, hasher: Hasher, rows, info=None):
        """`rows`: (id, name, kana, birth date, phone, address digests as hex). `info(ids)`
        gives {id: (scope, display name, source)} for the entries a list matched."""
        self.hasher = hasher
        self.by_name: dict[bytes, list[tuple]] = {}
        self.by_kana: dict[bytes, list[tuple]] = {}
        self._info = info or (lambda ids: {})
        count = 0
        fromhex = bytes.fromhex
        for entry_id, name_h, kana_h, dob_h, phone_h, address_h in rows:
            candidate = (
                entry_id,
                dob_h and fromhex(dob_h),
                phone_h and fromhex(phone_h),
                address_h and fromhex(address_h),
            )
            self.by_name.setdefault(fromhex(name_h), []).append(candidate)
            if kana_h:
                self.by_kana.setdefault(fromhex(kana_h), []).append(candidate)
            count += 1
        # Each name digest -> (candidates, {birth digest: entry}, whether all candidates have a birth date)
        for index in (self.by_name, self.by_kana):
            for digest, candidates in index.items():
                births = {}
                for candidate in candidates:
                    if candidate[1] is not None:
                        births.setdefault(candidate[1], candidate[0])
                index[digest] = (tuple(candidates), births, all(c[1] is not None for c in candidates))
        self.size = count
        #: a looked-up name's digest -> its hits (see _name_lookup), for the names someone on
        #: the register may have (and None -> EMPTY); every other name has none. Two lookups
        #: a row instead of one of raw name -> hits, so that a screening that records its
        #: list has each row's digest without a third.
        self.hits_by_digest: dict[bytes | None, tuple] = {None: EMPTY}
        # The caches' lookups close over the parts they need, not over the matcher: a matcher
        # that held itself through them would be freed only by the cyclic collector, which
        # must then walk all its entries (up to a second on a register of 100,000), and a web
        # process would keep every screening's register until it did.
        #: raw name cell -> the register's digest of the name (None for an empty cell), filled
        #: as lists are read; a list's index takes them as they are (desk.provisions.index).
        self.name_digests = _Cache(_name_lookup(hasher, self.by_name, self.by_kana, self.hits_by_digest))
        #: raw date-of-birth cell -> its digest (None for no date). Dates of birth repeat
        #: (some 25,000 distinct in a million rows): each is read and hashed once.
        self.birth_digests = _Cache(partial(_birth_lookup, hasher))

    @classmethod
    def from_database(cls) -> Matcher:
        # Core select of the digests only, plain tuples; what the report shows is fetched for
        # the matched entries alone. (Its callers pause the cyclic collector: desk.memory.)
        table = SuppressionEntry.__table__
        connection = db.session.connection()

        def info(ids):
            found = {}
            ids = sorted(ids)
            for start in range(0, len(ids), 500):
                for entry_id, scope, display, source in connection.execute(
                    select(table.c.id, table.c.scope, table.c.display_name, table.c.source_reference).where(
                        table.c.id.in_(ids[start : start + 500])
                    )
                ):
                    found[entry_id] = (scope, display, source or "")
            return found

        rows = connection.execute(
            select(
                table.c.id,
                table.c.name_hash,
                table.c.kana_hash,
                table.c.birth_date_hash,
                table.c.phone_hash,
                table.c.address_hash,
            )
        ).fetchall()
        return cls(Hasher(matching_key()), rows, info)

    def describe(self, entry_ids) -> dict[int, tuple[str, str, str, str]]:
        """entry id -> (entry number, scope, masked name, source reference)"""
        found = self._info(set(entry_ids))
        return {i: (f"S-{i:06d}",) + found.get(i, ("", "", "")) for i in entry_ids}

    def hits(self, raw: str):
        """The hits of a name cell: EMPTY when the name is empty, otherwise a tuple (usually
        empty) of (label, candidates, {birth digest: entry id}, all candidates have a birth date)."""
        return self.hits_by_digest.get(self.name_digests[raw], ())

    def forget_names(self) -> None:
        """Empty the name caches (a screening bounds their size)."""
        self.name_digests.clear()
        self.hits_by_digest.clear()
        self.hits_by_digest[None] = EMPTY

    def birth_digest(self, raw: str) -> bytes | None:
        return self.birth_digests[raw]

    def kana_candidates(self, raw: str):
        key = names.kana_key(raw)
        if key is None:
            return ()
        found = self.by_kana.get(self.hasher("kana", key))
        return (("kana",) + found,) if found else ()

    def rule(self, hits, row: list[str], columns: Columns):
        """The first rule that fires for this row, as (rule, entry_id), or None.

        A date of birth on both sides that differs means two different people: then a
        shared phone or address (a family, a flat-share) does not make a match."""
        dob = phone = address = MISSING
        for label, candidates, _births, _all_born in hits:
            for entry_id, c_dob, c_phone, c_address in candidates:
                if c_dob is not None:
                    if dob is MISSING:
                        dob = self.birth_digest(cell(row, columns.birth_date)) if columns.birth_date else None
                    if dob is not None:
                        if dob == c_dob:
                            return f"{label}+birth_date", entry_id
                        continue
                if c_phone is not None and columns.phone:
                    if phone is MISSING:
                        phone = self.hasher("phone", phones.phone_key(cell(row, columns.phone)))
                    if phone == c_phone:
                        return f"{label}+phone", entry_id
                if c_address is not None and columns.address:
                    if address is MISSING:
                        address = self.hasher("address", addresses.address_key(cell(row, columns.address)))
                    if address == c_address:
                        return f"{label}+address", entry_id
        return None


_name_uncached = names.name_key.__wrapped__


def _name_lookup(hasher: Hasher, by_name: dict, by_kana: dict, hits_by_digest: dict):
    """The lookup of a name cell missing from the cache: its digest (None when the name is
    empty), its hits noted in `hits_by_digest` when it has any."""
    hash_name = hasher.name_hasher()

    def lookup(raw: str) -> bytes | None:
        key = _name_uncached(raw)  # the caller's cache already remembers raw -> result
        if key is None:
            return None
        digest = hash_name(key)
        found = by_name.get(digest)
        hits = (("name",) + found,) if found else ()
        if "\u30a0" <= key[0] <= "\u30ff" and by_kana and is_kana(key):
            # a name written in kana may be the entry's reading
            found = by_kana.get(hasher("kana", key))
            if found:
                hits += (("kana",) + found,)
        if hits:
            hits_by_digest[digest] = hits
        return digest

    return lookup


def _birth_lookup(hasher: Hasher, raw: str) -> bytes | None:
    return hasher("birth_date", dates.date_key(raw))


class _Cache(dict):
    """raw cell -> digest; a missing cell is looked up once (called from C, via __missing__,
    so a column of cells that are mostly known is mapped without a Python call each)."""

    def __init__(self, lookup):
        super().__init__()
        self.lookup = lookup

    def __missing__(self, raw):
        digest = self[raw] = self.lookup(raw)
        return digest


class _Empty:
    """The cached result for an empty name cell: falsy, and not None (None means "not looked up")."""

    def __bool__(self):
        return False

    def __repr__(self):
        return "EMPTY"


EMPTY = _Empty()
