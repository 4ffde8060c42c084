"""The audit trail: chained, verifiable, and free of personal data."""

from datetime import date

from sqlalchemy import select, text

from desk.audit.models import AuditEvent
from desk.audit.service import record, verify
from desk.cases.service import transition
from desk.extensions import db
from tests.helpers import make_case, make_staff


def _trail(n=5):
    officer = make_staff("officer")
    case = make_case()
    for _ in range(n):
        record("case.viewed", actor=officer, case=case)
    db.session.commit()
    return case


def test_intact_trail_verifies(app):
    _trail()
    result = verify()
    assert result.ok and result.checked >= 7


def test_altered_event_is_named(app):
    _trail()
    victim = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(3)).first()
    db.session.execute(text("UPDATE audit_events SET action = 'case.nothing' WHERE id = :id"), {"id": victim.id})
    db.session.commit()
    db.session.expire_all()
    result = verify()
    assert not result.ok and result.bad_event_id == victim.id


def test_removed_event_is_detected_at_its_successor(app):
    _trail()
    ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    db.session.commit()
    result = verify()
    assert not result.ok and result.bad_event_id == ids[3]


def test_removed_newest_event_is_detected(app):
    _trail()
    last = db.session.scalar(select(db.func.max(AuditEvent.id)))
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    db.session.commit()
    assert not verify().ok


def test_cli_exit_codes(app, runner):
    _trail()
    ok = runner.invoke(args=["desk", "audit-verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    db.session.execute(text("UPDATE audit_events SET detail = '{\"x\": 1}' WHERE id = 2"))
    db.session.commit()
    broken = runner.invoke(args=["desk", "audit-verify"])
    assert broken.exit_code != 0
    assert "event 2" in broken.output


def test_no_personal_data_in_the_trail(app):
    """Names, addresses, phones and e-mails of the people never reach the audit trail."""
    officer = make_staff("officer")
    case = make_case(name="宮本 武蔵", furigana="ミヤモト ムサシ", phone="090-1111-2222", email="musashi@example.com")
    transition(case, "awaiting_fee", actor=officer, on=date(2026, 11, 3))
    transition(case, "verifying", actor=officer, on=date(2026, 11, 5))
    db.session.commit()
    dump = " ".join(str((e.action, e.detail, e.case_reference)) for e in db.session.scalars(select(AuditEvent)))
    for secret in ("宮本", "ミヤモト", "090-1111-2222", "musashi", "神宮前"):
        assert secret not in dump


def test_two_first_appends_at_once_both_land_on_one_chain(app):
    """On an empty trail two transactions append their first event at the same time (two
    workers, the first two submissions): the second waits for the first's head row instead of
    failing on its duplicate key (PostgreSQL gave 500), and the trail verifies with both."""
    import threading
    import time

    first = db.engine.connect()
    record("case.viewed", actor_kind="system", case_reference="2026-000001", connection=first)
    outcome = []

    def second():
        with app.app_context(), db.engine.connect() as connection:
            try:
                record("case.viewed", actor_kind="system", case_reference="2026-000002", connection=connection)
                connection.commit()
                outcome.append("appended")
            except Exception as error:  # noqa: BLE001 (the failure is what is looked at)
                outcome.append(type(error).__name__)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)  # the second append is waiting for the first's head row
    first.commit()
    first.close()
    thread.join(30)
    assert outcome == ["appended"]
    result = verify()
    assert result.ok and result.checked == 2
