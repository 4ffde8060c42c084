"""Staff pages for cases: the queue and the case page (its panels come from every area)."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from desk import catalogue, settings
from desk.auth.permissions import can, require
from desk.cases import deadlines, hooks
from desk.cases.service import by_reference
from desk.clock import today
from desk.fees import service as fees
from desk.formatting import format_date
from desk.i18n import current_language, label, tr
from desk.intake.service import duplicates_of
from desk.workbench import guide, queries
from desk.workbench.panels import _names, header, review_panel

blueprint = Blueprint("cases", __name__, url_prefix="/staff")


@blueprint.route("/")
@login_required
def home():
    """Where a user lands after sign-in: their own work (a supervisor's is what waits for
    their approval; the queue is one click away)."""
    if can(current_user, "decision.approve"):
        return redirect(url_for("approvals.inbox"))
    if can(current_user, "case.view"):
        return redirect(url_for("cases.queue"))
    if can(current_user, "settings.edit"):
        return redirect(url_for("settings.edit_settings"))
    abort(403)


@blueprint.route("/cases")
@require("case.view")
def queue():
    filters = queries.QueueFilters.from_args(request.args)
    counts = queries.status_counts()
    page = queries.case_queue(filters, user_id=current_user.id, as_of=today(), counts=counts)
    return render_template(
        "staff/cases/list.html",
        page=page,
        rows=queue_rows(page.items, current_language(), today()),
        filters=filters,
        counts=counts,
        staff=queries.assignable_staff(),
        OPEN=queries.OPEN,
        ALL=queries.ALL,
    )


def queue_rows(cases, lang: str, as_of) -> list[dict]:
    """What each row of the queue shows, worked out once in Python: fifty rows of
    template macros cost more than the query behind them."""
    closed = settings.closed_days()
    amber = int(settings.get("queue_amber_days"))
    days_left = functools.lru_cache(maxsize=None)(deadlines.business_days_left)
    url = url_for("cases.show_case", reference="REF")
    people, kinds = queries.row_details(cases)
    rows = []
    for case in cases:
        state = case.state
        is_open = not state.closed
        badge = None
        if is_open and state.waiting_on_requester:
            due = (
                f" · {tr('提出期限', 'due', lang)} {format_date(case.requester_due_on, 'short', lang)}"
                if case.requester_due_on
                else ""
            )
            badge = ("badge-paused", tr("停止中", "Paused", lang) + due)
        elif is_open and case.binding_due_on:
            left = days_left(case.binding_due_on, as_of, closed)
            if left < 0:
                badge = (
                    "badge-overdue",
                    tr(f"超過 {-left}営業日", f"{-left} business day{'' if left == -1 else 's'} overdue", lang),
                )
            elif left == 0:
                badge = ("badge-soon", tr("本日期限", "Due today", lang))
            else:
                badge = (
                    "badge-soon" if left <= amber else "badge-ok",
                    tr(f"残り{left}営業日", f"{left} business day{'' if left == 1 else 's'} left", lang),
                )
        horizon_passed = is_open and case.statutory_horizon_on < as_of
        principal, proxy = people.get(case.id, {}).get("principal"), people.get(case.id, {}).get("proxy")
        rows.append(
            {
                "reference": case.reference,
                "url": url.replace("REF", case.reference),
                "name": principal[0] if principal else None,
                "furigana": principal[1] if principal else None,
                "proxy": proxy[0] if proxy else None,
                "kinds": [label(catalogue.REQUEST_KINDS[kind], lang) for kind in kinds.get(case.id, [])],
                "channel": label(catalogue.CHANNELS[case.channel], lang),
                "arrived": format_date(case.arrived_on, "short", lang),
                "status": case.status,
                "status_label": label(state, lang),
                "target": format_date(case.internal_target_on, "short", lang) if case.internal_target_on else None,
                "badge": badge,
                "horizon": format_date(case.statutory_horizon_on, "short", lang),
                "horizon_passed": horizon_passed,
                "late": is_open
                and not state.waiting_on_requester
                and (badge and badge[0] == "badge-overdue" or horizon_passed),
                "assignee": case.assignee.name if case.assignee else None,
                "duplicate": case.possible_duplicate,
                "duplicates": [(other.reference, url.replace("REF", other.reference)) for other in duplicates_of(case)]
                if case.possible_duplicate
                else [],
            }
        )
    return rows


@blueprint.route("/cases/<reference>")
@require("case.view")
def show_case(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    return render_case(case)


#: Which panel holds each workbench form (by the form's name, or its prefix before "-"), so
#: a form shown again with its errors is shown in an open panel.
_FORM_PANELS = {
    "addresses": "identity",
    "counter": "identity",
    "link": "identity",
    "identity": "identity",
    "quick": "identity",
    "payment": "fees",
    "shortfall": "fees",
    "ask": "requests",
    "reply": "requests",
    "search": "data",
    "table": "data",
    "attach": "data",
    "decision": "decision",
    "return": "approval",
    "lapse": "approval",
    "extend": "procedures",
    "withdraw": "procedures",
    "dispatch": "letters",
    "add_document": "documents",
    "note": "notes",
}


def render_case(case, status: int = 200):
    """The case page; a workbench action whose form failed shows it again with status 400.

    The next step (desk.workbench.guide) comes first with its panel open; every other
    panel is folded to one line that says where it stands; the timeline goes to the side."""
    step = guide.next_step(case, can_approve=can(current_user, "decision.approve"))
    failed = {
        _FORM_PANELS.get(name, _FORM_PANELS.get(name.split("-")[0])) for name in getattr(g, "workbench_forms", {})
    }
    for name in getattr(g, "workbench_forms", {}):
        if name.startswith("review-"):
            failed.add(review_panel(case, name.removeprefix("review-")))
    wanted = request.args.get("open", "")
    if wanted.startswith("document-"):
        wanted = review_panel(case, wanted.removeprefix("document-")) or ""
    wanted = _FORM_PANELS.get(wanted, _FORM_PANELS.get(wanted.split("-")[0], wanted))
    lang = current_language()
    panels = []
    for panel in hooks.of().panels:
        if not can(current_user, panel.permission):
            continue
        context = panel.context(case) if panel.context else {}
        line = panel.summary(case, context) if panel.summary else None
        panels.append(
            {
                "key": panel.key,
                "template": panel.template,
                "panel": context,
                "title": tr(*panel.title, lang) if panel.title[0] else "",
                "summary": tr(*line, lang) if line else "",
                "open": panel.key in failed or panel.key == wanted,
            }
        )
    step_panel = next((p for p in panels if step and p["key"] == step.panel), None)
    return render_template(
        "staff/cases/show.html",
        case=case,
        panels=[p for p in panels if p is not step_panel and p["key"] not in _SIDE],
        side=[p for p in panels if p["key"] in _SIDE],
        step=step,
        step_panel=step_panel,
        step_quoted_by=_names([step.quoted_by]).get(step.quoted_by) if step and step.quoted_by else None,
        today=today(),
        fee_due=fees.fee_due(case),
        header=header(case),
        closed=settings.closed_days(),
        days_left=deadlines.business_days_left,
    ), status


#: Panels shown beside the work (below it on a narrow screen).
_SIDE = ("timeline", "notes")
