"""Letters follow the case: a waiting letter whose reason has gone is withdrawn by itself,
an officer can take one out by hand, and the print run prints what is ticked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.cases.service import transition
from desk.decisions.service import lapse
from desk.extensions import db
from desk.letters import service
from desk.letters.models import Letter
from desk.retention.service import dispose
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import approve, page_count


def _letters(case) -> dict[str, str]:
    """kind -> "waiting", "sent" or the withdrawal reason."""
    db.session.expire_all()
    return {
        letter.kind: ("sent" if letter.dispatched_on else letter.withdrawn_reason or "waiting")
        for letter in db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id))
    }


def _withdrawals(case) -> list[dict]:
    return [
        e.detail
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action == "letter.withdrawn")
            .order_by(AuditEvent.id)
        )
    ]


def test_a_paid_fee_withdraws_the_shortfall_notice(client, app):
    """Paid in full before the notice was printed: the notice leaves the print run, audited."""
    case = make_case(("disclosure",))
    officer = make_staff("officer")
    login(client, officer)
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    db.session.commit()
    assert _letters(case) == {"shortfall": "waiting"}
    response = client.post(
        f"/staff/cases/{case.reference}/fees/payments",
        data={"amount": "1000", "method": "postage_stamps", "received_on": "2026-11-05"},
    )
    assert response.status_code == 302
    assert _letters(case) == {"shortfall": "reason_gone"}
    assert [d["kind"] for d in _withdrawals(case)] == ["shortfall"]
    assert case.reference not in client.get("/staff/letters/print-run").get_data(as_text=True)


def test_closing_a_case_withdraws_its_waiting_letters_but_not_the_lapse_notice(app):
    """A mail-in acknowledgement never printed is withdrawn when the case completes; a lapsed
    case keeps its lapse notice and loses the rest; disposal withdraws what is left."""
    mailed = make_case(("correction",), channel="mail")
    service.queue(mailed, "ack")
    mailed.items[0].outcome, mailed.items[0].details = "corrected", {"corrected": "住所を訂正しました。"}
    approve(mailed)
    assert _letters(mailed) == {"ack": "waiting", "reply": "waiting"}  # approval queued the reply
    service.dispatch_reply(db.session.get(Case, mailed.id), date(2026, 11, 21), "simple_registered", actor=None)
    db.session.commit()
    assert _letters(mailed) == {"ack": "reason_gone", "reply": "sent"}

    lapsed = make_case(("disclosure",))
    transition(lapsed, "awaiting_fee", on=date(2026, 11, 4))
    lapse(lapsed, "fee", actor=None, on=date(2026, 11, 19))
    db.session.commit()
    assert _letters(lapsed) == {"shortfall": "reason_gone", "lapse": "waiting"}

    dispose(date(2029, 1, 10))
    assert _letters(lapsed) == {"shortfall": "reason_gone", "lapse": "disposed"}
    assert service.queued_letters() == []


def test_an_officer_takes_a_letter_out_and_prints_only_what_is_ticked(client, app):
    first, second = (
        make_case(("correction",), channel="mail", name="一番 目子"),
        make_case(("correction",), channel="mail", name="二番 目男"),
    )
    one, two = service.queue(first, "ack"), service.queue(second, "ack")
    db.session.commit()
    login(client, make_staff("officer"))

    pdf = client.post("/staff/letters/print-run.pdf", data={"letter_ids": [two.id]})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert page_count(pdf.data) == page_count(service.render(db.session.get(Case, second.id), "ack"))
    assert client.post("/staff/letters/print-run.pdf", data={}).status_code == 302  # nothing ticked

    page = client.get("/staff/letters/print-run").get_data(as_text=True)
    assert "本日追加" in page or "日待ち" in page
    response = client.post(f"/staff/letters/{one.id}/withdraw")
    assert response.status_code == 302
    assert _letters(first) == {"ack": "by_hand"} and _withdrawals(first)[0]["reason"] == "by_hand"
    assert [letter.id for letter in service.queued_letters()] == [two.id]
    again = client.post(f"/staff/letters/{one.id}/withdraw", follow_redirects=True)
    assert "発送待ちではありません" in again.get_data(as_text=True)
