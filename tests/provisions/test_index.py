"""The index of a recorded list: sealed buckets by the register's digest of the name, each
entry pointing at a row of the list stored in pieces, the screening's digests reused, the
person found by the register's rules, nothing readable in the database, and nothing
openable once the list's key is shredded."""

from __future__ import annotations

import gc
import weakref
from datetime import date

import numpy as np
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select

from desk.extensions import db
from desk.provisions import service
from desk.provisions.index import ENTRY, NONCE_BYTES, PIECE_BYTES, PURPOSE, Wanted, _place, find_person, wanted_person
from desk.provisions.models import RecordBucket
from desk.storage import service as storage
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


def _buckets():
    return (
        db.session.execute(select(RecordBucket).order_by(RecordBucket.record_id, RecordBucket.bucket)).scalars().all()
    )


def _bucket_of(name: str) -> int:
    return int(hashed(person_keys(name))["name"][:3], 16)


def test_people_go_into_sealed_buckets_by_the_registers_digest_of_the_name(app, parties):
    """Three named people (two of them one name as the register normalises it), two
    buckets: the first 12 bits of the register's own digest of each name. No field of the
    list is readable in the database."""
    entry = _record(parties)
    assert service.index_record(entry, LIST) == 3
    rows = _buckets()
    assert sorted(r.bucket for r in rows) == sorted({_bucket_of("高橋 美咲"), _bucket_of("佐藤 一郎")})
    stored = b"".join(r.sealed for r in rows)
    for clear in ("090-1234-5678", "1985-03-09", "神宮前", "03-1111-2222", "高橋", "髙橋"):
        assert clear.encode() not in stored
    assert db.session.scalar(select(func.count()).select_from(RecordBucket)) == 2


def test_the_screenings_digests_are_reused(app, parties):
    """With the screening's matcher, a name's digest it already computed is taken as it is."""
    matcher = Matcher(Hasher(matching_key()), [])
    matcher.name_digests["髙橋 美咲"] = b"\xaa" * 32
    entry = _record(parties)
    service.index_record(entry, LIST, matcher=matcher)
    assert 0xAAA in {r.bucket for r in _buckets()}
    [hit] = find_person(Wanted(b"\xaa" * 16, "1985-03-09", None, None))
    assert (hit.record.id, hit.row) == (entry.id, 1)
    # what it did not know, it computed: the register's digest
    assert _bucket_of("佐藤 一郎") in {r.bucket for r in _buckets()}


def test_found_by_the_registers_rules(app, parties):
    """Name + birth date first; another birth date on both sides is another person; without
    a birth date a phone or an address decides, each normalised as the register does."""
    entry = _record(parties)
    service.index_record(entry, LIST)
    db.session.commit()
    [hit] = find_person(wanted_person("高橋 美咲", date(1985, 3, 9)))
    assert (hit.record.id, hit.rule, hit.row) == (entry.id, "name+birth_date", 1)
    assert find_person(wanted_person("高橋 美咲", date(1970, 1, 1), "090-1234-5678")) == []
    [hit] = find_person(wanted_person("佐藤 一郎", date(1970, 1, 1), "03-1111-2222"))
    assert (hit.rule, hit.row) == ("name+phone", 3)
    [hit] = find_person(wanted_person("髙橋 美咲", None, None, "東京都渋谷区神宮前一丁目2番3号"))
    assert (hit.rule, hit.row) == ("name+address", 1)
    assert find_person(wanted_person("佐藤 一郎")) == []
    assert find_person(wanted_person("田中 一", date(1985, 3, 9))) == []


def test_every_list_is_searched_and_indexing_again_replaces(app, parties):
    first = _record(parties)
    service.index_record(first, LIST)
    second_list = "氏名,生年月日\r\n髙橋 美咲,1985-03-09\r\n".encode()
    second = _record(parties, second_list)
    service.index_record(second, second_list)
    service.index_record(second, second_list)  # again (desk daily after an interruption): no second copy
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(RecordBucket.record_id == second.id)) == 1
    hits = find_person(wanted_person("高橋 美咲", date(1985, 3, 9)))
    assert [h.record.id for h in hits] == [first.id, second.id]


def test_a_sealed_bucket_opens_only_in_its_place_and_not_after_shredding(app, parties):
    first, second = _record(parties), _record(parties)
    service.index_record(first, LIST)
    service.index_record(second, LIST)
    db.session.commit()
    bucket = _bucket_of("佐藤 一郎")
    theirs = db.session.get(RecordBucket, (second.id, bucket)).sealed
    cipher = storage.piece_cipher(first, PURPOSE)
    with pytest.raises(InvalidTag):  # another list's bucket, put in this list's place
        cipher.decrypt(theirs[:NONCE_BYTES], theirs[NONCE_BYTES:], f"{first.id}:{bucket}".encode())
    storage.shred_key(first)
    db.session.commit()
    with pytest.raises(storage.StorageError):
        storage.piece_cipher(first, PURPOSE)
    assert [h.record.id for h in find_person(wanted_person("佐藤 一郎", None, "03-1111-2222"))] == [second.id]


def _big_list(count: int, encoding: str) -> bytes:
    """A list of `count` people larger than a piece, written as spreadsheets write them: CRLF,
    a quoted address with a comma and a line break in it every tenth row, a blank line every
    hundredth."""
    lines = ["氏名,生年月日,電話番号,住所"]
    for n in range(count):
        address = f'"東京都港区芝公園4-2-{n},\r\nタワー{n}階"' if n % 10 == 3 else f"東京都港区芝公園4-2-{n}"
        lines.append(f"山田 太郎{n},1980-01-{n % 28 + 1:02d},03-1234-{n:04d},{address}")
        if n % 100 == 50:
            lines.append("")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
def test_a_list_is_stored_in_pieces_and_each_person_is_found_at_their_row(app, parties, encoding):
    """A list of 3,000 people is stored in pieces of some 32 KB, cut between rows; a search
    reads the piece that holds a person's row and finds them there by the register's rules,
    whether their row sits first or last in its piece, after a quoted line break, or after a
    blank line; the list reads back whole, byte for byte."""
    listed = _big_list(3000, encoding)
    entry = _record(parties, listed)
    assert service.index_record(entry, listed) == 3000
    db.session.commit()
    assert storage.read(entry) == listed
    pieces = storage.Pieces(entry)
    assert pieces.count >= len(listed) // PIECE_BYTES
    firsts = np.frombuffer(entry.piece_rows, dtype=">u4").tolist()
    assert firsts[0] == 1 and len(firsts) == pieces.count - 1
    around_cuts = {row for first in firsts for row in (first - 1, first) if 0 < row <= 3000}
    for row in sorted(around_cuts | {1, 4, 14, 52, 53, 2999, 3000}):
        n = row - 1
        [hit] = find_person(wanted_person(f"山田 太郎{n}", date(1980, 1, n % 28 + 1)))
        assert (hit.row, hit.rule) == (row, "name+birth_date")
        [hit] = find_person(wanted_person(f"山田 太郎{n}", None, f"031234{n:04d}"))
        assert (hit.row, hit.rule) == (row, "name+phone")
    assert find_person(wanted_person("山田 太郎14", date(1980, 1, 1))) == []


def _entries(record) -> list[tuple[str, int]]:
    """Every entry of a record's index, opened (what a search would read): (the name's digest
    as hex, the row), in order."""
    cipher = storage.piece_cipher(record, PURPOSE)
    found = []
    for bucket in db.session.scalars(select(RecordBucket).where(RecordBucket.record_id == record.id)):
        sealed = bucket.sealed
        plain = cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _place(record.id, bucket.bucket))
        found += [(f"{digest:016x}", row) for digest, row in np.frombuffer(plain, dtype=ENTRY).tolist()]
    return sorted(found)


def _screen_and_record(source, direction: str, parties, matcher=None):
    """desk screen --to/--from the client (a receipt with how the provider acquired the list),
    committed; the index as the screening gathered it, not yet written."""
    from desk.provisions.screening import screen_file_and_record

    _run, entry, listed = screen_file_and_record(
        source,
        source.with_name("out.csv"),
        None,
        direction=direction,
        counterparty=parties["client"].code,
        basis="consent",
        acquisition="展示会で本人から取得" if direction == "acquired" else None,
        matcher=matcher,
    )
    db.session.commit()
    return entry, listed


@pytest.mark.parametrize("direction", ["delivery", "acquired"])
def test_a_recorded_screening_leaves_its_register_to_reference_counting(app, parties, tmp_path, direction):
    """The register in memory (some 100 MB for 100,000 entries) is freed as soon as a recorded
    screening is done with it, the cyclic collector off: held in a cycle, a web process would
    keep it until that collector ran, and the run would walk it all."""
    from desk.provisions.screening import index_screened

    source = tmp_path / "list.csv"
    source.write_bytes(LIST)
    collecting = gc.isenabled()
    gc.disable()
    try:
        matcher = Matcher.from_database()
        register = weakref.ref(matcher)
        entry, listed = _screen_and_record(source, direction, parties, matcher)
        assert index_screened(entry, listed) == 3
        del matcher, listed
        assert register() is None
    finally:
        if collecting:
            gc.enable()


@pytest.mark.parametrize("direction", ["delivery", "acquired"])
def test_the_index_gathered_in_the_screenings_pass_is_the_recorded_lists(app, parties, tmp_path, direction):
    """desk screen --to/--from gathers the index while it screens (the list is not read
    again): the same entries, row numbers included, as indexing the stored list afterwards.
    A delivery's index holds the rows it kept (the register's person removed, a blank line
    skipped); a receipt's every row of the list as received."""
    from desk.provisions.screening import index_screened
    from desk.suppression.entries import add_entry

    add_entry(name="佐藤 一郎", phone="03-1111-2222", scope="third_party_provision")
    db.session.commit()
    source = tmp_path / "list.csv"
    source.write_bytes(LIST.replace(b"\r\n\xe4\xbd\x90", b"\r\n\r\n\xe4\xbd\x90"))  # a blank line before 佐藤
    entry, listed = _screen_and_record(source, direction, parties)
    assert index_screened(entry, listed) == (3 if direction == "acquired" else 2)
    gathered = _entries(entry)
    service.index_record(entry)  # from the stored list, read again
    assert _entries(entry) == gathered
    hits = find_person(wanted_person("佐藤 一郎", None, "03-1111-2222"))
    assert [h.record.id for h in hits] == ([entry.id] if direction == "acquired" else [])
    [hit] = find_person(wanted_person("高橋 美咲", date(1990, 1, 1)))
    assert hit.row == 2


def test_a_persons_entry_is_the_names_digest_cut_to_8_bytes_and_the_row(app, parties):
    """The index of a list of 500 people holds 12 bytes a person: the name's digest cut to 8
    bytes and the row (the fields stay in the list). The cut digest still finds the person,
    and not a namesake born another day."""
    rows = "".join(
        f"山田 太郎{n},1980-01-{n % 28 + 1:02d},03-1234-{n:04d},東京都港区芝公園4-2-{n}\r\n" for n in range(500)
    )
    listed = ("氏名,生年月日,電話番号,住所\r\n" + rows).encode()
    entry = _record(parties, listed)
    assert service.index_record(entry, listed) == 500
    db.session.commit()
    opened = sum(len(r.sealed) - NONCE_BYTES - 16 for r in _buckets())
    assert opened == 500 * ENTRY.itemsize == 500 * 12
    digest = hashed(person_keys("山田 太郎7"))["name"]
    assert (digest[:16], 8) in _entries(entry)
    [hit] = find_person(wanted_person("山田 太郎7", date(1980, 1, 8)))
    assert hit.row == 8
    assert find_person(wanted_person("山田 太郎7", date(1980, 1, 9))) == []


@pytest.mark.parametrize("direction", ["delivery", "acquired"])
def test_a_large_list_screened_is_found_in_the_pieces_the_screening_cut(app, parties, tmp_path, direction):
    """desk screen --to/--from on a list larger than a piece, in Shift_JIS with quoted line
    breaks: the list is stored in pieces cut where the screening stood (in what it wrote, or
    in what it read), and each person is found at their row of the recorded list, the rows
    after a removed person numbered as the screened list holds them."""
    from desk.provisions.screening import index_screened
    from desk.suppression.entries import add_entry

    add_entry(name="山田 太郎5", birth_date="1980-01-06", scope="third_party_provision")
    db.session.commit()
    source = tmp_path / "list.csv"
    source.write_bytes(_big_list(3000, "cp932"))
    entry, listed = _screen_and_record(source, direction, parties)
    removed = direction == "delivery"
    assert index_screened(entry, listed) == 3000 - removed
    kept = tmp_path / "out.csv" if removed else source
    assert storage.read(entry) == kept.read_bytes()
    firsts = np.frombuffer(entry.piece_rows, dtype=">u4").tolist()
    assert storage.Pieces(entry).count == len(firsts) + 1 > 3
    for row in sorted({r for first in firsts for r in (first - 1, first) if r > 0} | {5, 6, 2999 - removed}):
        n = row - 1 + (removed and row > 5)
        [hit] = find_person(wanted_person(f"山田 太郎{n}", date(1980, 1, n % 28 + 1)))
        assert hit.row == row
    assert [h.record.id for h in find_person(wanted_person("山田 太郎5", date(1980, 1, 6)))] == (
        [] if removed else [entry.id]
    )
