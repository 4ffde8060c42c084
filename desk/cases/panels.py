"""The case page is a stack of panels, one per area (people, documents, fees, decisions,
letters, retention…). Each area adds its panel here; the view shows those the user may see."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from desk.cases.models import Case


@dataclass(frozen=True)
class Panel:
    #: Template under templates/, rendered with `case` and `panel` (the dict from context).
    template: str
    permission: str = "case.view"
    #: Extra data for the template, computed from the case.
    context: Callable[[Case], dict] | None = None


def _timeline(case: Case) -> dict:
    from desk.cases.queries import timeline

    return {"timeline": timeline(case)}


def _retention(case: Case) -> dict:
    from desk.retention.panel import context

    return context(case)


CASE_PANELS: list[Panel] = [
    Panel("staff/cases/panels/people.html"),
    Panel("staff/cases/panels/items.html"),
    Panel("staff/cases/panels/timeline.html", context=_timeline),
    Panel("staff/cases/panels/retention.html", context=_retention),
]
