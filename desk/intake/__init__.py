"""Public intake: the request form, access codes, the status page, mail-in registration."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The public request form, the status page and mail-in registration."""
    from desk.intake import limits
    from desk.intake.status_actions import blueprint as status_actions
    from desk.intake.status_documents import blueprint as status_documents
    from desk.intake.views import blueprint

    app.register_blueprint(blueprint)
    app.register_blueprint(status_documents)
    app.register_blueprint(status_actions)
    limits.register(app)
