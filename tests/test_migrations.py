"""Migrations build the schema on empty databases and agree with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from desk import create_app
from desk.extensions import db
from tests.conftest import TEST_CONFIG


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/empty.sqlite3"
    server = request.getfixturevalue("postgres_server")
    name = f"migr_{tmp_path.name[-12:].replace('-', '_').lower()}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def test_upgrade_on_empty_database_matches_models(empty_database_url, tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_upgrade_keeps_existing_holds_and_approvals(empty_database_url, tmp_path):
    """A database at 0004 with a standing hold and a decision approval: after upgrading, the
    held case is flagged (disposal refuses it) and the approval is a decision's."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0004_retention")
        with db.engine.begin() as conn:
            for case_id in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO cases (id, reference, channel, arrived_on, received_at, language, status, "
                        "requester_type, statutory_horizon_on, possible_duplicate, created_at, updated_at) VALUES "
                        "(:id, :ref, 'web', '2024-01-05', '2024-01-05 01:00:00+00', 'ja', 'completed', 'principal', "
                        "'2024-01-19', FALSE, '2024-01-05 01:00:00+00', '2024-01-05 01:00:00+00')"
                    ),
                    {"id": case_id, "ref": f"2024-00000{case_id}"},
                )
            conn.execute(
                text(
                    "INSERT INTO legal_holds (case_id, reason, placed_at) VALUES (1, '訴訟', '2025-01-01 00:00:00+00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO approvals (case_id, result, submitted_at) "
                    "VALUES (2, 'approved', '2024-01-10 00:00:00+00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            assert dict(conn.execute(text("SELECT id, on_hold FROM cases")).all()) == {1: True, 2: False}
            assert conn.execute(text("SELECT kind, reason FROM approvals")).one() == ("decision", None)
            assert conn.execute(text("SELECT count(*) FROM legal_holds")).scalar() == 1
        # The database now refuses to dispose of the held case, and to record a case twice.
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE cases SET status = 'disposed' WHERE id = 1"))
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE cases SET status = 'disposed' WHERE id = 2"))
            conn.execute(
                text(
                    "INSERT INTO disposal_runs (id, started_at, as_of, actor_kind, case_count, "
                    "document_count) VALUES (1, '2026-11-23 00:00:00+00', '2026-11-23', 'cli', 1, 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO disposed_cases (run_id, case_id, reference, closed_on, documents) "
                    "VALUES (1, 2, '2024-000002', '2024-01-19', 0)"
                )
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO disposed_cases (run_id, case_id, reference, closed_on, documents) "
                    "VALUES (1, 2, '2024-000002', '2024-01-19', 0)"
                )
            )
        db.engine.dispose()


def test_upgrade_rebuilds_search_keys_by_the_one_normaliser(empty_database_url, tmp_path):
    """People stored with the old search keys are found the new way after 0009: 髙橋 as
    高橋, a hiragana name as katakana, +81 as 0; downgrading gives the old keys back."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    people = {
        1: ("髙橋 一郎", "たかはし いちろう", "+81 90-1234-5678", "Ichiro@Example.jp"),
        2: ("さくら", None, "03-1234-5678", None),
    }
    old_keys = {
        1: ("髙橋一郎", "タカハシイチロウ", "819012345678", "ichiro@example.jp"),
        2: ("さくら", None, "0312345678", None),
    }
    with app.app_context():
        upgrade(revision="0008_audit_keyed")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cases (id, reference, channel, arrived_on, received_at, language, status, "
                    "requester_type, statutory_horizon_on, possible_duplicate, on_hold, created_at, updated_at) VALUES "
                    "(1, '2026-000001', 'web', '2026-11-02', '2026-11-02 01:00:00+00', 'ja', 'received', 'principal', "
                    "'2026-11-16', FALSE, FALSE, '2026-11-02 01:00:00+00', '2026-11-02 01:00:00+00')"
                )
            )
            for person_id, (name, kana, phone, email) in people.items():
                nk, kk, pk, ek = old_keys[person_id]
                conn.execute(
                    text(
                        "INSERT INTO requesters (id, case_id, role, name, furigana, phone, email, name_key, kana_key, "
                        "phone_key, email_key) VALUES (:id, 1, :role, :name, :kana, :phone, :email, :nk, :kk, :pk, :ek)"
                    ),
                    {
                        "id": person_id,
                        "role": "principal" if person_id == 1 else "proxy",
                        "name": name,
                        "kana": kana,
                        "phone": phone,
                        "email": email,
                        "nk": nk,
                        "kk": kk,
                        "pk": pk,
                        "ek": ek,
                    },
                )
        upgrade()

        def keys():
            with db.engine.connect() as conn:
                return {
                    row[0]: tuple(row[1:])
                    for row in conn.execute(
                        text("SELECT id, name_key, kana_key, phone_key, email_key FROM requesters ORDER BY id")
                    )
                }

        assert keys() == {
            1: ("高橋一郎", "タカハシイチロウ", "09012345678", "ichiro@example.jp"),
            2: ("サクラ", None, "0312345678", None),
        }
        downgrade(revision="0008_audit_keyed")
        assert keys() == old_keys
        db.engine.dispose()


def test_upgrade_brings_targets_back_within_the_horizon(empty_database_url, tmp_path):
    """0011: a stored target past the horizon returns to it, unless the case was paused or extended."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0010_staff_accounts")
        with db.engine.begin() as conn:
            for case_id in (1, 2, 3):
                conn.execute(
                    text(
                        "INSERT INTO cases (id, reference, channel, arrived_on, received_at, language, status, "
                        "requester_type, statutory_horizon_on, internal_target_on, possible_duplicate, on_hold, "
                        "created_at, updated_at) VALUES (:id, :ref, 'web', '2026-12-18', '2026-12-18 01:00:00+00', 'ja', "
                        "'in_progress', 'principal', '2027-01-01', '2027-01-12', FALSE, FALSE, "
                        "'2026-12-18 01:00:00+00', '2026-12-18 01:00:00+00')"
                    ),
                    {"id": case_id, "ref": f"2026-00000{case_id}"},
                )
            conn.execute(
                text(
                    "INSERT INTO case_pauses (id, case_id, reason, started_on, ended_on, due_on) "
                    "VALUES (1, 2, 'fee', '2026-12-21', '2026-12-24', '2027-01-04')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO case_extensions (id, case_id, business_days, reason, decided_on) "
                    "VALUES (1, 3, 5, '調査に時間を要するため', '2026-12-22')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            targets = dict(conn.execute(text("SELECT id, internal_target_on FROM cases ORDER BY id")).all())
        assert {k: str(v) for k, v in targets.items()} == {1: "2027-01-01", 2: "2027-01-12", 3: "2027-01-12"}
        db.engine.dispose()


def test_upgrade_fills_the_given_name_keys(empty_database_url, tmp_path):
    """After 0018 a person stored before it is found by the given name alone (美咲, ミサキ)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0017_throttle_counters")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cases (id, reference, channel, arrived_on, received_at, language, status, "
                    "requester_type, statutory_horizon_on, possible_duplicate, on_hold, created_at, updated_at) VALUES "
                    "(1, '2026-000001', 'web', '2026-11-02', '2026-11-02 01:00:00+00', 'ja', 'received', 'principal', "
                    "'2026-11-16', FALSE, FALSE, '2026-11-02 01:00:00+00', '2026-11-02 01:00:00+00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO requesters (id, case_id, role, name, furigana) VALUES "
                    "(1, 1, 'principal', '鈴木　美咲', 'すずき みさき'), (2, 1, 'proxy', '鈴木太郎', NULL)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, given_key, given_kana_key FROM requesters ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "美咲", "ミサキ"), (2, None, None)]
        downgrade(revision="0017_throttle_counters")
        db.engine.dispose()


def test_upgrade_rebuilds_the_provision_index_from_the_stored_lists(empty_database_url, tmp_path):
    """After 0026, 0028 and 0029 a list indexed before them (combined digests under 0025,
    fields in sealed buckets under 0028) is marked to be indexed again; `desk daily`'s step
    indexes it from the stored encrypted list, stores that list again in pieces, and the
    person is found."""
    from datetime import date

    from sqlalchemy import select

    from desk.provisions import service as provisions
    from desk.provisions.index import find_person, wanted_person
    from desk.provisions.models import ProvisionRecord, RecordBucket
    from desk.storage import service as storage

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0025_consent_dropped_purposes")
        party = provisions.save_counterparty(None, {"code": "c", "name": "株式会社シー", "active": True}, actor=None)
        listed = "氏名,生年月日,電話番号\r\n髙橋 美咲,1985-03-09,090-1234-5678\r\n".encode()
        kept = ProvisionRecord()
        storage.store(kept, listed, "text/csv")  # stored whole, as every list was
        db.session.execute(
            text(
                "INSERT INTO provision_records (direction, occurred_on, counterparty_id, basis, items, list_name, "
                "via, person_count, indexed_count, indexed_at, created_at, keep_until, on_hold, storage_name, "
                "wrapped_key, media_type, size) VALUES ('provision', '2026-12-01', :party, 'consent', '氏名', "
                "'l.csv', 'manual', 1, 1, '2026-12-01 10:00:00', '2026-12-01 10:00:00', '2029-12-01', :no, :name, "
                ":key, 'text/csv', :size)"
            ),
            {"party": party.id, "no": False, "name": kept.storage_name, "key": kept.wrapped_key, "size": len(listed)},
        )
        record_id = db.session.scalar(text("SELECT id FROM provision_records"))
        db.session.execute(
            text("INSERT INTO provision_record_people (id, record_id, row, birth_key) VALUES (1, :r, 1, :k)"),
            {"r": record_id, "k": b"\x01" * 16},
        )
        db.session.commit()
        db.session.remove()
        upgrade(revision="0028_provision_index_buckets")
        assert "provision_record_people" not in db.inspect(db.engine).get_table_names()
        db.session.execute(
            text("INSERT INTO provision_record_buckets (record_id, bucket, sealed) VALUES (:r, 7, :s)"),
            {"r": record_id, "s": b"\x00" * 40},  # a bucket of fields, as 0028 sealed them
        )
        db.session.execute(text("UPDATE provision_records SET indexed_at = created_at, indexed_count = 1"))
        db.session.commit()
        db.session.remove()
        upgrade()
        entry = db.session.get(ProvisionRecord, record_id)
        assert entry.indexed_at is None and entry.indexed_count == 0 and entry.wrapped_key is not None
        assert db.session.scalar(select(db.func.count()).select_from(RecordBucket)) == 0
        assert provisions.index_pending() == [entry.number]
        assert db.session.scalar(select(db.func.count()).select_from(RecordBucket)) == 1
        assert entry.storage_name != kept.storage_name and storage.Pieces(entry).count == 2
        assert storage.read(entry) == listed
        assert not storage.path_of(kept.storage_name).exists()  # the list stored whole is gone
        hits = find_person(wanted_person("高橋 美咲", date(1985, 3, 9)))
        assert [h.record.id for h in hits] == [record_id]
        assert db.session.scalar(select(ProvisionRecord.indexed_count)) == 1
        db.session.remove()
        downgrade(revision="0025_consent_dropped_purposes")
        db.engine.dispose()


def test_0028_upgrades_a_people_table_left_without_its_name_index(empty_database_url, tmp_path):
    """Under 0026 an indexing run dropped the name's index before a large load; on SQLite the
    drop took effect at once, so a run interrupted there left the table without it. 0028
    upgrades such a database too."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0027_consent_screening_index")
        db.session.execute(text("DROP INDEX ix_provision_record_people_name_key"))
        db.session.commit()
        db.session.remove()
        upgrade()
        assert "provision_record_people" not in db.inspect(db.engine).get_table_names()
        assert "provision_record_buckets" in db.inspect(db.engine).get_table_names()
        db.session.remove()
        downgrade(revision="0027_consent_screening_index")
        db.engine.dispose()
