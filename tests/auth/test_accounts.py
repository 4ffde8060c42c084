"""Staff accounts under attack and in daily use: throttled sign-in that holds under concurrent
attempts and locks nobody out, sessions that end, password policy, one's own password,
temporary passwords, two-step sign-in."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from desk import create_app
from desk.audit.models import AuditEvent
from desk.auth import passwords, service
from desk.auth.models import StaffUser
from desk.extensions import db
from tests.helpers import PASSWORD, login, make_staff

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _post_login(client, email, password):
    return client.post("/staff/login", data={"email": email, "password": password})


def _events(action: str, staff_id: int) -> list[dict]:
    return [
        e.detail
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        if (e.detail or {}).get("staff_id") == staff_id
    ]


def _reload(user) -> StaffUser:
    db.session.expire_all()
    return db.session.get(StaffUser, user.id)


# --------------------------------------------------------------------------- throttling


def test_concurrent_wrong_passwords_get_five_checks_not_more(app):
    """Twelve sign-ins at the same moment: five passwords are checked, each with its own
    attempt number; the other seven are refused without a check."""
    officer = make_staff("officer")
    email, barrier = officer.email, threading.Barrier(12)
    errors = []

    def attempt():
        try:
            with app.app_context():
                barrier.wait()
                service.authenticate(email, "wrong password!")
                db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    checked = _events("staff.login_failed", officer.id)
    assert sorted(e["attempt"] for e in checked) == [1, 2, 3, 4, 5]
    assert len(_events("staff.login_refused_locked", officer.id)) == 7


def test_delays_grow_and_nobody_is_refused_for_long(client, app):
    """After five wrong tries an unknown browser waits 30 s, then 60 s, doubling, never
    more than 15 minutes; a right password after the wait signs in."""
    officer = make_staff("officer")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            _post_login(client, officer.email, "wrong password!")
    with time_machine.travel(START + timedelta(seconds=31), tick=False):
        assert _post_login(client, officer.email, "wrong again!!").status_code == 401  # the sixth: checked
        assert _reload(officer).locked_until == START + timedelta(seconds=31 + 60)
    assert service.delay_after(5) == timedelta(seconds=30)
    assert service.delay_after(7) == timedelta(seconds=120)
    assert service.delay_after(50) == timedelta(minutes=15)
    with time_machine.travel(START + timedelta(seconds=92), tick=False):
        assert _post_login(client, officer.email, PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_person_out(app):
    """Wrong passwords from an unknown browser do not stop the person at the browser they
    signed in from before: it carries a trusted-browser cookie."""
    officer = make_staff("officer")
    own, attacker = app.test_client(), app.test_client()
    with time_machine.travel(START, tick=False):
        login(own, officer)
        own.post("/staff/logout")
        for _ in range(10):
            _post_login(attacker, officer.email, "guess guess guess")
        assert _post_login(attacker, officer.email, PASSWORD).status_code == 401  # resting
        assert _post_login(own, officer.email, PASSWORD).status_code == 302


def test_a_trusted_browser_gets_five_wrong_tries_of_its_own(app):
    """A stolen trusted-browser cookie is worth five guesses, then the browser counts as unknown."""
    officer = make_staff("officer")
    own = app.test_client()
    with time_machine.travel(START, tick=False):
        login(own, officer)
        own.post("/staff/logout")
        for _ in range(5):
            _post_login(own, officer.email, "wrong password!")
        assert _reload(officer).device_failures == 5 and _reload(officer).failed_logins == 0
        for _ in range(5):
            _post_login(own, officer.email, "wrong password!")
        assert _post_login(own, officer.email, PASSWORD).status_code == 401
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        assert _post_login(own, officer.email, PASSWORD).status_code == 302
        assert _reload(officer).device_failures == 0 and _reload(officer).failed_logins == 0


# --------------------------------------------------------------------------- sessions


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_session_does_not_outlive_sign_out(app):
    """A cookie copied before sign-out no longer reads cases afterwards."""
    officer = make_staff("officer")
    client = app.test_client()
    login(client, officer)
    stolen = _session_cookie(client)
    assert client.get("/staff/cases").status_code == 200
    client.post("/staff/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/staff/cases")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_password_reset_ends_the_old_session(app):
    """An administrator's reset ends every session of the person."""
    officer, admin = make_staff("officer"), make_staff("admin")
    client = app.test_client()
    login(client, officer)
    assert client.get("/staff/cases").status_code == 200
    service.reset_password(_reload(officer), "a new temporary secret", actor=admin)
    db.session.commit()
    assert client.get("/staff/cases").status_code == 302


def test_deactivation_ends_the_session(app):
    officer, admin = make_staff("officer"), make_staff("admin")
    client = app.test_client()
    login(client, officer)
    service.set_active(_reload(officer), False, actor=admin)
    db.session.commit()
    assert client.get("/staff/cases").status_code == 302


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    "password,why",
    [
        ("aaaaaaaaaa", "12"),  # the issue's example: too short
        ("aaaaaaaaaaaaaaa", "repeats"),
        ("abababababab", "repeats"),
        ("password1234", "common"),
        ("Password2026!", "common"),
        ("iloveyou!!!!!!", "common"),
        ("qwertyuiopasdf", "run"),
        ("123456789012", "run"),
        ("yamada.hanako-2026", "e-mail"),
    ],
)
def test_weak_passwords_are_refused(password, why):
    problem = passwords.problem(password, "yamada.hanako@example.jp")
    assert problem is not None and why in problem[1]


@pytest.mark.parametrize(
    "password", [PASSWORD, "海辺の灯台と三毛猫のひるね", "Tsukiji-fish-market-at-dawn", "r7#Vq2!mZp9@"]
)
def test_good_passwords_pass(password):
    assert passwords.problem(password, "yamada.hanako@example.jp") is None


def test_the_bundled_list_is_there():
    listed = passwords.common_passwords()
    assert len(listed) > 5000 and "password" in listed and "qwerty123" in listed


def test_change_your_own_password(app):
    """The current password first; then the new one signs in, the old does not, and other
    sessions end while this one goes on."""
    officer = make_staff("officer")
    client, other_device = app.test_client(), app.test_client()
    login(client, officer)
    login(other_device, officer)
    page = client.get("/staff/account/password")
    assert page.status_code == 200 and "今のパスワード" in page.get_data(as_text=True)
    wrong = client.post(
        "/staff/account/password",
        data={"current": "not it at all", "password": "a brand new secret", "confirm": "a brand new secret"},
    )
    assert wrong.status_code == 400 and "今のパスワードが正しくありません" in wrong.get_data(as_text=True)
    weak = client.post(
        "/staff/account/password", data={"current": PASSWORD, "password": "password1234", "confirm": "password1234"}
    )
    assert weak.status_code == 400 and "よく使われている" in weak.get_data(as_text=True)
    done = client.post(
        "/staff/account/password",
        data={"current": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret"},
    )
    assert done.status_code == 302
    assert client.get("/staff/cases").status_code == 200
    assert other_device.get("/staff/cases").status_code == 302
    assert service.authenticate(officer.email, PASSWORD) is None
    assert service.authenticate(officer.email, "a brand new secret") is not None
    assert _events("staff.password_changed", officer.id)


def test_a_temporary_password_must_be_changed_first(app):
    """An account an administrator created: every staff page leads to the change page
    until the person has chosen their own password."""
    admin = make_staff("admin")
    admin_client = app.test_client()
    login(admin_client, admin)
    admin_client.post(
        "/staff/admin/staff",
        data={"email": "new@example.jp", "name": "新人 一郎", "role": "officer", "password": "temporary secret 42"},
    )
    newcomer = service.find_by_email("new@example.jp")
    assert newcomer.must_change_password
    client = app.test_client()
    signed_in = client.post("/staff/login", data={"email": "new@example.jp", "password": "temporary secret 42"})
    assert signed_in.headers["Location"].endswith("/staff/account/password")
    for path in ("/staff/cases", "/staff/account", "/staff/audit"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/staff/account/password"), path
    page = client.get("/staff/account/password").get_data(as_text=True)
    assert "仮のもの" in page
    client.post(
        "/staff/account/password",
        data={"current": "temporary secret 42", "password": "my very own secret", "confirm": "my very own secret"},
    )
    assert client.get("/staff/cases").status_code == 200
    assert not _reload(newcomer).must_change_password


def test_a_reset_password_is_temporary_too(app):
    officer, admin = make_staff("officer"), make_staff("admin")
    service.reset_password(_reload(officer), "a new temporary secret", actor=admin)
    db.session.commit()
    client = app.test_client()
    response = _post_login(client, officer.email, "a new temporary secret")
    assert response.headers["Location"].endswith("/staff/account/password")


# --------------------------------------------------------------------------- two-step sign-in


def _turn_on_totp(client) -> tuple[str, list[str]]:
    page = client.get("/staff/account/two-step").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code class="totp-key">([A-Z2-7]+)</code>', page).group(1)
    done = client.post("/staff/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_two_step_sign_in_with_a_code_and_with_a_recovery_code(app):
    officer = make_staff("officer")
    client = app.test_client()
    login(client, officer)
    wrong = client.post("/staff/account/two-step", data={"code": "000000"})
    assert wrong.status_code == 400
    secret, codes = _turn_on_totp(client)
    assert _reload(officer).has_totp and secret not in (_reload(officer).totp_secret or "")
    client.post("/staff/logout")

    # The password alone signs nobody in.
    first = _post_login(client, officer.email, PASSWORD)
    assert first.headers["Location"].endswith("/staff/login/code")
    assert client.get("/staff/cases").status_code == 302
    assert client.post("/staff/login/code", data={"code": "123456"}).status_code == 401
    later = datetime.now(UTC) + timedelta(seconds=60)  # a step after the one used to turn it on
    with time_machine.travel(later, tick=False):
        code = pyotp.TOTP(secret).at(later)
        assert client.post("/staff/login/code", data={"code": code}).status_code == 302
        assert client.get("/staff/cases").status_code == 200
        client.post("/staff/logout")
        # The same code again: refused (never accepted twice).
        _post_login(client, officer.email, PASSWORD)
        assert client.post("/staff/login/code", data={"code": code}).status_code == 401
        # A recovery code works once, typed loosely.
        assert client.post("/staff/login/code", data={"code": codes[0].lower().replace("-", " ")}).status_code == 302
        client.post("/staff/logout")
        _post_login(client, officer.email, PASSWORD)
        assert client.post("/staff/login/code", data={"code": codes[0]}).status_code == 401
    assert _events("staff.recovery_code_used", officer.id)[0]["left"] == 9


def test_wrong_codes_count_like_wrong_passwords(app):
    """Knowing the password buys five code guesses, then the wait; the right password does
    not reset the count while the code is still missing."""
    officer = make_staff("officer")
    client = app.test_client()
    login(client, officer)
    secret, _ = _turn_on_totp(client)
    client.post("/staff/logout")
    attacker = app.test_client()
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            _post_login(attacker, officer.email, PASSWORD)
            attacker.post("/staff/login/code", data={"code": "000000"})
        _post_login(attacker, officer.email, PASSWORD)
        assert _reload(officer).failed_logins == 5  # the right password reset nothing
        assert attacker.post("/staff/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 401
        assert _post_login(attacker, officer.email, PASSWORD).status_code == 401  # resting now


def test_turning_two_step_off_needs_the_password(app):
    officer = make_staff("officer")
    client = app.test_client()
    login(client, officer)
    _turn_on_totp(client)
    client.post("/staff/account/two-step/off", data={"off-password": "not my password"})
    assert _reload(officer).has_totp
    client.post("/staff/account/two-step/off", data={"off-password": PASSWORD})
    assert not _reload(officer).has_totp
    assert _events("staff.totp_disabled", officer.id)


def test_account_page_in_both_languages(app):
    officer = make_staff("officer")
    client = app.test_client()
    login(client, officer)
    assert "2段階認証" in client.get("/staff/account").get_data(as_text=True)
    assert "Two-step sign-in" in client.get("/staff/account?lang=en").get_data(as_text=True)


# --------------------------------------------------------------------------- HSTS


@pytest.mark.parametrize("secure", [True, False])
def test_hsts_only_behind_secure_cookies(app_config, secure):
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": secure})
    response = app.test_client().get("/staff/login")
    assert ("Strict-Transport-Security" in response.headers) is secure
    if secure:
        assert "max-age=" in response.headers["Strict-Transport-Security"]
    with app.app_context():
        db.engine.dispose()


def test_a_code_in_other_digits_is_refused_not_a_500(app):
    """Six Arabic-Indic digits pass the code's digit filter but are no ASCII: a wrong code
    (401), not a TypeError from hmac.compare_digest (500)."""
    officer = make_staff("officer")
    client = app.test_client()
    login(client, officer)
    _turn_on_totp(client)
    client.post("/staff/logout")
    _post_login(client, officer.email, PASSWORD)
    assert client.post("/staff/login/code", data={"code": "١٢٣٤٥٦"}).status_code == 401
