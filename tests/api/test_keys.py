"""Integration endpoints: API keys made by an administrator, scopes enforced, every use audited,
revocation and expiry, and keys and staff sessions kept apart."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from desk.api.models import ApiKey
from desk.audit.models import AuditEvent
from desk.clock import today
from desk.extensions import db
from desk.suppression.entries import add_entry
from tests.api.helpers import bearer, make_key, submit
from tests.helpers import login, make_case, make_staff
from tests.intake import samples


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_administrator_makes_a_key_shown_once_and_revokes_it(client):
    """The admin page shows the new key once, keeps only its hash; revoking it stops it at once."""
    admin = make_staff("admin")
    login(client, admin)
    page = client.get("/staff/admin/api-keys")
    assert page.status_code == 200
    made = client.post(
        "/staff/admin/api-keys",
        data={
            "name": "コールセンター",
            "scopes": ["cases:read"],
            "expires_on": (today() + timedelta(days=30)).isoformat(),
        },
    )
    assert made.status_code == 201
    secret = re.search(r'id="api-key-secret">([^<]+)<', made.get_data(as_text=True)).group(1)
    key = db.session.scalars(select(ApiKey)).one()
    assert key.scopes == ["cases:read"] and secret not in (key.key_hash, key.prefix) and secret.startswith(key.prefix)
    assert secret not in client.get("/staff/admin/api-keys").get_data(as_text=True)
    assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    client.post(f"/staff/admin/api-keys/{key.id}/revoke")
    refused = client.get("/api/v1/cases", headers=bearer(secret))
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert [e.detail["reason"] for e in _events("api.key_refused")] == ["revoked"]
    assert [e.actor_id for e in _events("api.key_created")] == [admin.id]


def test_key_pages_are_for_administrators_only(client):
    """An officer or a supervisor cannot reach the key pages."""
    for role in ("officer", "supervisor", "auditor"):
        login(client, make_staff(role))
        assert client.get("/staff/admin/api-keys").status_code == 403
        client.post("/staff/logout")


def test_cli_makes_lists_and_revokes_keys(runner, client):
    """desk api-key create prints the key once; list never shows it; revoke stops it."""
    until = (today() + timedelta(days=10)).isoformat()
    made = runner.invoke(args=["desk", "api-key", "create", "CRM", "--scope", "suppression:screen", "--expires", until])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("desk_")
    listed = runner.invoke(args=["desk", "api-key", "list"])
    assert "active" in listed.output and secret not in listed.output
    ask = {"people": [{"name": "山田 花子"}]}
    assert client.post("/api/v1/screenings", json=ask, headers=bearer(secret)).status_code == 200
    assert runner.invoke(args=["desk", "api-key", "revoke", "1"]).exit_code == 0
    assert client.post("/api/v1/screenings", json=ask, headers=bearer(secret)).status_code == 401
    too_long = (today() + timedelta(days=4000)).isoformat()
    refused = runner.invoke(args=["desk", "api-key", "create", "X", "--scope", "cases:read", "--expires", too_long])
    assert refused.exit_code != 0 and "within 365 days" in refused.output


def test_each_scope_is_enforced(client):
    """Every integration operation answers 403 to a key without its scope and works with it."""
    case = make_case()
    calls = {
        "cases:read": lambda h: client.get(f"/api/v1/cases/{case.reference}", headers=h),
        "suppression:screen": lambda h: client.post(
            "/api/v1/screenings", json={"people": [{"name": "山田 花子"}]}, headers=h
        ),
        "cases:write": lambda h: client.post(
            "/api/v1/cases",
            data={**samples.principal_fields(), "channel": "mail", "arrived_on": today().isoformat()},
            content_type="multipart/form-data",
            headers=h,
        ),
        "cases:documents": lambda h: client.get(f"/api/v1/cases/{case.reference}/documents/999", headers=h),
    }
    calls["consent:write"] = lambda h: client.post(
        "/api/v1/consents",
        json={"channel": "email", "purpose": "all", "action": "withdrawn", "method": "import", "email": "a@example.jp"},
        headers=h,
    )
    expected = {
        "cases:read": 200,
        "suppression:screen": 200,
        "cases:write": 201,
        "cases:documents": 404,
        "consent:write": 201,
    }
    for scope, call in calls.items():
        others = [s for s in calls if s != scope]
        without = call(bearer(make_key(*others)))
        assert without.status_code == 403, (scope, without.get_data(as_text=True))
        assert without.get_json()["type"] == "/api/v1/problems/forbidden"
        with_it = call(bearer(make_key(scope)))
        assert with_it.status_code == expected[scope], (scope, with_it.get_data(as_text=True))
    assert {e.detail["reason"] for e in _events("api.key_refused")} == {"scope"}


def test_documents_only_with_their_scope(client):
    """A case read with cases:read has no documents; with cases:documents they are listed and download, audited."""
    submitted = submit(client).get_json()
    reference = submitted["reference"]
    plain = client.get(f"/api/v1/cases/{reference}", headers=bearer(make_key("cases:read"))).get_json()
    assert plain["documents"] is None and plain["people"][0]["name"] == "山田 花子"
    both = bearer(make_key("cases:read", "cases:documents"))
    detail = client.get(f"/api/v1/cases/{reference}", headers=both).get_json()
    assert [d["kind"]["code"] for d in detail["documents"]] == ["drivers_licence"]
    download = client.get(detail["documents"][0]["download"], headers=both)
    assert download.status_code == 200 and download.data == samples.jpeg()
    assert download.headers["Cache-Control"] == "no-store" and "attachment" in download.headers["Content-Disposition"]
    viewed = _events("document.viewed")
    assert len(viewed) == 1 and viewed[0].actor_kind == "api" and viewed[0].case_reference == reference


def test_every_use_is_audited_with_the_key_and_the_answer(client):
    """Each call made with a key leaves one api.key_used event: key, operation, status, case."""
    case = make_case()
    secret = make_key("cases:read")
    key = db.session.scalars(select(ApiKey)).one()
    client.get("/api/v1/cases", headers=bearer(secret))
    client.get(f"/api/v1/cases/{case.reference}", headers=bearer(secret))
    client.get("/api/v1/cases/1999-999999", headers=bearer(secret))
    used = _events("api.key_used")
    assert [(e.detail["key"], e.detail["operation"], e.detail["status"]) for e in used] == [
        (key.id, "list_cases", 200),
        (key.id, "read_case", 200),
        (key.id, "read_case", 404),
    ]
    assert used[1].case_reference == case.reference and all(e.actor_kind == "api" for e in used)
    assert db.session.get(ApiKey, key.id).last_used_at is not None


def test_an_expired_key_stops_working(client):
    """A key works to the end of its last day and not after."""
    secret = make_key("cases:read", days=1)
    assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    with time_machine.travel(today() + timedelta(days=3), tick=False):
        assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 401
    assert _events("api.key_refused")[-1].detail["reason"] == "expired"


def test_keys_never_open_staff_pages_and_sessions_never_open_the_api(client):
    """A key on a staff page gets the sign-in redirect; a signed-in supervisor gets 401 from the API."""
    secret = make_key("cases:read", "cases:documents", "cases:write", "suppression:screen")
    response = client.get("/staff/cases", headers=bearer(secret))
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    login(client, make_staff("supervisor"))
    assert client.get("/staff/cases").status_code == 200
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer not-a-key"}).status_code == 401


def test_screening_finds_a_suppressed_person_by_the_register_rules(client):
    """Name + date of birth matches an entry; a namesake born on another day does not."""
    add_entry(name="山田 花子", kana="ヤマダ ハナコ", birth_date="1980-04-01", scope="third_party_provision")
    db.session.commit()
    response = client.post(
        "/api/v1/screenings",
        json={
            "people": [
                {"name": "山田　花子", "birth_date": "昭和55年4月1日"},
                {"name": "山田 花子", "birth_date": "1990-01-01"},
                {"furigana": "やまだ はなこ", "birth_date": "1980/4/1"},
            ]
        },
        headers=bearer(make_key("suppression:screen")),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert [r["suppressed"] for r in results] == [True, False, True]
    assert results[0]["rule"] == "name+birth_date" and results[0]["entry"].startswith("S-")
    assert results[0]["scope"]["code"] == "third_party_provision" and results[2]["rule"] == "kana+birth_date"
    assert _events("api.key_used")[-1].detail["suppressed"] == 2


def test_screening_more_people_than_the_setting_is_refused(client):
    """More people than api_screen_max_people in one call: 422 naming people."""
    response = client.post(
        "/api/v1/screenings",
        json={"people": [{"name": f"山田 {n}"} for n in range(101)]},
        headers=bearer(make_key("suppression:screen")),
    )
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "people"


def test_registering_from_another_channel_queues_the_acknowledgement(client):
    """A postal application registered by a key: a mail case with its letter queued, idempotent."""
    headers = {**bearer(make_key("cases:write")), "Idempotency-Key": "scan-batch-0001-17"}
    data = {**samples.principal_fields(), "channel": "mail", "arrived_on": today().isoformat()}
    first = client.post("/api/v1/cases", data=data, content_type="multipart/form-data", headers=headers)
    again = client.post("/api/v1/cases", data=data, content_type="multipart/form-data", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["reference"] == again.get_json()["reference"]
    assert first.get_json()["channel"]["code"] == "mail"
    assert [e.detail["channel"] for e in _events("intake.registered")] == ["mail"]
    assert len(_events("letter.queued")) == 1


def test_consent_recorded_and_screened_by_channel(client):
    """A CRM records an e-mail consent and a postal opt-out; screening by channel says who may be sent to."""
    writer = bearer(make_key("consent:write"))
    given = client.post(
        "/api/v1/consents",
        json={
            "channel": "email",
            "purpose": "newsletter",
            "action": "given",
            "method": "web_form",
            "email": "Hanako@Example.com",
            "shown_text": "メールマガジンを受け取る",
            "text_version": "2026-10",
        },
        headers=writer,
    )
    assert given.status_code == 201, given.get_data(as_text=True)
    assert given.get_json()["state"] == "given" and "hanako@example.com" not in given.get_json()["address_masked"]
    out = {"channel": "post", "purpose": "all", "action": "withdrawn", "method": "paper_form"}
    out |= {"name": "佐藤 一郎", "postal_address": "大阪府大阪市北区梅田1-1-1"}
    assert client.post("/api/v1/consents", json=out, headers=writer).status_code == 201
    again = client.post("/api/v1/consents", json={**out, "purpose": "offers"}, headers=writer)
    assert again.status_code == 200 and again.get_json()["record"] is None
    reader = bearer(make_key("suppression:screen"))
    people = [
        {"name": "山田 花子", "email": "hanako@example.com"},
        {"name": "鈴木 美咲", "email": "misaki@example.com"},
    ]
    by_mail = client.post(
        "/api/v1/screenings", json={"people": people, "channel": "email", "purpose": "newsletter"}, headers=reader
    ).get_json()
    assert by_mail["opt_outs_consulted"] is True
    assert [(r["consent"]["state"], r["consent"]["may_send"]) for r in by_mail["results"]] == [
        ("given", True),
        (None, False),
    ]
    posted = [
        {"name": "佐藤　一郎", "address": "大阪府大阪市北区梅田１－１－１"},
        {"name": "鈴木 美咲", "address": "東京都港区1-1"},
    ]
    by_post = client.post(
        "/api/v1/screenings", json={"people": posted, "channel": "post", "purpose": "offers"}, headers=reader
    ).get_json()
    assert [r["consent"]["may_send"] for r in by_post["results"]] == [False, True]
    refused = client.post(
        "/api/v1/screenings", json={"people": people, "channel": "email", "purpose": "nothing"}, headers=reader
    )
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "purpose"
    assert [e.detail["channel"] for e in _events("consent.given")] == ["email"]


def test_a_staff_session_lends_the_csrf_exempt_submission_no_authority(client):
    """Why the API may go without CSRF tokens: an officer's signed-in browser, made to post a
    request cross-site, files it as anyone would (public, no actor, no staff channel), gets no
    cookie back, and cannot register a case without a key."""
    officer = make_staff("officer")
    login(client, officer)
    client.get("/staff/cases?lang=en")  # the session now also remembers English
    response = submit(client, lang="ja")
    assert response.status_code == 201 and "Set-Cookie" not in response.headers
    assert response.get_json()["kinds"][0]["code"] == "disclosure"
    event = _events("intake.submitted")[0]
    assert (event.actor_id, event.actor_kind, event.detail["channel"]) == (None, "public", "api")
    data = {**samples.principal_fields(), "channel": "mail", "arrived_on": today().isoformat()}
    assert client.post("/api/v1/cases", data=data, content_type="multipart/form-data").status_code == 401
    assert [e.detail["channel"] for e in _events("intake.submitted")] == ["api"]
