"""Oversight: dashboard figures, server-side SVG charts and the register export."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The dashboard and the register export."""
    from desk.reports.views import blueprint

    app.register_blueprint(blueprint)
