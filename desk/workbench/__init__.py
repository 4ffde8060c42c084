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
        Panel("staff/cases/panels/people.html", order=10, title=("請求者", "People"), summary=panels.people_summary),
        Panel(
            "staff/cases/panels/identity.html",
            order=30,
            context=panels.identity,
            title=("本人確認", "Identity check"),
            summary=panels.identity_summary,
        ),
        Panel(
            "staff/cases/panels/proxy.html",
            order=40,
            context=panels.proxy,
            title=("代理権の確認", "Proxy check"),
            summary=panels.proxy_summary,
        ),
        Panel(
            "staff/cases/panels/fees.html",
            order=50,
            context=panels.fee,
            title=("手数料", "Fee"),
            summary=panels.fee_summary,
        ),
        Panel(
            "staff/cases/panels/requests.html",
            order=60,
            context=panels.requests,
            title=("依頼者への照会", "Requests to the requester"),
            summary=panels.requests_summary,
        ),
        Panel(
            "staff/cases/panels/data.html",
            order=70,
            context=panels.data,
            title=("データの調査", "Locating the data"),
            summary=panels.data_summary,
        ),
        # The decision panel shows every kind's decision (it replaces a read-only items panel).
        Panel(
            "staff/cases/panels/decision.html",
            order=80,
            context=panels.decision,
            title=("請求ごとの決定", "Decision per request kind"),
            summary=panels.decision_summary,
        ),
        Panel(
            "staff/cases/panels/approval.html",
            order=90,
            context=panels.approval,
            title=("責任者の承認", "Approval"),
            summary=panels.approval_summary,
        ),
        Panel(
            "staff/cases/panels/procedures.html",
            order=120,
            context=panels.procedures,
            title=("延長・取下げ", "Extension and withdrawal"),
            summary=panels.procedures_summary,
        ),
        Panel(
            "staff/cases/panels/timeline.html",
            order=150,
            context=panels.timeline_panel,
            title=("経過", "Timeline"),
            summary=panels.timeline_summary,
        ),
        Panel(
            "staff/cases/panels/notes.html",
            order=160,
            permission="case.work",
            context=panels.notes,
            title=("メモ", "Notes"),
        ),
    ):
        hooks.add_panel(app, panel)
    # The queue's counts per state are cached per process; any move makes them stale.
    for state in lifecycle.STATES:
        hooks.on_enter(app, state, forget_counts)
