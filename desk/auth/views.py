"""Staff sign-in and sign-out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from desk.auth.trail import record
from desk.auth import service
from desk.auth.forms import LoginForm
from desk.auth.models import StaffUser
from desk.extensions import db, limiter, login_manager
from desk.i18n import tr

blueprint = Blueprint("auth", __name__, url_prefix="/staff")


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(StaffUser, int(user_id))
    return user if user is not None and user.active else None


login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "strong"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in is a phishing gift."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("cases.home")


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        # One message for every failure: an attacker learns nothing about which accounts exist.
        error = tr("サインインできませんでした。メールアドレスとパスワードをご確認ください。"
                   "5回続けて誤るとアカウントは15分間ロックされます。",
                   "Sign-in failed. Check your e-mail and password. "
                   "After five wrong attempts the account is locked for 15 minutes.")
    return render_template("staff/login.html", form=form, error=error), (401 if error else 200)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    record("staff.logout", actor=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(tr("サインアウトしました。", "You have signed out."), "info")
    return redirect(url_for("auth.login"))
