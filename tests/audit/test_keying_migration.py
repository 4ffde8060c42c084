"""Upgrading a database whose trail was chained by plain SHA-256: every event is re-keyed,
the trail verifies, and what the plain chain looked like is kept on record."""

import hashlib
from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import insert, select, update

from desk import create_app
from desk.audit.models import AuditEvent, AuditHead
from desk.audit.service import event_body, verify
from desk.extensions import db
from tests.conftest import TEST_CONFIG
from tests.test_migrations import empty_database_url  # noqa: F401  (the fixture)

EVENTS = AuditEvent.__table__


def _plain_trail(n: int) -> None:
    """Events as desk wrote them before 0008: plain SHA-256 over the same body."""
    prev = "0" * 64
    start = datetime(2026, 1, 5, 1, 0, 0, 123456, tzinfo=UTC)
    with db.engine.begin() as conn:
        for i in range(n):
            event = {
                "at": start + timedelta(minutes=i),
                "actor_id": None,
                "actor_kind": "system",
                "action": "case.transition",
                "case_id": 7,
                "case_reference": "2026-000007",
                "from_status": "received",
                "to_status": "verifying",
                "detail": {"n": i},
            }
            digest = hashlib.sha256(event_body(prev, event)).hexdigest()
            conn.execute(insert(EVENTS).values(**event, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(insert(AuditHead.__table__).values(id=1, last_id=n, last_hash=prev))


def _app(url, tmp_path):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path)})


def test_plain_trail_is_rekeyed_and_verifies(empty_database_url, tmp_path):  # noqa: F811
    app = _app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0007_disposal_guards")
        _plain_trail(5)
        assert not verify().ok  # plain hashes are not the keyed chain's
        upgrade()
        result = verify()
        assert result.ok and result.checked == 6 and result.notes == []
        last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last.action == "audit.keyed" and last.detail == {"events": 5, "plain_chain": "intact"}
        db.session.remove()
        db.engine.dispose()


def test_a_plain_trail_broken_before_the_upgrade_stays_on_record(empty_database_url, tmp_path):  # noqa: F811
    app = _app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0007_disposal_guards")
        _plain_trail(5)
        with db.engine.begin() as conn:
            conn.execute(update(EVENTS).where(EVENTS.c.id == 3).values(action="case.nothing"))
        upgrade()
        result = verify()
        assert result.ok and result.notes and "broken at event 3" in result.notes[0]
        runner = app.test_cli_runner()
        output = runner.invoke(args=["desk", "audit-verify"]).output
        assert "note:" in output and "broken at event 3" in output
        db.session.remove()
        db.engine.dispose()
