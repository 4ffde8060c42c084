"""Lapse ("treated as not made"): the daily job proposes, a supervisor decides; nothing
lapses without that approval."""

from datetime import date, timedelta

import time_machine
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.cases.service import transition
from desk.clock import today
from desk.decisions.models import Approval
from desk.extensions import db
from desk.letters import service as letters
from desk.letters.models import Letter
from tests.helpers import login, make_case, make_staff


def _fee_overdue_case() -> Case:
    case = make_case(arrived_on=date(2026, 11, 2))
    transition(case, "awaiting_fee", on=date(2026, 11, 4))  # due 18 Nov; the shortfall notice is queued
    notice = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "shortfall")).one()
    letters.dispatch(notice, on=date(2026, 11, 4), method="simple_registered")
    db.session.commit()
    return case


def _reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _letters(case) -> list[str]:
    return list(db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id)))


def test_daily_proposes_once_and_lapses_nothing(app, runner):
    case = _fee_overdue_case()
    on_due_day = runner.invoke(args=["desk", "daily", "--as-of", "2026-11-18"])
    assert on_due_day.exit_code == 0 and "lapse: 0 case(s)" in on_due_day.output
    result = runner.invoke(args=["desk", "daily", "--as-of", "2026-11-19"])
    assert result.exit_code == 0 and "lapse: 1 case(s)" in result.output and case.reference in result.output
    # The shortfall notice was sent; the proposal adds no letter.
    assert _reload(case).status == "awaiting_fee" and _letters(case) == ["shortfall"]
    proposal = db.session.scalars(select(Approval).where(Approval.case_id == case.id)).one()
    assert (proposal.kind, proposal.reason, proposal.result, proposal.drafter_id) == ("lapse", "fee", "pending", None)
    again = runner.invoke(args=["desk", "daily", "--as-of", "2026-11-20"])
    assert "lapse: 0 case(s)" in again.output
    assert db.session.scalars(select(Approval).where(Approval.case_id == case.id)).all() == [proposal]


def test_a_supervisor_approves_the_lapse_and_the_letter_is_queued(app, runner, client):
    case = _fee_overdue_case()
    runner.invoke(args=["desk", "daily", "--as-of", "2026-11-19"])
    officer, supervisor = make_staff("officer"), make_staff("supervisor")
    login(client, officer)
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "承認待ち" in page and "承認して終了する" not in page
    assert client.post(f"/staff/cases/{case.reference}/approval/lapse/approve").status_code == 403
    assert _reload(case).status == "awaiting_fee"
    client.post("/staff/logout")

    login(client, supervisor)
    queue = client.get("/staff/cases?lapse=1").get_data(as_text=True)
    assert case.reference in queue
    assert "承認して終了する" in client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    response = client.post(f"/staff/cases/{case.reference}/approval/lapse/approve", follow_redirects=True)
    assert "請求がなかったものとして扱い" in response.get_data(as_text=True)
    case = _reload(case)
    assert case.status == "lapsed" and case.closed_on == today()
    assert [(i.outcome, i.grounds) for i in case.items] == [("lapsed", ["fee_unpaid"])]
    assert _letters(case) == ["shortfall", "lapse"]
    approval = db.session.scalars(select(Approval).where(Approval.case_id == case.id)).one()
    assert (approval.result, approval.approver_id) == ("approved", supervisor.id)
    transition_event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.to_status == "lapsed")
    ).one()
    assert transition_event.actor_id == supervisor.id and transition_event.detail == {
        "reason": "fee",
        "lapsed_kinds": ["disclosure"],
    }
    assert "lapse.proposed" in db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert client.get("/staff/cases?lapse=1").get_data(as_text=True).count(case.reference) == 0


def test_returning_gives_a_new_due_date_and_no_new_proposal_until_it_passes(app, runner, client):
    case = _fee_overdue_case()
    runner.invoke(args=["desk", "daily", "--as-of", "2026-11-19"])
    login(client, make_staff("supervisor"))
    url = f"/staff/cases/{case.reference}/approval/lapse/return"
    missing = client.post(url, data={"due_on": ""})
    assert missing.status_code == 400 and "日付" in missing.get_data(as_text=True)
    past = client.post(url, data={"due_on": today().isoformat()}, follow_redirects=True)
    assert "明日以降の日付" in past.get_data(as_text=True)
    assert _reload(case).requester_due_on == date(2026, 11, 18)

    new_due = today() + timedelta(days=10)
    client.post(url, data={"due_on": new_due.isoformat()})
    case = _reload(case)
    assert case.status == "awaiting_fee" and case.requester_due_on == new_due
    assert db.session.scalars(select(Approval.result).where(Approval.case_id == case.id)).all() == ["returned"]
    assert "lapse.returned" in db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    with time_machine.travel(new_due + timedelta(days=1), tick=False):
        quiet = runner.invoke(args=["desk", "daily", "--as-of", new_due.isoformat()])
        assert "lapse: 0 case(s)" in quiet.output
        later = runner.invoke(args=["desk", "daily", "--as-of", (new_due + timedelta(days=1)).isoformat()])
        assert "lapse: 1 case(s)" in later.output


def test_a_proposal_lapses_no_case_that_moved_on(app, runner, client):
    """The fee arrived after the proposal: it is withdrawn, and approving is refused."""
    case = _fee_overdue_case()
    runner.invoke(args=["desk", "daily", "--as-of", "2026-11-19"])
    transition(_reload(case), "verifying")  # the officer recorded the payment
    db.session.commit()
    assert db.session.scalars(select(Approval.result).where(Approval.case_id == case.id)).all() == ["superseded"]
    login(client, make_staff("supervisor"))
    response = client.post(f"/staff/cases/{case.reference}/approval/lapse/approve", follow_redirects=True)
    assert "承認待ちの「請求なしとして終了」の提案がありません" in response.get_data(as_text=True)
    assert _reload(case).status == "verifying"
