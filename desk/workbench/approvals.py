"""The supervisor's approvals inbox: every decision and lapse that waits for them, oldest
first, approved or returned from here (the actions are the case page's, back to here)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from desk import settings
from desk.auth.models import StaffUser
from desk.auth.permissions import require
from desk.cases import deadlines
from desk.clock import today
from desk.decisions import service as decisions
from desk.extensions import db
from desk.workbench import forms

blueprint = Blueprint("approvals", __name__, url_prefix="/staff/approvals")


@blueprint.get("")
@require("decision.approve")
def inbox():
    waiting = decisions.waiting_for_approval()
    ids = {w.drafter_id for w in waiting if w.drafter_id}
    for w in waiting:
        ids |= decisions.drafters(w.case) if w.kind == "decision" else set()
    names = (
        {u.id: u.name for u in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(sorted(ids))))}
        if ids
        else {}
    )
    own = {w.approval.id for w in waiting if w.kind == "decision" and current_user.id in decisions.drafters(w.case)}
    return render_template(
        "staff/approvals.html",
        waiting=waiting,
        names=names,
        own=own,
        action_form=forms.ActionForm(formdata=None),
        return_form=forms.ReturnForm(formdata=None),
        today=today(),
        closed=settings.closed_days(),
        days_left=deadlines.business_days_left,
    )
