"""Staff sign-in and sign-out, and each person's own account: password, two-step sign-in."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from desk.auth import second_factor, service
from desk.auth.forms import ChangePasswordForm, CodeForm, EnableTotpForm, LoginForm, PasswordConfirmForm
from desk.auth.models import StaffUser
from desk.auth.permissions import require
from desk.auth.trail import record
from desk.extensions import db, limiter, login_manager
from desk.i18n import current_language, tr

blueprint = Blueprint("auth", __name__, url_prefix="/staff")

#: The session key holding the account's session generation when the session began.
_GENERATION = "staff_generation"
#: Between the right password and the code of a two-step sign-in.
_PENDING = "staff_second_step"
PENDING_SECONDS = 300
#: Cookie naming the accounts that signed in from this browser (signed; no secret in it).
TRUSTED_COOKIE = "desk_trusted_browser"
TRUSTED_DAYS = 180


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active:
        return None
    # A session from before a sign-out, a password change or reset is over.
    if session.get(_GENERATION) != user.session_generation:
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "strong"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in is a phishing gift."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("cases.home")


def _trust_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="desk.trusted-browser")


def trusted_ids() -> list[int]:
    raw = request.cookies.get(TRUSTED_COOKIE)
    if not raw:
        return []
    try:
        ids = _trust_signer().loads(raw, max_age=TRUSTED_DAYS * 86400)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def _remember_browser(response, user: StaffUser):
    ids = [user.id] + [i for i in trusted_ids() if i != user.id]
    response.set_cookie(
        TRUSTED_COOKIE,
        _trust_signer().dumps(ids[:5]),
        max_age=TRUSTED_DAYS * 86400,
        path="/staff",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


def _fresh_session() -> None:
    """Start the cookie afresh (nothing of the signed-out session carries over into the
    signed-in one) but keep the language the person chose on the sign-in page."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _begin_session(user: StaffUser, target: str | None):
    """A fresh session for `user`, bound to their current session generation."""
    _fresh_session()
    login_user(user)
    session[_GENERATION] = user.session_generation
    if user.must_change_password:  # the change page says why
        return _remember_browser(redirect(url_for("auth.change_password")), user)
    return _remember_browser(redirect(_safe_next(target)), user)


def _failed() -> str:
    # One message for every failure: an attacker learns nothing about which accounts
    # exist, or which are resting.
    return tr(
        "サインインできませんでした。メールアドレスとパスワードをご確認ください。"
        "誤りが続くと、次に試せるまで少し時間をおくことがあります。",
        "Sign-in failed. Check your e-mail and password. "
        "After several wrong attempts you may have to wait a little before the next one.",
    )


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data, trusted_ids=trusted_ids())
        db.session.commit()
        if user is not None and user.has_totp:
            _fresh_session()
            session[_PENDING] = {
                "id": user.id,
                "generation": user.session_generation,
                "at": int(time.time()),
                "next": request.args.get("next"),
            }
            return redirect(url_for("auth.login_code"))
        if user is not None:
            return _begin_session(user, request.args.get("next"))
        error = _failed()
    return render_template("staff/login.html", form=form, error=error), (401 if error else 200)


def _pending_user() -> tuple[StaffUser | None, dict]:
    pending = session.get(_PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = db.session.get(StaffUser, pending.get("id"))
    if user is None or not user.active or not user.has_totp or user.session_generation != pending.get("generation"):
        return None, {}
    return user, pending


@blueprint.route("/login/code", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login_code():
    """The second step of a two-step sign-in: a code from the app, or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        session.pop(_PENDING, None)
        flash(tr("もう一度サインインしてください。", "Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        used = service.check_second_factor(user, form.code.data, trusted=user.id in trusted_ids())
        db.session.commit()
        if used is not None:
            user = db.session.get(StaffUser, pending["id"])
            if used == "recovery":
                left = service.recovery_codes_left(user)
                flash(
                    tr(
                        f"回復コードでサインインしました。残りは{left}個です。",
                        f"You signed in with a recovery code; {left} left.",
                    ),
                    "info",
                )
            return _begin_session(user, pending.get("next"))
        error = tr(
            "コードが正しくありません。アプリに表示されている最新の6桁か、未使用の回復コードを入力してください。",
            "That code is not right. Enter the six digits the app shows now, or an unused recovery code.",
        )
    return render_template("staff/login_code.html", form=form, error=error), (401 if error else 200)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    record("staff.logout", actor=current_user)
    service.end_sessions(current_user)  # a copy of this session's cookie is worth nothing now
    db.session.commit()
    logout_user()
    _fresh_session()
    flash(tr("サインアウトしました。", "You have signed out."), "info")
    return redirect(url_for("auth.login"))


# --------------------------------------------------------------------------- one's own account


@blueprint.route("/account")
@require("account.own")
def account():
    return render_template(
        "staff/account/account.html",
        codes_left=service.recovery_codes_left(current_user),
        off_form=PasswordConfirmForm(prefix="off"),
        renew_form=PasswordConfirmForm(prefix="renew"),
    )


@blueprint.route("/account/password", methods=["GET", "POST"])
@require("account.own", before_password_change=True)
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.change_own_password(current_user, form.current.data, form.password.data)
        except service.StaffError as error:
            db.session.commit()  # a refused change is audited too
            field = getattr(form, error.field or "password")
            field.errors = list(field.errors) + [error.message(current_language())]
            status = 400
        else:
            db.session.commit()
            user = db.session.get(StaffUser, current_user.id)
            _fresh_session()
            login_user(user)
            session[_GENERATION] = user.session_generation
            flash(
                tr(
                    "パスワードを変更しました。ほかの端末のサインインは終了しました。",
                    "Your password was changed. Sessions on other devices have ended.",
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    elif form.is_submitted():
        status = 400
    return render_template("staff/account/password.html", form=form), status


@blueprint.route("/account/two-step", methods=["GET", "POST"])
@require("account.own")
def enable_two_step():
    """Turn two-step sign-in on: scan the code, type one code back, keep the recovery codes."""
    if current_user.has_totp:
        return redirect(url_for("auth.account"))
    secret = session.get("staff_totp_pending")
    if not secret or request.method == "GET":
        secret = second_factor.new_secret()
        session["staff_totp_pending"] = secret
    form = EnableTotpForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = service.enable_totp(current_user, secret, form.code.data)
        except service.StaffError as error:
            db.session.rollback()
            form.code.errors = list(form.code.errors) + [error.message(current_language())]
            status = 400
        else:
            db.session.commit()
            session.pop("staff_totp_pending", None)
            return render_template("staff/account/recovery_codes.html", codes=codes, first=True)
    elif form.is_submitted():
        status = 400
    # The app shows the issuer beside the code: the host tells one desk from another.
    uri = second_factor.provisioning_uri(secret, current_user.email, f"desk ({request.host})")
    return render_template(
        "staff/account/two_step.html", form=form, secret=secret, qr=second_factor.qr_svg(uri)
    ), status


@blueprint.route("/account/two-step/off", methods=["POST"])
@require("account.own")
def disable_two_step():
    form = PasswordConfirmForm(prefix="off")
    if form.validate_on_submit():
        try:
            service.disable_totp(current_user, form.password.data)
        except service.StaffError as error:
            db.session.rollback()
            flash(error.message(current_language()), "error")
        else:
            db.session.commit()
            flash(tr("2段階認証をオフにしました。", "Two-step sign-in is off."), "success")
    return redirect(url_for("auth.account"))


@blueprint.route("/account/recovery-codes", methods=["POST"])
@require("account.own")
def renew_recovery_codes():
    form = PasswordConfirmForm(prefix="renew")
    if current_user.has_totp and form.validate_on_submit():
        try:
            codes = service.new_recovery_codes(current_user, form.password.data)
        except service.StaffError as error:
            db.session.rollback()
            flash(error.message(current_language()), "error")
        else:
            db.session.commit()
            return render_template("staff/account/recovery_codes.html", codes=codes, first=False)
    return redirect(url_for("auth.account"))
