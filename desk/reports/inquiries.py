"""Inquiries and complaints for oversight: the dashboard's figures, and the register's
sibling `export-inquiries` in the same format (codes and dates, no names; UTF-8 with BOM,
CRLF, streamed in batches)."""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from desk.cases.models import Case
from desk.extensions import db
from desk.inquiries.catalogue import ANSWER_CHANNELS, CATEGORIES, CHANNELS, STATES
from desk.inquiries.models import Inquiry, InquiryCase
from desk.inquiries.service import disposal_date
from desk.reports import stats
from desk.reports.figures import DateRange, month_of

BOM = "\ufeff"


@dataclass
class InquiryFigures:
    months: list[str]
    #: month -> category -> count (by the day received)
    received: dict[str, dict[str, int]]
    #: month of the first answer -> days from arrival to it
    answer_days: dict[str, list[int]]
    median_days: dict[str, float | None]
    p90_days: dict[str, float | None]
    overall_median: float | None
    overall_p90: float | None
    #: category -> count in the range
    totals: dict[str, int]
    #: Open now, and open past the due date.
    open_now: int
    overdue_now: int


def figures(r: DateRange, today) -> InquiryFigures:
    months = stats.months_between(r.start, r.end)
    received = {m: dict.fromkeys(CATEGORIES, 0) for m in months}
    month = month_of(Inquiry.received_on)
    for m, category, count in db.session.execute(
        select(month, Inquiry.category, db.func.count())
        .where(Inquiry.received_on.between(r.start, r.end))
        .group_by(month, Inquiry.category)
    ):
        if m in received and category in received[m]:
            received[m][category] = count
    answer_days: dict[str, list[int]] = {m: [] for m in months}
    answered_month = month_of(Inquiry.first_answered_on)
    for m, arrived, answered in db.session.execute(
        select(answered_month, Inquiry.received_on, Inquiry.first_answered_on).where(
            Inquiry.first_answered_on.between(r.start, r.end)
        )
    ):
        answer_days.setdefault(m, []).append((answered - arrived).days)
    every = [d for days in answer_days.values() for d in days]
    totals = {code: sum(received[m][code] for m in months) for code in CATEGORIES}
    open_now = db.session.scalar(
        select(db.func.count()).select_from(Inquiry).where(Inquiry.status.in_(("open", "answered")))
    )
    overdue_now = db.session.scalar(
        select(db.func.count()).select_from(Inquiry).where(Inquiry.status == "open", Inquiry.due_on < today)
    )
    return InquiryFigures(
        months=months,
        received=received,
        answer_days=answer_days,
        median_days={m: stats.median(d) for m, d in answer_days.items()},
        p90_days={m: stats.percentile(d, 90) for m, d in answer_days.items()},
        overall_median=stats.median(every),
        overall_p90=stats.percentile(every, 90),
        totals=totals,
        open_now=open_now or 0,
        overdue_now=overdue_now or 0,
    )


_COLUMNS = (
    ("reference", "受付番号", "Reference"),
    ("channel", "受付経路", "Channel"),
    ("channel_code", "経路コード", "Channel code"),
    ("received_on", "受付日", "Received"),
    ("category", "種類", "Category"),
    ("category_code", "種類コード", "Category code"),
    ("status", "状態", "Status"),
    ("due_on", "回答期限", "Answer due"),
    ("first_answered_on", "初回回答日", "First answered"),
    ("days_to_answer", "回答までの日数", "Days to answer"),
    ("answered_on", "最終回答日", "Last answered"),
    ("answer_channel", "回答方法", "Answered by"),
    ("cases", "関連する請求", "Linked cases"),
    ("closed_on", "終了日", "Closed"),
    ("retention_until", "廃棄予定日", "Retention date"),
    ("disposed_on", "廃棄日", "Disposed"),
)


def header(lang: str = "ja") -> list[str]:
    return [en if lang == "en" else ja for _code, ja, en in _COLUMNS]


def _label(table: dict, code: str | None, lang: str) -> str:
    if not code:
        return ""
    entry = table.get(code)
    return entry.label(lang) if entry else code


def _iso(day) -> str:
    return day.isoformat() if day else ""


def rows(lang: str = "ja", batch: int = 500) -> Iterator[list[str]]:
    """One row per inquiry, in id order; never a name, a contact or the text of the matter."""
    last_id = 0
    while True:
        inquiries = db.session.scalars(
            select(Inquiry).where(Inquiry.id > last_id).order_by(Inquiry.id).limit(batch)
        ).all()
        if not inquiries:
            return
        ids = [i.id for i in inquiries]
        last_id = ids[-1]
        linked: dict[int, list[str]] = defaultdict(list)
        for inquiry_id, reference, relation in db.session.execute(
            select(InquiryCase.inquiry_id, Case.reference, InquiryCase.relation)
            .join(Case, Case.id == InquiryCase.case_id)
            .where(InquiryCase.inquiry_id.in_(ids))
            .order_by(InquiryCase.id)
        ):
            linked[inquiry_id].append(f"{reference}({relation})")
        for inquiry in inquiries:
            days = (inquiry.first_answered_on - inquiry.received_on).days if inquiry.first_answered_on else None
            yield [
                inquiry.reference,
                _label(CHANNELS, inquiry.channel, lang),
                inquiry.channel,
                _iso(inquiry.received_on),
                _label(CATEGORIES, inquiry.category, lang),
                inquiry.category,
                _label(STATES, inquiry.status, lang),
                _iso(inquiry.due_on),
                _iso(inquiry.first_answered_on),
                "" if days is None else str(days),
                _iso(inquiry.answered_on),
                _label(ANSWER_CHANNELS, inquiry.answer_channel, lang),
                " ".join(linked.get(inquiry.id, ())),
                _iso(inquiry.closed_on),
                _iso(disposal_date(inquiry)) if inquiry.status == "closed" else "",
                _iso(inquiry.disposed_on),
            ]


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def csv_chunks(lang: str = "ja", rows_per_chunk: int = 500) -> Iterator[str]:
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


def write(path, lang: str = "ja") -> int:
    """Write the export beside `path` and rename it at the end; returns the number of rows."""
    count = 0
    partial = f"{path}.part"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            for chunk in csv_chunks(lang):
                count += chunk.count("\r\n")
                handle.write(chunk)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return max(count - 1, 0)
