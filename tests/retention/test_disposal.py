"""Disposal: nothing early, nothing late, nothing half-done; the skeleton and the audit trail survive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from desk.audit.models import AuditEvent
from desk.audit.service import record, verify
from desk.cases.models import Case, CaseExtension, CaseNote, Requester, RequestItem
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.models import Document
from desk.letters.models import Letter
from desk.retention import service
from desk.retention.models import DisposalRun, DisposedCase
from desk.storage import service as storage
from tests.conftest import TEST_MASTER_KEY
from tests.helpers import login, make_case, make_staff
from tests.retention.conftest import LETTER, SECRET, closed_case, stored_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _refs(rows) -> list[str]:
    return [row.reference for row in rows]


def test_exactly_two_years_is_not_due_one_day_later_is(app):
    """A case closed exactly two years before the as-of date is kept; the next day it is due."""
    case = closed_case(date(2024, 11, 22))
    assert case.reference not in _refs(service.due_cases(date(2026, 11, 22)))
    assert case.reference in _refs(service.due_cases(date(2026, 11, 23)))
    report = service.dispose(date(2026, 11, 22))
    assert report.disposed == [] and db.session.get(Case, case.id).status == "completed"


def test_leap_day_case_is_due_on_first_of_march(app, runner):
    """Closed on 29 Feb 2024: still kept on 28 Feb 2026, disposed on 1 Mar 2026."""
    case = closed_case(date(2024, 2, 29), "withdrawn")
    result = runner.invoke(args=["desk", "dispose", "--as-of", "2026-02-28"])
    assert result.exit_code == 0, result.output
    assert "disposed: 0 case(s)" in result.output
    result = runner.invoke(args=["desk", "dispose", "--as-of", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert f"disposed {case.reference}" in result.output
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "disposed"


def test_open_cases_are_never_disposed(app):
    """A case still open years after arrival is not touched."""
    case = make_case(arrived_on=date(2020, 1, 6))
    report = service.dispose(date(2030, 1, 1))
    assert report.disposed == []
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "received"
    assert db.session.scalar(select(func.count()).select_from(Requester).where(Requester.case_id == case.id)) == 1


def test_disposal_destroys_files_and_redacts_to_a_skeleton(app):
    """Keys shredded, files gone from disk, personal details erased, the skeleton kept."""
    case = closed_case(date(2024, 1, 10))
    other = closed_case(date(2025, 6, 1), name="佐藤 一郎")  # not yet due: untouched
    before = stored_files(app)
    assert len(before) == 6
    report = service.dispose(date(2026, 11, 23))
    assert report.disposed == [case.reference] and report.documents == 3
    db.session.expire_all()

    left = stored_files(app)
    assert len(left) == 3 and all(p in before for p in left)
    for row in [
        *db.session.scalars(select(Document).where(Document.case_id == case.id)),
        *db.session.scalars(select(Letter).where(Letter.case_id == case.id)),
    ]:
        assert row.wrapped_key is None and row.storage_name is None
    disposed_names = {p.name for p in before} - {p.name for p in left}
    assert len(disposed_names) == 3
    for path in Path(app.config["DOCUMENT_DIR"]).rglob("*"):
        assert path.name not in disposed_names
        if path.is_file():
            assert SECRET[:30] not in path.read_bytes() and LETTER[:30] not in path.read_bytes()

    case = db.session.get(Case, case.id)
    assert case.status == "disposed" and case.disposed_on == date(2026, 11, 23)
    assert case.closed_on == date(2024, 1, 10) and case.access_code_hash is None
    assert case.requester_type == "proxy" and case.proxy_kind == "parent" and case.channel == "web"
    assert case.requesters == [] and case.notes == []
    items = db.session.scalars(select(RequestItem).where(RequestItem.case_id == case.id).order_by(RequestItem.id)).all()
    assert [i.kind for i in items] == ["disclosure", "correction"]
    assert [i.outcome for i in items] == ["partly_disclosed", "corrected"]
    assert items[0].grounds == ["harm_to_person"]
    assert all(i.particulars is None and i.explanation is None and i.details == {} for i in items)
    assert db.session.scalar(select(FeePayment.note).where(FeePayment.case_id == case.id)) is None
    assert db.session.scalar(select(FeePayment.amount).where(FeePayment.case_id == case.id)) == 1000
    assert db.session.scalar(select(CaseExtension.reason).where(CaseExtension.case_id == case.id)) == ""
    assert db.session.scalar(select(Document.deficiency).where(Document.case_id == case.id)) is None

    kept = db.session.get(Case, other.id)
    assert kept.status == "completed" and kept.requesters[0].name == "佐藤 一郎"
    assert all(
        storage.read(d) == SECRET for d in db.session.scalars(select(Document).where(Document.case_id == other.id))
    )


def test_held_case_survives_until_released(app):
    """A legal hold stops disposal; released, the case goes at the next run; both acts audited, reason not."""
    supervisor = make_staff("supervisor")
    case = closed_case(date(2023, 5, 1))
    hold = service.place_hold(case, "開示請求訴訟（東京地裁 令和8年(ワ)第123号）", actor=supervisor)
    db.session.commit()
    assert service.dispose(date(2026, 11, 23)).disposed == []
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "completed"
    assert len(stored_files(app)) == 3

    service.release_hold(db.session.get(type(hold), hold.id), actor=supervisor)
    db.session.commit()
    assert service.dispose(date(2026, 11, 23)).disposed == [case.reference]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("retention.hold%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["retention.hold_placed", "retention.hold_released"]
    assert all(e.actor_id == supervisor.id and set(e.detail) == {"hold_id"} for e in events)


def test_hold_placed_after_the_listing_still_stops_the_case(app, monkeypatch):
    """The run lists its cases first; a hold placed between the listing and the case's turn
    is seen by the statement that moves the case, which takes the row lock place_hold takes.
    The cases sent after the held one (built on its audit event) are sent again and go."""
    supervisor = make_staff("supervisor")
    cases = [closed_case(date(2023, 5, day), files=day == 2) for day in (1, 2, 3, 4)]
    held = cases[1]
    db.session.commit()
    listed = service.due_cases

    def list_then_hold(as_of):
        due = listed(as_of)
        service.place_hold(db.session.get(Case, held.id), "訴訟の予告", actor=supervisor)
        db.session.commit()
        return due

    monkeypatch.setattr(service, "due_cases", list_then_hold)
    skipped = []
    report = service.dispose(date(2026, 11, 23), progress=lambda due, done: None if done else skipped.append(due.id))
    assert sorted(report.disposed) == sorted(c.reference for c in cases if c is not held)
    assert skipped == [held.id]
    db.session.expire_all()
    assert db.session.get(Case, held.id).status == "completed"
    assert len(db.session.get(Case, held.id).requesters) == 2  # the principal and the parent, untouched
    assert all(db.session.get(Case, c.id).status == "disposed" for c in cases if c is not held)
    assert len(stored_files(app)) == 3  # the held case's files; the others had none
    assert verify().ok


def test_other_appends_to_the_audit_trail_during_a_run(app):
    """Another server appends to the audit trail while the run goes: the case events built
    on the old head fail and are sent again; every case goes once and the chain stays whole."""
    cases = [closed_case(date(2023, 5, day), files=False) for day in (1, 2, 3, 4, 5)]
    db.session.commit()
    outsiders = []

    def meanwhile(due, done):
        if len(outsiders) < 2:  # after each of the first two cases
            record("staff.login", actor_kind="system")
            db.session.commit()
            outsiders.append(due.id)

    report = service.dispose(date(2026, 11, 23), progress=meanwhile)
    assert sorted(report.disposed) == sorted(c.reference for c in cases)
    assert db.session.scalar(select(func.count()).select_from(DisposedCase)) == 5
    moves = db.session.scalars(select(AuditEvent.case_id).where(AuditEvent.to_status == "disposed")).all()
    assert sorted(moves) == sorted(c.id for c in cases)  # one event per case, none lost or doubled
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "staff.login")) == 2
    )
    assert verify().ok


def test_hold_needs_a_reason_and_cannot_be_doubled(app):
    """An empty reason or a second hold is refused with a message."""
    supervisor = make_staff("supervisor")
    case = closed_case(date(2023, 5, 1), files=False)
    for reason in ("", "   "):
        try:
            service.place_hold(case, reason, actor=supervisor)
        except service.RetentionError as error:
            assert "理由" in error.message("ja")
        else:
            raise AssertionError("an empty reason was accepted")
    service.place_hold(case, "訴訟", actor=supervisor)
    db.session.commit()
    try:
        service.place_hold(case, "別の訴訟", actor=supervisor)
    except service.RetentionError as error:
        assert "already" in error.message("en")
    else:
        raise AssertionError("a second hold was accepted")


def test_dry_run_changes_nothing(app, runner):
    """--dry-run lists the due cases and leaves rows, files and the record alone."""
    case = closed_case(date(2024, 1, 10))
    files = {p: p.read_bytes() for p in stored_files(app)}
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = runner.invoke(args=["desk", "dispose", "--as-of", "2026-11-23", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would dispose {case.reference}" in result.output and "3 file(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "completed"
    assert db.session.get(Case, case.id).requesters[0].name == "山田 花子"
    assert {p: p.read_bytes() for p in stored_files(app)} == files
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert db.session.scalar(select(func.count()).select_from(DisposalRun)) == 0


def test_second_run_disposes_nothing_new_and_record_is_kept(app, runner):
    """Rerunning the same day finds nothing; each run is recorded with counts and references."""
    first, second = closed_case(date(2024, 1, 10)), closed_case(date(2024, 2, 1), "lapsed", files=False)
    assert runner.invoke(args=["desk", "dispose", "--as-of", "2026-11-23"]).exit_code == 0
    result = runner.invoke(args=["desk", "dispose", "--as-of", "2026-11-23"])
    assert "disposed: 0 case(s)" in result.output
    runs = db.session.scalars(select(DisposalRun).order_by(DisposalRun.id)).all()
    assert [(r.case_count, r.document_count, r.actor_kind) for r in runs] == [(2, 3, "cli"), (0, 0, "cli")]
    assert all(r.finished_at is not None and r.as_of == date(2026, 11, 23) for r in runs)
    assert _refs(service.lines_of(runs[0])) == [first.reference, second.reference]


def test_failed_file_deletion_is_retried_next_run(app, monkeypatch):
    """A file that could not be deleted stays listed and goes on the next run."""
    case = closed_case(date(2024, 1, 10))
    monkeypatch.setattr(service, "remove_file", lambda name, directory=None: False)
    report = service.dispose(date(2026, 11, 23))
    assert report.disposed == [case.reference] and report.files_left == 3
    assert len(stored_files(app)) == 3  # still on disk, but their keys are gone
    monkeypatch.undo()
    report = service.dispose(date(2026, 11, 24))
    assert report.disposed == [] and report.files_retried == 3
    assert stored_files(app) == []


def test_audit_trail_verifies_after_disposal(app, runner):
    """Disposal leaves the audit chain whole and adds the run's events."""
    case_id = closed_case(date(2024, 1, 10)).id
    assert runner.invoke(args=["desk", "dispose", "--as-of", "2026-11-23"]).exit_code == 0
    result = runner.invoke(args=["desk", "audit-verify"])
    assert result.exit_code == 0, result.output
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)).all()
    assert "case.transition" in actions and len(actions) > 5
    run_event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.disposal_run")).one()
    assert run_event.detail["cases"] == 1 and run_event.detail["documents"] == 3


def test_daily_job_disposes(app, runner):
    """`desk daily` includes the disposal step and records it as the system."""
    case = closed_case(date(2024, 1, 10), files=False)
    result = runner.invoke(args=["desk", "daily", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert f"disposed {case.reference}" in result.output
    assert db.session.scalars(select(DisposalRun)).one().actor_kind == "system"


def test_case_page_shows_the_redacted_skeleton(app, client):
    """After disposal the case page shows kinds, outcomes and grounds, no person, no note."""
    case = closed_case(date(2024, 1, 10))
    service.dispose(date(2026, 11, 23))
    login(client, make_staff("officer"))
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "廃棄済" in html and "一部開示" in html and "訂正等を実施" in html
    assert "個人情報は廃棄済みです" in html and "2026/11/23" in html
    for personal in ("山田", "090-1111", "A-778812", "渋谷", "hanako@", "切手で受領"):
        assert personal not in html


def _subprocess_env(app) -> dict:
    return {
        **os.environ,
        "DESK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "DESK_DOCUMENT_DIR": app.config["DOCUMENT_DIR"],
        "DESK_INSTANCE_DIR": app.config["INSTANCE_DIR"],
        "DESK_MASTER_KEY": TEST_MASTER_KEY,
        "DESK_SECRET_KEY": "test-secret-key",
    }


def test_killed_run_leaves_nothing_half_done_and_rerun_finishes(app, runner):
    """SIGKILL part-way through a run; each case is wholly disposed or untouched; the next run finishes."""
    case_ids = [closed_case(date(2024, 1, d)).id for d in range(1, 7)]
    db.session.remove()  # no open transaction while the subprocess writes
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "desk",
            "dispose",
            "--as-of",
            "2026-11-23",
            "--pause-per-case",
            "0.6",
        ],
        cwd=PROJECT_ROOT,
        env=_subprocess_env(app),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()  # the first case is committed
        assert first.startswith("disposed "), first + process.stderr.read()
        time.sleep(0.3)  # inside the second case's transaction
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()

    db.session.remove()
    states = []
    for case_id in case_ids:
        case = db.session.get(Case, case_id)
        keys = [d.wrapped_key for d in db.session.scalars(select(Document).where(Document.case_id == case.id))]
        people = db.session.scalar(select(func.count()).select_from(Requester).where(Requester.case_id == case.id))
        notes = db.session.scalar(select(func.count()).select_from(CaseNote).where(CaseNote.case_id == case.id))
        if case.status == "disposed":
            assert keys == [None, None] and people == 0 and notes == 0 and case.access_code_hash is None
        else:
            assert case.status == "completed" and all(keys) and people == 2 and notes == 1
            assert case.access_code_hash is not None
        states.append(case.status)
    assert 1 <= states.count("disposed") < len(case_ids), states
    run = db.session.scalars(select(DisposalRun)).one()
    assert run.finished_at is None  # the record shows the run was cut short
    db.session.remove()

    result = runner.invoke(args=["desk", "dispose", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert all(db.session.get(Case, case_id).status == "disposed" for case_id in case_ids)
    assert stored_files(app) == []
    lines = db.session.scalars(select(DisposedCase.case_id)).all()
    assert sorted(lines) == sorted(case_ids)  # each case recorded once
    assert runner.invoke(args=["desk", "audit-verify"]).exit_code == 0


def test_an_area_can_register_its_own_personal_data(app):
    """A table registered with erase_at_disposal() is erased with the rest of the case."""
    from desk.cases import hooks
    from desk.decisions.models import Approval

    hooks.erase_at_disposal(app, Approval)  # stands in for an area's table keyed by case_id
    case = closed_case(date(2024, 2, 1), "lapsed", files=False)
    db.session.add(Approval(case_id=case.id, kind="lapse", reason="fee", result="approved"))
    db.session.commit()
    count = lambda: db.session.scalar(select(func.count()).select_from(Approval).where(Approval.case_id == case.id))  # noqa: E731
    assert count() == 1
    service.dispose(date(2026, 11, 23))
    assert count() == 0
