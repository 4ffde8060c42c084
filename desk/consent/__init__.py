"""Marketing consent: opt-in records and opt-outs per channel and purpose, the public sign-up with double opt-in, one-click unsubscribe, and screening by channel."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The public pages and the staff pages; the case page's panel (opt-outs from a cessation
    or stop-provision case, the history for a disclosure); the dashboard's figures. Screening
    by channel plugs into `desk screen` (desk.cli) as the suppression screening's filter."""
    from desk import settings
    from desk.cases import hooks
    from desk.consent import service
    from desk.consent.cases import panel_context, panel_summary
    from desk.consent.channels import ACTIONS, CHANNELS, METHODS
    from desk.consent.purposes import label
    from desk.consent.views import blueprint, public_pages

    # A purpose dropped from the setting starts its keeping period when the setting is saved.
    settings.when_changed(app, "consent_purposes", service.note_dropped_purposes)
    app.register_blueprint(public_pages)
    app.register_blueprint(blueprint)
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/consent/panel.html",
            order=135,
            permission="consent.view",
            context=panel_context,
            title=("広告・宣伝の同意", "Marketing consent"),
            summary=panel_summary,
        ),
    )
    app.jinja_env.globals["consent_figures"] = service.figures
    app.jinja_env.filters["consent_time"] = consent_time
    app.jinja_env.globals.update(
        CONSENT_CHANNELS=CHANNELS, CONSENT_ACTIONS=ACTIONS, CONSENT_METHODS=METHODS, consent_purpose_label=label
    )


def consent_time(moment) -> str:
    """A record's moment to the second, in the business's zone, naming the zone: evidence reads unambiguously."""
    from desk.clock import local

    if moment is None:
        return "—"
    shown = local(moment)
    return shown.strftime("%Y/%m/%d %H:%M:%S ") + (shown.tzname() or shown.strftime("%z"))
