"""The consent log for an audit: one line per record, codes and times, the address masked; UTF-8 with BOM and CRLF (Excel in Japan opens it)."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from sqlalchemy import select

from desk.audit.service import record
from desk.clock import local
from desk.consent.channels import ACTIONS, CHANNELS, METHODS
from desk.consent.models import ConsentRecord
from desk.consent.purposes import label
from desk.extensions import db

HEADER = {
    "ja": [
        "記録番号",
        "媒体",
        "目的",
        "区分",
        "日時",
        "記録日時",
        "方法",
        "同意文の版",
        "宛先（一部伏せ字）",
        "受付番号",
        "出典",
    ],
    "en": [
        "record",
        "channel",
        "purpose",
        "action",
        "occurred_at",
        "recorded_at",
        "method",
        "text_version",
        "address_masked",
        "case",
        "source",
    ],
}


def rows(lang: str):
    yield HEADER[lang]
    query = select(ConsentRecord).order_by(ConsentRecord.id).execution_options(yield_per=1000)
    for entry in db.session.scalars(query):
        yield [
            entry.number,
            entry.channel if lang == "en" else CHANNELS[entry.channel].ja,
            label(entry.purpose, lang),
            ACTIONS[entry.action].label(lang),
            local(entry.occurred_at).isoformat(timespec="seconds"),
            local(entry.recorded_at).isoformat(timespec="seconds"),
            METHODS[entry.method].label(lang),
            entry.text_version or "",
            entry.address_masked,
            _reference(entry),
            entry.source or "",
        ]


def _reference(entry: ConsentRecord) -> str:
    if entry.case_id is None:
        return ""
    from desk.cases.models import Case

    case = db.session.get(Case, entry.case_id)
    return case.reference if case else ""


def write_log(target: BinaryIO, lang: str = "ja", *, actor) -> int:
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    count = -1
    for count, row in enumerate(rows(lang)):  # noqa: B007
        writer.writerow(row)
    text.flush()
    text.detach()
    record(
        "consent.exported", actor=actor, actor_kind=None if actor is not None else "system", detail={"records": count}
    )
    return count
