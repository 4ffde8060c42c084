"""Staff administration for administrators: thin views over desk.auth.service."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from desk.admin.forms import ActiveForm, AddStaffForm, PasswordResetForm, RoleForm
from desk.auth import service
from desk.auth.models import StaffUser
from desk.auth.permissions import can, require
from desk.extensions import db
from desk.i18n import current_language, tr

blueprint = Blueprint("admin", __name__, url_prefix="/staff/admin")


def _user_or_404(staff_id: str) -> StaffUser:
    # A plain string in the route (not <int:>): the id is checked here, after the permission.
    user = db.session.get(StaffUser, int(staff_id)) if staff_id.isdigit() and len(staff_id) < 10 else None
    if user is None:
        abort(404)
    return user


@blueprint.route("/staff", methods=["GET", "POST"])
@require("staff.manage")
def staff_list():
    form = AddStaffForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.create_user(
                form.email.data, form.role.data, form.password.data, name=form.name.data.strip(), actor=current_user
            )
        except service.StaffError as error:
            db.session.rollback()
            field = getattr(form, error.field or "email")
            field.errors = list(field.errors) + [error.message(current_language())]
            status = 400
        else:
            db.session.commit()
            flash(
                tr(
                    f"{user.name} さんを登録しました。仮パスワードを本人に別途お伝えください。",
                    f"{user.name} was added. Tell them the temporary password by another channel.",
                ),
                "success",
            )
            return redirect(url_for("admin.staff_list"))
    elif form.is_submitted():
        status = 400
    return render_template(
        "staff/admin/list.html", form=form, users=service.staff_list(), admin_count=service.active_admin_count()
    ), status


@blueprint.route("/staff/<staff_id>")
@require("staff.manage")
def staff_edit(staff_id: str):
    user = _user_or_404(staff_id)
    return _edit_page(user)


def _edit_page(user, role_form=None, password_form=None, status=200):
    role_form = role_form or RoleForm(role=user.role)
    return render_template(
        "staff/admin/edit.html",
        user=user,
        role_form=role_form,
        active_form=ActiveForm(active="0" if user.active else "1"),
        password_form=password_form or PasswordResetForm(),
        admin_count=service.active_admin_count(),
    ), status


@blueprint.route("/staff/<staff_id>/role", methods=["POST"])
@require("staff.manage")
def change_role(staff_id: str):
    user = _user_or_404(staff_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _edit_page(user, role_form=form, status=400)
    try:
        changed = service.change_role(user, form.role.data, actor=current_user)
    except service.StaffError as error:
        db.session.rollback()
        form.role.errors = list(form.role.errors) + [error.message(current_language())]
        return _edit_page(db.session.get(StaffUser, int(staff_id)), role_form=form, status=400)
    db.session.commit()
    if changed:
        flash(tr("役割を変更しました。", "The role was changed."), "success")
    if user.id == current_user.id and not can(current_user, "staff.manage"):
        return redirect(url_for("cases.home"))  # they gave up administration themselves
    return redirect(url_for("admin.staff_edit", staff_id=user.id))


@blueprint.route("/staff/<staff_id>/active", methods=["POST"])
@require("staff.manage")
def set_active(staff_id: str):
    user = _user_or_404(staff_id)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400)
    try:
        service.set_active(user, form.active.data == "1", actor=current_user)
    except service.StaffError as error:
        db.session.rollback()
        flash(error.message(current_language()), "error")
        return _edit_page(db.session.get(StaffUser, int(staff_id)), status=400)
    db.session.commit()
    flash(
        tr("アカウントを有効にしました。", "The account is active again.")
        if user.active
        else tr(
            "アカウントを無効にしました。この職員はサインインできません。",
            "The account was deactivated; they cannot sign in.",
        ),
        "success",
    )
    return redirect(url_for("admin.staff_edit", staff_id=user.id))


@blueprint.route("/staff/<staff_id>/password", methods=["POST"])
@require("staff.manage")
def reset_password(staff_id: str):
    user = _user_or_404(staff_id)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _edit_page(user, password_form=form, status=400)
    try:
        service.reset_password(user, form.password.data, actor=current_user)
    except service.StaffError as error:
        db.session.rollback()
        form.password.errors = list(form.password.errors) + [error.message(current_language())]
        return _edit_page(db.session.get(StaffUser, int(staff_id)), password_form=form, status=400)
    db.session.commit()
    flash(
        tr(
            "仮パスワードを設定しました。本人に別途お伝えください。",
            "The temporary password is set. Tell them by another channel.",
        ),
        "success",
    )
    return redirect(url_for("admin.staff_edit", staff_id=user.id))


@blueprint.route("/staff/<staff_id>/two-step-off", methods=["POST"])
@require("staff.manage")
def disable_two_step(staff_id: str):
    """For a person who lost both their phone and their recovery codes."""
    user = _user_or_404(staff_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    if user.has_totp:
        service.disable_totp(user, "", actor=current_user)
        db.session.commit()
        flash(
            tr(
                "2段階認証をオフにしました。本人に、サインイン後にもう一度設定するよう伝えてください。",
                "Two-step sign-in is off. Ask them to set it up again after signing in.",
            ),
            "success",
        )
    return redirect(url_for("admin.staff_edit", staff_id=user.id))
