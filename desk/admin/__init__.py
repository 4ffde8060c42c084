"""Staff administration: accounts, roles, deactivation, password resets."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The staff administration pages."""
    from desk.admin.views import blueprint

    app.register_blueprint(blueprint)
