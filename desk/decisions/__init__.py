"""Decisions per request kind, the data they rest on, the supervisor's approval, and lapse."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """A lapse proposed by the daily job is withdrawn as soon as the case moves on (to any
    state but "lapsed", which is the approval itself); the notes on where the data was
    found are erased at disposal."""
    from desk.cases import hooks, lifecycle
    from desk.decisions.models import DataSearch
    from desk.decisions.service import supersede_lapse

    for state in sorted(lifecycle.OPEN | {"withdrawn", "not_a_request"}):
        hooks.on_enter(app, state, supersede_lapse)
    hooks.erase_at_disposal(app, DataSearch)
