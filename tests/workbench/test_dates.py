"""Dates that cannot be are refused: nothing is paid, answered or dispatched before the
request arrived or after today, and a disposed case takes no note."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import func, select

from desk.cases.models import Case, CaseNote
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.letters import service as letters
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import approve


def _status(case) -> str:
    db.session.expire_all()
    return db.session.get(Case, case.id).status


def test_dates_before_arrival_or_after_today_are_refused(client, app):
    with time_machine.travel("2026-11-25 10:00 +09:00", tick=False):
        login(client, make_staff("officer"))
        case = make_case(("correction",), arrived_on=date(2026, 11, 10))
        base = f"/staff/cases/{case.reference}"

        page = client.post(
            f"{base}/fees/payments",
            data={"amount": "1000", "method": "postage_stamps", "received_on": "2026-11-09"},
            follow_redirects=True,
        )
        assert "請求の到達日（2026-11-10）より前の日付は入力できません" in page.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(FeePayment)) == 0

        case.items[0].outcome, case.items[0].details = "corrected", {"corrected": "住所を訂正しました。"}
        approve(case, on=date(2026, 11, 20))
        db.session.commit()
        early = client.post(
            f"{base}/dispatch", data={"sent_on": "2026-11-05", "method": "simple_registered"}, follow_redirects=True
        )
        assert "発送日に、請求の到達日" in early.get_data(as_text=True) and _status(case) == "approved"

        reply = letters.queue(db.session.get(Case, case.id), "reply")
        db.session.commit()
        late = client.post(
            "/staff/letters/print-run?lang=en",
            data={"letter_ids": [reply.id], "sent_on": "2026-11-26", "method": "simple_registered"},
            follow_redirects=True,
        )
        assert "cannot be in the future" in late.get_data(as_text=True) and _status(case) == "approved"

        done = client.post(f"{base}/dispatch", data={"sent_on": "2026-11-25", "method": "simple_registered"})
        assert done.status_code == 302 and _status(case) == "completed"


def test_a_disposed_case_takes_no_note(client, app):
    case = make_case(("correction",))
    case.status, case.disposed_on = "disposed", date(2026, 11, 20)
    db.session.commit()
    login(client, make_staff("officer"))
    page = client.post(
        f"/staff/cases/{case.reference}/notes", data={"body": "山田様から電話あり"}, follow_redirects=True
    )
    assert "廃棄した案件にはメモを追加できません" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0
