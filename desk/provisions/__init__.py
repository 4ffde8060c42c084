"""Records of provision to and receipt from third parties (Arts. 29, 30), and answering requests for them (Art. 33(5))."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The records' pages; the case page's panel that searches them for a record-disclosure
    request; the dashboard's figures; the `export-provisions` command lives in desk.cli."""
    from desk.cases import hooks
    from desk.provisions import service
    from desk.provisions.disclosure import panel_context
    from desk.provisions.views import blueprint

    app.register_blueprint(blueprint)
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/provisions/panel.html",
            order=75,
            permission="case.view",
            context=panel_context,
            title=("第三者提供記録の照合", "Records of provision and receipt"),
            summary=lambda case, panel: (
                ("照合を確定済", "Search confirmed")
                if panel.get("confirmed")
                else ("未確定", "Not confirmed yet")
                if panel.get("relevant")
                else None
            ),
        ),
    )
    app.jinja_env.globals["provision_figures"] = service.figures
