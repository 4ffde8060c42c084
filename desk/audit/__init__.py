"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The trail's writer, for areas of its own layer that may not import it (desk.auth:
    see desk.auth.trail). The audit log page is a screen: desk.reports registers it."""
    from desk.audit.service import record

    app.extensions["desk.audit.record"] = record
