"""Tampering with the audit trail by someone who can write to the database but does not hold
the master key: every kind of edit is named by `verify`, and a cut-off tail by the exported head."""

import hashlib
import json

import pytest
from sqlalchemy import delete, insert, select, text, update

from desk.audit.models import AuditEvent, AuditHead
from desk.audit.service import HeadRefused, event_body, export_head, read_head, record, verify
from desk.extensions import db
from tests.helpers import make_case, make_staff

EVENTS = AuditEvent.__table__
HEAD = AuditHead.__table__


def _trail(n=8):
    officer = make_staff("officer")
    case = make_case()
    for _ in range(n):
        record("case.viewed", actor=officer, case=case)
    db.session.commit()


def _rows() -> list[dict]:
    return [dict(r._mapping) for r in db.session.execute(select(EVENTS).order_by(EVENTS.c.id))]


def _ids() -> list[int]:
    return [r["id"] for r in _rows()]


def _plain(prev: str, event) -> str:
    """The chain as it was before it was keyed: anyone can compute it."""
    return hashlib.sha256(event_body(prev, event)).hexdigest()


def _rechain_plainly(start_index: int) -> None:
    """Recompute prev_hash and hash of every event from `start_index` on with plain SHA-256,
    and move the head: the rewrite that used to pass as intact."""
    rows = _rows()
    prev = rows[start_index - 1]["hash"] if start_index else "0" * 64
    for row in rows[start_index:]:
        new_hash = _plain(prev, row)
        db.session.execute(update(EVENTS).where(EVENTS.c.id == row["id"]).values(prev_hash=prev, hash=new_hash))
        prev = new_hash
    db.session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_id=rows[-1]["id"], last_hash=prev))
    db.session.commit()


def test_altered_detail_is_named(app):
    """Changing one event's detail breaks its MAC."""
    _trail()
    victim = _ids()[4]
    db.session.execute(update(EVENTS).where(EVENTS.c.id == victim).values(detail={"document_id": 99}))
    db.session.commit()
    result = verify()
    assert not result.ok and result.bad_event_id == victim and "MAC" in result.reason


def test_deleted_event_is_named_at_its_successor(app):
    _trail()
    ids = _ids()
    db.session.execute(delete(EVENTS).where(EVENTS.c.id == ids[3]))
    db.session.commit()
    result = verify()
    assert not result.ok and result.bad_event_id == ids[4]


def test_reordered_events_are_detected(app):
    """Two events swap places (their whole rows, MACs included)."""
    _trail()
    rows = _rows()
    a, b = rows[3], rows[5]
    columns = [c for c in a if c != "id"]
    db.session.execute(update(EVENTS).where(EVENTS.c.id == a["id"]).values(hash="x" * 64))
    db.session.execute(update(EVENTS).where(EVENTS.c.id == b["id"]).values({c: a[c] for c in columns}))
    db.session.execute(update(EVENTS).where(EVENTS.c.id == a["id"]).values({c: b[c] for c in columns}))
    db.session.commit()
    result = verify()
    assert not result.ok and result.bad_event_id == a["id"]


def test_inserted_event_is_detected(app):
    """A made-up event slipped in between two others, linked to its predecessor by hand."""
    _trail()
    rows = _rows()
    before = rows[2]
    # Make room: move every later event up by 1000 (the order is kept).
    db.session.execute(text("UPDATE audit_events SET id = id + 1000 WHERE id > :id"), {"id": before["id"]})
    forged = {**before, "id": before["id"] + 1, "action": "staff.login", "detail": {}, "prev_hash": before["hash"]}
    forged["hash"] = _plain(before["hash"], forged)
    db.session.execute(insert(EVENTS).values(forged))
    db.session.commit()
    result = verify()
    assert not result.ok and result.bad_event_id == forged["id"]


def test_appended_event_with_a_plain_hash_is_detected(app):
    """An event added at the end, head moved to it, hash computed the old way."""
    _trail()
    last = _rows()[-1]
    forged = {**last, "id": last["id"] + 1, "action": "case.note_added", "prev_hash": last["hash"]}
    forged["hash"] = _plain(last["hash"], forged)
    db.session.execute(insert(EVENTS).values(forged))
    db.session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_id=forged["id"], last_hash=forged["hash"]))
    db.session.commit()
    result = verify()
    assert not result.ok and result.bad_event_id == forged["id"]


@pytest.mark.parametrize("start", [0, 3])
def test_delete_and_rechain_with_recomputed_plain_hashes_is_detected(app, start):
    """The rewrite that used to pass: remove an event, recompute every later hash, move the head."""
    _trail()
    ids = _ids()
    db.session.execute(delete(EVENTS).where(EVENTS.c.id == ids[start]))
    db.session.commit()
    _rechain_plainly(start)
    result = verify()
    assert not result.ok and result.bad_event_id == ids[start + 1]


def test_cut_tail_is_caught_by_the_exported_head(app):
    """Deleting the newest events and moving the head back leaves a consistent chain: only
    the head an auditor kept outside the database shows it."""
    _trail()
    head = read_head(json.dumps(export_head()))
    ids = _ids()
    rows = _rows()
    db.session.execute(delete(EVENTS).where(EVENTS.c.id.in_(ids[-3:])))
    db.session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_id=rows[-4]["id"], last_hash=rows[-4]["hash"]))
    db.session.commit()
    assert verify().ok  # what a chain alone cannot see
    result = verify(head=head)
    assert not result.ok and "cut off" in result.reason


def test_the_exported_head_is_reached_by_a_longer_trail(app):
    """Events after the export are fine: the trail still leads through the exported head."""
    _trail()
    head = read_head(json.dumps(export_head()))
    record("case.viewed", case_id=1, case_reference="2026-000001")
    db.session.commit()
    assert verify(head=head).ok


def test_an_altered_head_file_is_refused(app):
    _trail()
    exported = export_head()
    with pytest.raises(HeadRefused):
        read_head(json.dumps({**exported, "last_id": exported["last_id"] - 2}))
    with pytest.raises(HeadRefused):
        read_head("not json")
    with pytest.raises(HeadRefused):  # not a TypeError from hmac.compare_digest
        read_head(json.dumps({**exported, "signature": "署名"}))


def test_another_master_key_makes_every_event_fail(app):
    """The MAC is the master key's: a copy of the database under another key verifies nothing."""
    _trail()
    app.config["MASTER_KEY"] = "some-other-master-key-0123456789abcdef"
    result = verify()
    assert not result.ok and result.bad_event_id == _ids()[0]


def test_cli_head_round_trip(app, runner, tmp_path):
    """`audit-head -o FILE` then `audit-verify --head FILE`; a cut tail fails with the head."""
    _trail()
    head_file = tmp_path / "head.json"
    exported = runner.invoke(args=["desk", "audit-head", "-o", str(head_file)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(head_file.read_text())["signature"]
    ok = runner.invoke(args=["desk", "audit-verify", "--head", str(head_file)])
    assert ok.exit_code == 0 and "reaches the exported head" in ok.output
    rows = _rows()
    db.session.execute(delete(EVENTS).where(EVENTS.c.id == rows[-1]["id"]))
    db.session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_id=rows[-2]["id"], last_hash=rows[-2]["hash"]))
    db.session.commit()
    assert runner.invoke(args=["desk", "audit-verify"]).exit_code == 0
    cut = runner.invoke(args=["desk", "audit-verify", "--head", str(head_file)])
    assert cut.exit_code != 0 and "cut off" in cut.output
    head_file.write_text(head_file.read_text().replace('"events": ', '"events": 1'))
    forged = runner.invoke(args=["desk", "audit-verify", "--head", str(head_file)])
    assert forged.exit_code != 0 and "signature" in forged.output


def _alter(rows):
    db.session.execute(update(EVENTS).where(EVENTS.c.id == rows[3]["id"]).values(action="staff.login", detail={}))


def _reorder(rows):
    a, b = rows[3], rows[5]
    columns = [c for c in a if c not in ("id", "hash", "prev_hash")]
    db.session.execute(update(EVENTS).where(EVENTS.c.id == a["id"]).values({c: b[c] for c in columns}))
    db.session.execute(update(EVENTS).where(EVENTS.c.id == b["id"]).values({c: a[c] for c in columns}))


def _insert(rows):
    db.session.execute(text("UPDATE audit_events SET id = id + 1000 WHERE id > :id"), {"id": rows[2]["id"]})
    forged = {**rows[2], "id": rows[2]["id"] + 1, "action": "staff.login", "detail": {}, "hash": "f" * 64}
    db.session.execute(insert(EVENTS).values(forged))


@pytest.mark.parametrize("edit", [_alter, _reorder, _insert], ids=["alter", "reorder", "insert"])
def test_any_edit_followed_by_a_rechain_with_recomputed_hashes_is_detected(app, edit):
    """Alter, reorder or insert events, then recompute every hash from the first event on
    (plain SHA-256, as anyone without the master key must) and move the head: a chain that
    is consistent in itself, and verify still names the first event it rewrote."""
    _trail()
    edit(_rows())
    db.session.commit()
    _rechain_plainly(0)
    result = verify()
    assert not result.ok and result.bad_event_id == _ids()[0] and "MAC" in result.reason
