"""The register: automatic entry from decisions, manual entries, import, keyed hashes, search."""

from datetime import date

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select

from desk.audit.models import AuditEvent
from desk.extensions import db
from desk.suppression import entries, keys
from desk.suppression.errors import SuppressionError
from desk.suppression.models import SuppressionEntry
from tests.helpers import make_staff
from tests.suppression.conftest import complete_case, write_csv


def _entries():
    return list(db.session.scalars(select(SuppressionEntry).order_by(SuppressionEntry.id)))


def test_completed_stop_provision_puts_the_principal_on_the_register(app):
    """A stop_provision item done puts the principal on with scope third-party provision, case and date."""
    case = complete_case(("stop_provision",), on=date(2026, 11, 20))
    [entry] = _entries()
    assert entry.scope == "third_party_provision" and entry.origin == "decision"
    assert entry.source_case_id == case.id and entry.source_reference == case.reference
    assert entry.added_on == date(2026, 11, 20)
    assert entry.display_name == "山＊ 花＊"
    assert all((entry.name_hash, entry.kana_hash, entry.birth_date_hash, entry.phone_hash, entry.address_hash))
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "suppression.added" in actions


def test_cessation_done_is_all_use_and_wins_over_stop_provision(app):
    """Erasure/cessation done gives scope all use; with both kinds one entry of the wider scope."""
    complete_case(("cessation", "stop_provision"))
    [entry] = _entries()
    assert entry.scope == "all_use"


def test_alternative_measure_also_suppresses_but_refusal_does_not(app):
    """An alternative measure is recorded as such on the register; a refusal adds nobody."""
    complete_case(("stop_provision",), outcome="alternative_measure")
    complete_case(("stop_provision",), outcome="refused", name="佐藤 次郎")
    complete_case(("disclosure",), outcome="disclosed", name="鈴木 三郎")
    [entry] = _entries()
    assert entry.origin == "alternative_measure"


def test_register_keeps_no_personal_data_in_clear(app):
    """Nothing the person wrote is stored in clear: hashes differ from a plain SHA-256 and from each other."""
    import hashlib

    complete_case(("stop_provision",))
    row = db.session.execute(select(SuppressionEntry.__table__)).mappings().one()
    stored = " ".join(str(v) for v in row.values())
    # Whole values, not 4-digit fragments: a hex digest or a timestamp's microseconds hold "1234" by chance.
    for secret in ("山田", "花子", "ヤマダ", "1980-04-01", "19800401", "03-1234-5678", "0312345678", "神宮前", "渋谷"):
        assert secret not in stored
    assert row["name_hash"] != hashlib.sha256("山田花子".encode()).hexdigest()
    assert len({row["name_hash"], row["kana_hash"], row["phone_hash"], row["address_hash"]}) == 4


def test_keys_depend_on_the_master_key(app, app_config):
    """The same name hashes differently under another instance's master key (HKDF-derived HMAC key)."""
    mine = keys.hashed(keys.person_keys(name="山田 花子"))["name"]
    other = keys.Hasher(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=keys.HKDF_INFO).derive(b"another master key")
    )
    assert mine != other("name", "山田花子").hex()
    assert mine == keys.hashed(keys.person_keys(name="山田　花子"))["name"]


def test_manual_entry_needs_more_than_a_name(app):
    """A name alone could never match safely, so it is refused with the field named."""
    officer = make_staff("officer")
    try:
        entries.add_entry(name="田中 一郎", scope="all_use", actor=officer)
    except SuppressionError as error:
        assert error.field == "birth_date" and "生年月日" in error.message("ja")
    else:
        raise AssertionError("a name-only entry was accepted")
    entry = entries.add_entry(name="田中 一郎", phone="080-1111-2222", scope="all_use", actor=officer)
    db.session.commit()
    assert entry.added_by_id == officer.id and entry.origin == "manual"


def test_search_hashes_the_query(app):
    """Typing a name (any notation), phone, address or date finds the entry; a surname alone does not."""
    entries.add_entry(
        name="髙橋 一郎",
        kana="タカハシ イチロウ",
        birth_date="1975-06-01",
        phone="03-5555-1234",
        address="東京都新宿区西新宿二丁目8番1号",
        scope="third_party_provision",
    )
    entries.add_entry(name="佐藤 花子", phone="090-0000-0000", scope="third_party_provision")
    db.session.commit()
    for query in ("高橋一郎", "たかはし いちろう", "0355551234", "新宿区西新宿2-8-1", "昭和50年6月1日", "S-1"):
        assert [e.display_name for e in entries.search(query)] == ["髙＊ 一＊"], query
    assert entries.search("高橋") == []
    assert entries.search("") == []


def test_import_from_csv_all_or_nothing(app, runner, tmp_path):
    """suppression-import adds every row, or none when a row is bad (naming its line)."""
    good = write_csv(
        tmp_path / "old.csv",
        [
            ["氏名", "フリガナ", "生年月日", "電話番号", "住所", "範囲"],
            ["山田 太郎", "ヤマダ タロウ", "1970/1/2", "03-1111-2222", "大阪府大阪市北区梅田1-1-1", "利用停止"],
            ["鈴木 花", "", "", "090-3333-4444", "", ""],
        ],
        encoding="cp932",
    )
    result = runner.invoke(args=["desk", "suppression-import", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.output
    assert [e.scope for e in _entries()] == ["all_use", "third_party_provision"]
    bad = write_csv(tmp_path / "bad.csv", [["氏名", "電話番号"], ["佐藤 一", "03-9999-0000"], ["伊藤 二", "なし"]])
    result = runner.invoke(args=["desk", "suppression-import", str(bad)])
    assert result.exit_code != 0 and "line 3" in result.output and "nothing was imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(SuppressionEntry)) == 2
