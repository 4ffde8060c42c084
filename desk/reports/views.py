"""The dashboard and the register download."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from desk.audit.service import record
from desk.auth.permissions import require
from desk.cases import lifecycle
from desk.catalogue import OUTCOMES, REFUSAL_GROUNDS, REQUEST_KINDS
from desk.clock import today
from desk.extensions import db
from desk.i18n import current_language, label, tr
from desk.inquiries.catalogue import CATEGORIES as INQUIRY_CATEGORIES
from desk.reports import charts, request_register, stats
from desk.reports import inquiries as inquiry_report
from desk.reports.figures import DateRange
from desk.reports.figures import dashboard as compute

blueprint = Blueprint("reports", __name__, url_prefix="/staff")

MAX_MONTHS = 60


def _parse_range(args) -> tuple[DateRange, dict[str, str]]:
    """The date range from ?from=YYYY-MM-DD&to=YYYY-MM-DD; bad values get a message and the default."""
    current = today()
    r = DateRange.default(current)
    errors: dict[str, str] = {}
    for key, attr in (("from", "start"), ("to", "end")):
        value = (args.get(key) or "").strip()
        if not value:
            continue
        try:
            setattr(r, attr, date.fromisoformat(value))
        except ValueError:
            errors[key] = tr("日付は YYYY-MM-DD の形式で入力してください。", "Enter the date as YYYY-MM-DD.")
    if r.start > r.end:
        errors["to"] = tr("終了日は開始日以降の日付にしてください。", "The end date must not be before the start date.")
        r = DateRange.default(current)
    elif len(stats.months_between(r.start, r.end)) > MAX_MONTHS:
        errors["from"] = tr(f"期間は{MAX_MONTHS}か月以内にしてください。", f"Choose at most {MAX_MONTHS} months.")
        r = DateRange.default(current)
    return r, errors


def _month_labels(months: list[str]) -> list[tuple[str, str]]:
    labels = []
    for i, m in enumerate(months):
        year, month = int(m[:4]), int(m[5:])
        first = i == 0 or month == 1
        if current_language() == "en":
            labels.append((date(year, month, 1).strftime("%b"), str(year) if first else ""))
        else:
            labels.append((f"{month}月", f"{year}年" if first else ""))
    return labels


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _charts(board) -> dict:
    months = board.months
    x = _month_labels(months)
    none = tr("この期間のデータはありません", "No data in this period")
    kinds = list(REQUEST_KINDS.values())
    received = charts.column_chart(
        x,
        [(label(k), [board.received[m][k.code] for m in months]) for k in kinds],
        title=tr("月別の受付件数（請求の種類別）", "Requests received per month, by kind"),
        desc=tr("積み上げ棒グラフ。数値は下の表にあります。", "Stacked bars; the numbers are in the table below."),
        empty=none,
    )
    open_states = [lifecycle.STATES[c] for c in board.open_by_status]
    open_chart = charts.bar_chart(
        [label(s) for s in open_states],
        [board.open_by_status[s.code] for s in open_states],
        title=tr("状態別の未完了案件", "Open cases by status"),
        desc=tr("横棒グラフ。", "Horizontal bars."),
        empty=tr("未完了の案件はありません", "No open cases"),
        css_class="s0",
    )
    response = charts.column_chart(
        x,
        [
            (tr("中央値", "Median"), [board.response_days[m][1] for m in months]),
            (tr("90パーセンタイル", "90th percentile"), [board.response_days[m][2] for m in months]),
        ],
        title=tr("到達から発送までの日数（月別）", "Days from arrival to dispatch, per month"),
        desc=tr("中央値と90パーセンタイルの棒グラフ。", "Median and 90th percentile bars."),
        empty=none,
        stacked=False,
        reference=(14, tr("法定の目安 14日", "statutory guide: 14 days")),
    )
    buckets = [stats.bucket_label(b, current_language()) for b in stats.DAY_BUCKETS]
    histogram = charts.column_chart(
        [(b, "") for b in buckets],
        [(tr("件数", "Cases"), board.histogram)],
        title=tr("到達から発送までの日数の分布", "Distribution of days from arrival to dispatch"),
        desc=tr("ヒストグラム。", "Histogram."),
        empty=none,
        width=560,
        height=280,
    )
    outcome_rows = [
        (REQUEST_KINDS[k], OUTCOMES[o], n)
        for k in REQUEST_KINDS
        for o, n in sorted(board.outcomes.get(k, {}).items(), key=lambda kv: list(OUTCOMES).index(kv[0]))
    ]
    outcome_totals: dict[str, int] = {}
    for code in OUTCOMES:
        total = sum(n for _k, o, n in outcome_rows if o.code == code)
        if total:
            outcome_totals[code] = total
    outcomes_chart = charts.bar_chart(
        [label(OUTCOMES[o]) for o in outcome_totals],
        list(outcome_totals.values()),
        title=tr("結果の内訳", "Outcomes"),
        desc=tr("横棒グラフ。", "Horizontal bars."),
        empty=none,
        css_class="s2",
    )
    grounds_chart = charts.bar_chart(
        [label(REFUSAL_GROUNDS[g]) for g in board.grounds],
        list(board.grounds.values()),
        title=tr("不開示・不実施等の理由", "Grounds for refusals"),
        desc=tr("横棒グラフ。", "Horizontal bars."),
        empty=tr("この期間に理由を付した決定はありません", "No grounds given in this period"),
        css_class="s5",
    )
    lapses = charts.column_chart(
        x,
        [(tr("請求なしとして終了", "Lapsed"), [board.lapses[m] for m in months])],
        title=tr("請求なしとして終了した案件（月別）", "Lapsed cases per month"),
        desc=tr("棒グラフ。", "Bars."),
        empty=tr("この期間に終了した案件はありません", "No lapsed cases in this period"),
    )
    return {
        "received": received,
        "open": open_chart,
        "response": response,
        "histogram": histogram,
        "outcomes": outcomes_chart,
        "grounds": grounds_chart,
        "lapses": lapses,
        "outcome_rows": outcome_rows,
        "outcome_totals": outcome_totals,
        "buckets": buckets,
        "month_labels": x,
    }


@blueprint.route("/dashboard")
@require("dashboard.view")
def dashboard():
    r, errors = _parse_range(request.args)
    board = compute(r, today())
    return render_template(
        "staff/reports/dashboard.html",
        board=board,
        inquiries=inquiry_report.figures(r, today()),
        inquiry_categories=INQUIRY_CATEGORIES,
        charts=_charts(board),
        errors=errors,
        fmt=_fmt,
        today=today(),
        args=request.args,
    ), (400 if errors else 200)


@blueprint.route("/register.csv")
@require("register.export")
def register_csv():
    lang = current_language()
    record("register.exported", actor=current_user, detail={"lang": lang, "via": "web"})
    db.session.commit()
    filename = f"register-{today().isoformat()}.csv"
    response = Response(stream_with_context(request_register.csv_chunks(lang)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.route("/inquiries.csv")
@require("register.export")
def inquiries_csv():
    """The register's sibling: inquiries and complaints, codes and dates, no names."""
    lang = current_language()
    record("inquiries.exported", actor=current_user, detail={"lang": lang, "via": "web"})
    db.session.commit()
    filename = f"inquiries-{today().isoformat()}.csv"
    response = Response(stream_with_context(inquiry_report.csv_chunks(lang)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
