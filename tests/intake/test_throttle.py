"""Throttling of the status page per address (per reference: tests/intake/test_status_guessing.py)."""

import pytest
import time_machine

from tests.intake.test_status import make_request


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "STATUS_RATE_LIMIT": "3 per minute",
    }


def test_repeated_failures_from_one_address_are_throttled(client, app):
    """The fourth try within a minute is refused with 429, even with the right code."""
    case, code = make_request()
    with time_machine.travel("2026-11-23 10:00:00+09:00", tick=False):
        for _ in range(3):
            assert (
                client.post("/requests/status", data={"reference": case.reference, "code": "WRONG"}).status_code == 200
            )
        blocked = client.post("/requests/status", data={"reference": case.reference, "code": code})
        assert blocked.status_code == 429 and "しばらく" in blocked.get_data(as_text=True)
        other_address = client.post(
            "/requests/status",
            data={"reference": case.reference, "code": code},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
        assert other_address.status_code == 200 and "status-now" in other_address.get_data(as_text=True)
