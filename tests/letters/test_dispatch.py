"""One dispatch: the case page and the print run send a reply the same way."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.extensions import db
from desk.letters import service
from desk.letters.models import Letter
from desk.retention.service import due_on
from desk.suppression.models import SuppressionEntry
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import approve, disclosed_table


def _approved_case(name: str) -> Case:
    case = make_case(("disclosure", "stop_provision"), name=name)
    disclosure, stop = case.items
    disclosure.outcome, disclosure.details = "disclosed", {"disclosed": disclosed_table(2)}
    stop.outcome = "done"
    approve(case)
    db.session.commit()
    return case


def _outcome(case: Case) -> dict:
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    reply = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "reply")).one()
    return {
        "status": case.status,
        "closed_on": case.closed_on,
        "retention_due": due_on(case),
        "reply": (reply.dispatched_on, reply.dispatch_method, reply.media_type, reply.wrapped_key is not None),
        "suppressed": db.session.scalar(
            select(func.count()).select_from(SuppressionEntry).where(SuppressionEntry.source_case_id == case.id)
        ),
        "moves": [
            (e.from_status, e.to_status)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.case_id == case.id, AuditEvent.action == "case.transition")
                .order_by(AuditEvent.id)
            )
            if e.to_status in ("dispatched", "completed")
        ],
        "dispatched_letters": db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action == "letter.dispatched")
        ),
    }


def test_the_case_page_and_the_print_run_end_in_the_same_rows(client, app):
    """Sent from the case page or marked sent in the print run, a reply completes the case,
    stores the letter, puts the principal on the suppression register and starts retention."""
    by_page, by_print_run = _approved_case("頁 送子"), _approved_case("印刷 送男")
    login(client, make_staff("officer"))

    response = client.post(
        f"/staff/cases/{by_page.reference}/dispatch", data={"sent_on": "2026-11-24", "method": "simple_registered"}
    )
    assert response.status_code == 302

    letter = service.queue(db.session.get(Case, by_print_run.id), "reply")
    db.session.commit()
    response = client.post(
        "/staff/letters/print-run",
        data={"letter_ids": [letter.id], "sent_on": "2026-11-24", "method": "simple_registered"},
    )
    assert response.status_code == 302

    page, print_run = _outcome(by_page), _outcome(by_print_run)
    assert page == print_run
    assert page["status"] == "completed" and page["closed_on"] == date(2026, 11, 24)
    assert page["reply"] == (date(2026, 11, 24), "simple_registered", "application/pdf", True)
    assert page["suppressed"] == 1 and page["retention_due"] is not None
    assert page["moves"] == [("approved", "dispatched"), ("dispatched", "completed")]
    assert page["dispatched_letters"] == 1
