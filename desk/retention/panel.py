"""What the case page's retention panel shows."""

from __future__ import annotations

from desk.retention import service
from desk.retention.forms import HoldForm, ReleaseForm


def context(case) -> dict:
    holds = service.holds_of(case)
    return {
        "years": service.retention_years(),
        "due_on": service.due_on(case),
        "active_hold": next((h for h in holds if h.active), None),
        "holds": holds,
        "hold_form": HoldForm(formdata=None),
        "release_form": ReleaseForm(formdata=None),
    }
