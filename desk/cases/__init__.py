"""The case: its model, lifecycle, deadlines and the hooks other areas plug into."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """What the case itself keeps of a person is erased at disposal: the people, the notes,
    what each request asked and the explanations given, the reasons for extensions. The
    statistical skeleton (kinds, dates, outcomes, grounds) stays."""
    from sqlalchemy import String, cast, or_

    from desk.cases import hooks
    from desk.cases.models import CaseExtension, CaseNote, CasePause, Requester, RequestItem

    hooks.erase_at_disposal(app, Requester)
    hooks.erase_at_disposal(app, CaseNote)
    hooks.erase_at_disposal(
        app,
        RequestItem,
        or_(
            RequestItem.particulars.is_not(None),
            RequestItem.explanation.is_not(None),
            cast(RequestItem.details, String) != "{}",
        ),
        {"particulars": None, "explanation": None, "details": {}},
    )
    hooks.erase_at_disposal(app, CaseExtension, CaseExtension.reason != "", {"reason": ""})
    hooks.erase_at_disposal(app, CasePause, CasePause.message.is_not(None), {"message": None})
