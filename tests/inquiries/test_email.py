"""The inquiry's acknowledgement e-mail, sent to a real SMTP server on loopback: the reference
and nothing personal, only when an address is given."""

import re
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.inquiries.models import Inquiry
from tests.intake.test_email import smtp  # noqa: F401  (the loopback SMTP server fixture)


@pytest.fixture
def app_config(app_config, smtp):  # noqa: F811
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp[0], "SMTP_FROM": "desk@example.jp"}


def _send(client, **data):
    html = client.get("/inquiries/new").get_data(as_text=True)
    token = re.search(r'name="send_token"[^>]*value="([^"]*)"', html).group(1)
    response = client.post("/inquiries/new", data={"send_token": token, **data})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_acknowledgement_names_the_reference_only(client, smtp):  # noqa: F811
    _, inbox = smtp
    done = _send(
        client,
        category="complaint",
        matter="配送先の住所が間違っていました",
        name="山田 花子",
        email="hanako@example.com",
    )
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert "メールでお送りしました" in done
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["hanako@example.com"]
    message = message_from_bytes(raw, policy=policy.default)
    body = message.get_content()
    assert inquiry.reference in message["Subject"] and inquiry.reference in body
    for personal in ("山田", "花子", "配送先", "苦情"):
        assert personal not in body and personal not in message["Subject"]
    # Without an address nothing is sent, and the inquiry is recorded all the same.
    _send(client, category="question", matter="匿名の質問")
    assert len(inbox.messages) == 1
    assert db.session.query(Inquiry).count() == 2
