"""The index of a recorded list: the register's own per-field digests, one row per person, the
screening's digests reused, the person found by the name's digest and the register's rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desk.extensions import db
from desk.provisions import service
from desk.provisions.index import find_person, person_digests
from desk.provisions.models import RecordPerson
from desk.suppression.keys import Hasher, hashed, matching_key, person_keys
from desk.suppression.matching import Matcher

LIST = (
    "氏名,生年月日,電話番号,住所\r\n"
    "髙橋 美咲,1985-03-09,090-1234-5678,東京都渋谷区神宮前1-2-3\r\n"
    "高橋 美咲,1990-01-01,,\r\n"
    "佐藤 一郎,,03-1111-2222,\r\n"
    ",1970-01-01,03-0000-0000,\r\n"
).encode()


def _record(parties, data=LIST):
    wanted = service.Particulars("provision", parties["client"], "consent", "氏名", date(2026, 12, 1))
    return service.record_list(wanted, data, list_name="l.csv", via="manual", index_now=False)


def test_rows_hold_the_registers_digests(app, parties):
    """One row per named person, each digest the register's (cut to 16 bytes); no name, no row."""
    entry = _record(parties)
    assert service.index_record(entry, LIST) == 3
    rows = db.session.execute(select(RecordPerson).order_by(RecordPerson.row)).scalars().all()
    assert [r.row for r in rows] == [1, 2, 3]
    register = hashed(person_keys("高橋 美咲", None, "1985-03-09", "09012345678", "東京都渋谷区神宮前一丁目2番3号"))
    first = rows[0]
    assert first.name_key == bytes.fromhex(register["name"])[:16]
    assert first.birth_key == bytes.fromhex(register["birth_date"])[:16]
    assert first.phone_key == bytes.fromhex(register["phone"])[:16]
    assert first.address_key == bytes.fromhex(register["address"])[:16]
    assert rows[1].phone_key is None and rows[2].birth_key is None


def test_the_screenings_digests_are_reused(app, parties):
    """With the screening's matcher, a name's digest it already computed is taken as it is."""
    matcher = Matcher(Hasher(matching_key()), [])
    matcher.name_digests["髙橋 美咲"] = b"\xaa" * 32
    matcher.birth_digests["1985-03-09"] = b"\xbb" * 32
    entry = _record(parties)
    service.index_record(entry, LIST, matcher=matcher)
    first = db.session.scalar(select(RecordPerson).where(RecordPerson.row == 1))
    assert (first.name_key, first.birth_key) == (b"\xaa" * 16, b"\xbb" * 16)
    # what it did not know, it computed: the register's digest
    third = db.session.scalar(select(RecordPerson).where(RecordPerson.row == 3))
    assert third.name_key == bytes.fromhex(hashed(person_keys("佐藤 一郎"))["name"])[:16]


def test_found_by_the_registers_rules(app, parties):
    """Name + birth date first; another birth date on both sides is another person; without
    a birth date a phone or an address decides."""
    entry = _record(parties)
    service.index_record(entry, LIST)
    db.session.commit()
    [hit] = find_person(person_digests("高橋 美咲", date(1985, 3, 9)))
    assert (hit.record.id, hit.rule, hit.row) == (entry.id, "name+birth_date", 1)
    assert find_person(person_digests("高橋 美咲", date(1970, 1, 1), "090-1234-5678")) == []
    [hit] = find_person(person_digests("佐藤 一郎", date(1970, 1, 1), "03-1111-2222"))
    assert hit.rule == "name+phone"
    [hit] = find_person(person_digests("髙橋 美咲", None, None, "東京都渋谷区神宮前一丁目2番3号"))
    assert (hit.rule, hit.row) == ("name+address", 1)
    assert find_person(person_digests("佐藤 一郎")) == []


def test_a_second_list_goes_into_the_index_that_stands(app, parties):
    """The name's index is built after the load for a list larger than all before it, and
    kept for a smaller one; both lists are found."""
    first = _record(parties)
    service.index_record(first, LIST)
    db.session.commit()
    second = _record(parties, "氏名,生年月日\r\n髙橋 美咲,1985-03-09\r\n".encode())
    service.index_record(second, "氏名,生年月日\r\n髙橋 美咲,1985-03-09\r\n".encode())
    db.session.commit()
    indexes = {i["name"] for i in db.inspect(db.engine).get_indexes("provision_record_people")}
    assert "ix_provision_record_people_name_key" in indexes
    hits = find_person(person_digests("高橋 美咲", date(1985, 3, 9)))
    assert [h.record.id for h in hits] == [first.id, second.id]
