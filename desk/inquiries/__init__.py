"""Inquiries and complaints: everything that reaches the desk and is not a statutory request."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The public form お問い合わせ・苦情 and the staff pages; the case page's panel that shows
    the inquiries a case is linked to and closes a case "not a statutory request" into one.
    Disposal is a step of `desk daily` and `desk dispose` (desk.daily, desk.cli); the
    dashboard's figures and `export-inquiries` live in desk.reports."""
    from desk.cases import hooks
    from desk.inquiries.views import blueprint, case_panel_context, case_panel_summary, public

    app.register_blueprint(public)
    app.register_blueprint(blueprint)
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/inquiries/panel.html",
            order=95,
            permission="case.view",
            context=case_panel_context,
            title=("問い合わせとの関連", "Inquiries"),
            summary=case_panel_summary,
        ),
    )
