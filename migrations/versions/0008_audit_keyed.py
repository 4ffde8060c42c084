"""the audit trail is chained by HMAC under a key derived from the master key

Revision ID: 0008_audit_keyed
Revises: 0007_disposal_guards
Create Date: 2026-11-24 09:00:00

Until now each event carried a plain SHA-256 of its content and its predecessor's hash:
anyone able to write to the database could rewrite the trail from any point and recompute
the hashes. From here every event carries an HMAC-SHA256 under a key derived from
MASTER_KEY (HKDF, "desk: audit trail chain"), so the existing events are re-keyed here, in
id order, rather than kept as a plain prefix beside keyed events: a plain prefix would stay
as rewritable as before, and one rule for every event leaves no version to downgrade to.

The plain chain is checked first. What it finds is written into the keyed trail as one
event, "audit.keyed" (events re-keyed; "intact", or "broken" with the first bad event), so a
break made before the upgrade stays on record; `flask desk audit-verify` reports it. The
upgrade is not refused for it: refusing would leave the trail unkeyed for good.

The MAC covers the same fields as desk.audit.service.event_body; this script keeps its own
copy so that it does not change when the application does. Downgrading is not possible:
the plain hashes are gone and would prove nothing against a database writer anyway.
"""
import hashlib
import hmac
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

import desk.types

revision = "0008_audit_keyed"
down_revision = "0007_disposal_guards"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 2000

_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer), sa.column("at", desk.types.UTCDateTime()), sa.column("actor_id", sa.Integer),
    sa.column("actor_kind", sa.String), sa.column("action", sa.String), sa.column("case_id", sa.Integer),
    sa.column("case_reference", sa.String), sa.column("from_status", sa.String), sa.column("to_status", sa.String),
    sa.column("detail", sa.JSON), sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
_head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("last_id", sa.Integer),
                 sa.column("last_hash", sa.String))


def _body(prev_hash: str, event) -> bytes:
    return json.dumps({
        "prev": prev_hash,
        "at": event["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event["actor_id"], "actor_kind": event["actor_kind"], "action": event["action"],
        "case_id": event["case_id"], "case_reference": event["case_reference"],
        "from": event["from_status"], "to": event["to_status"], "detail": event["detail"] or {},
    }, sort_keys=True, ensure_ascii=False).encode()


def _plain(prev_hash: str, event) -> str:
    return hashlib.sha256(_body(prev_hash, event)).hexdigest()


def upgrade():
    connection = op.get_bind()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"desk: audit trail chain").derive(current_app.config["MASTER_KEY"].encode())
    keyed = lambda prev, event: hmac.new(key, _body(prev, event), hashlib.sha256).hexdigest()  # noqa: E731

    old_prev, new_prev, last_id, count, broken_at = GENESIS, GENESIS, 0, 0, None
    while True:
        rows = connection.execute(sa.select(_events).where(_events.c.id > last_id)
                                  .order_by(_events.c.id).limit(BATCH)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            event = row._mapping
            if broken_at is None and (event["prev_hash"] != old_prev or _plain(old_prev, event) != event["hash"]):
                broken_at = event["id"]
            old_prev = event["hash"]
            new_hash = keyed(new_prev, event)
            changes.append({"the_id": event["id"], "new_prev": new_prev, "new_hash": new_hash})
            new_prev, last_id = new_hash, event["id"]
            count += 1
        connection.execute(_events.update().where(_events.c.id == sa.bindparam("the_id"))
                           .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")), changes)
    if count == 0:
        return  # a new database: nothing to re-key, nothing to report
    head = connection.execute(sa.select(_head.c.last_id, _head.c.last_hash).where(_head.c.id == 1)).first()
    if broken_at is None and (head is None or head.last_id != last_id or head.last_hash != old_prev):
        broken_at = head.last_id if head is not None else last_id  # the newest events had been cut off
    detail = {"events": count, "plain_chain": "intact" if broken_at is None else "broken"}
    if broken_at is not None:
        detail["broken_at"] = broken_at
    event = {"at": datetime.now(UTC).replace(microsecond=0), "actor_id": None, "actor_kind": "system",
             "action": "audit.keyed", "case_id": None, "case_reference": None, "from_status": None,
             "to_status": None, "detail": detail}
    new_hash = keyed(new_prev, event)
    connection.execute(_events.insert().values(**event, prev_hash=new_prev, hash=new_hash))
    new_id = connection.execute(sa.select(_events.c.id).where(_events.c.hash == new_hash)).scalar_one()
    if head is None:
        connection.execute(_head.insert().values(id=1, last_id=new_id, last_hash=new_hash))
    else:
        connection.execute(_head.update().where(_head.c.id == 1).values(last_id=new_id, last_hash=new_hash))


def downgrade():
    raise RuntimeError("the audit trail cannot be un-keyed: its plain hashes are gone")
