"""The append-only, hash-chained audit trail."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The audit log page."""
    from desk.audit.views import blueprint

    app.register_blueprint(blueprint)
