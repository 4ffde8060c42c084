"""Staff pages for cases: the list and one case."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from desk import settings
from desk.auth.permissions import can, require
from desk.cases import deadlines, lifecycle, queries
from desk.cases.panels import CASE_PANELS
from desk.cases.service import by_reference
from desk.clock import today

blueprint = Blueprint("cases", __name__, url_prefix="/staff")


@blueprint.route("/")
@login_required
def home():
    """Where a user lands after sign-in: their own work."""
    if can(current_user, "case.view"):
        return redirect(url_for("cases.queue"))
    if can(current_user, "settings.edit"):
        return redirect(url_for("settings.edit_settings"))
    abort(403)


def _memo(function):
    """Cache a pure function for one request: many rows share the same target date."""
    return functools.lru_cache(maxsize=None)(function)


@blueprint.route("/cases")
@require("case.view")
def queue():
    filters = queries.QueueFilters.from_args(request.args)
    counts = queries.status_counts()
    page = queries.case_queue(filters, user_id=current_user.id, as_of=today(), counts=counts)
    return render_template(
        "staff/cases/list.html", page=page, filters=filters, counts=counts, today=today(),
        closed=settings.closed_days(), days_left=_memo(deadlines.business_days_left),
        staff=queries.assignable_staff(), OPEN=queries.OPEN, ALL=queries.ALL)


@blueprint.route("/cases/<reference>")
@require("case.view")
def show_case(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    return render_case(case)


def render_case(case, status: int = 200):
    """The case page; a workbench action whose form failed shows it again with status 400."""
    from desk.workbench.panels import header

    panels = [(panel.template, panel.context(case) if panel.context else {})
              for panel in CASE_PANELS if can(current_user, panel.permission)]
    return render_template("staff/cases/show.html", case=case, panels=panels, today=today(),
                           fee_due=settings.fee_due(case.kinds), header=header(case),
                           closed=settings.closed_days(), days_left=deadlines.business_days_left), status
