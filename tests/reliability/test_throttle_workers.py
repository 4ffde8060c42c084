"""Throttles hold across gunicorn workers: the counters live in desk's own database."""

from __future__ import annotations

import pytest

from tests.reliability.server import Browser, Gunicorn


@pytest.mark.slow
def test_a_limit_holds_across_three_workers(database_url, tmp_path):
    """A status-page limit of 5 per hour, 3 workers, 30 lookups from one address (each a fresh
    connection, so gunicorn spreads them over the workers): exactly 5 are answered, 25 get 429."""
    server = Gunicorn(database_url, tmp_path, workers=3, env={"DESK_STATUS_RATE_LIMIT": "5 per hour"})
    try:
        browser = Browser(server.url)
        token = browser.csrf("/requests/status")
        statuses = [
            browser.request("/requests/status", {"csrf_token": token, "reference": "2026-000001", "code": "X"})[0]
            for _ in range(30)
        ]
    finally:
        server.stop()
    assert statuses.count(200) == 5 and statuses.count(429) == 25, statuses


def test_daily_removes_expired_counters_only(app, runner):
    """`desk daily` deletes the counters whose window has ended and keeps the live ones."""
    import time_machine
    from sqlalchemy import func, select

    from desk import throttle
    from desk.extensions import db

    with time_machine.travel("2026-11-23 10:00:00+09:00", tick=False) as traveller:
        with app.test_request_context():
            throttle.hit("short", 60)
            throttle.hit("long", 86400)
        traveller.shift(120)
        result = runner.invoke(args=["desk", "daily"])
        assert result.exit_code == 0, result.output
        assert "throttle: 1 expired counter(s) removed" in result.output
        assert db.session.scalar(select(func.count()).select_from(throttle.ThrottleCounter)) == 1
