"""Lapse rules: only after a notice that was sent; an unpaid fee ends only the kinds that
carry one; a day still to come is a rehearsal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk.cases.models import Case
from desk.cases.service import transition
from desk.decisions.models import Approval
from desk.extensions import db
from desk.letters import service as letters
from desk.letters.models import Letter
from desk.suppression.models import SuppressionEntry
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import pdf_text, squash


def _reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _fee_notice(case, sent: bool) -> None:
    transition(case, "awaiting_fee", on=date(2026, 11, 4))  # due 18 Nov; the notice is queued
    if sent:
        notice = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "shortfall")).one()
        letters.dispatch(notice, on=date(2026, 11, 5), method="simple_registered")
    db.session.commit()


def test_no_lapse_without_a_notice_that_was_sent(app, runner):
    """The due date passed but the notice never left the print run: nothing is proposed, and
    the daily job says so."""
    unsent = make_case(name="未送 付子")
    _fee_notice(unsent, sent=False)
    result = runner.invoke(args=["desk", "daily", "--as-of", "2026-11-19"])
    assert result.exit_code == 0
    assert (
        "lapse: 0 case(s)" in result.output
        and f"notice not yet sent, so not proposed: {unsent.reference}" in result.output
    )
    assert db.session.scalar(select(func.count()).select_from(Approval)) == 0


def test_an_unpaid_fee_ends_only_the_kinds_that_carry_one(app, runner, client, tmp_path):
    """Disclosure + stop-provision, fee unpaid: the supervisor's approval ends the disclosure;
    the stop-provision goes on, is decided, completed and puts the principal on the register."""
    case = make_case(("disclosure", "stop_provision"), name="停止 希望子")
    _fee_notice(case, sent=True)
    runner.invoke(args=["desk", "daily", "--as-of", "2026-11-19"])
    login(client, make_staff("supervisor"))
    assert client.post(f"/staff/cases/{case.reference}/approval/lapse/approve").status_code == 302

    case = _reload(case)
    by_kind = {item.kind: item for item in case.items}
    assert case.status == "verifying" and case.is_open
    assert (by_kind["disclosure"].outcome, by_kind["disclosure"].grounds) == ("lapsed", ["fee_unpaid"])
    assert by_kind["stop_provision"].outcome is None
    notice = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "lapse")).one()
    assert notice.withdrawn_at is None and notice.dispatched_on is None
    ja = squash(pdf_text(letters.render(case, "lapse", "ja"), tmp_path))
    assert squash("のうち、保有個人データの開示のご請求につきまして") in ja
    assert squash("第三者提供の停止のご請求につきましては手数料を要しませんので、引き続き対応し") in ja
    en = squash(pdf_text(letters.render(case, "lapse", "en"), tmp_path))
    assert squash("we have closed your request for disclosure of retained personal data") in en

    # Nothing more is owed; the free kind is worked to the end.
    from desk.fees.service import balance

    assert balance(case) == 0
    by_kind["stop_provision"].outcome = "done"
    for state in ("in_progress", "decision_drafted", "approved"):
        transition(case, state, on=date(2026, 11, 20))
    letters.dispatch_reply(case, date(2026, 11, 24), "simple_registered", actor=None)
    db.session.commit()
    case = _reload(case)
    assert case.status == "completed"
    assert (
        db.session.scalar(
            select(func.count()).select_from(SuppressionEntry).where(SuppressionEntry.source_case_id == case.id)
        )
        == 1
    )


def test_a_day_to_come_is_only_rehearsed(app, runner):
    """--as-of later than today is refused without --dry-run; with it nothing changes."""
    case = make_case(arrived_on=date(2026, 11, 2))
    _fee_notice(case, sent=True)
    refused = runner.invoke(args=["desk", "daily", "--as-of", "2099-01-01"])
    assert refused.exit_code != 0 and "add --dry-run" in refused.output
    assert runner.invoke(args=["desk", "dispose", "--as-of", "2099-01-01"]).exit_code != 0
    rehearsal = runner.invoke(args=["desk", "daily", "--as-of", "2099-01-01", "--dry-run"])
    assert rehearsal.exit_code == 0, rehearsal.output
    assert f"would be sent to a supervisor to treat as not made ({case.reference})" in rehearsal.output
    assert db.session.scalar(select(func.count()).select_from(Approval)) == 0
