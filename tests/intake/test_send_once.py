"""Sends are idempotent, and the confirm step cannot fill the disk."""

from __future__ import annotations

import re
import threading

from desk.intake import staging
from tests.intake import samples
from tests.intake.helpers import case_count, confirm, files_under, send
from tests.intake.samples import hidden_fields, principal_fields


def _confirmation(client):
    page = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "front.jpg")]})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _done(client):
    html = client.get("/requests/done").get_data(as_text=True)
    return re.search(r'id="reference">([^<]+)<', html).group(1), re.search(r'id="access-code">([^<]+)<', html).group(1)


def test_a_repeated_send_returns_the_first_completion_page(client, app):
    """The same confirmation sent twice (a double click, a retry after a lost answer): one case,
    and the second answer is the first case's completion page with its reference and code."""
    html = _confirmation(client)
    cookie = client.get_cookie("session").value
    first = send(client, html)
    assert first.status_code == 302
    reference, code = _done(client)
    client.set_cookie("session", cookie)  # the second click carries the cookie of before the first answer
    second = send(client, html)
    assert second.status_code == 302 and second.headers["Location"].endswith("/requests/done")
    assert _done(client) == (reference, code)
    assert case_count() == 1


def test_concurrent_sends_of_one_confirmation_make_one_case(app):
    """Two sends of the same confirmation at the same moment (threads on the live app, both
    databases): one case; both answers lead to its completion page."""
    from werkzeug.serving import make_server

    setup = app.test_client()
    html = _confirmation(setup)
    cookie = setup.get_cookie("session").value
    data = hidden_fields(html)
    data["action"] = "send"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    results = []
    barrier = threading.Barrier(2)

    def post():
        import http.client
        from urllib.parse import urlencode

        body = urlencode(data, doseq=True)
        barrier.wait()
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
        connection.request(
            "POST",
            "/requests/new",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}"},
        )
        response = connection.getresponse()
        set_cookie = response.getheader("Set-Cookie", "")
        answered = re.search(r"session=([^;]+)", set_cookie)
        results.append((response.status, response.getheader("Location", ""), answered.group(1) if answered else cookie))
        connection.close()

    try:
        threads = [threading.Thread(target=post) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
    finally:
        server.shutdown()
    assert [r[0] for r in results] == [302, 302], results
    assert all(r[1].endswith("/requests/done") for r in results)
    pages = []
    for _, _, answered_cookie in results:
        client = app.test_client()
        client.set_cookie("session", answered_cookie)
        pages.append(_done(client))
    assert pages[0] == pages[1]
    assert case_count() == 1


def test_a_send_without_the_pages_token_makes_no_case(client, app):
    """A send whose token was not issued to this session is refused like an expired page."""
    html = _confirmation(client)
    data = hidden_fields(html)
    data["action"], data["send_token"] = "send", ["forged"]
    response = client.post("/requests/new", data=data)
    assert response.status_code == 400 and case_count() == 0


def test_repeated_confirm_steps_cannot_fill_the_disk(app):
    """Fresh cookies each time: staged files stop at STAGING_MAX_BYTES, the rest get 503 and nothing written."""
    app.config["STAGING_MAX_BYTES"] = 3 * len(samples.jpeg()) + 100
    statuses = []
    for _ in range(6):
        client = app.test_client()
        response = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "front.jpg")]})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 503, 503, 503]
    assert staging.staged_bytes() <= app.config["STAGING_MAX_BYTES"]
    assert len([p for p in files_under(app) if "staging" in p.parts]) == 3


def test_the_request_form_is_throttled_per_address(app_config):
    """POSTs to /requests/new from one address beyond INTAKE_RATE_LIMIT get 429."""
    from desk import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "INTAKE_RATE_LIMIT": "3 per hour"})
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/requests/new", data={"who": "principal"}).status_code for _ in range(5)]
    assert codes[:3] != [429, 429, 429] and codes[3:] == [429, 429]


def test_a_send_token_in_other_scripts_is_refused_not_a_500(client, app):
    """A send token with non-ASCII characters (found by benchmarks/reliability.py's fuzzing:
    hmac.compare_digest refuses such str and the send answered 500) is refused like a forged one."""
    html = _confirmation(client)
    data = hidden_fields(html)
    data["action"], data["send_token"] = "send", ["トークン"]
    response = client.post("/requests/new", data=data)
    assert response.status_code == 400 and case_count() == 0


def test_expired_sends_are_swept_before_a_claim_at_most_once_a_minute(app):
    """A send older than KEEP (30 minutes) is removed before a later claim; within a minute
    of a sweep the next claims skip it, so an expired send lives a minute longer at most."""
    from datetime import timedelta

    import time_machine

    from desk.clock import now
    from desk.extensions import db
    from desk.intake import sends
    from desk.intake.models import IntakeSend

    def stale(label):
        db.session.add(IntakeSend(token_hash=f"old-{label}", created_at=now() - sends.KEEP - timedelta(minutes=1)))
        db.session.commit()

    def kept():
        return set(db.session.scalars(db.select(IntakeSend.token_hash).where(IntakeSend.token_hash.like("old-%"))))

    with app.test_request_context(), time_machine.travel(now() + timedelta(days=400), tick=False) as clock:
        stale("a")
        assert sends.claim("token-1")
        db.session.commit()
        assert kept() == set()  # the first claim in this process for a minute sweeps
        stale("b")
        clock.shift(timedelta(seconds=30))
        assert sends.claim("token-2")
        db.session.commit()
        assert kept() == {"old-b"}  # swept 30 s ago: left for the next sweep
        clock.shift(timedelta(seconds=31))
        assert sends.claim("token-3")
        db.session.commit()
        assert kept() == set()
