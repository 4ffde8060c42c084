"""Public pages: the notice and the health check."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The public notice and the health check."""
    from desk.public.views import blueprint

    app.register_blueprint(blueprint)
