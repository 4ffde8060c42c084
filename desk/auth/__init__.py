"""Staff accounts, roles and sign-in."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Sign-in pages and the user loader (desk.auth.views)."""
    from desk.auth.views import blueprint

    app.register_blueprint(blueprint)
