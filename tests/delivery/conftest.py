"""A web request that chose an electronic record, decided and ready to dispatch, and the test SMTP server."""

from __future__ import annotations

from datetime import date

import pytest

from desk.cases.service import transition
from desk.decisions.data import attach_disclosed_file
from desk.extensions import db
from desk.intake.service import Application, Person, submit
from tests.intake import samples
from tests.intake.test_email import smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.letters.conftest import disclosed_table


@pytest.fixture
def app_config(app_config, smtp):  # noqa: F811
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp[0], "SMTP_FROM": "desk@example.jp"}


def electronic_request(email: str | None = "hanako@example.com", method: str = "electronic"):
    result = submit(
        Application(
            kinds=["disclosure"],
            delivery_method=method,
            arrived_on=date(2026, 11, 2),
            principal=Person(
                name="山田 花子",
                furigana="ヤマダ ハナコ",
                birth_date=date(1980, 4, 1),
                postal_code="1500001",
                address="東京都渋谷区神宮前1-2-3",
                phone="03-1234-5678",
                email=email,
            ),
        )
    )
    db.session.commit()
    return result.case, result.access_code


def decide(case, *, attach: bool = True, on=date(2026, 11, 20)):
    """Disclosed: a two-row table and one attached file; approved."""
    transition(case, "verifying", on=on)
    transition(case, "in_progress", on=on)
    if attach:
        attach_disclosed_file(case, samples.pdf(text="開示データ"), actor=None)
    item = case.items[0]
    item.outcome, item.details = "disclosed", {"disclosed": disclosed_table(2)}
    transition(case, "decision_drafted", on=on)
    transition(case, "approved", on=on)
    db.session.commit()
    return case
