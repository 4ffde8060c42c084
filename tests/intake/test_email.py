"""The acknowledgement e-mail, sent to a real SMTP server on loopback."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.intake import samples
from tests.intake.helpers import submit


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp[0], "SMTP_FROM": "desk@example.jp"}


def test_acknowledgement_carries_the_reference_and_nothing_personal(client, smtp):
    """The mail names the reference; no name, address, code or request details."""
    _, inbox = smtp
    reference, code = submit(client, samples.principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["hanako@example.com"]
    message = message_from_bytes(raw, policy=policy.default)
    body = message.get_content()
    assert reference in message["Subject"] and reference in body
    for personal in (
        "山田",
        "ヤマダ",
        "渋谷",
        "1500001",
        "150-0001",
        "03-1234-5678",
        "A-123456",
        code,
        "保有個人データの開示",
    ):
        assert personal not in body and personal not in message["Subject"]
    page = client.get("/requests/status")
    assert page.status_code == 200


def test_no_mail_without_an_address(client, smtp):
    """Nothing is sent when the requester gave no e-mail address."""
    _, inbox = smtp
    submit(client, samples.principal_fields(**{"principal-email": None}), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    assert inbox.messages == []


def test_a_dead_mail_server_does_not_lose_the_request(client, app):
    """With the SMTP server unreachable, the request is still stored and the page says the mail failed."""
    app.config["SMTP_PORT"] = 9  # discard port: nothing listens
    reference, _ = submit(client, samples.principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    assert reference


def test_application_by_email_is_acknowledged_by_email(client, smtp):
    """An officer registering an e-mailed application sends the same reference-only acknowledgement."""
    import io

    from tests.helpers import login, make_staff

    _, inbox = smtp
    login(client, make_staff("officer"))
    response = client.post(
        "/staff/intake/new",
        content_type="multipart/form-data",
        data={
            "who": "principal",
            "channel": "email",
            "arrived_on": "2026-11-02",
            "language": "en",
            "kinds": ["correction"],
            "principal-name": "Anna Schmidt",
            "principal-address": "1-2-3 Roppongi, Minato-ku, Tokyo",
            "principal-email": "anna@example.com",
            "enclosure-files": [(io.BytesIO(samples.pdf()), "mail.pdf")],
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [rcpt for rcpt, _ in inbox.messages] == [["anna@example.com"]]
    assert b"We have received your request" in inbox.messages[0][1]
