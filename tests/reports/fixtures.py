"""A hand-computed set of cases for the dashboard and register tests."""

from __future__ import annotations

from datetime import date

from desk.cases.service import transition
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.letters.models import Letter
from tests.helpers import make_case


def complete(case, closed_on: date, outcomes: dict, grounds: dict | None = None):
    """Walk a case to "completed" on closed_on, with an outcome (and grounds) per kind."""
    for status in ("in_progress", "decision_drafted", "approved", "dispatched"):
        transition(case, status, on=case.arrived_on)
    for item in case.items:
        item.outcome = outcomes[item.kind]
        item.grounds = (grounds or {}).get(item.kind, [])
    transition(case, "completed", on=closed_on)
    return case


def build() -> dict:
    """January: two answered cases (10 and 14 days: median 12 on an even count, p90 14).
    February: no cases at all. March: three answered cases (5, 9, 30 days: median 9,
    p90 30). April: one lapsed case and two still open."""
    c = {}
    c["a"] = complete(
        make_case(("disclosure",), arrived_on=date(2026, 1, 5), commit=False),
        date(2026, 1, 15),
        {"disclosure": "disclosed"},
    )
    c["b"] = complete(
        make_case(("disclosure", "correction"), arrived_on=date(2026, 1, 6), commit=False),
        date(2026, 1, 20),
        {"disclosure": "partly_disclosed", "correction": "not_corrected"},
        {"disclosure": ["business_impediment"], "correction": ["content_true"]},
    )
    c["c"] = complete(
        make_case(("purpose_notice",), arrived_on=date(2026, 3, 2), commit=False),
        date(2026, 3, 7),
        {"purpose_notice": "notified"},
    )
    c["d"] = complete(
        make_case(("cessation",), arrived_on=date(2026, 3, 10), commit=False), date(2026, 3, 19), {"cessation": "done"}
    )
    c["e"] = complete(
        make_case(("disclosure",), arrived_on=date(2026, 3, 1), commit=False, proxy_kind="delegated"),
        date(2026, 3, 31),
        {"disclosure": "not_disclosed"},
        {"disclosure": ["harm_to_person", "business_impediment"]},
    )
    lapsed = make_case(("disclosure",), arrived_on=date(2026, 4, 1), commit=False)
    transition(lapsed, "awaiting_fee", on=date(2026, 4, 2))
    transition(lapsed, "lapsed", on=date(2026, 4, 10))
    lapsed.items[0].outcome, lapsed.items[0].grounds = "lapsed", ["fee_unpaid"]
    c["lapsed"] = lapsed
    c["open_late"] = make_case(("stop_provision",), arrived_on=date(2026, 4, 20), commit=False)
    transition(c["open_late"], "in_progress", on=date(2026, 4, 21))
    c["open_near"] = make_case(("correction",), arrived_on=date(2026, 4, 27), commit=False)
    # Fees and letters for the register.
    db.session.add(FeePayment(case_id=c["a"].id, amount=600, method="postage_stamps", received_on=date(2026, 1, 7)))
    db.session.add(FeePayment(case_id=c["a"].id, amount=400, method="postage_stamps", received_on=date(2026, 1, 8)))
    db.session.add(Letter(case_id=c["a"].id, kind="ack", dated_on=date(2026, 1, 6), dispatched_on=date(2026, 1, 6)))
    db.session.add(Letter(case_id=c["a"].id, kind="reply", dated_on=date(2026, 1, 15), dispatched_on=date(2026, 1, 15)))
    db.session.add(Letter(case_id=c["a"].id, kind="extension", dated_on=date(2026, 1, 9)))  # queued, not sent
    db.session.flush()
    db.session.commit()
    return c


def dispose_skeleton(case, on: date):
    """What the retention job leaves: no people, no particulars, the disposal date."""
    transition(case, "disposed", on=on)
    for person in list(case.requesters):
        db.session.delete(person)
    for item in case.items:
        item.particulars = None
    case.disposed_on = on
    db.session.commit()
