"""Guessing codes on the status page slows the guesser, never the requester."""

from email import message_from_bytes, policy

import pytest
import time_machine

from desk.extensions import db
from tests.intake import test_email
from tests.intake.test_status import make_request

smtp = test_email.smtp  # the loopback SMTP server


@pytest.fixture
def app_config(app_config, smtp):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "STATUS_RATE_LIMIT": "1000 per minute",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp[0],
        "SMTP_FROM": "desk@example.jp",
    }


def _try(client, reference, code, address):
    return client.post(
        "/requests/status", data={"reference": reference, "code": code}, environ_base={"REMOTE_ADDR": address}
    )


def _with_email(case):
    case.addressee.email = "hanako@example.com"
    db.session.commit()
    return case


def test_many_wrong_codes_for_a_reference_do_not_keep_the_right_one_out(client, app, smtp):
    """40 wrong codes from 8 addresses: the right code from the requester's own address still opens
    the page; the requester is told once, by e-mail, with the reference and nothing personal."""
    _, inbox = smtp
    case, code = make_request()
    _with_email(case)
    with time_machine.travel("2026-11-23 10:00:00+09:00", tick=False):
        for n in range(40):
            assert _try(client, case.reference, "WRONG-CODE", f"198.51.100.{n % 8 + 1}").status_code in (200, 429)
        opened = _try(client, case.reference, code, "203.0.113.5")
    assert opened.status_code == 200 and "status-now" in opened.get_data(as_text=True)
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["hanako@example.com"]
    message = message_from_bytes(raw, policy=policy.default)
    body = message.get_content()
    assert case.reference in message["Subject"] and case.reference in body
    for personal in ("山田", "ヤマダ", "渋谷", "150", "03-1234-5678", code, "198.51.100", "開示"):
        assert personal not in body and personal not in message["Subject"]


def test_an_address_that_keeps_guessing_waits_longer_each_time(client, app):
    """Five wrong codes from one address, then that address waits (30 s, then 60 s): within its wait
    it is refused without the code being looked at; after it, the right code opens the page."""
    case, code = make_request()
    guesser = "198.51.100.1"
    with time_machine.travel("2026-11-23 10:00:00+09:00", tick=False) as traveller:
        for _ in range(5):
            assert _try(client, case.reference, "WRONG-CODE", guesser).status_code == 200
        waiting = _try(client, case.reference, code, guesser)
        assert waiting.status_code == 429 and "お待ち" in waiting.get_data(as_text=True)
        assert _try(client, case.reference, code, "203.0.113.5").status_code == 200  # others are not kept out
        traveller.shift(31)
        assert _try(client, case.reference, "WRONG-CODE", guesser).status_code == 200  # the sixth: 60 s now
        traveller.shift(31)
        assert _try(client, case.reference, code, guesser).status_code == 429
        traveller.shift(30)
        opened = _try(client, case.reference, code, guesser)
        assert opened.status_code == 200 and "status-now" in opened.get_data(as_text=True)


def test_no_mail_when_the_case_has_no_address(client, app, smtp):
    _, inbox = smtp
    case, _ = make_request()
    with time_machine.travel("2026-11-23 10:00:00+09:00", tick=False):
        for n in range(25):
            _try(client, case.reference, "WRONG-CODE", f"198.51.100.{n + 1}")
    assert inbox.messages == []
