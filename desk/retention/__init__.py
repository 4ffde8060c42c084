"""Retention schedule, legal holds, disposal and the disposal record."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The retention pages and the case page's retention panel (due date, legal holds)."""
    from desk.cases import hooks
    from desk.retention.panel import context, summary
    from desk.retention.views import blueprint

    app.register_blueprint(blueprint)
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/cases/panels/retention.html",
            order=140,
            context=context,
            title=("保存期間と廃棄", "Retention and disposal"),
            summary=summary,
        ),
    )
