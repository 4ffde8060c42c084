"""Screening lists: the triple check, no false positives, encodings, malformed input."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.suppression import entries, keys, screening
from desk.suppression.models import ScreeningRun
from tests.suppression.conftest import complete_case, write_csv


@pytest.fixture
def lists(tmp_path):
    """A directory of its own for the lists (the app's instance lives in tmp_path)."""
    path = tmp_path / "lists"
    path.mkdir()
    return path


HEADER = ["氏名", "フリガナ", "生年月日", "電話番号", "住所", "メモ"]


def _read(path, encoding="utf-8"):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def _screen(runner, *args):
    return runner.invoke(args=["desk", "screen", *map(str, args)])


def test_the_triple_check(app, runner, lists):
    """Decision → register; an acquired list is screened on arrival; an outgoing list again before delivery."""
    # 1. At the request: a stop_provision decision carried out and the case completed.
    case = complete_case(
        ("stop_provision",),
        name="髙橋 美咲",
        furigana="タカハシ ミサキ",
        birth_date=date(1985, 3, 9),
        phone="090-1234-5678",
    )
    # 2. On acquisition: a bought list writes her differently (variant kanji, era date, full width).
    acquired = write_csv(
        lists / "acquired.csv",
        [
            HEADER,
            ["高橋　美咲", "ﾀｶﾊｼ ﾐｻｷ", "昭和60年3月9日", "", "", "from broker A"],
            ["高橋 健太", "タカハシ ケンタ", "1985-03-09", "090-1234-5678", "", "same surname and phone"],
            ["中村 優", "ナカムラ ユウ", "1990-01-01", "03-0000-1111", "東京都渋谷区神宮前1-2-3", "same address"],
        ],
        encoding="cp932",
    )
    result = _screen(runner, acquired, "-o", lists / "acquired-clean.csv", "--direction", "acquired")
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.output
    kept = _read(lists / "acquired-clean.csv", "cp932")
    assert [row[0] for row in kept] == ["氏名", "高橋 健太", "中村 優"]
    report = _read(lists / "acquired-clean.report.csv", "cp932")
    assert report[0] == screening.REPORT_HEADER
    assert report[1][:4] == ["1", "2", "name+birth_date", "S-000001"] and report[1][6] == case.reference
    # 3. Before delivery: the outgoing list carries her phone with +81 and no date of birth.
    outgoing = write_csv(
        lists / "outgoing.csv",
        [
            ["name", "phone", "address"],
            ["Takahashi Misaki", "+81 90 1234 5678", ""],
            ["髙橋美咲", "+81 90 1234 5678", ""],
            ["山本 一", "090-9999-9999", ""],
        ],
    )
    result = _screen(
        runner, outgoing, "-o", lists / "out.csv", "--report", lists / "out-report.csv", "--direction", "delivery"
    )
    assert result.exit_code == 0, result.output
    assert [row[0] for row in _read(lists / "out.csv")] == ["name", "Takahashi Misaki", "山本 一"]
    assert _read(lists / "out-report.csv")[1][2] == "name+phone"
    runs = list(db.session.scalars(select(ScreeningRun).order_by(ScreeningRun.id)))
    assert [(r.direction, r.rows_in, r.rows_removed, r.list_name, r.via) for r in runs] == [
        ("acquired", 3, 1, "acquired.csv", "cli"),
        ("delivery", 3, 1, "outgoing.csv", "cli"),
    ]
    assert all(r.operator and r.register_size == 1 for r in runs)


def test_nobody_who_only_shares_something_is_removed(app, runner, lists):
    """Surname-only, given-name-only, address-only, phone-only, birthday-only sharers and namesakes stay."""
    entries.add_entry(
        name="佐藤 健一",
        kana="サトウ ケンイチ",
        birth_date="1970-05-05",
        phone="03-3333-4444",
        address="〒100-0005 東京都千代田区丸の内一丁目1番1号",
        scope="all_use",
    )
    db.session.commit()
    people = [
        [
            "佐藤 花子",
            "サトウ ハナコ",
            "1970-05-05",
            "03-3333-4444",
            "東京都千代田区丸の内1-1-1",
            "family: surname phone address birthday",
        ],
        ["田中 健一", "タナカ ケンイチ", "1970-05-05", "", "", "given name and birthday"],
        ["佐藤 健", "サトウ ケン", "1970-05-05", "03-3333-4444", "", "name is a prefix"],
        [
            "佐藤 健一",
            "サトウ ケンイチ",
            "1988-12-24",
            "03-3333-4444",
            "東京都千代田区丸の内1-1-1",
            "namesake son: other birthday",
        ],
        ["佐藤 健一", "サトウ ケンイチ", "", "06-1234-5678", "大阪府大阪市北区梅田1-1-1", "namesake elsewhere"],
        ["佐藤 健一", "", "", "", "", "name only"],
        ["", "サトウ ケンイチ", "", "", "", "reading only"],
        ["鈴木 一郎", "", "", "", "", "stranger"],
    ]
    source = write_csv(lists / "list.csv", [HEADER] + people)
    result = _screen(runner, source, "-o", lists / "clean.csv")
    assert result.exit_code == 0, result.output
    assert "0 removed" in result.output
    assert len(_read(lists / "clean.csv")) == len(people) + 1


def test_each_rule_fires_and_is_reported(app, runner, lists):
    """name+birth_date, name+phone, name+address and a kana-only row each report their own rule."""
    entries.add_entry(
        name="渡邊 大輔",
        kana="ワタナベ ダイスケ",
        birth_date="1982-07-15",
        phone="045-111-2222",
        address="神奈川県横浜市中区本町六丁目50番地の1",
        scope="third_party_provision",
    )
    db.session.commit()
    source = write_csv(
        lists / "list.csv",
        [
            HEADER,
            ["渡辺 大輔", "", "S57.7.15", "", "", ""],
            ["渡邉大輔", "", "", "０４５－１１１－２２２２", "", ""],
            ["ワタナベ ダイスケ", "", "", "", "横浜市中区本町6-50-1", ""],
            ["", "わたなべ だいすけ", "1982/07/15", "", "", ""],
        ],
    )
    assert _screen(runner, source, "-o", lists / "clean.csv").exit_code == 0
    rules = [row[2] for row in _read(lists / "clean.report.csv")[1:]]
    assert rules == ["name+birth_date", "name+phone", "kana+address", "kana+birth_date"]
    assert _read(lists / "clean.csv") == [HEADER]


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8-sig", True), ("cp932", False)])
def test_encodings_round_trip(app, runner, lists, encoding, bom):
    """UTF-8, UTF-8 with BOM and Shift_JIS come back in the same encoding, byte for byte for kept rows."""
    entries.add_entry(name="山田 花子", phone="03-1234-5678", scope="all_use")
    db.session.commit()
    rows = [
        ["氏名", "電話番号", "住所"],
        ["山田 花子", "03-1234-5678", "東京都"],
        ["髙橋 﨑子", "", "大阪府"],
        ["鈴木 一郎", "", "京都府「中京区」, 二条"],
    ]
    text = "".join(",".join(f'"{c}"' if "," in c else c for c in row) + "\r\n" for row in rows)
    source = lists / "list.csv"
    source.write_bytes(text.encode(encoding))
    assert source.read_bytes().startswith(b"\xef\xbb\xbf") == bom
    result = _screen(runner, source, "-o", lists / "out.csv")
    assert result.exit_code == 0, result.output
    expected = "".join(line + "\r\n" for line in text.split("\r\n") if line and "山田" not in line)
    assert (lists / "out.csv").read_bytes() == expected.encode(encoding)
    run = db.session.scalars(select(ScreeningRun)).one()
    assert run.encoding == encoding


def test_unix_newlines_are_kept(app, runner, lists):
    """A list with LF line ends is written back with LF."""
    source = write_csv(lists / "lf.csv", [["name"], ["a"], ["b"]], newline="\n")
    assert _screen(runner, source, "-o", lists / "out.csv").exit_code == 0
    assert (lists / "out.csv").read_bytes() == b"name\na\nb\n"


@pytest.mark.parametrize(
    "content,message",
    [
        (
            b"\xe6\xb0\x8f\xe5\x90\x8d,x\r\nabc,1\r\n\xff\xfe\xfa\xfb,2\r\n",
            "line 3: bytes that are neither UTF-8 nor Shift_JIS",
        ),
        ("電話番号,住所\r\n03-1111-2222,東京\r\n".encode(), "line 1: no name column found"),
        ("氏名,電話番号\r\n山田,03\r\n佐藤,04,余分\r\n".encode(), "line 3: 3 fields where the header has 2"),
        ("氏名,電話番号\r\n山田\r\n".encode("cp932"), "line 2: 1 fields where the header has 2"),
        (b"", "line 1: the file is empty"),
    ],
)
def test_malformed_input_names_the_line_and_writes_nothing(app, runner, lists, content, message):
    """Undecodable bytes, no name column, ragged rows, empty file: a line-numbered error, no file, no log."""
    source = lists / "bad.csv"
    source.write_bytes(content)
    result = _screen(runner, source, "-o", lists / "out.csv")
    assert result.exit_code != 0
    assert message in result.output
    assert sorted(p.name for p in lists.iterdir()) == ["bad.csv"]
    assert db.session.scalars(select(ScreeningRun)).first() is None


def test_late_undecodable_bytes_leave_nothing(app, runner, lists):
    """A bad byte past the first megabyte is caught mid-stream: its line is named and no output remains."""
    lines = ["氏名,電話番号"] + [f"山田 {i},03-0000-{i % 10000:04d}" for i in range(60000)]
    data = ("\r\n".join(lines) + "\r\n").encode() + b"\x82\xa0\xff\xff,1\r\n"
    source = lists / "big.csv"
    source.write_bytes(data)
    result = _screen(runner, source, "-o", lists / "out.csv")
    assert result.exit_code != 0 and "line 60002" in result.output, result.output
    assert sorted(p.name for p in lists.iterdir()) == ["big.csv"]


def test_column_option_and_split_name_columns(app, runner, lists):
    """--column maps an unusual header; 姓/名 columns are joined into the name."""
    entries.add_entry(name="伊藤 誠", birth_date="1960-10-10", scope="third_party_provision")
    db.session.commit()
    source = write_csv(lists / "odd.csv", [["お客様", "誕生"], ["伊藤 誠", "1960-10-10"]])
    result = _screen(runner, source, "-o", lists / "out.csv", "--column", "name=お客様", "--column", "birth_date=誕生")
    assert result.exit_code == 0 and "1 removed" in result.output, result.output
    split = write_csv(
        lists / "split.csv", [["姓", "名", "生年月日"], ["伊藤", "誠", "1960/10/10"], ["伊藤", "誠二", "1960/10/10"]]
    )
    result = _screen(runner, split, "-o", lists / "out2.csv")
    assert result.exit_code == 0 and "1 removed" in result.output, result.output
    bad = _screen(runner, source, "-o", lists / "out3.csv", "--column", "nom=お客様")
    assert bad.exit_code != 0 and "--column must be FIELD=HEADER" in bad.output


def test_screening_is_audited_with_numbers_only(app, runner, lists):
    """The audit event of a screening holds the run, direction and counts, no list content."""
    from desk.audit.models import AuditEvent

    source = write_csv(lists / "list.csv", [["氏名"], ["山田 花子"]])
    assert _screen(runner, source, "-o", lists / "out.csv", "--direction", "acquired").exit_code == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "suppression.screened")).one()
    assert event.detail == {"run_id": 1, "direction": "acquired", "rows_in": 1, "rows_removed": 0}


def test_quoted_line_breaks_and_blank_lines(app, runner, lists):
    """A quoted field with line breaks keeps report lines exact; blank lines stay; the rows
    kept are the list's own lines, quoting and all; ragged rows name their line."""
    entries.add_entry(name="松本 修", birth_date="1966-06-06", scope="all_use")
    db.session.commit()
    source = lists / "notes.csv"
    source.write_bytes(
        '氏名,生年月日,備考\r\n"佐藤 一",1950-01-01,"一行目\r\n二行目"\r\n\r\n松本 修,1966/6/6,x\r\n'.encode()
    )
    result = _screen(runner, source, "-o", lists / "out.csv")
    assert result.exit_code == 0, result.output
    assert (
        lists / "out.csv"
    ).read_bytes() == '氏名,生年月日,備考\r\n"佐藤 一",1950-01-01,"一行目\r\n二行目"\r\n\r\n'.encode()
    report = _read(lists / "out.report.csv")
    assert report[1][:3] == ["3", "5", "name+birth_date"]
    ragged = lists / "ragged.csv"
    ragged.write_bytes('氏名,備考\r\n"佐藤 一","一\r\n二\r\n三"\r\n松本 修\r\n'.encode())
    result = _screen(runner, ragged, "-o", lists / "out2.csv")
    assert result.exit_code != 0 and "line 5: 1 fields where the header has 2" in result.output, result.output


def test_hasher_is_hmac_sha256(app):
    """The fast hasher gives exactly HMAC-SHA256(key, field tag + NUL + value)."""
    import hmac

    key = keys.matching_key()
    hasher = keys.Hasher(key)
    for field_name, value in (("name", "山田花子"), ("phone", "0312345678"), ("address", "渋谷区神宮前1-2-3")):
        expected = hmac.new(key, field_name.encode() + b"\x00" + value.encode(), "sha256").digest()
        assert hasher(field_name, value) == expected
    assert hasher.name_hasher()("山田花子") == hasher("name", "山田花子")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_kept_rows_are_the_lists_own_lines(app, runner, lists, encoding):
    """The screened list is the list received less the rows removed, byte for byte (for text
    whose Shift_JIS has one code per character): quoting, doubled quotes, CRLF, LF and lone
    CR line ends, blank lines, quoted line breaks (also where a record begins on the last
    line of one chunk and ends in the next) and a last line without a line end; each
    removed row is reported on the line where it begins."""
    import random

    entries.add_entry(name="松本 修", birth_date="1966-06-06", scope="all_use")
    db.session.commit()
    rng = random.Random(5)
    header = "氏名,生年月日,備考\r\n"
    records, removed = [], set()
    for number in range(1, 3001):
        ending = rng.choice(["\r\n", "\r\n", "\n", "\r"])
        if number == 256 or rng.random() < 0.15:
            note = '"一行目\r\n二行目, ""引用""\n三行目"'  # a record over three lines
        elif rng.random() < 0.1:
            note = '"全部""引用"""'
        else:
            note = f"メモ{number}"
        if number in (255, 256, 257) or rng.random() < 0.05:
            removed.add(number)
            name, born = rng.choice(["松本 修", '"松本　修"', "松本修"]), "1966/6/6"
        else:
            name, born = f"佐藤 {number}", "1950-01-01"
        records.append(f"{name},{born},{note}{ending}")
        if rng.random() < 0.02:
            records.append("\r\n")  # a blank line: a record of its own, kept
    records[-1] = records[-1].rstrip("\r\n")
    source = lists / "mixed.csv"
    source.write_bytes((header + "".join(records)).encode(encoding))
    result = _screen(runner, source, "-o", lists / "out.csv")
    assert result.exit_code == 0, result.output

    kept, starts, line, number = [header], {}, 2, 0
    for text in records:
        if text != "\r\n":
            number += 1
            starts[number] = line
        if not (text != "\r\n" and number in removed):
            kept.append(text)
        line += len(text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")) if text != "\r\n" else 1
    assert (lists / "out.csv").read_bytes() == "".join(kept).encode(encoding)
    report = _read(lists / "out.report.csv", encoding)[1:]
    reported = {int(row[1]) for row in report}
    assert reported == {starts[n] for n in removed}
    assert len(report) == len(removed) and {row[2] for row in report} == {"name+birth_date"}


def test_a_field_at_the_size_limit_on_a_chunks_last_line(app, runner, lists):
    """A quoted field exactly at csv's size limit on the last line of a chunk: a list that
    parses is screened, and one whose field goes over the limit is refused on its true line."""
    limit = csv.field_size_limit()
    fits = lists / "fits.csv"
    fits.write_bytes(("氏名,メモ\n" + "鈴木,a\n" * 255 + '鈴木,"' + "X" * (limit - 1) + '"\n').encode())
    result = _screen(runner, fits, "-o", lists / "out.csv")
    assert result.exit_code == 0, result.output
    assert (lists / "out.csv").read_bytes() == fits.read_bytes()
    over = lists / "over.csv"
    over.write_bytes(("氏名,メモ\n" + "鈴木,a\n" * 255 + '鈴木,"' + "X" * (limit - 1) + "\n" + 'rest"\n').encode())
    result = _screen(runner, over, "-o", lists / "out2.csv")
    assert result.exit_code != 0 and "line 258" in result.output, result.output
