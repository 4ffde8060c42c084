"""The whole public journey with CSRF protection on, as in production."""

import pytest

from tests.helpers import csrf_token
from tests.intake import samples
from tests.intake.helpers import case_count, with_files
from tests.intake.samples import hidden_fields


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_request_and_status_with_csrf_tokens(client):
    """Each step carries its token: form → confirmation → send → status lookup."""
    token = csrf_token(client.get("/requests/new/principal").get_data(as_text=True))
    data = with_files(
        {**samples.principal_fields(), "csrf_token": token, "action": "confirm"},
        {"principal_id": [(samples.jpeg(), "l.jpg")]},
    )
    page = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    back = {**hidden_fields(page.get_data(as_text=True)), "csrf_token": csrf_token(page.get_data(as_text=True))}
    assert client.post("/requests/new", data={**back, "csrf_token": "forged", "action": "send"}).status_code == 400
    assert case_count() == 0
    sent = client.post("/requests/new", data={**back, "action": "send"})
    assert sent.status_code == 302 and case_count() == 1
    done = client.get("/requests/done").get_data(as_text=True)
    import re

    reference = re.search(r'id="reference">([^<]+)<', done).group(1)
    code = re.search(r'id="access-code">([^<]+)<', done).group(1)
    token = csrf_token(client.get("/requests/status").get_data(as_text=True))
    html = client.post("/requests/status", data={"reference": reference, "code": code, "csrf_token": token}).get_data(
        as_text=True
    )
    assert "受け付けました" in html
