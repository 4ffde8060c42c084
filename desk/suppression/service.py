"""The suppression register: entries as keyed hashes, the automatic entry on completion,
manual entries and imports, and screening a list against the register.

Matching keys are HMAC-SHA256 of the normalised values under a key derived (HKDF) from the
instance master key with its own info string: the register holds no name, address, phone
or date of birth in clear, and a copy of the database alone cannot be searched for a
person. Only a masked display name, the scope, the source case and who/when are kept.
"""
from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import func, or_, select

from desk import catalogue, settings
from desk.audit.service import record
from desk.clock import now, today
from desk.extensions import db
from desk.suppression.models import DIRECTIONS, SCOPES, ScreeningFile, ScreeningRun, SuppressionEntry
from desk.text import addresses, dates, kana, names, phones

HKDF_INFO = b"desk: suppression register matching keys"
#: request kind -> the scope its entry gets.
SCOPE_OF_KIND = {"stop_provision": "third_party_provision", "cessation": "all_use"}
#: Outcomes that put the principal on the register (see README: why alternative_measure does).
SUPPRESSING_OUTCOMES = {"done": "decision", "alternative_measure": "alternative_measure"}
FIELDS = ("name", "kana", "birth_date", "phone", "address")


class SuppressionError(Exception):
    """Bad input, with a message in both languages and, for files, the line it is on."""

    def __init__(self, ja: str, en: str, *, line: int | None = None, field: str | None = None,
                 record: int | None = None):
        self.ja, self.en, self.line, self.field, self.record = ja, en, line, field, record
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        text = self.en if lang == "en" else self.ja
        if self.line is not None:
            text = (f"line {self.line}: " if lang == "en" else f"{self.line}行目: ") + text
        return text

# --------------------------------------------------------------------------- keys

def matching_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=HKDF_INFO).derive(current_app.config["MASTER_KEY"].encode())


class Hasher:
    """HMAC-SHA256 per field, each field under its own tag so a phone never equals a name.

    RFC 2104 spelled out over hashlib: the inner and outer states (key XOR ipad + tag, key
    XOR opad) are computed once and copied per value, which is about twice as fast as
    hmac.new().copy() on the screening hot path. tests check it equals hmac.new()."""

    def __init__(self, key: bytes):
        self.key = key
        block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
        inner_pad = bytes(b ^ 0x36 for b in block)
        outer_pad = bytes(b ^ 0x5C for b in block)
        self._inner = {name: hashlib.sha256(inner_pad + name.encode() + b"\x00") for name in FIELDS}
        self._outer = hashlib.sha256(outer_pad)

    def __call__(self, field_name: str, value: str | None) -> bytes | None:
        if value is None:
            return None
        inner = self._inner[field_name].copy()
        inner.update(value.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def name_hasher(self):
        """A fast one-argument function for names (the per-row call)."""
        inner_base, outer_base = self._inner["name"], self._outer

        def digest(value: str) -> bytes:
            inner = inner_base.copy()
            inner.update(value.encode())
            outer = outer_base.copy()
            outer.update(inner.digest())
            return outer.digest()
        return digest


@dataclass(frozen=True)
class PersonKeys:
    name: str | None
    kana: str | None
    birth_date: str | None
    phone: str | None
    address: str | None


def person_keys(name=None, kana=None, birth_date=None, phone=None, address=None) -> PersonKeys:
    return PersonKeys(names.name_key(name), names.kana_key(kana), dates.date_key(birth_date),
                      phones.phone_key(phone), addresses.address_key(address))


def hashed(keys: PersonKeys, hasher: Hasher | None = None) -> dict[str, str | None]:
    hasher = hasher or Hasher(matching_key())
    values = {}
    for field_name in FIELDS:
        digest = hasher(field_name, getattr(keys, field_name))
        values[field_name] = digest.hex() if digest else None
    return values


def mask_name(name: str) -> str:
    """山田 花子 -> 山＊ 花＊; 山田花子 -> 山＊＊; enough to tell entries apart, not to read them."""
    parts = [p for p in re.split(r"[\s\u3000・･]+", unicodedata.normalize("NFKC", name or "")) if p]
    if not parts:
        return "＊"
    if len(parts) == 1:
        return parts[0][0] + "＊＊"
    return " ".join(p[0] + "＊" for p in parts)[:40]

# --------------------------------------------------------------------------- entries

def _new_entry(keys: PersonKeys, display_name: str, *, scope: str, origin: str, hasher: Hasher,
               source_case=None, source_reference: str | None = None, added_on: date | None = None,
               actor=None, line: int | None = None) -> SuppressionEntry:
    if scope not in SCOPES:
        raise SuppressionError(f"範囲「{scope}」は使えません（third_party_provision または all_use）。",
                               f"Unknown scope {scope!r} (third_party_provision or all_use).", line=line, field="scope")
    if not keys.name:
        raise SuppressionError("氏名を入力してください。", "A name is required.", line=line, field="name")
    if not (keys.birth_date or keys.phone or keys.address):
        raise SuppressionError(
            "生年月日・電話番号・住所のいずれかが必要です（氏名だけでは照合しません）。",
            "A date of birth, phone number or address is required (a name alone is never matched).",
            line=line, field="birth_date")
    values = hashed(keys, hasher)
    return SuppressionEntry(
        name_hash=values["name"], kana_hash=values["kana"], birth_date_hash=values["birth_date"],
        phone_hash=values["phone"], address_hash=values["address"], display_name=display_name,
        scope=scope, origin=origin, source_case_id=getattr(source_case, "id", None),
        source_reference=(source_case.reference if source_case is not None else source_reference) or None,
        added_on=added_on or today(), added_by_id=getattr(actor, "id", None))


def add_entry(*, name: str, kana: str | None = None, birth_date=None, phone: str | None = None,
              address: str | None = None, scope: str, origin: str = "manual", source_case=None,
              source_reference: str | None = None, actor=None, on: date | None = None) -> SuppressionEntry:
    """Put one person on the register (the caller commits)."""
    keys = person_keys(name, kana, birth_date, phone, address)
    entry = _new_entry(keys, mask_name(name), scope=scope, origin=origin, hasher=Hasher(matching_key()),
                       source_case=source_case, source_reference=source_reference, added_on=on, actor=actor)
    db.session.add(entry)
    db.session.flush()
    record("suppression.added", actor=actor, case=source_case,
           detail={"entry_id": entry.id, "scope": scope, "origin": origin})
    return entry


def on_case_completed(case, actor=None, on: date | None = None) -> SuppressionEntry | None:
    """Lifecycle hook: a completed case whose stop_provision or cessation item was carried
    out (done or by an alternative measure) puts its principal on the register."""
    scopes, origins = set(), set()
    for item in case.items:
        kind = catalogue.REQUEST_KINDS.get(item.kind)
        if kind is not None and kind.suppresses and item.outcome in SUPPRESSING_OUTCOMES:
            scopes.add(SCOPE_OF_KIND[item.kind])
            origins.add(SUPPRESSING_OUTCOMES[item.outcome])
    if not scopes:
        return None
    if db.session.scalar(select(SuppressionEntry.id).where(SuppressionEntry.source_case_id == case.id)):
        return None  # already on the register from this case
    principal = case.principal
    scope = "all_use" if "all_use" in scopes else "third_party_provision"
    origin = "decision" if "decision" in origins else "alternative_measure"
    if principal is None:
        record("suppression.not_added", actor=actor, case=case, detail={"reason": "no_principal"})
        return None
    address = " ".join(p for p in (principal.postal_code, principal.address) if p) or None
    try:
        return add_entry(name=principal.name, kana=principal.furigana, birth_date=principal.birth_date,
                         phone=principal.phone, address=address, scope=scope, origin=origin,
                         source_case=case, actor=actor, on=on)
    except SuppressionError:
        record("suppression.not_added", actor=actor, case=case, detail={"reason": "no_matching_details"})
        return None




def panel_context(case) -> dict:
    """For the case page: whether the case can put its principal on the register, and the entries it did."""
    relevant = any(catalogue.REQUEST_KINDS[item.kind].suppresses for item in case.items
                   if item.kind in catalogue.REQUEST_KINDS)
    entries = list(db.session.scalars(select(SuppressionEntry).where(
        SuppressionEntry.source_case_id == case.id).order_by(SuppressionEntry.id))) if relevant else []
    return {"relevant": relevant, "entries": entries, "scopes": SCOPES}


def register_size() -> int:
    return db.session.scalar(select(func.count()).select_from(SuppressionEntry)) or 0


def entries_page(page: int = 1, per_page: int = 50):
    return db.paginate(select(SuppressionEntry).order_by(SuppressionEntry.id.desc()), page=page,
                       per_page=per_page, error_out=False)


_ENTRY_NUMBER = re.compile(r"^[sS]-?0*([0-9]{1,9})$")
_CASE_REFERENCE = re.compile(r"^[0-9]{4}-[0-9]{6}$")


def search(query: str, limit: int = 100) -> list[SuppressionEntry]:
    """Find entries by what an officer types: a name, reading, phone, address or date of
    birth (hashed the same way, never compared in clear), an entry number or a case reference."""
    query = (query or "").strip()
    if not query:
        return []
    statement = select(SuppressionEntry).order_by(SuppressionEntry.id.desc()).limit(limit)
    number = _ENTRY_NUMBER.match(unicodedata.normalize("NFKC", query))
    if number:
        return list(db.session.scalars(statement.where(SuppressionEntry.id == int(number.group(1)))))
    if _CASE_REFERENCE.match(unicodedata.normalize("NFKC", query)):
        return list(db.session.scalars(statement.where(
            SuppressionEntry.source_reference == unicodedata.normalize("NFKC", query))))
    hasher = Hasher(matching_key())
    conditions = []
    for column, field_name, key in (
            (SuppressionEntry.name_hash, "name", names.name_key(query)),
            (SuppressionEntry.kana_hash, "kana", names.kana_key(query)),
            (SuppressionEntry.birth_date_hash, "birth_date", dates.date_key(query)),
            (SuppressionEntry.phone_hash, "phone", phones.phone_key(query)),
            (SuppressionEntry.address_hash, "address", addresses.address_key(query))):
        if key:
            conditions.append(column == hasher(field_name, key).hex())
    if not conditions:
        return []
    return list(db.session.scalars(statement.where(or_(*conditions))))

# --------------------------------------------------------------------------- CSV reading

#: field -> header spellings (compared after NFKC, lower case, without spaces, _ - ・ and brackets)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("氏名", "名前", "お名前", "氏名漢字", "姓名", "顧客名", "会員名", "本人氏名", "name", "fullname",
             "customername", "personname"),
    "family_name": ("姓", "氏", "苗字", "名字", "lastname", "familyname", "surname"),
    "given_name": ("名", "firstname", "givenname"),
    "kana": ("フリガナ", "ふりがな", "カナ", "かな", "よみがな", "ヨミガナ", "氏名カナ", "氏名フリガナ", "氏名ふりがな",
             "カナ氏名", "フリガナ氏名", "kana", "furigana", "namekana", "kananame", "reading"),
    "family_kana": ("セイ", "姓カナ", "姓フリガナ", "せい", "lastnamekana"),
    "given_kana": ("メイ", "名カナ", "名フリガナ", "めい", "firstnamekana"),
    "address": ("住所", "所在地", "住所1", "現住所", "ご住所", "address", "address1", "addr", "streetaddress",
                "都道府県", "市区町村", "町名番地", "町域番地", "番地", "prefecture", "city"),
    "phone": ("電話番号", "電話", "tel", "telno", "携帯電話", "携帯電話番号", "携帯番号", "連絡先電話番号", "phone",
              "phonenumber", "telephone", "mobile", "mobilephone"),
    "birth_date": ("生年月日", "誕生日", "birthdate", "dob", "dateofbirth", "birthday"),
}
_HEADER_JUNK = re.compile(r"[\s_\-・()（）\[\]「」:：]")


def header_key(text: str) -> str:
    return _HEADER_JUNK.sub("", unicodedata.normalize("NFKC", text or "").lower()).lstrip("\ufeff")


_ALIAS_FIELD = {header_key(alias): field_name for field_name, aliases in HEADER_ALIASES.items() for alias in aliases}


@dataclass
class Columns:
    """Which columns (0-based, in order) make up each field."""
    name: list[int] = field(default_factory=list)
    kana: list[int] = field(default_factory=list)
    birth_date: list[int] = field(default_factory=list)
    phone: list[int] = field(default_factory=list)
    address: list[int] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)


def parse_column_options(options) -> dict[str, list[str]]:
    """["name=氏名", "address=都道府県", "address=住所"] -> {"name": ["氏名"], "address": [...]}"""
    overrides: dict[str, list[str]] = {}
    for option in options or ():
        field_name, sep, header = option.partition("=")
        field_name = field_name.strip()
        if not sep or not header.strip() or field_name not in FIELDS:
            raise SuppressionError(
                f"--column は「項目=見出し」の形で指定してください（項目は {', '.join(FIELDS)}）: {option}",
                f"--column must be FIELD=HEADER with FIELD one of {', '.join(FIELDS)}: {option!r}")
        overrides.setdefault(field_name, []).append(header.strip())
    return overrides


def resolve_columns(header: list[str], overrides: dict[str, list[str]] | None = None,
                    extra_aliases: dict[str, tuple[str, ...]] | None = None) -> Columns:
    keys = [header_key(h) for h in header]
    columns = Columns()
    found: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if key in _ALIAS_FIELD:
            found.setdefault(_ALIAS_FIELD[key], []).append(index)
    for name, aliases in (extra_aliases or {}).items():
        wanted = {header_key(a) for a in aliases}
        for index, key in enumerate(keys):
            if key in wanted and name not in columns.extra:
                columns.extra[name] = index
    columns.name = found.get("name", [])[:1] or found.get("family_name", [])[:1] + found.get("given_name", [])[:1]
    columns.kana = found.get("kana", [])[:1] or found.get("family_kana", [])[:1] + found.get("given_kana", [])[:1]
    columns.birth_date = found.get("birth_date", [])[:1]
    columns.phone = found.get("phone", [])[:1]
    columns.address = found.get("address", [])
    for field_name, headers in (overrides or {}).items():
        indices = []
        for wanted in headers:
            exact = [i for i, h in enumerate(header) if h.strip().lstrip("\ufeff") == wanted]
            loose = [i for i, k in enumerate(keys) if k == header_key(wanted)]
            if not (exact or loose):
                raise SuppressionError(f"見出し「{wanted}」が見つかりません。", f"no column headed {wanted!r}", line=1)
            indices.append((exact or loose)[0])
        setattr(columns, field_name, indices)
    if not columns.name:
        raise SuppressionError(
            "氏名の列が見つかりません（氏名、名前、name など）。--column name=見出し で指定してください。",
            "no name column found (looked for 氏名, 名前, 姓+名, name, full_name …); "
            "name it with --column name=HEADER", line=1, field="name")
    return columns


def _cell(row: list[str], indices: list[int]) -> str:
    if len(indices) == 1:
        return row[indices[0]]
    return "".join(row[i] for i in indices)


SAMPLE_BYTES = 1 << 20


def detect_encoding(sample: bytes, complete: bool) -> str:
    """UTF-8 with BOM, UTF-8, or Shift_JIS (CP932); raises, naming the line, when it is none of them.

    A file that is valid UTF-8 up to a bad byte, with Japanese text before it, is UTF-8 with
    a damaged line (never re-read as Shift_JIS mojibake)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError as error:
        if not sample[:error.start].isascii():
            raise _bad_bytes_at(sample[:error.start].count(b"\n") + 1) from None
    try:
        text = codecs.getincrementaldecoder("cp932")().decode(sample, final=complete)
    except UnicodeDecodeError:
        raise _undecodable(io.BytesIO(sample), ("utf-8", "cp932")) from None
    if _CP932_STRAY.search(text):  # bytes 0x80, 0xA0, 0xFD-0xFF: Python maps them, Shift_JIS has none
        raise _undecodable(io.BytesIO(sample), ("utf-8", "cp932")) from None
    return "cp932"


_CP932_STRAY = re.compile("[\uf8f0-\uf8ff]")


def _bad_bytes_at(line: int) -> SuppressionError:
    return SuppressionError(
        "文字コードを読み取れません（UTF-8 でも Shift_JIS でもない文字があります）。",
        "bytes that are neither UTF-8 nor Shift_JIS (CP932); save the list as UTF-8 or Shift_JIS", line=line)


def _undecodable(source: BinaryIO, encodings: tuple[str, ...]) -> SuppressionError:
    """The first line that none of `encodings` can read."""
    source.seek(0)
    for number, raw in enumerate(source, start=1):
        if not any(_decodes(raw, e) for e in encodings):
            return _bad_bytes_at(number)
    return _bad_bytes_at(1)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return not (encoding == "cp932" and _CP932_STRAY.search(text))


@dataclass
class CsvSource:
    encoding: str
    newline: str
    text: io.TextIOWrapper


def open_csv(source: BinaryIO) -> CsvSource:
    source.seek(0)
    sample = source.read(SAMPLE_BYTES)
    complete = len(sample) < SAMPLE_BYTES
    if not sample.strip():
        raise SuppressionError("ファイルが空です。", "the file is empty", line=1)
    encoding = detect_encoding(sample, complete)
    first_break = sample.find(b"\n")
    newline = "\n" if first_break > 0 and sample[first_break - 1:first_break] != b"\r" else "\r\n"
    source.seek(0)
    return CsvSource(encoding, newline, io.TextIOWrapper(source, encoding=encoding, newline=""))

# --------------------------------------------------------------------------- screening

REPORT_HEADER = ["row", "line", "rule", "entry", "scope", "display_name", "source_case"]
_MISSING = object()


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
            candidate = (entry_id, dob_h and fromhex(dob_h), phone_h and fromhex(phone_h),
                         address_h and fromhex(address_h))
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
        self._names = _NameCache(self._lookup_name)
        self._hash_name = hasher.name_hasher()
        self._births: dict[str, bytes | None] = {}

    @classmethod
    def from_database(cls) -> "Matcher":
        # Core select of the digests only, plain tuples; what the report shows is fetched for
        # the matched entries alone. The collector is off while 100,000 tuples are made.
        table = SuppressionEntry.__table__
        connection = db.session.connection()

        def info(ids):
            found = {}
            ids = sorted(ids)
            for start in range(0, len(ids), 500):
                for entry_id, scope, display, source in connection.execute(select(
                        table.c.id, table.c.scope, table.c.display_name, table.c.source_reference).where(
                        table.c.id.in_(ids[start:start + 500]))):
                    found[entry_id] = (scope, display, source or "")
            return found

        collecting = gc.isenabled()
        gc.disable()
        try:
            rows = connection.execute(select(
                table.c.id, table.c.name_hash, table.c.kana_hash, table.c.birth_date_hash, table.c.phone_hash,
                table.c.address_hash)).fetchall()
            return cls(Hasher(matching_key()), rows, info)
        finally:
            if collecting:
                gc.enable()

    def describe(self, entry_ids) -> dict[int, tuple[str, str, str, str]]:
        """entry id -> (entry number, scope, masked name, source reference)"""
        found = self._info(set(entry_ids))
        return {i: (f"S-{i:06d}",) + found.get(i, ("", "", "")) for i in entry_ids}

    def name_candidates(self, raw: str):
        """None when the name is empty; otherwise a tuple of hits, each
        (label, candidates, birth digests, all have a birth date); usually empty."""
        hit = self._names[raw]
        return None if hit is EMPTY else hit

    def _lookup_name(self, raw: str):
        key = _name_uncached(raw)  # the caller's cache already remembers raw -> result
        if key is None:
            return EMPTY
        found = self.by_name.get(self._hash_name(key))
        hits = (("name",) + found,) if found else ()
        if "\u30a0" <= key[0] <= "\u30ff" and self.by_kana and kana.is_kana(key):
            # a name written in kana may be the entry's reading
            found = self.by_kana.get(self.hasher("kana", key))
            if found:
                hits += (("kana",) + found,)
        return hits

    def _birth_digest(self, raw: str) -> bytes | None:
        # Dates of birth repeat (some 25,000 distinct in a million rows): remember their digests.
        digest = self._births.get(raw, _MISSING)
        if digest is _MISSING:
            digest = self._births[raw] = self.hasher("birth_date", dates.date_key(raw))
        return digest

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
        dob = phone = address = _MISSING
        for label, candidates, _births, _all_born in hits:
            for entry_id, c_dob, c_phone, c_address in candidates:
                if c_dob is not None:
                    if dob is _MISSING:
                        dob = self._birth_digest(_cell(row, columns.birth_date)) if columns.birth_date else None
                    if dob is not None:
                        if dob == c_dob:
                            return f"{label}+birth_date", entry_id
                        continue
                if c_phone is not None and columns.phone:
                    if phone is _MISSING:
                        phone = self.hasher("phone", phones.phone_key(_cell(row, columns.phone)))
                    if phone == c_phone:
                        return f"{label}+phone", entry_id
                if c_address is not None and columns.address:
                    if address is _MISSING:
                        address = self.hasher("address", addresses.address_key(_cell(row, columns.address)))
                    if address == c_address:
                        return f"{label}+address", entry_id
        return None


_name_uncached = names.name_key.__wrapped__


class _NameCache(dict):
    """raw name -> hits; a missing name is looked up once (from C, via __missing__)."""

    def __init__(self, lookup):
        super().__init__()
        self.lookup = lookup

    def __missing__(self, raw):
        hits = self[raw] = self.lookup(raw)
        return hits


class _Empty:
    """The cached result for an empty name cell: falsy, and not None (None means "not looked up")."""

    def __bool__(self):
        return False

    def __repr__(self):
        return "EMPTY"


EMPTY = _Empty()



@dataclass
class ScreeningResult:
    rows_in: int
    rows_removed: int
    encoding: str
    register_size: int
    matches: list[tuple[int, str, str]]  # (row, rule, entry number)


CHUNK_ROWS = 256  # small enough to stay in the CPU cache; larger chunks measured slower


def screen_stream(source: BinaryIO, output: BinaryIO, report: BinaryIO, *, matcher: Matcher,
                  overrides: dict[str, list[str]] | None = None) -> ScreeningResult:
    """Read a CSV list from `source`, write the rows nobody on the register matches to
    `output` and one line per removed row to `report`, both in the list's own encoding.
    Raises SuppressionError (with the line) on malformed input; the caller discards the outputs.

    Rows go through in chunks: the names of a chunk are looked up in one pass (each distinct
    name normalised and hashed once per list), only rows whose name is on the register are
    examined further, and a chunk is written with one call of csv's C loop."""
    # Rows are plain lists without cycles: the cyclic collector would only walk the large
    # caches again and again (a third of the run on a million rows). Reference counting
    # still frees every row.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _screen_stream(source, output, report, matcher=matcher, overrides=overrides)
    finally:
        if collecting:
            gc.enable()


def _screen_stream(source: BinaryIO, output: BinaryIO, report: BinaryIO, *, matcher: Matcher,
                   overrides: dict[str, list[str]] | None) -> ScreeningResult:
    csv_in = open_csv(source)
    out_text = io.TextIOWrapper(output, encoding=csv_in.encoding, newline="")
    reader = csv.reader(csv_in.text)
    writer = csv.writer(out_text, lineterminator=csv_in.newline)
    rows_in = removed = records = 0
    matches: list[list] = []  # [row, line or None, rule, entry number, scope, display, source]
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise SuppressionError("ファイルが空です。", "the file is empty", line=1) from None
        columns = resolve_columns(header, overrides)
        width = len(header)
        writer.writerow(header)
        name_columns, kana_columns = columns.name, columns.kana
        single = name_columns[0] if len(name_columns) == 1 else None
        cache = matcher._names
        cache_lookup = cache.__getitem__
        dob_index = columns.birth_date[0] if len(columns.birth_date) == 1 else None
        births_get, birth_digest = matcher._births.get, matcher._birth_digest
        line = reader.line_num
        while True:
            chunk = list(islice(reader, CHUNK_ROWS))
            if not chunk:
                break
            exact_lines = reader.line_num - line == len(chunk)  # no quoted line breaks in this chunk
            first_line, line = line + 1, reader.line_num
            blanks = 0
            if set(map(len, chunk)) != {width}:
                for k, row in enumerate(chunk):
                    if row and len(row) != width:
                        raise SuppressionError(
                            f"列の数が {len(row)} です（見出しは {width} 列）。",
                            f"{len(row)} fields where the header has {width}",
                            line=first_line + k if exact_lines else None, record=records + k + 1)
                blanks = chunk.count([])  # blank lines stay blank lines
            if single is not None and not blanks:
                names = [row[single] for row in chunk]
            else:
                names = [(row[single] if single is not None else _cell(row, name_columns)) if row else ""
                         for row in chunk]
            hits_of = list(map(cache_lookup, names))  # a name not seen before is normalised and hashed once
            # Rows whose name is on the register; rows with no name but a reading (kana column).
            flagged = [k for k, hits in enumerate(hits_of) if hits]
            slow = [k for k, hits in enumerate(hits_of) if hits is EMPTY and chunk[k]] if kana_columns else []
            found: list[tuple[int, str, int]] = []
            if flagged and dob_index is not None:
                # Fast path, a column at a time: the row's birth date against its namesakes'.
                flagged_hits = [hits_of[k] for k in flagged]
                raw_births = [chunk[k][dob_index] for k in flagged]
                dobs = [births_get(raw, _MISSING) for raw in raw_births]
                if _MISSING in dobs:
                    dobs = [birth_digest(raw) if dob is _MISSING else dob for raw, dob in zip(raw_births, dobs)]
                entries = [hits[0][2].get(dob) if dob is not None else None for hits, dob in zip(flagged_hits, dobs)]
                found = [(k, flagged_hits[i][0][0] + "+birth_date", entry_id)
                         for i, (k, entry_id) in enumerate(zip(flagged, entries)) if entry_id is not None]
                # Undecided: no birth date to compare, more than one way the name matched, or a
                # namesake without a birth date on the register (phone and address decide).
                # Otherwise every namesake was born on another day: a different person.
                slow += [k for k, hits, dob, entry_id in zip(flagged, flagged_hits, dobs, entries)
                         if entry_id is None and (dob is None or len(hits) > 1 or not hits[0][3])]
            else:
                slow += flagged
            for k in slow:
                row, hits = chunk[k], hits_of[k]
                if hits is EMPTY:
                    hits = matcher.kana_candidates(_cell(row, kana_columns))
                    if not hits:
                        continue
                result = matcher.rule(hits, row, columns)
                if result is not None:
                    found.append((k,) + result)
            dropped = []
            for k, rule, entry_id in sorted(found):
                matches.append([records + k + 1, first_line + k if exact_lines else None, rule, entry_id])
                dropped.append(k)
            if dropped:
                drop = set(dropped)
                writer.writerows([row for k, row in enumerate(chunk) if k not in drop])
            else:
                writer.writerows(chunk)
            records += len(chunk)
            rows_in += len(chunk) - blanks
            removed += len(dropped)
            if len(cache) > 2_000_000:
                cache.clear()
    except UnicodeDecodeError:
        raise _undecodable(source, (csv_in.encoding,)) from None
    except csv.Error as error:
        raise SuppressionError(f"CSV として読めません（{error}）。", f"not valid CSV ({error})",
                               line=reader.line_num) from None
    except SuppressionError as error:
        if error.line is None and error.record is not None:
            error.line = _line_of_record(source, csv_in.encoding, error.record)
        raise
    out_text.flush()
    out_text.detach()
    csv_in.text.detach()
    if any(m[1] is None for m in matches):
        lines = _lines_of_records(source, csv_in.encoding, {m[0] for m in matches if m[1] is None})
        for match in matches:
            match[1] = match[1] or lines.get(match[0])
    report_text = io.TextIOWrapper(report, encoding=csv_in.encoding, errors="replace", newline="")
    report_writer = csv.writer(report_text, lineterminator=csv_in.newline)
    report_writer.writerow(REPORT_HEADER)
    described = matcher.describe({m[3] for m in matches})
    for match in matches:
        match[3:] = described[match[3]]
    report_writer.writerows(matches)
    report_text.flush()
    report_text.detach()
    return ScreeningResult(rows_in, removed, csv_in.encoding, matcher.size,
                           [(m[0], m[2], m[3]) for m in matches])


def _lines_of_records(source: BinaryIO, encoding: str, records: set[int]) -> dict[int, int]:
    """Line numbers of the given records (1 = first row after the header), for lists whose
    quoted fields hold line breaks: one more pass over the file, only then."""
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    reader = csv.reader(text)
    start = None
    found: dict[int, int] = {}
    try:
        next(reader, None)
        for number, _row in enumerate(reader, start=1):
            if number in records:
                found[number] = start if start is not None else reader.line_num
            start = reader.line_num + 1
            if len(found) == len(records):
                break
    except (csv.Error, UnicodeDecodeError):
        pass
    text.detach()
    return found


def _line_of_record(source: BinaryIO, encoding: str, record: int) -> int | None:
    return _lines_of_records(source, encoding, {record}).get(record)


def _sha256_of(path_or_bytes) -> str:
    digest = hashlib.sha256()
    if isinstance(path_or_bytes, (bytes, bytearray)):
        digest.update(path_or_bytes)
    else:
        with open(path_or_bytes, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def default_report_path(output: Path) -> Path:
    return output.with_name(output.stem + ".report.csv")


def screen_file(input_path: Path, output_path: Path, report_path: Path | None = None, *,
                direction: str = "delivery", overrides: dict[str, list[str]] | None = None,
                actor=None, operator: str | None = None, matcher: Matcher | None = None) -> ScreeningRun:
    """Screen a CSV file into OUTPUT and REPORT (beside it by default), and log the run.
    Both are written to temporary files in their own directories and renamed only when the
    whole list has been read without error: a failure leaves nothing behind."""
    _check_direction(direction)
    input_path, output_path = Path(input_path), Path(output_path)
    report_path = Path(report_path) if report_path else default_report_path(output_path)
    if output_path.resolve() == input_path.resolve() or report_path.resolve() == input_path.resolve():
        raise SuppressionError("出力先が入力ファイルと同じです。", "the output would overwrite the input")
    matcher = matcher or Matcher.from_database()
    temporaries = []
    try:
        with open(input_path, "rb") as source:
            out_fd, out_tmp = tempfile.mkstemp(dir=output_path.parent, prefix=".screen-", suffix=".part")
            temporaries.append(out_tmp)
            rep_fd, rep_tmp = tempfile.mkstemp(dir=report_path.parent, prefix=".screen-", suffix=".part")
            temporaries.append(rep_tmp)
            with open(out_fd, "wb", buffering=1 << 20) as out, open(rep_fd, "wb") as rep:
                result = screen_stream(source, out, rep, matcher=matcher, overrides=overrides)
        os.replace(out_tmp, output_path)
        temporaries.remove(out_tmp)
        os.replace(rep_tmp, report_path)
        temporaries.remove(rep_tmp)
    finally:
        for path in temporaries:
            Path(path).unlink(missing_ok=True)
    return log_screening(result, list_name=input_path.name, direction=direction, actor=actor,
                         operator=operator, via="cli", input_sha256=_sha256_of(input_path),
                         output_sha256=_sha256_of(output_path))


def screen_upload(data: bytes, *, list_name: str, direction: str, actor,
                  overrides: dict[str, list[str]] | None = None) -> ScreeningRun:
    """Screen an uploaded list; keep the screened list and the report encrypted for download."""
    from desk.storage import service as storage

    _check_direction(direction)
    output, report = io.BytesIO(), io.BytesIO()
    result = screen_stream(io.BytesIO(data), output, report, matcher=Matcher.from_database(), overrides=overrides)
    run = log_screening(result, list_name=list_name, direction=direction, actor=actor, operator=None, via="web",
                        input_sha256=_sha256_of(data), output_sha256=_sha256_of(output.getvalue()))
    for kind, buffer in (("output", output), ("report", report)):
        stored = ScreeningFile(run_id=run.id, kind=kind)
        storage.store(stored, buffer.getvalue(), "text/csv")
        db.session.add(stored)
    db.session.flush()
    return run


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise SuppressionError("方向は acquired（取得）か delivery（提供）を指定してください。",
                               "direction must be acquired or delivery", field="direction")


def log_screening(result: ScreeningResult, *, list_name: str, direction: str, actor, operator: str | None,
                  via: str, input_sha256: str, output_sha256: str) -> ScreeningRun:
    run = ScreeningRun(
        screened_at=now(), staff_id=getattr(actor, "id", None), operator=operator, via=via,
        list_name=(list_name or "list.csv")[:200], direction=direction, rows_in=result.rows_in,
        rows_removed=result.rows_removed, register_size=result.register_size, encoding=result.encoding,
        input_sha256=input_sha256, output_sha256=output_sha256)
    db.session.add(run)
    db.session.flush()
    record("suppression.screened", actor=actor, actor_kind=None if actor is not None or via == "web" else "system",
           detail={"run_id": run.id, "direction": direction, "rows_in": result.rows_in,
                   "rows_removed": result.rows_removed})
    return run


def screening_log(page: int = 1, per_page: int = 50):
    return db.paginate(select(ScreeningRun).order_by(ScreeningRun.id.desc()), page=page, per_page=per_page,
                       error_out=False)


def result_file(run: ScreeningRun, kind: str, actor) -> bytes:
    from desk.storage import service as storage

    stored = next((f for f in run.files if f.kind == kind and f.wrapped_key is not None), None)
    if stored is None:
        raise SuppressionError("このファイルは保存期間を過ぎたため削除されました。",
                               "This file has been deleted (its keeping period is over).")
    record("suppression.result_read", actor=actor, detail={"run_id": run.id, "kind": kind})
    return storage.read(stored)


def purge_results(as_of: date) -> int:
    """Shred the stored results of web screenings older than screening_result_days."""
    from desk.clock import local_zone
    from desk.storage import service as storage
    from datetime import datetime, time

    days = int(settings.get("screening_result_days"))
    cutoff = datetime.combine(as_of - timedelta(days=days), time.min, tzinfo=local_zone())
    stale = db.session.scalars(select(ScreeningFile).join(ScreeningRun).where(
        ScreeningRun.screened_at < cutoff, ScreeningFile.wrapped_key.is_not(None)))
    count = 0
    for stored in stale:
        name = stored.storage_name
        storage.shred_key(stored)
        db.session.info.setdefault("desk_remove_after_commit", []).append(name)
        count += 1
    db.session.flush()
    return count

# --------------------------------------------------------------------------- import

IMPORT_ALIASES = {
    "scope": ("scope", "範囲", "停止範囲", "区分"),
    "reference": ("reference", "source_case", "受付番号", "source", "出典", "参照番号"),
    "added_on": ("added_on", "登録日", "date", "日付"),
}
_SCOPE_WORDS = {"third_party_provision": "third_party_provision", "第三者提供の停止": "third_party_provision",
                "第三者提供停止": "third_party_provision", "提供停止": "third_party_provision",
                "all_use": "all_use", "利用停止": "all_use", "利用停止（全利用）": "all_use", "消去": "all_use",
                "全利用": "all_use"}


def import_register(source: BinaryIO, *, default_scope: str = "third_party_provision", actor=None,
                    overrides: dict[str, list[str]] | None = None, reference: str | None = None) -> int:
    """Add every row of a CSV register (the same columns as a screened list) to the register.
    All or nothing: the first bad row raises with its line and nothing is added."""
    if default_scope not in SCOPES:
        raise SuppressionError("範囲は third_party_provision か all_use です。",
                               "scope must be third_party_provision or all_use", field="scope")
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    hasher = Hasher(matching_key())
    entries = []
    try:
        header = next(reader, None)
        if header is None:
            raise SuppressionError("ファイルが空です。", "the file is empty", line=1)
        columns = resolve_columns(header, overrides, extra_aliases=IMPORT_ALIASES)
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise SuppressionError(f"列の数が {len(row)} です（見出しは {len(header)} 列）。",
                                       f"{len(row)} fields where the header has {len(header)}", line=reader.line_num)
            scope = default_scope
            if "scope" in columns.extra and row[columns.extra["scope"]].strip():
                word = unicodedata.normalize("NFKC", row[columns.extra["scope"]]).strip()
                scope = _SCOPE_WORDS.get(word, _SCOPE_WORDS.get(word.lower(), word))
            added_on = None
            if "added_on" in columns.extra and row[columns.extra["added_on"]].strip():
                parsed = dates.date_key(row[columns.extra["added_on"]])
                if parsed is None:
                    raise SuppressionError("登録日が日付として読めません。", "the added_on date is not a date",
                                           line=reader.line_num)
                added_on = date.fromisoformat(parsed)
            row_reference = row[columns.extra["reference"]].strip() if "reference" in columns.extra else ""
            name_text = _cell(row, columns.name)
            keys = PersonKeys(
                names.name_key(name_text),
                names.kana_key(_cell(row, columns.kana)) if columns.kana else None,
                dates.date_key(_cell(row, columns.birth_date)) if columns.birth_date else None,
                phones.phone_key(_cell(row, columns.phone)) if columns.phone else None,
                addresses.address_key(_cell(row, columns.address)) if columns.address else None)
            if columns.birth_date and _cell(row, columns.birth_date).strip() and keys.birth_date is None:
                raise SuppressionError("生年月日が日付として読めません。", "the date of birth is not a date",
                                       line=reader.line_num, field="birth_date")
            entries.append(_new_entry(
                keys, mask_name(name_text), scope=scope, origin="import", hasher=hasher,
                source_reference=(row_reference or reference or None) and (row_reference or reference)[:40],
                added_on=added_on, actor=actor, line=reader.line_num))
    except UnicodeDecodeError:
        raise _undecodable(source, (csv_in.encoding,)) from None
    except csv.Error as error:
        raise SuppressionError(f"CSV として読めません（{error}）。", f"not valid CSV ({error})",
                               line=reader.line_num) from None
    db.session.add_all(entries)
    db.session.flush()
    record("suppression.imported", actor=actor, actor_kind=None if actor is not None else "system",
           detail={"entries": len(entries)})
    return len(entries)
