"""Builders for the suppression tests."""

from __future__ import annotations

from datetime import date

from desk.cases.service import transition
from desk.extensions import db
from tests.helpers import make_case

ROUTE_TO_COMPLETION = ("in_progress", "decision_drafted", "approved", "dispatched", "completed")


def complete_case(kinds, outcome="done", on=date(2026, 11, 20), **person):
    """A case whose items are decided with `outcome`, taken through the lifecycle to completed."""
    case = make_case(kinds, **person)
    for item in case.items:
        item.outcome = outcome
    for state in ROUTE_TO_COMPLETION:
        transition(case, state, on=on)
    db.session.commit()
    return case


def write_csv(path, rows, encoding="utf-8", newline="\r\n"):
    text = newline.join(",".join(row) for row in rows) + newline
    path.write_bytes(text.encode(encoding))
    return path
