"""Reading the CSV lists people hand us: the encoding, the line ends, which column is which, and the line a bad record is on."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from desk.suppression.errors import SuppressionError
from desk.suppression.keys import FIELDS

#: field -> header spellings (compared after NFKC, lower case, without spaces, _ - ・ and brackets)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "氏名",
        "名前",
        "お名前",
        "氏名漢字",
        "姓名",
        "顧客名",
        "会員名",
        "本人氏名",
        "name",
        "fullname",
        "customername",
        "personname",
    ),
    "family_name": ("姓", "氏", "苗字", "名字", "lastname", "familyname", "surname"),
    "given_name": ("名", "firstname", "givenname"),
    "kana": (
        "フリガナ",
        "ふりがな",
        "カナ",
        "かな",
        "よみがな",
        "ヨミガナ",
        "氏名カナ",
        "氏名フリガナ",
        "氏名ふりがな",
        "カナ氏名",
        "フリガナ氏名",
        "kana",
        "furigana",
        "namekana",
        "kananame",
        "reading",
    ),
    "family_kana": ("セイ", "姓カナ", "姓フリガナ", "せい", "lastnamekana"),
    "given_kana": ("メイ", "名カナ", "名フリガナ", "めい", "firstnamekana"),
    "address": (
        "住所",
        "所在地",
        "住所1",
        "現住所",
        "ご住所",
        "address",
        "address1",
        "addr",
        "streetaddress",
        "都道府県",
        "市区町村",
        "町名番地",
        "町域番地",
        "番地",
        "prefecture",
        "city",
    ),
    "phone": (
        "電話番号",
        "電話",
        "tel",
        "telno",
        "携帯電話",
        "携帯電話番号",
        "携帯番号",
        "連絡先電話番号",
        "phone",
        "phonenumber",
        "telephone",
        "mobile",
        "mobilephone",
    ),
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
                f"--column must be FIELD=HEADER with FIELD one of {', '.join(FIELDS)}: {option!r}",
            )
        overrides.setdefault(field_name, []).append(header.strip())
    return overrides


def resolve_columns(
    header: list[str],
    overrides: dict[str, list[str]] | None = None,
    extra_aliases: dict[str, tuple[str, ...]] | None = None,
) -> Columns:
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
            "no name column found (looked for 氏名, 名前, 姓+名, name, full_name …); name it with --column name=HEADER",
            line=1,
            field="name",
        )
    return columns


def cell(row: list[str], indices: list[int]) -> str:
    """A field of a row: its one column, or its columns joined (姓 + 名, 都道府県 + 市区町村 + 番地)."""
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
        if not sample[: error.start].isascii():
            raise _bad_bytes_at(sample[: error.start].count(b"\n") + 1) from None
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
        "bytes that are neither UTF-8 nor Shift_JIS (CP932); save the list as UTF-8 or Shift_JIS",
        line=line,
    )


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
    """A list opened for reading: its encoding and line ends (the outputs keep both) and its text."""

    encoding: str
    newline: str
    text: io.TextIOWrapper


def open_csv(source: BinaryIO) -> CsvSource:
    """`source` as text in the encoding its first megabyte shows; an empty file raises."""
    source.seek(0)
    sample = source.read(SAMPLE_BYTES)
    complete = len(sample) < SAMPLE_BYTES
    if not sample.strip():
        raise SuppressionError("ファイルが空です。", "the file is empty", line=1)
    encoding = detect_encoding(sample, complete)
    first_break = sample.find(b"\n")
    newline = "\n" if first_break > 0 and sample[first_break - 1 : first_break] != b"\r" else "\r\n"
    source.seek(0)
    return CsvSource(encoding, newline, io.TextIOWrapper(source, encoding=encoding, newline=""))


def lines_of_records(source: BinaryIO, encoding: str, records: set[int]) -> dict[int, int]:
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


def line_of_record(source: BinaryIO, encoding: str, record: int) -> int | None:
    return lines_of_records(source, encoding, {record}).get(record)


@contextmanager
def read_errors(source: BinaryIO, csv_in: CsvSource, reader):
    """While `reader` reads `source`: undecodable bytes and broken CSV become a
    SuppressionError naming the line, and one that names only its record gets its line."""
    try:
        yield
    except UnicodeDecodeError:
        raise _undecodable(source, (csv_in.encoding,)) from None
    except csv.Error as error:
        raise SuppressionError(
            f"CSV として読めません（{error}）。", f"not valid CSV ({error})", line=reader.line_num
        ) from None
    except SuppressionError as error:
        if error.line is None and error.record is not None:
            error.line = line_of_record(source, csv_in.encoding, error.record)
        raise
