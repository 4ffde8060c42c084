"""The administrator's API key pages: make a key (shown once), see each key's scopes,
expiry and last use, revoke one. Thin views over desk.api.keys."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from desk import settings
from desk.api import keys
from desk.api.forms import NewKeyForm, RevokeKeyForm
from desk.auth.permissions import require
from desk.cases.lifecycle import Refused
from desk.clock import now, today
from desk.extensions import db
from desk.i18n import current_language, tr

blueprint = Blueprint("api_keys", __name__, url_prefix="/staff/admin/api-keys")


def _page(form, shown=None, status=200):
    return render_template(
        "staff/api/keys.html",
        form=form,
        keys=keys.all_keys(),
        at=now(),
        shown=shown,
        revoke_form=RevokeKeyForm(),
        longest=int(settings.get("api_key_max_days")),
    ), status


@blueprint.route("", methods=["GET", "POST"])
@require("api.keys")
def key_list():
    form = NewKeyForm()
    if not form.is_submitted():
        form.expires_on.data = today() + timedelta(days=min(90, int(settings.get("api_key_max_days"))))
        return _page(form)
    if not form.validate():
        return _page(form, status=400)
    try:
        key, secret = keys.create_key(
            form.name.data, list(form.scopes.data or []), form.expires_on.data, actor=current_user
        )
    except Refused as refusal:
        db.session.rollback()
        form.name.errors = list(form.name.errors) + [refusal.message(current_language())]
        return _page(form, status=400)
    db.session.commit()
    fresh = NewKeyForm(formdata=None)
    fresh.expires_on.data = today() + timedelta(days=min(90, int(settings.get("api_key_max_days"))))
    response = render_template(
        "staff/api/keys.html",
        form=fresh,
        keys=keys.all_keys(),
        at=now(),
        shown=(key, secret),
        revoke_form=RevokeKeyForm(),
        longest=int(settings.get("api_key_max_days")),
    )
    return response, 201


@blueprint.post("/<key_id>/revoke")
@require("api.keys")
def revoke_key(key_id: str):
    key = keys.by_id(int(key_id)) if key_id.isdigit() and len(key_id) < 10 else None
    if key is None:
        abort(404)
    if not RevokeKeyForm().validate_on_submit():
        abort(400)
    if keys.revoke(key, actor=current_user):
        db.session.commit()
        flash(tr(f"キー「{key.name}」を無効にしました。", f"The key “{key.name}” is revoked."), "success")
    return redirect(url_for("api_keys.key_list"))
