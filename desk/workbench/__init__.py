"""The officer's screens: the case queue, the case page and its panels, the actions on a
case, and the masking screen. No rule lives here: each action calls its area's service."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from desk.cases import hooks, lifecycle
    from desk.cases.hooks import Panel
    from desk.workbench import panels
    from desk.workbench.approvals import blueprint as approvals
    from desk.workbench.case_page import blueprint as case_pages
    from desk.workbench.queries import forget_counts
    from desk.workbench.views import blueprint as actions

    app.register_blueprint(case_pages)
    app.register_blueprint(actions)
    app.register_blueprint(approvals)
    for panel in (
        Panel("staff/cases/panels/people.html", order=10),
        Panel("staff/cases/panels/identity.html", order=30, context=panels.identity),
        Panel("staff/cases/panels/proxy.html", order=40, context=panels.proxy),
        Panel("staff/cases/panels/fees.html", order=50, context=panels.fee),
        Panel("staff/cases/panels/requests.html", order=60, context=panels.requests),
        Panel("staff/cases/panels/data.html", order=70, context=panels.data),
        # The decision panel shows every kind's decision (it replaces a read-only items panel).
        Panel("staff/cases/panels/decision.html", order=80, context=panels.decision),
        Panel("staff/cases/panels/approval.html", order=90, context=panels.approval),
        Panel("staff/cases/panels/dispatch.html", order=110, context=panels.dispatch),
        Panel("staff/cases/panels/procedures.html", order=120, context=panels.procedures),
        Panel("staff/cases/panels/timeline.html", order=150, context=panels.timeline_panel),
        Panel("staff/cases/panels/notes.html", order=160, permission="case.work", context=panels.notes),
    ):
        hooks.add_panel(app, panel)
    # The queue's counts per state are cached per process; any move makes them stale.
    for state in lifecycle.STATES:
        hooks.on_enter(app, state, forget_counts)
