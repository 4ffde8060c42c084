"""The register of requests (開示等請求受付台帳) as CSV, for a PrivacyMark audit.

One row per case and request kind. Codes and dates only, never a name, an address or
free text: a disposed case (documents destroyed, personal details redacted) shows the same
statistical skeleton as any other. UTF-8 with a BOM and CRLF line ends, so Excel in Japan
opens it with the Japanese intact. Built in batches of cases, so a register of any size
streams in constant memory.
"""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select

from desk import settings
from desk.cases.models import Case, RequestItem
from desk.catalogue import CHANNELS, DISPATCH_METHODS, OUTCOMES, PROXY_KINDS, REQUEST_KINDS, REQUESTER_ROLES
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.letters.models import Letter
from desk.retention.schedule import disposal_due

BOM = "\ufeff"
LETTER_KINDS = ("ack", "shortfall", "extension", "reply", "lapse")

_COLUMNS = (
    ("reference", "受付番号", "Reference"),
    ("channel", "受付方法", "Channel"),
    ("arrived_on", "到達日", "Arrived"),
    ("kind", "請求の種類", "Request kind"),
    ("kind_code", "種類コード", "Kind code"),
    ("requester_type", "請求者", "Requester"),
    ("proxy_kind", "代理人の種類", "Proxy kind"),
    ("outcome", "結果", "Outcome"),
    ("outcome_code", "結果コード", "Outcome code"),
    ("grounds", "理由コード", "Ground codes"),
    ("fee_received", "受領手数料（円）", "Fee received (yen)"),
    ("letter_ack", "受付通知の発送日", "Acknowledgement sent"),
    ("letter_shortfall", "補正依頼の発送日", "Shortfall notice sent"),
    ("letter_extension", "延長通知の発送日", "Extension notice sent"),
    ("letter_reply", "回答書の発送日", "Reply sent"),
    ("reply_method", "回答の送付方法", "Reply sent by"),
    ("letter_lapse", "請求なし通知の発送日", "Lapse notice sent"),
    ("closed_on", "完了日", "Completed"),
    ("retention_until", "廃棄予定日", "Retention date"),
    ("disposed_on", "廃棄日", "Disposed"),
)


def header(lang: str = "ja") -> list[str]:
    return [en if lang == "en" else ja for _code, ja, en in _COLUMNS]


def _label(table: dict, code: str | None, lang: str) -> str:
    if not code:
        return ""
    entry = table.get(code)
    return (entry.en if lang == "en" else entry.ja) if entry else code


def _iso(day) -> str:
    return day.isoformat() if day else ""


def rows(lang: str = "ja", batch: int = 500) -> Iterator[list[str]]:
    """One list of cell values per case and kind, in reference (id) order."""
    years = int(settings.get("retention_years"))
    last_id = 0
    while True:
        cases = db.session.execute(
            select(
                Case.id,
                Case.reference,
                Case.channel,
                Case.arrived_on,
                Case.requester_type,
                Case.proxy_kind,
                Case.closed_on,
                Case.disposed_on,
            )
            .where(Case.id > last_id, Case.in_register())
            .order_by(Case.id)
            .limit(batch)
        ).all()
        if not cases:
            return
        ids = [c.id for c in cases]
        last_id = ids[-1]
        items: dict[int, list] = defaultdict(list)
        for item in db.session.execute(
            select(RequestItem.case_id, RequestItem.kind, RequestItem.outcome, RequestItem.grounds)
            .where(RequestItem.case_id.in_(ids))
            .order_by(RequestItem.id)
        ):
            items[item.case_id].append(item)
        fees = dict(
            db.session.execute(
                select(FeePayment.case_id, func.sum(FeePayment.amount))
                .where(FeePayment.case_id.in_(ids))
                .group_by(FeePayment.case_id)
            ).all()
        )
        letters: dict[tuple[int, str], list[str]] = defaultdict(list)
        reply_methods: dict[int, str] = {}
        for case_id, kind, sent, method in db.session.execute(
            select(Letter.case_id, Letter.kind, Letter.dispatched_on, Letter.dispatch_method)
            .where(Letter.case_id.in_(ids), Letter.dispatched_on.is_not(None))
            .order_by(Letter.dispatched_on, Letter.id)
        ):
            letters[(case_id, kind)].append(sent.isoformat())
            if kind == "reply" and method:
                reply_methods[case_id] = method
        for case in cases:
            common_tail = (
                [str(int(fees.get(case.id) or 0))]
                + [" ".join(letters.get((case.id, kind), ())) for kind in LETTER_KINDS[:4]]
                + [_label(DISPATCH_METHODS, reply_methods.get(case.id), lang)]
                + [" ".join(letters.get((case.id, kind), ())) for kind in LETTER_KINDS[4:]]
                + [_iso(case.closed_on), _iso(disposal_due(case.closed_on, years)), _iso(case.disposed_on)]
            )
            for item in items.get(case.id) or [None]:
                yield [
                    case.reference,
                    _label(CHANNELS, case.channel, lang),
                    _iso(case.arrived_on),
                    _label(REQUEST_KINDS, item.kind if item else None, lang),
                    item.kind if item else "",
                    _label(REQUESTER_ROLES, case.requester_type, lang),
                    _label(PROXY_KINDS, case.proxy_kind, lang),
                    _label(OUTCOMES, item.outcome if item else None, lang),
                    (item.outcome or "") if item else "",
                    " ".join(item.grounds or ()) if item else "",
                ] + common_tail


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def csv_chunks(lang: str = "ja", rows_per_chunk: int = 500) -> Iterator[str]:
    """The whole register as text chunks: the BOM and the header first, then the rows."""
    yield BOM + _line(header(lang))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for count, row in enumerate(rows(lang), start=1):
        writer.writerow(row)
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write(path_or_file, lang: str = "ja") -> int:
    """Write the register to a file path (or an open text file); returns the number of rows."""
    count = 0

    def counting():
        nonlocal count
        for chunk in csv_chunks(lang):
            count += chunk.count("\r\n")
            yield chunk

    if hasattr(path_or_file, "write"):
        for chunk in counting():
            path_or_file.write(chunk)
    else:
        # Written beside the target and renamed at the end: no half register if anything fails.
        partial = f"{path_or_file}.part"
        try:
            with open(partial, "w", encoding="utf-8", newline="") as handle:
                for chunk in counting():
                    handle.write(chunk)
            os.replace(partial, path_or_file)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    return max(count - 1, 0)
