"""desk.driver: Core statements run on the driver directly, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, insert, select, update

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.driver import DriverConnection, Skipped
from desk.extensions import db
from tests.helpers import make_case

EVENTS = AuditEvent.__table__
AWKWARD = "O'Reilly; DROP TABLE cases; -- 山田 \\ %(x)s % 100%"
SHORT_AWKWARD = "O'R;--%(x)s%山\\"  # fits the 20 characters of a reference


def _event(**overrides) -> dict:
    event = {
        "at": datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC),
        "actor_id": None,
        "actor_kind": "system",
        "action": "test.driver",
        "case_id": None,
        "case_reference": SHORT_AWKWARD,
        "from_status": None,
        "to_status": None,
        "detail": {"quote": AWKWARD, "list": [1, 2]},
        "prev_hash": "0" * 64,
        "hash": "a" * 64,
    }
    event.update(overrides)
    return event


APPEND = insert(EVENTS)
BY_HASH = select(EVENTS.c.case_reference, EVENTS.c.detail, EVENTS.c.at).where(EVENTS.c.hash == bindparam("hash"))


def _ours() -> list[str]:
    return sorted(db.session.scalars(select(EVENTS.c.hash).where(EVENTS.c.action == "test.driver")))


@pytest.fixture
def driver(app):
    with app.app_context():
        db.session.commit()
        connection = db.engine.connect()
        try:
            yield DriverConnection(connection)
        finally:
            connection.invalidate()
            connection.close()


def test_values_arrive_exactly_as_given(app, driver):
    """Quotes, placeholders, percent signs, JSON and aware datetimes round-trip unchanged
    (on PostgreSQL they are bound on the client, so quoting matters)."""
    with driver.direct():
        driver.execute(APPEND, _event())
        found = driver.execute(BY_HASH, {"hash": "a" * 64}).first()
        driver.commit()
    assert found is not None and found[0] == SHORT_AWKWARD
    row = db.session.execute(BY_HASH, {"hash": "a" * 64}).one()
    assert row.case_reference == SHORT_AWKWARD
    assert row.detail == {"quote": AWKWARD, "list": [1, 2]}
    assert row.at == datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC)


def test_rollback_undoes_sent_and_unsent_statements(app, driver):
    with driver.direct():
        driver.execute(APPEND, _event(hash="b" * 64))
        assert driver.execute(BY_HASH, {"hash": "b" * 64}).first() is not None  # sent and run
        driver.execute(APPEND, _event(hash="c" * 64))  # queued on PostgreSQL
        driver.rollback()
    assert _ours() == []


def test_commits_without_waiting_settle_in_order(app, driver):
    """commit(wait=False) hands back an Outcome at once; at most `depth` stay unsettled, and
    settle() waits for the rest."""
    driver.depth = 2
    with driver.direct():
        outcomes = []
        for mark in "def":
            driver.execute(APPEND, _event(hash=mark * 64))
            outcomes.append(driver.commit(wait=False))
        assert outcomes[0].committed  # the third commit made room by settling the oldest
        driver.settle()
        assert all(outcome.committed for outcome in outcomes) and driver.unsettled == 0
    assert _ours() == ["d" * 64, "e" * 64, "f" * 64]


def test_a_failing_statement_aborts_its_transaction_only(app, driver):
    """The statement after the failing one is skipped, nothing of that transaction is kept,
    and the transactions sent before and after it are kept, on both databases."""
    with driver.direct():
        driver.execute(APPEND, _event(hash="1" * 64))
        first = driver.commit(wait=False)
        driver.execute(APPEND, _event(hash="2" * 64))
        driver.execute(APPEND, _event(hash="1" * 64))  # the unique hash again
        skipped = driver.execute(APPEND, _event(hash="3" * 64))
        failed = driver.commit(wait=False)
        driver.execute(APPEND, _event(hash="4" * 64))
        last = driver.commit(wait=False)
        driver.settle()
    assert first.committed and last.committed
    assert failed.settled and not failed.committed and "unique" in str(failed.error).lower()
    with pytest.raises(Skipped):
        _ = skipped.rowcount
    assert _ours() == ["1" * 64, "4" * 64]


def test_waiting_commit_raises_the_error(app, driver):
    with driver.direct():
        driver.execute(APPEND, _event(hash="5" * 64))
        driver.execute(APPEND, _event(hash="5" * 64))
        with pytest.raises(Exception, match="(?i)unique"):
            driver.commit()
    assert _ours() == []


def test_leaving_direct_after_an_error_keeps_earlier_commits_only(app, driver):
    with pytest.raises(RuntimeError, match="stop"), driver.direct():
        driver.execute(APPEND, _event(hash="f" * 64))
        driver.commit(wait=False)
        driver.execute(APPEND, _event(hash="9" * 64))
        driver.send()  # run on the server, never committed
        raise RuntimeError("stop")
    assert _ours() == ["f" * 64]


def test_rowcount_and_a_failing_statement(app, driver):
    case = make_case()
    db.session.commit()
    cases = Case.__table__
    move = (
        update(cases)
        .where(cases.c.id == bindparam("the_case"))
        .values(
            disposed_on=bindparam("day", type_=cases.c.disposed_on.type),
            updated_at=bindparam("moment", type_=cases.c.updated_at.type),
        )
    )
    moment = datetime(2026, 11, 23, tzinfo=UTC)
    with driver.direct():
        assert driver.execute(move, {"the_case": case.id, "day": date(2026, 11, 23), "moment": moment}).rowcount == 1
        assert (
            driver.execute(move, {"the_case": case.id + 999, "day": date(2026, 11, 23), "moment": moment}).rowcount == 0
        )
        driver.commit()
    db.session.expire_all()
    assert db.session.get(Case, case.id).disposed_on == date(2026, 11, 23)
    with driver.direct():
        driver.execute(APPEND, _event(hash="7" * 64))
        with pytest.raises(Exception):  # noqa: B017  (each database raises its own IntegrityError)
            _ = driver.execute(APPEND, _event(hash="7" * 64)).rowcount  # the unique hash, twice
    # The failed transaction was rolled back whole; the connection still works.
    with driver.direct():
        driver.execute(APPEND, _event(hash="8" * 64))
        driver.commit()
    assert _ours() == ["8" * 64]


def test_python_defaults_and_statements_outside_direct_are_refused(app, driver):
    """A column the ORM would fill in (updated_at on every change of a case) must be given:
    silently leaving it stale would be worse than the error."""
    with pytest.raises(RuntimeError, match="direct"):
        driver.execute(APPEND, _event())
    cases = Case.__table__
    touch = (
        update(cases)
        .where(cases.c.id == bindparam("the_case"))
        .values(disposed_on=bindparam("day", type_=cases.c.disposed_on.type))
    )
    with driver.direct(), pytest.raises(ValueError, match="updated_at"):
        driver.execute(touch, {"the_case": 1, "day": date(2026, 11, 23)})


def test_a_statement_first_used_in_a_failing_transaction_still_serves_the_next(app, driver):
    """The failing transaction is the first to use RENAME; the next transaction, sent before
    the failure is known, uses it too and is kept."""
    rename = update(EVENTS).where(EVENTS.c.hash == bindparam("old")).values(hash=bindparam("new"))
    with driver.direct():
        driver.execute(APPEND, _event(hash="a1" * 32))
        driver.commit()
        driver.execute(APPEND, _event(hash="a1" * 32))  # fails: the unique hash again
        driver.execute(rename, {"old": "a1" * 32, "new": "b2" * 32})
        failed = driver.commit(wait=False)
        driver.execute(rename, {"old": "a1" * 32, "new": "c3" * 32})
        kept = driver.commit(wait=False)
        driver.settle()
    assert not failed.committed and kept.committed, kept.error
    assert _ours() == ["c3" * 32]
