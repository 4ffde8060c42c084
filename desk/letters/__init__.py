"""Letters to requesters: what each says, the print run, dispatch, and the stored copies."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Letters follow the case: a notice is queued when a case enters a state that calls
    for one (a fee shortfall, a lapse) or is extended, and the reply is stored as sent when
    the case is dispatched. The print run pages, the letters panel, and the stored copies'
    keys shredded at disposal."""
    from desk.cases import hooks
    from desk.letters import service
    from desk.letters.models import Letter
    from desk.letters.views import blueprint

    app.register_blueprint(blueprint)
    hooks.on_enter(app, "awaiting_fee", service.queue_on_entering("shortfall"))
    hooks.on_enter(app, "lapsed", service.queue_on_entering("lapse"))
    hooks.on_enter(app, "dispatched", service.store_reply_on_dispatch)
    hooks.on_extended(app, service.queue_extension_notice)
    hooks.add_panel(app, hooks.Panel("staff/cases/panels/letters.html", order=100, context=service.panel_context))
    hooks.erase_at_disposal(app, Letter, Letter.wrapped_key.is_not(None),
                            {"wrapped_key": None, "destroyed_at": hooks.DISPOSAL_MOMENT}, files=True)
