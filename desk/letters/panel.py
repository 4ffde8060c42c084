"""The case page's one letters panel: every letter of the case and where it stands, the
letters that can be made (preview in both languages, queue for the print run), the stored
copies, and recording the reply's dispatch."""

from __future__ import annotations

from flask import g

from desk.clock import today
from desk.letters import service
from desk.letters.forms import DispatchForm


def context(case) -> dict:
    panel = service.panel_context(case)
    if case.status == "approved":
        kept = getattr(g, "workbench_forms", {}).get("dispatch")
        method = "electronic" if case.delivery_method == "electronic" else "simple_registered"
        form = kept if kept is not None else DispatchForm(formdata=None, sent_on=today(), method=method)
        for f in form:
            f.id = f.label.field_id = f"dispatch-{f.name}"
        panel["dispatch_form"] = form
    return panel


def summary(case, panel: dict) -> tuple[str, str] | None:
    letters = panel["letters"]
    # A reply for the requester's page waits for its electronic dispatch, not for the printer.
    online = sum(1 for letter in panel["queued"] if letter.kind == "reply" and panel.get("electronic"))
    queued = len(panel["queued"]) - online
    sent = sum(1 for letter in letters if letter.dispatched_on)
    if not queued and not sent and not online:
        return ("発送した文書なし", "No letter sent yet")
    ja = [f"印刷待ち {queued}通"] if queued else []
    en = [f"{queued} to print"] if queued else []
    if online:
        ja.append("回答書は電子的に提供待ち")
        en.append("the reply to deliver electronically")
    if sent:
        ja.append(f"発送済 {sent}通")
        en.append(f"{sent} sent")
    return ("・".join(ja), ", ".join(en))
