"""SQLite locked past its busy_timeout: a friendly 503 (ja/en) with Retry-After, not a 500."""

from __future__ import annotations

import sqlite3

import pytest

import desk
from desk.extensions import db


@pytest.mark.sqlite_only
def test_a_locked_sqlite_database_answers_503_with_a_page(app, client, database_url, monkeypatch):
    monkeypatch.setattr(desk, "SQLITE_BUSY_TIMEOUT_MS", 100)
    db.session.remove()
    db.engine.dispose()  # new connections take the short timeout
    app.config["RATELIMIT_ENABLED"] = False
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/requests/status", data={"reference": "2026-000001", "code": "X"})
        english = client.post(
            "/requests/status?lang=en",
            data={"reference": "2026-000001", "code": "X"},
            headers={"Accept-Language": "en"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503, response.status_code
    assert response.headers["Retry-After"] == "30"
    assert "混み合って" in response.get_data(as_text=True)
    assert english.status_code == 503
    assert "We are busy" in english.get_data(as_text=True)
