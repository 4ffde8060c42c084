"""Where the other areas plug into a case: what runs when a case enters a state or is
extended, which panels the case page shows, and what disposal erases.

Each area adds its own in its `register(app)`, and create_app() calls those in one list.
The registry lives on the app (app.extensions), so what a fresh app does never depends on
which modules happen to have been imported before it; the case area knows none of the
areas that react to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam

from desk.cases import lifecycle
from desk.types import UTCDateTime

#: The moment of a disposal, bound by the retention job in every eraser that dates what it
#: destroyed (a registered `values` may use it).
DISPOSAL_MOMENT = bindparam("the_moment", type_=UTCDateTime())


@dataclass(frozen=True)
class Panel:
    """One panel of the case page."""

    #: Template under templates/, rendered with `case` and `panel` (the dict from context).
    template: str
    #: Place on the page, lowest first: the order an officer works a case in.
    order: int
    permission: str = "case.view"
    #: Extra data for the template, computed from the case.
    context: Callable[[Any], dict] | None = None
    #: The panel's name on its folded line (ja, en); the page guides by it.
    title: tuple[str, str] = ("", "")
    #: Where the panel stands, in one line for its folded summary: `summary(case, context)`
    #: gives a (ja, en) pair, or None when there is nothing to say.
    summary: Callable[[Any, dict], tuple[str, str] | None] | None = None

    @property
    def key(self) -> str:
        """The panel's short name (its template's stem: "identity", "fees", "letters"…)."""
        parts = self.template.removesuffix(".html").split("/")
        # An area's own panel template is often just ".../<area>/panel.html".
        return parts[-2] if parts[-1] == "panel" and len(parts) > 1 else parts[-1]


@dataclass(frozen=True, eq=False)
class PersonalData:
    """One kind of personal data an area keeps per case, erased when the case is disposed of."""

    #: A model with a `case_id` column.
    model: type
    #: A condition true while something is left to erase (None: any row of the case).
    still_there: Any = None
    #: Column values that erase it; None deletes the rows.
    values: dict | None = None
    #: Its rows name an encrypted file (storage_name, wrapped_key) that disposal deletes.
    files: bool = False


@dataclass
class CaseHooks:
    entering: dict[str, list[Callable]] = field(default_factory=dict)
    extended: list[Callable] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    personal_data: list[PersonalData] = field(default_factory=list)
    #: Statements built from personal_data by the retention job, per dialect (cleared on change).
    built: dict = field(default_factory=dict)


_KEY = "desk.case_hooks"


def of(app: Flask | None = None) -> CaseHooks:
    """The hooks of `app` (default: the current app)."""
    app = app if app is not None else current_app
    hooks = app.extensions.get(_KEY)
    if hooks is None:
        hooks = app.extensions[_KEY] = CaseHooks()
    return hooks


def on_enter(app: Flask, state: str, callback: Callable) -> None:
    """Run `callback(case, actor=..., on=...)` whenever a case enters `state`, in the same
    transaction, after the move is audited."""
    if state not in lifecycle.STATES:
        raise ValueError(f"unknown state {state}")
    callbacks = of(app).entering.setdefault(state, [])
    if callback not in callbacks:
        callbacks.append(callback)


def on_extended(app: Flask, callback: Callable) -> None:
    """Run `callback(case, extension, actor=...)` whenever a case's response date is extended."""
    if callback not in of(app).extended:
        of(app).extended.append(callback)


def add_panel(app: Flask, panel: Panel) -> None:
    panels = of(app).panels
    if panel.template not in {p.template for p in panels}:
        panels.append(panel)
        panels.sort(key=lambda p: p.order)


def erase_at_disposal(
    app: Flask, model: type, still_there=None, values: dict | None = None, files: bool = False
) -> None:
    """Add a table of an area's own to what disposal erases (see PersonalData)."""
    hooks = of(app)
    if not any(entry.model is model for entry in hooks.personal_data):
        hooks.personal_data.append(PersonalData(model, still_there, values, files))
        hooks.built.clear()
