"""Letters to requesters: what each says, the print run, dispatch, and the stored copies."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Letters follow the case: a notice is queued when a case enters a state that calls
    for one (a fee shortfall, a lapse) or is extended, and the reply is stored as sent when
    the case is dispatched; a waiting letter whose reason has gone is withdrawn. The print run pages, the letters panel, and the stored copies'
    keys shredded at disposal."""
    from sqlalchemy import case, or_

    from desk.cases import hooks, lifecycle
    from desk.letters import panel, service
    from desk.letters.models import Letter
    from desk.letters.views import blueprint

    app.register_blueprint(blueprint)
    # Disposal (which reaches a case through transition_closed, without the ORM) withdraws
    # what is left through the eraser below instead.
    for state in sorted(set(lifecycle.STATES) - {"disposed"}):
        hooks.on_enter(app, state, service.withdraw_stale)
    # Every request to the requester is a letter: the fee, documents, or an answer.
    for waiting in sorted(lifecycle.WAITING):
        hooks.on_enter(app, waiting, service.queue_on_entering("shortfall"))
    hooks.on_enter(app, "approved", service.queue_on_entering("reply"))
    hooks.on_enter(app, "lapsed", service.queue_on_entering("lapse"))
    hooks.on_enter(app, "dispatched", service.store_reply_on_dispatch)
    hooks.on_extended(app, service.queue_extension_notice)
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/cases/panels/letters.html",
            order=100,
            context=panel.context,
            title=("文書と発送", "Letters and dispatch"),
            summary=panel.summary,
        ),
    )
    hooks.erase_at_disposal(
        app,
        Letter,
        or_(Letter.wrapped_key.is_not(None), Letter.waiting()),
        {
            "wrapped_key": None,
            "destroyed_at": case((Letter.wrapped_key.is_not(None), hooks.DISPOSAL_MOMENT), else_=Letter.destroyed_at),
            # A letter still waiting when its case is disposed of is never printed.
            "withdrawn_at": case((Letter.waiting(), hooks.DISPOSAL_MOMENT), else_=Letter.withdrawn_at),
            "withdrawn_reason": case((Letter.waiting(), "disposed"), else_=Letter.withdrawn_reason),
        },
        files=True,
    )
