"""The administrator's settings page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from desk import settings
from desk.auth.permissions import require
from desk.extensions import db
from desk.i18n import current_language, tr
from desk.settings.definitions import GROUPS, SETTINGS

blueprint = Blueprint("settings", __name__, url_prefix="/staff")


def _submitted_values() -> dict:
    values = {}
    for key, definition in SETTINGS.items():
        if definition.type in ("kinds", "weekdays", "methods"):
            values[key] = request.form.getlist(key)
        elif definition.type == "bool":
            values[key] = request.form.get(key) == "on"
        else:
            values[key] = request.form.get(key, "")
    return values


@blueprint.route("/settings", methods=["GET", "POST"])
@require("settings.edit")
def edit_settings():
    form = FlaskForm()  # CSRF; the fields are generated from the definitions
    errors: dict[str, str] = {}
    values = settings.all_values()
    if request.method == "POST" and form.validate_on_submit():
        submitted = _submitted_values()
        for key, value in submitted.items():
            try:
                settings.validate(SETTINGS[key], value)
            except settings.SettingError as error:
                errors[key] = error.message(current_language())
        if not errors:
            changed = settings.update(submitted, actor=current_user)
            db.session.commit()
            flash(
                tr(f"設定を保存しました（{len(changed)}件の変更）。", f"Settings saved ({len(changed)} changed)."),
                "success",
            )
            return redirect(url_for("settings.edit_settings"))
        values = {**values, **submitted}
        flash(
            tr(
                "入力内容に誤りがあります。赤字の項目を確認してください。",
                "Some values are not valid; see the messages in red.",
            ),
            "error",
        )
    groups = [(code, names, [d for d in SETTINGS.values() if d.group == code]) for code, names in GROUPS.items()]
    return render_template("staff/settings.html", form=form, groups=groups, values=values, errors=errors), (
        400 if errors else 200
    )
