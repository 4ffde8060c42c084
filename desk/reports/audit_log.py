"""The audit log viewer for auditors, supervisors and administrators (read-only).

A screen, so it lives here rather than in desk.audit: it joins the trail (desk.audit) with
the staff it names and the permission to see it (desk.auth), two areas of one layer that
import neither the other.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from sqlalchemy import select

from desk.audit import queries
from desk.audit.service import verify
from desk.auth.models import StaffUser
from desk.auth.permissions import require
from desk.extensions import db
from desk.i18n import tr

#: Named "audit" still: its endpoint (audit.audit_log) is what the menu and links know.
blueprint = Blueprint("audit", __name__, url_prefix="/staff")


def _actors() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.name, StaffUser.id)))


def _staff_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))).all())


def _parse(args) -> tuple[queries.AuditFilter, dict[str, str]]:
    f, errors = queries.AuditFilter(), {}
    for key, attr in (("from", "start"), ("to", "end")):
        value = (args.get(key) or "").strip()
        if value:
            try:
                setattr(f, attr, date.fromisoformat(value))
            except ValueError:
                errors[key] = tr("日付は YYYY-MM-DD の形式で入力してください。", "Enter the date as YYYY-MM-DD.")
    f.action = (args.get("action") or "").strip() or None
    actor = (args.get("actor") or "").strip()
    if actor in ("system", "public"):
        f.actor_kind = actor
    elif actor:
        f.actor_id = int(actor) if actor.isdigit() else None
        if f.actor_id is None:
            errors["actor"] = tr("担当者を一覧から選んでください。", "Choose someone from the list.")
    f.reference = (args.get("reference") or "").strip()[:20] or None
    return f, errors


@blueprint.route("/audit")
@require("audit.view")
def audit_log():
    f, errors = _parse(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    # Verification walks the whole chain: run only when asked, not on every page view.
    result = verify() if request.args.get("verify") == "1" else None
    pagination = queries.events(f, page=page)
    query_args = {k: v for k, v in request.args.items() if k not in ("page", "verify") and v}
    return render_template(
        "staff/audit/log.html",
        pagination=pagination,
        filters=f,
        errors=errors,
        actions=queries.actions(),
        actors=_actors(),
        verify_result=result,
        names=_staff_names(e.actor_id for e in pagination.items),
        query_args=query_args,
    ), (400 if errors else 200)
