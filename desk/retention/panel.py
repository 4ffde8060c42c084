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


def summary(case, panel: dict) -> tuple[str, str] | None:
    from desk.formatting import format_date

    if panel["active_hold"]:
        return ("訴訟等保全中", "On legal hold")
    if case.status == "disposed":
        return ("廃棄済", "Disposed of")
    if panel["due_on"]:
        return (
            f"廃棄予定 {format_date(panel['due_on'], 'short', 'ja')}",
            f"Disposal due {format_date(panel['due_on'], 'short', 'en')}",
        )
    return ("完了後に保存期間を計算", "Counted from closing")
