"""One set of size limits: the form's settings are what the server enforces. A body over the
server's own limit still gets the form back with what was typed; only one far beyond it is
refused unread, and that page names the same limits."""

from __future__ import annotations

from desk import settings
from desk.extensions import db
from tests.intake import samples
from tests.intake.helpers import case_count, confirm, files_under
from tests.intake.samples import principal_fields

MB = 1024 * 1024


def _big_jpeg(size: int) -> bytes:
    return samples.jpeg() + b"\0" * (size - len(samples.jpeg()))


def _small_limits(app):
    settings.update({"upload_max_file_mb": 1, "upload_max_request_mb": 1})
    db.session.commit()
    app.config["MAX_CONTENT_LENGTH"] = 2 * MB


def test_the_form_shows_the_limits_the_server_enforces(client, app):
    _small_limits(app)
    html = client.get("/requests/new?who=principal").get_data(as_text=True)
    assert "1ファイル1MBまで、合計1MBまで" in html


def test_over_the_servers_limit_the_form_comes_back_with_what_was_typed(client, app):
    """3 MB against a 2 MB server limit and a 1 MB form limit: no bare 413, the name kept,
    the limit named, nothing stored."""
    _small_limits(app)
    response = confirm(
        client,
        principal_fields(**{"principal-name": "長谷川 美咲"}),
        {"principal_id": [(_big_jpeg(3 * MB), "licence.jpg")]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "長谷川 美咲" in html
    assert "1回のご請求で合計1MBまで" in html
    assert case_count() == 0 and files_under(app) == []


def test_far_beyond_the_ceiling_is_refused_unread_with_the_same_limits(client, app):
    _small_limits(app)
    response = confirm(client, principal_fields(), {"principal_id": [(_big_jpeg(9 * MB), "licence.jpg")]})
    assert response.status_code == 413
    assert "合計1MBまで" in response.get_data(as_text=True)
