"""Importing consent records: UTF-8 or Shift_JIS, every row or none; a row without the date or the method of consent is refused with its line number."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from desk.consent.models import ConsentRecord, ConsentState
from desk.extensions import db
from tests.consent.conftest import write_csv
from tests.helpers import login, make_staff

HEADER = ["メールアドレス", "目的", "区分", "同意日時", "同意方法", "同意文の版"]


def _count(model=ConsentRecord):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_cp932_import_with_times_and_zones(app, runner, tmp_path):
    """Shift_JIS, Japanese words for the action and method, a time with and without its zone."""
    source = write_csv(
        tmp_path / "legacy.csv",
        [
            HEADER,
            ["hanako@example.jp", "newsletter", "同意", "2026/10/01 10:15", "紙", "2025-04"],
            ["taro@example.jp", "newsletter", "同意", "2026-10-02T09:00:00+00:00", "ウェブ", "2025-04"],
            ["taro@example.jp", "newsletter", "撤回", "令和8年10月5日", "電話", ""],
        ],
        encoding="cp932",
    )
    result = runner.invoke(args=["desk", "consent-import", str(source)])
    assert result.exit_code == 0, result.output
    assert "imported 3 consent record(s)" in result.output
    records = list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
    tokyo = ZoneInfo("Asia/Tokyo")
    assert records[0].occurred_at == datetime(2026, 10, 1, 10, 15, tzinfo=tokyo)
    assert records[1].occurred_at == datetime(2026, 10, 2, 18, 0, tzinfo=tokyo)
    assert [(r.action, r.method) for r in records] == [
        ("given", "paper_form"),
        ("given", "web_form"),
        ("withdrawn", "phone"),
    ]
    assert records[0].source == "legacy.csv" and records[0].text_version == "2025-04"
    states = {s.state for s in db.session.scalars(select(ConsentState))}
    assert states == {"given", "withdrawn"}


def test_a_row_without_date_or_method_stops_the_import_naming_its_line(app, runner, tmp_path):
    """Nothing is written when any row lacks the date or the method of consent; the message names the line."""
    for bad_row, words in (
        (["b@example.jp", "newsletter", "同意", "", "紙", ""], "no date of consent"),
        (["b@example.jp", "newsletter", "同意", "2026-10-01", "", ""], "no method of consent"),
    ):
        source = write_csv(
            tmp_path / "bad.csv",
            [HEADER, ["a@example.jp", "newsletter", "同意", "2026-10-01", "紙", ""], ["", "", "", "", "", ""], bad_row],
        )
        result = runner.invoke(args=["desk", "consent-import", str(source)])
        assert result.exit_code == 1
        assert f"line 4: {words}" in result.output and "nothing was imported" in result.output
        assert _count() == 0 and _count(ConsentState) == 0
    no_column = write_csv(tmp_path / "nocol.csv", [["メールアドレス", "目的"], ["a@example.jp", "newsletter"]])
    result = runner.invoke(args=["desk", "consent-import", str(no_column)])
    assert result.exit_code == 1 and "line 1: no column for the date of consent" in result.output


def test_import_page_refuses_with_the_line_and_imports_all(client, app, tmp_path):
    """The staff page: the same refusal in Japanese with the line; a good file imports every row."""
    login(client, make_staff("officer"))
    bad = "\r\n".join(
        [",".join(HEADER), "a@example.jp,newsletter,同意,2026-10-01,紙,", "b@example.jp,newsletter,同意,,紙,"]
    ).encode("utf-8")
    import io

    response = client.post(
        "/staff/consent/import", data={"file": (io.BytesIO(bad), "bad.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "3行目: 同意の日時がありません。" in response.get_data(as_text=True)
    assert _count() == 0
    good = bad.replace(b",,", b",2026-10-03,")
    response = client.post(
        "/staff/consent/import", data={"file": (io.BytesIO(good), "good.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302 and _count() == 2
