"""The lifecycle table and the one service that applies it."""

from datetime import date
from itertools import pairwise

import pytest
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases import lifecycle
from desk.cases.lifecycle import TransitionRefused
from desk.cases.models import CasePause
from desk.cases.service import transition
from desk.extensions import db
from tests.helpers import make_case, make_staff


def test_happy_path_is_allowed_step_by_step():
    """received → … → completed → disposed is a path of allowed transitions."""
    path = [
        "received",
        "awaiting_fee",
        "verifying",
        "in_progress",
        "decision_drafted",
        "awaiting_approval",
        "approved",
        "dispatched",
        "completed",
        "disposed",
    ]
    for src, dst in pairwise(path):
        assert lifecycle.allowed(src, dst), f"{src} -> {dst}"


@pytest.mark.parametrize(
    "src,dst",
    [
        ("received", "completed"),
        ("received", "approved"),
        ("decision_drafted", "dispatched"),
        ("completed", "in_progress"),
        ("disposed", "received"),
        ("lapsed", "verifying"),
        ("awaiting_approval", "dispatched"),
        ("dispatched", "withdrawn"),
        ("received", "disposed"),
    ],
)
def test_forbidden_transitions(src, dst):
    """Skipping approval, reopening closed cases and disposing open ones are refused."""
    assert not lifecycle.allowed(src, dst)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.check(src, dst)
    assert lifecycle.STATES[src].ja in refused.value.message("ja")
    assert lifecycle.STATES[dst].en in refused.value.message("en")


def test_every_state_is_reachable_and_closed_states_lead_only_to_disposal():
    """No dead code in the table: every state reachable from received; closed ends."""
    seen, frontier = {"received"}, ["received"]
    while frontier:
        for nxt in lifecycle.TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(lifecycle.STATES)
    for state in lifecycle.CLOSED - {"disposed"}:
        assert lifecycle.TRANSITIONS[state] == {"disposed"}
    assert lifecycle.TRANSITIONS["disposed"] == frozenset()


def test_only_waiting_states_can_lapse():
    assert {s for s in lifecycle.STATES if lifecycle.allowed(s, "lapsed")} == set(lifecycle.WAITING)


def test_service_applies_audits_and_refuses(app):
    """transition() changes the state, writes one audit event, and refuses what the table forbids."""
    officer = make_staff("officer")
    case = make_case()
    transition(case, "verifying", actor=officer, on=date(2026, 11, 4))
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.transition")).one()
    assert (event.from_status, event.to_status, event.actor_id, event.case_reference) == (
        "received",
        "verifying",
        officer.id,
        case.reference,
    )
    with pytest.raises(TransitionRefused):
        transition(case, "completed", actor=officer)
    db.session.rollback()
    assert case.status == "verifying"
    assert (
        db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "case.transition"))
        == 1
    )


def test_waiting_opens_and_closes_a_pause_and_moves_the_target(app):
    """Waiting for the fee stops the clock; the reply restarts it and the target moves later."""
    case = make_case(arrived_on=date(2026, 11, 2))
    before = case.internal_target_on
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    assert case.internal_target_on is None
    assert case.requester_due_on == date(2026, 11, 18)
    transition(case, "verifying", on=date(2026, 11, 9))
    db.session.commit()
    pause = db.session.scalars(select(CasePause)).one()
    assert (pause.reason, pause.started_on, pause.ended_on) == ("fee", date(2026, 11, 4), date(2026, 11, 9))
    assert case.requester_due_on is None
    # Seven business days from Mon 2 Nov (3 Nov is 文化の日): Thu 12 Nov. 5th-9th Nov: Thu,
    # Fri, (Sat, Sun), Mon — three business days paused, so Tue 17 Nov.
    assert before == date(2026, 11, 12)
    assert case.internal_target_on == date(2026, 11, 17)


def test_closing_records_the_closing_date(app):
    case = make_case()
    transition(case, "withdrawn", on=date(2026, 11, 6))
    assert case.closed_on == date(2026, 11, 6) and not case.is_open


def test_on_enter_callbacks_run_in_the_transition(app):
    """Areas react to a state through hooks.on_enter(), with the actor and the day."""
    from desk.cases import hooks

    seen = []
    hooks.on_enter(app, "withdrawn", lambda case, actor, on: seen.append((case.reference, on)))
    case = make_case()
    transition(case, "withdrawn", on=date(2026, 11, 6))
    assert seen == [(case.reference, date(2026, 11, 6))]
