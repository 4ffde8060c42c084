"""Importing consent records kept elsewhere (UTF-8 or Shift_JIS CSV): every row, or none; a row without the date and method of consent stops the import, naming its line."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.clock import local_zone
from desk.consent import service
from desk.consent.channels import ALL_PURPOSES, CHANNELS, IMPORT_METHODS, METHODS
from desk.consent.keys import Address, Keyring, address_for
from desk.consent.purposes import purposes
from desk.extensions import db
from desk.suppression.csv_input import HEADER_ALIASES, header_key, open_csv, read_errors
from desk.suppression.errors import SuppressionError
from desk.text import dates

#: field -> header spellings (besides the suppression list's name, address and phone)
ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("メールアドレス", "メール", "電子メール", "Eメール", "email", "e-mail", "emailaddress", "mail"),
    "channel": ("媒体", "チャネル", "チャンネル", "channel"),
    "purpose": ("目的", "配信目的", "purpose"),
    "action": ("区分", "同意区分", "状態", "action", "status"),
    "occurred_at": (
        "日時",
        "同意日時",
        "取得日時",
        "撤回日時",
        "日付",
        "同意日",
        "date",
        "datetime",
        "occurred_at",
        "consented_at",
    ),
    "method": ("方法", "同意方法", "取得方法", "method"),
    "text_version": ("同意文の版", "版", "text_version", "version"),
    "shown_text": ("同意文", "表示した文言", "shown_text", "text"),
    "source": ("出典", "参照番号", "source", "reference"),
    "name": HEADER_ALIASES["name"],
    "address": HEADER_ALIASES["address"],
    "phone": HEADER_ALIASES["phone"],
}
_FIELD_OF = {header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}

_ACTION_WORDS = {
    "given": "given",
    "同意": "given",
    "同意あり": "given",
    "オプトイン": "given",
    "opt-in": "given",
    "optin": "given",
    "withdrawn": "withdrawn",
    "撤回": "withdrawn",
    "停止": "withdrawn",
    "配信停止": "withdrawn",
    "オプトアウト": "withdrawn",
    "opt-out": "withdrawn",
    "optout": "withdrawn",
}
_METHOD_WORDS = {
    **{code: code for code in IMPORT_METHODS},
    **{METHODS[code].ja: code for code in IMPORT_METHODS},
    "web": "web_form",
    "ウェブ": "web_form",
    "webフォーム": "web_form",
    "ダブルオプトイン": "email_confirmation",
    "paper": "paper_form",
    "紙": "paper_form",
    "書面": "paper_form",
    "申込書": "paper_form",
    "電話": "phone",
    "窓口": "counter",
    "店頭": "counter",
}
_CHANNEL_WORDS = {
    **{code: code for code in CHANNELS},
    "メール": "email",
    "電子メール": "email",
    "e-mail": "email",
    "郵送": "post",
    "dm": "post",
    "郵便": "post",
    "電話": "phone",
    "sms": "sms",
}


@dataclass
class _Row:
    address: Address
    purpose: str
    action: str
    method: str
    occurred_at: datetime
    text_version: str | None
    shown_text: str | None
    source: str | None


def import_records(
    source: BinaryIO,
    *,
    source_name: str | None = None,
    channel: str | None = None,
    purpose: str | None = None,
    actor=None,
) -> int:
    """Read every row first; the first bad one raises with its line and nothing is written."""
    csv_in = open_csv(source)
    reader = csv.reader(csv_in.text)
    rows: list[_Row] = []
    with read_errors(source, csv_in, reader):
        header = next(reader, None)
        if header is None:
            raise SuppressionError("ファイルが空です。", "the file is empty", line=1)
        columns: dict[str, list[int]] = {}
        for index, text in enumerate(header):
            field = _FIELD_OF.get(header_key(text))
            if field and (field == "address" or field not in columns):
                columns.setdefault(field, []).append(index)
        for required, ja in (("occurred_at", "日時"), ("method", "方法")):
            if required not in columns:
                raise SuppressionError(
                    f"同意の{ja}の列がありません（見出し「{ALIASES[required][0]}」）。",
                    f"no column for the {'date' if required == 'occurred_at' else 'method'} of consent "
                    f"(header {ALIASES[required][-1]!r})",
                    line=1,
                )
        for row in reader:
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise SuppressionError(
                    f"列の数が {len(row)} です（見出しは {len(header)} 列）。",
                    f"{len(row)} fields where the header has {len(header)}",
                    line=reader.line_num,
                )
            rows.append(_read_row(row, columns, reader.line_num, channel, purpose, source_name))
    keyring = Keyring()
    for row in rows:
        service.add(
            row.address,
            purpose=row.purpose,
            action=row.action,
            method=row.method,
            occurred_at=row.occurred_at,
            shown_text=row.shown_text,
            text_version=row.text_version,
            actor=actor,
            source=row.source,
            keyring=keyring,
            audited=False,
        )
    db.session.flush()
    record(
        "consent.imported",
        actor=actor,
        actor_kind=None if actor is not None else "system",
        detail={"records": len(rows)},
    )
    return len(rows)


def _value(row, columns, field) -> str:
    return " ".join(row[i].strip() for i in columns.get(field, ()) if row[i].strip())


def _read_row(row, columns, line, default_channel, default_purpose, source_name) -> _Row:
    def bad(ja, en):
        return SuppressionError(ja, en, line=line)

    word = unicodedata.normalize("NFKC", _value(row, columns, "channel")).lower()
    channel = _CHANNEL_WORDS.get(word) if word else default_channel or _channel_of_columns(columns)
    if channel not in CHANNELS:
        raise bad("媒体（email, post, phone, sms）がありません。", "no channel (email, post, phone or sms)")
    purpose = _value(row, columns, "purpose") or default_purpose
    word = unicodedata.normalize("NFKC", _value(row, columns, "action")).lower()
    action = _ACTION_WORDS.get(word) if word else "given"
    if action is None:
        raise bad("区分は「同意」か「撤回」です。", "the action must be given or withdrawn")
    if purpose not in purposes() and not (action == "withdrawn" and purpose == ALL_PURPOSES):
        raise bad(
            f"目的は {', '.join(purposes())} のいずれかです。", f"the purpose must be one of {', '.join(purposes())}"
        )
    raw_moment = _value(row, columns, "occurred_at")
    if not raw_moment:
        raise bad("同意の日時がありません。", "no date of consent")
    moment = parse_moment(raw_moment)
    if moment is None:
        raise bad(f"日時として読めません: {raw_moment[:40]}", f"not a date and time: {raw_moment[:40]!r}")
    raw_method = unicodedata.normalize("NFKC", _value(row, columns, "method")).lower()
    if not raw_method:
        raise bad("同意の方法がありません。", "no method of consent")
    method = _METHOD_WORDS.get(raw_method)
    if method is None:
        raise bad(
            f"方法は {', '.join(IMPORT_METHODS)} のいずれかです。",
            f"the method must be one of {', '.join(IMPORT_METHODS)}",
        )
    try:
        address = address_for(
            channel,
            email=_value(row, columns, "email"),
            phone=_value(row, columns, "phone"),
            name=_value(row, columns, "name"),
            postal_address="".join(row[i].strip() for i in columns.get("address", ())),
        )
    except Refused as refused:
        raise bad(refused.ja, refused.en) from None
    return _Row(
        address,
        purpose,
        action,
        method,
        moment,
        _value(row, columns, "text_version")[:40] or None,
        _value(row, columns, "shown_text") or None,
        (_value(row, columns, "source") or source_name or "")[:200] or None,
    )


def _channel_of_columns(columns) -> str | None:
    """A file without a channel column nor --channel: its one kind of address says (e-mail, else phone, else post)."""
    for field, channel in (("email", "email"), ("phone", "phone"), ("address", "post")):
        if field in columns:
            return channel
    return None


_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def parse_moment(text: str) -> datetime | None:
    """2026-11-02T10:15:00+09:00, 2026/11/02 10:15 (the business's time zone), 2026-11-02 or 令和8年11月2日 (midnight there)."""
    value = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    candidate = value.replace(" ", "T", 1) if " " in value else value
    if "T" in candidate:
        try:
            moment = datetime.fromisoformat(candidate.replace("Z", "+00:00") if _ZONE.search(candidate) else candidate)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=local_zone())
    day = dates.date_key(value)
    if day is None:
        return None
    return datetime.combine(date.fromisoformat(day), time.min, tzinfo=local_zone())
