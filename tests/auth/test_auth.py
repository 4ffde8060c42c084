"""Staff sign-in, lockout, roles on every staff route, CSRF on every form."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask

from desk import create_app
from desk.auth.permissions import PERMISSIONS
from desk.extensions import db
from tests.helpers import PASSWORD, csrf_token, login, make_staff


def _post_login(client, email, password):
    return client.post("/staff/login", data={"email": email, "password": password})


def test_sign_in_and_out(client, app):
    officer = make_staff("officer")
    assert client.get("/staff/cases").status_code == 302
    login(client, officer)
    page = client.get("/staff/cases")
    assert page.status_code == 200 and "案件一覧" in page.get_data(as_text=True)
    client.post("/staff/logout")
    assert client.get("/staff/cases").status_code == 302


def test_wrong_passwords_from_an_unknown_browser_make_it_wait(client, app):
    """Five wrong passwords: the next attempt from this browser waits 30 s, the right password
    included, with the same message; then the right one works."""
    officer = make_staff("officer")
    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            response = _post_login(client, officer.email, "wrong password!")
            assert response.status_code == 401
        resting = _post_login(client, officer.email, PASSWORD)
        assert resting.status_code == 401
        assert "サインインできませんでした" in resting.get_data(as_text=True)
    with time_machine.travel(start + timedelta(seconds=29), tick=False):
        assert _post_login(client, officer.email, PASSWORD).status_code == 401
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert _post_login(client, officer.email, PASSWORD).status_code == 302


def test_unknown_email_gets_the_same_answer(client, app):
    make_staff("officer")
    response = _post_login(client, "nobody@example.jp", "whatever password")
    assert response.status_code == 401 and "サインインできませんでした" in response.get_data(as_text=True)


def test_open_redirect_is_refused(client, app):
    officer = make_staff("officer")
    response = client.post("/staff/login?next=//evil.example/x", data={"email": officer.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/staff")


def test_deactivated_account_cannot_sign_in(client, app):
    officer = make_staff("officer")
    officer.active = False
    db.session.commit()
    assert _post_login(client, officer.email, PASSWORD).status_code == 401


def _sample_url(rule) -> str:
    """The rule with every variable filled by a plausible value (a number fits int and str)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "2026-000001" if m.group(1) == "reference" else "1", rule.rule)


def _staff_rules(app: Flask):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint not in ("auth.login",):
            yield rule


def test_every_staff_route_requires_sign_in(client, app):
    checked = 0
    for rule in _staff_rules(app):
        url = _sample_url(rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), f"{rule.rule} answered {response.status_code} without sign-in"
        if response.status_code == 302:
            assert "/staff/login" in response.headers["Location"]
        checked += 1
    assert checked >= 4


def test_every_staff_view_names_a_permission(app):
    """A staff view without a permission check would be open to every signed-in role."""
    open_ones = {"cases.home", "auth.logout", "auth.login", "auth.login_code"}
    for rule in _staff_rules(app):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in open_ones:
            continue
        assert getattr(view, "permission", None) in PERMISSIONS, f"{rule.endpoint} has no permission"


@pytest.mark.parametrize(
    "role,path,expected",
    [
        ("officer", "/staff/settings", 403),
        ("auditor", "/staff/settings", 403),
        ("supervisor", "/staff/settings", 403),
        ("admin", "/staff/settings", 200),
        ("admin", "/staff/cases", 403),
        ("officer", "/staff/cases", 200),
        ("auditor", "/staff/cases", 200),
    ],
)
def test_roles(client, app, role, path, expected):
    login(client, make_staff(role))
    assert client.get(path).status_code == expected


def test_auditor_cannot_change_settings(client, app):
    login(client, make_staff("auditor"))
    assert client.post("/staff/settings", data={"fee_amount": "0"}).status_code == 403


def test_every_post_form_needs_a_csrf_token(app_config):
    """With CSRF on (as in production), a POST without a token is refused on every route
    but the API's, which read no cookie (tests/api: a staff session never opens them)."""
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/v1/")]
    assert posts
    for rule in posts:
        response = client.post(_sample_url(rule), data={})
        assert response.status_code == 400, f"{rule.rule} accepted a POST without a CSRF token"
    with app.app_context():
        db.engine.dispose()


def test_login_form_works_with_csrf_on(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        officer = make_staff("officer")
        client = app.test_client()
        token = csrf_token(client.get("/staff/login").get_data(as_text=True))
        response = client.post("/staff/login", data={"email": officer.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_create_user_command(runner, app):
    result = runner.invoke(
        args=[
            "desk",
            "create-user",
            "Chief@Example.jp",
            "--role",
            "supervisor",
            "--name",
            "責任者",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    from desk.auth.service import find_by_email

    user = find_by_email("chief@example.jp")
    assert user.role == "supervisor" and user.password_hash.startswith("$argon2")
    assert user.must_change_password  # a password someone else chose is temporary


@pytest.mark.parametrize(
    "args,stdin,reason",
    [
        (["x@example.jp", "--role", "boss"], "a long enough password\n", "role"),
        (["x@example.jp", "--role", "officer"], "short\n", "password"),
        (["x@example.jp", "--role", "officer"], "password1234\n", "common"),
    ],
)
def test_create_user_refuses_bad_input(runner, app, args, stdin, reason):
    result = runner.invoke(args=["desk", "create-user", *args, "--password-stdin"], input=stdin)
    assert result.exit_code != 0 and reason in result.output.lower()


def test_signing_in_as_someone_else_in_the_same_test_takes_effect(client, app):
    """Each request reads its own session: the previous request's user does not linger."""
    login(client, make_staff("officer"))
    assert client.get("/staff/settings").status_code == 403
    client.post("/staff/logout")
    login(client, make_staff("admin"))
    assert client.get("/staff/settings").status_code == 200


def test_the_language_chosen_on_the_sign_in_page_lasts_past_signing_in(client, app):
    """An officer whose browser asks for English picks 日本語 on the sign-in page: the
    fresh session of the sign-in keeps that choice (nothing else of the old session)."""
    from tests.helpers import PASSWORD, make_staff

    user = make_staff("officer")
    headers = {"Accept-Language": "en-US,en;q=0.9"}
    assert "サインイン" in client.get("/staff/login?lang=ja", headers=headers).get_data(as_text=True)
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD}, headers=headers)
    assert response.status_code == 302
    page = client.get("/staff/cases", headers=headers).get_data(as_text=True)
    assert '<html lang="ja">' in page
