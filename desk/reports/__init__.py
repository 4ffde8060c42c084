"""Oversight: dashboard figures, server-side SVG charts, the register export and the audit log viewer."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The dashboard, the register export and the audit log."""
    from desk.reports.audit_log import blueprint as audit_log
    from desk.reports.views import blueprint

    app.register_blueprint(blueprint)
    app.register_blueprint(audit_log)
