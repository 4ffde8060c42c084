"""No personal data in any log: a case with a marker name, a forced database error, every log grepped."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from tests.intake.samples import jpeg
from tests.reliability.server import Browser, Gunicorn

MARKER = "印刷太郎ZQXMARKER"


@pytest.mark.slow
def test_a_forced_error_and_staff_searches_leave_no_personal_data_in_the_logs(database_url, tmp_path):
    """gunicorn (gunicorn.conf.py, 2 workers): a search URL carrying the marker, then a request whose
    INSERT fails (the requesters table renamed away) → 500; the marker is in no access, error or app log."""
    server = Gunicorn(database_url, tmp_path, workers=2)
    try:
        browser = Browser(server.url)
        assert browser.request(f"/staff/cases?q={quote(MARKER)}")[0] == 302
        assert browser.request(f"/requests/new?who=principal&name={quote(MARKER)}")[0] == 200
        status, confirmation = _confirm_again(browser, MARKER)
        assert status == 200, re.findall(
            r'<p class="error"[^>]*>([^<]*)</p>|<li><a href="#[^"]*">([^<]*)</a>', confirmation
        )
        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE requesters RENAME TO requesters_gone"))
        data = {
            name: value.replace("&amp;", "&")
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirmation)
        }
        data["action"] = "send"
        data["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', confirmation).group(1)
        status, _ = browser.request("/requests/new", data)
        assert status == 500
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE requesters_gone RENAME TO requesters"))
        engine.dispose()
    finally:
        server.stop()
    logs = server.logs()
    assert "/staff/cases" in logs and "Exception on /requests/new" in logs  # the logs were written
    assert MARKER not in logs and "ZQXMARKER" not in logs and quote(MARKER) not in logs
    assert "parameters hidden" in logs.lower() or "hide_parameters" in logs


def _confirm_again(browser, marker):
    token = browser.csrf("/requests/new?who=principal")
    return browser.request(
        "/requests/new",
        {
            "csrf_token": token,
            "who": "principal",
            "action": "confirm",
            "kinds": "purpose_notice",
            "principal-name": marker,
            "principal-furigana": "いんさつ たろう",
            "principal-birth_date": "1980-04-01",
            "principal-postal_code": "150-0001",
            "principal-address": f"東京都渋谷区{marker}1-2-3",
            "principal-phone": "03-1234-5678",
            "principal_id-kind": "drivers_licence",
        },
        files={"principal_id-files": ("licence.jpg", jpeg())},
    )
