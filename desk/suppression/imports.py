"""Importing a register kept elsewhere (a CSV of the people already opted out): every row, or none."""

from __future__ import annotations

import csv
import unicodedata
from datetime import date
from typing import BinaryIO

from desk.audit.service import record
from desk.extensions import db
from desk.suppression.csv_input import Columns, cell, open_csv, read_errors, resolve_columns
from desk.suppression.entries import new_entry
from desk.suppression.errors import SuppressionError
from desk.suppression.keys import Hasher, PersonKeys, mask_name, matching_key
from desk.suppression.models import SCOPES
from desk.text import addresses, dates, names, phones

IMPORT_ALIASES = {
    "scope": ("scope", "範囲", "停止範囲", "区分"),
    "reference": ("reference", "source_case", "受付番号", "source", "出典", "参照番号"),
    "added_on": ("added_on", "登録日", "date", "日付"),
}
_SCOPE_WORDS = {
    "third_party_provision": "third_party_provision",
    "第三者提供の停止": "third_party_provision",
    "第三者提供停止": "third_party_provision",
    "提供停止": "third_party_provision",
    "all_use": "all_use",
    "利用停止": "all_use",
    "利用停止（全利用）": "all_use",
    "消去": "all_use",
    "全利用": "all_use",
}


def import_register(
    source: BinaryIO,
    *,
    default_scope: str = "third_party_provision",
    actor=None,
    overrides: dict[str, list[str]] | None = None,
    reference: str | None = None,
) -> int:
    """Add every row of a CSV register (the same columns as a screened list) to the register.
    All or nothing: the first bad row raises with its line and nothing is added."""
    if default_scope not in SCOPES:
        raise SuppressionError(
            "範囲は third_party_provision か all_use です。",
            "scope must be third_party_provision or all_use",
            field="scope",
        )
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    hasher = Hasher(matching_key())
    entries = []
    with read_errors(source, csv_in, reader):
        header = next(reader, None)
        if header is None:
            raise SuppressionError("ファイルが空です。", "the file is empty", line=1)
        columns = resolve_columns(header, overrides, extra_aliases=IMPORT_ALIASES)
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise SuppressionError(
                    f"列の数が {len(row)} です（見出しは {len(header)} 列）。",
                    f"{len(row)} fields where the header has {len(header)}",
                    line=reader.line_num,
                )
            row_reference = row[columns.extra["reference"]].strip() if "reference" in columns.extra else ""
            name_text = cell(row, columns.name)
            entries.append(
                new_entry(
                    _person_keys(row, columns, reader.line_num),
                    mask_name(name_text),
                    scope=_scope(row, columns, default_scope),
                    origin="import",
                    hasher=hasher,
                    source_reference=(row_reference or reference or None) and (row_reference or reference)[:40],
                    added_on=_added_on(row, columns, reader.line_num),
                    actor=actor,
                    line=reader.line_num,
                )
            )
    db.session.add_all(entries)
    db.session.flush()
    record(
        "suppression.imported",
        actor=actor,
        actor_kind=None if actor is not None else "system",
        detail={"entries": len(entries)},
    )
    return len(entries)


def _scope(row: list[str], columns: Columns, default_scope: str) -> str:
    """The row's scope column in any of its spellings (new_entry refuses an unknown one), or the default."""
    if "scope" in columns.extra and row[columns.extra["scope"]].strip():
        word = unicodedata.normalize("NFKC", row[columns.extra["scope"]]).strip()
        return _SCOPE_WORDS.get(word, _SCOPE_WORDS.get(word.lower(), word))
    return default_scope


def _added_on(row: list[str], columns: Columns, line: int) -> date | None:
    """The day the other register added the person, when it says."""
    if "added_on" in columns.extra and row[columns.extra["added_on"]].strip():
        parsed = dates.date_key(row[columns.extra["added_on"]])
        if parsed is None:
            raise SuppressionError("登録日が日付として読めません。", "the added_on date is not a date", line=line)
        return date.fromisoformat(parsed)
    return None


def _person_keys(row: list[str], columns: Columns, line: int) -> PersonKeys:
    """The row's keys; a date of birth that is there but cannot be read stops the import."""
    keys = PersonKeys(
        names.name_key(cell(row, columns.name)),
        names.kana_key(cell(row, columns.kana)) if columns.kana else None,
        dates.date_key(cell(row, columns.birth_date)) if columns.birth_date else None,
        phones.phone_key(cell(row, columns.phone)) if columns.phone else None,
        addresses.address_key(cell(row, columns.address)) if columns.address else None,
    )
    if columns.birth_date and cell(row, columns.birth_date).strip() and keys.birth_date is None:
        raise SuppressionError(
            "生年月日が日付として読めません。", "the date of birth is not a date", line=line, field="birth_date"
        )
    return keys
