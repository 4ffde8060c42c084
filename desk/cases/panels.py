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
    from desk.audit.actions import ACTIONS
    from desk.cases.queries import timeline

    return {"timeline": timeline(case), "actions": ACTIONS}


def _workbench(name: str) -> Callable[[Case], dict]:
    def context(case: Case) -> dict:
        from desk.workbench import panels

        return getattr(panels, name)(case)
    return context


def _letters(case: Case) -> dict:
    from desk.letters.service import panel_context

    return panel_context(case)


def _documents(case: Case) -> dict:
    from desk.identity.panel import documents_context

    return documents_context(case)


def _suppression(case: Case) -> dict:
    from desk.suppression.service import panel_context

    return panel_context(case)


def _retention(case: Case) -> dict:
    from desk.retention.panel import context

    return context(case)


CASE_PANELS: list[Panel] = [
    Panel("staff/cases/panels/people.html"),
    Panel("staff/cases/panels/documents.html", permission="document.view", context=_documents),
    Panel("staff/cases/panels/identity.html", context=_workbench("identity")),
    Panel("staff/cases/panels/proxy.html", context=_workbench("proxy")),
    Panel("staff/cases/panels/fees.html", context=_workbench("fee")),
    Panel("staff/cases/panels/requests.html", context=_workbench("requests")),
    Panel("staff/cases/panels/data.html", context=_workbench("data")),
    # The decision panel shows every kind's decision (it replaces the read-only items panel).
    Panel("staff/cases/panels/decision.html", context=_workbench("decision")),
    Panel("staff/cases/panels/approval.html", context=_workbench("approval")),
    Panel("staff/cases/panels/letters.html", context=_letters),
    Panel("staff/cases/panels/dispatch.html", context=_workbench("dispatch")),
    Panel("staff/cases/panels/procedures.html", context=_workbench("procedures")),
    Panel("staff/suppression/panel.html", permission="suppression.view", context=_suppression),
    Panel("staff/cases/panels/retention.html", context=_retention),
    Panel("staff/cases/panels/timeline.html", context=_timeline),
    Panel("staff/cases/panels/notes.html", permission="case.work", context=_workbench("notes")),
]
