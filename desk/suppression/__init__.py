"""The opt-out suppression register and list screening (the triple check)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """A completed case whose stop-provision or erasure was granted puts its principal on
    the register; the screening pages; the case page's register panel."""
    from desk.cases import hooks
    from desk.suppression.entries import on_case_completed, panel_context
    from desk.suppression.views import blueprint

    app.register_blueprint(blueprint)
    hooks.on_enter(app, "completed", on_case_completed)
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/suppression/panel.html",
            order=130,
            permission="suppression.view",
            context=panel_context,
            title=("提供停止名簿", "Suppression register"),
            summary=_summary,
        ),
    )


def _summary(case, panel) -> tuple[str, str] | None:
    """The panel's line on the case page: on the register, to be put on it, or nothing to do."""
    if panel.get("entries"):
        return ("登録済", "On the register")
    if not panel.get("relevant"):
        return None
    if not case.is_open:  # completed without the stop, withdrawn, lapsed, disposed
        return ("登録なし（停止を実施していません）", "Not on it (no stop carried out)")
    return ("停止を実施して完了すると登録", "Put on it if the case completes with the stop carried out")
