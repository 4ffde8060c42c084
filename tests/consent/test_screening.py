"""`desk screen --channel … --purpose …`: e-mail keeps only opted-in addresses, every channel removes its opt-outs, the report names each reason, the register applies on top."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from sqlalchemy import select

from desk.consent import service
from desk.consent.keys import address_for
from desk.extensions import db
from desk.suppression import entries
from desk.suppression.models import ScreeningRun
from tests.consent.conftest import write_csv

MOMENT = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _given(email, purpose="newsletter", **kwargs):
    return service.add(
        address_for("email", email=email),
        purpose=purpose,
        action="given",
        method="paper_form",
        occurred_at=MOMENT,
        **kwargs,
    )


def _withdrawn(channel, purpose="newsletter", **address):
    return service.add(
        address_for(channel, **address), purpose=purpose, action="withdrawn", method="phone", occurred_at=MOMENT
    )


def _read(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def test_email_keeps_only_opted_in_and_names_each_reason(app, runner, tmp_path):
    """Opted in → kept (however the address is written); never asked, opted out (this purpose or
    all), another purpose only, or blank → removed with the reason; the register still applies."""
    _given("kept@example.jp")
    _given("ＷＩＤＥ@example.jp")
    _given("gone@example.jp")
    _withdrawn("email", email="gone@example.jp")
    _given("all@example.jp")
    _withdrawn("email", purpose="all", email="all@example.jp")
    _given("offers-only@example.jp", purpose="offers")
    _given("again@example.jp")
    _withdrawn("email", purpose="all", email="again@example.jp")
    _given("again@example.jp")  # signed up again after withdrawing from everything
    _given("registered@example.jp")
    entries.add_entry(name="齋藤 聡", birth_date="1970-01-02", scope="all_use", origin="manual", actor=None)
    db.session.commit()
    source = write_csv(
        tmp_path / "campaign.csv",
        [
            ["氏名", "メールアドレス", "生年月日"],
            ["佐藤 一郎", "kept@example.jp", ""],
            ["鈴木 次郎", " Kept@Example.JP ", ""],
            ["高橋 三郎", "wide@example.jp", ""],
            ["田中 四郎", "gone@example.jp", ""],
            ["伊藤 五郎", "all@example.jp", ""],
            ["渡辺 六郎", "offers-only@example.jp", ""],
            ["山本 七郎", "stranger@example.jp", ""],
            ["中村 八郎", "", ""],
            ["小林 九郎", "again@example.jp", ""],
            ["斎藤 聡", "registered@example.jp", "1970-01-02"],
        ],
    )
    result = runner.invoke(
        args=[
            "desk",
            "screen",
            str(source),
            "-o",
            str(tmp_path / "out.csv"),
            "--channel",
            "email",
            "--purpose",
            "newsletter",
        ]
    )
    assert result.exit_code == 0, result.output
    kept = [row[1] for row in _read(tmp_path / "out.csv")[1:]]
    assert kept == ["kept@example.jp", " Kept@Example.JP ", "wide@example.jp", "again@example.jp"]
    report = _read(tmp_path / "out.report.csv")
    assert report[0] == ["row", "line", "rule", "entry", "scope", "display_name", "source_case"]
    reasons = {int(r[0]): (r[2], r[4]) for r in report[1:]}
    assert reasons == {
        4: ("consent_opted_out", "email:newsletter"),
        5: ("consent_opted_out", "email:newsletter"),
        6: ("consent_no_opt_in", "email:newsletter"),
        7: ("consent_no_opt_in", "email:newsletter"),
        8: ("consent_no_address", "email:newsletter"),
        10: ("name+birth_date", "all_use"),
    }
    assert "5 of the removed rows by email consent for newsletter" in result.output
    run = db.session.scalar(select(ScreeningRun))
    assert (run.channel, run.purpose, run.consent_removed, run.rows_removed) == ("email", "newsletter", 5, 6)


def test_post_and_phone_remove_opt_outs_only(app, runner, tmp_path):
    """No opt-in is needed for post and phone: only the people who opted out go (a namesake at another address stays)."""
    _withdrawn("post", purpose="all", name="山田 花子", postal_address="東京都渋谷区神宮前1-2-3")
    _withdrawn("phone", purpose="offers", phone="090-1234-5678")
    db.session.commit()
    rows = [
        ["氏名", "住所", "電話番号"],
        ["山田 花子", "東京都渋谷区神宮前一丁目2番3号", "03-1111-2222"],
        ["山田 花子", "大阪府大阪市北区梅田1-1-1", "090-1234-5678"],
        ["佐藤 次郎", "東京都新宿区西新宿2-8-1", "+81 90 1234 5678"],
    ]
    source = write_csv(tmp_path / "dm.csv", rows, encoding="cp932")
    out = tmp_path / "post.csv"
    assert (
        runner.invoke(
            args=["desk", "screen", str(source), "-o", str(out), "--channel", "post", "--purpose", "offers"]
        ).exit_code
        == 0
    )
    assert [r[1] for r in _read(out, "cp932")[1:]] == ["大阪府大阪市北区梅田1-1-1", "東京都新宿区西新宿2-8-1"]
    out = tmp_path / "phone.csv"
    assert (
        runner.invoke(
            args=["desk", "screen", str(source), "-o", str(out), "--channel", "phone", "--purpose", "offers"]
        ).exit_code
        == 0
    )
    assert [r[2] for r in _read(out, "cp932")[1:]] == ["03-1111-2222"]
    out = tmp_path / "phone-news.csv"
    assert (
        runner.invoke(
            args=["desk", "screen", str(source), "-o", str(out), "--channel", "phone", "--purpose", "newsletter"]
        ).exit_code
        == 0
    )
    assert len(_read(out, "cp932")) == 4  # the opt-out was for offers only


def test_channel_screening_refuses_what_it_cannot_do(app, runner, tmp_path):
    """An unknown purpose, --channel without --purpose, a list without an e-mail column: non-zero, nothing written."""
    source = write_csv(tmp_path / "list.csv", [["氏名", "電話番号"], ["佐藤 一郎", "03-1111-2222"]])
    out = tmp_path / "out.csv"
    bad = runner.invoke(args=["desk", "screen", str(source), "-o", str(out), "--channel", "email", "--purpose", "nope"])
    assert bad.exit_code == 2 and "purpose must be one of newsletter, offers" in bad.output
    assert runner.invoke(args=["desk", "screen", str(source), "-o", str(out), "--channel", "email"]).exit_code == 2
    missing = runner.invoke(
        args=["desk", "screen", str(source), "-o", str(out), "--channel", "email", "--purpose", "newsletter"]
    )
    assert missing.exit_code == 1 and "no e-mail column" in missing.output
    assert not out.exists() and db.session.scalar(select(ScreeningRun)) is None


def test_a_nul_in_an_email_cell_is_read_one_cell_at_a_time(app):
    """The chunk's e-mail cells are normalised as one joined text split at NULs; a NUL typed
    into a cell would shift every later cell, so then each is normalised on its own: the
    opted-in address after it is still kept, the odd one removed as never asked."""
    from desk.consent.screening import ChannelFilter
    from desk.suppression.csv_input import resolve_columns

    _given("kept@example.jp")
    db.session.commit()
    header = ["氏名", "メールアドレス"]
    screening = ChannelFilter.from_database("email", "newsletter")
    screening.plan(header, resolve_columns(header, None))
    chunk = [["山田 花子", "odd\x00@example.jp"], ["山田 太郎", " KEPT@example.jp"], ["山田 次郎", ""]]
    removed = screening.removals(chunk, set())
    assert [(k, rule) for k, rule, _ in removed] == [(0, "consent_no_opt_in"), (2, "consent_no_address")]
