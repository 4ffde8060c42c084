"""The journey of the issue: a list received (its origin confirmed), screened, delivered to
another counterparty; a principal on it asks for the records; the case page finds both; the
reply lists them; after their period the records are disposed of and the search finds nothing."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import func, select

from desk.cases.service import transition
from desk.extensions import db
from desk.letters import service as letters
from desk.provisions.models import ProvisionRecord, RecordBucket
from desk.suppression.models import ScreeningRun
from tests.helpers import csrf_token, login, make_case, make_staff
from tests.letters.conftest import pdf_text, squash
from tests.provisions.conftest import LIST_ROWS, write_list

STATEMENT = "公刊物（令和7年版 全国電話帳）から収集したもの。提供元の説明書面（2026年11月30日付）で確認。"


def _screen(runner, *args):
    return runner.invoke(args=["desk", "screen", *map(str, args)])


def test_receipt_screening_delivery_disclosure_and_disposal(app, runner, client, lists, parties, tmp_path):
    """Both records are made from the screenings, found for the principal, listed in the reply, and disposed of in time."""
    with time_machine.travel("2026-12-01 10:00 +09:00", tick=False):
        acquired = write_list(lists / "broker-a-2026-12.csv", LIST_ROWS)
        # The law forbids receiving without confirming how the provider acquired the list.
        refused = _screen(runner, acquired, "-o", lists / "clean.csv", "--direction", "acquired", "--from", "broker-a")
        assert refused.exit_code != 0
        assert "Confirm how the provider acquired the data" in refused.output
        assert db.session.scalar(select(func.count()).select_from(ScreeningRun)) == 0
        assert not (lists / "clean.csv").exists()

        received = _screen(
            runner,
            acquired,
            "-o",
            lists / "clean.csv",
            "--direction",
            "acquired",
            "--from",
            "broker-a",
            "--acquired-how",
            STATEMENT,
        )
        assert received.exit_code == 0, received.output
        assert "recorded R-" in received.output and "receipt of 3 people" in received.output

        delivered = _screen(
            runner, lists / "clean.csv", "-o", lists / "to-client-b.csv", "--direction", "delivery", "--to", "client-b"
        )
        assert delivered.exit_code == 0, delivered.output
        assert "recorded P-" in delivered.output

    receipt, provision = db.session.scalars(select(ProvisionRecord).order_by(ProvisionRecord.id)).all()
    assert (receipt.direction, receipt.counterparty.code, receipt.acquisition) == ("receipt", "broker-a", STATEMENT)
    assert (receipt.optout_published_on, receipt.optout_reference) == (date(2025, 4, 1), "PPC-OPT-2025-0123")
    assert (provision.direction, provision.counterparty.code, provision.basis) == ("provision", "client-b", "optout")
    assert provision.items == "氏名、フリガナ、生年月日、電話番号、住所"
    assert provision.keep_until == date(2029, 12, 1)
    # The lists are stored encrypted: no name in the database or on disk in clear.
    assert receipt.wrapped_key is not None and provision.wrapped_key is not None

    # The principal asks for the records of provision.
    case = make_case(
        ("record_disclosure",),
        name="高橋 美咲",  # the register's normalisation: 髙 and 高 are one
        furigana="タカハシ ミサキ",
        birth_date=date(1985, 3, 9),
        phone="090-1234-5678",
        arrived_on=date(2026, 12, 2),
    )
    transition(case, "in_progress", on=date(2026, 12, 2))
    db.session.commit()
    officer = make_staff("officer")
    login(client, officer)
    page = client.get(f"/staff/cases/{case.reference}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert receipt.number in html and provision.number in html
    assert "氏名＋生年月日" in html
    assert "株式会社名簿センター" in html and "株式会社ダイレクト販売" in html

    confirmed = client.post(f"/staff/provisions/cases/{case.reference}/confirm", data={"csrf_token": csrf_token(html)})
    assert confirmed.status_code == 302
    item = db.session.get(type(case.items[0]), case.items[0].id)
    db.session.refresh(item)
    table = item.details["disclosed"]
    assert table["columns"] == ["年月日", "相手方", "区分", "個人データの項目"]
    assert [row[2] for row in table["rows"]] == ["当社が受領", "当社から提供"]
    item.outcome = "disclosed"
    db.session.commit()

    for lang in ("ja", "en"):
        text = squash(pdf_text(letters.render(case, "reply", lang), tmp_path))
        assert "株式会社名簿センター" in text and "株式会社ダイレクト販売" in text
        assert ("別紙" if lang == "ja" else "Attachment") in text

    # After three years and a day the daily run disposes of both.
    with time_machine.travel("2029-12-01 12:00 +09:00", tick=False):
        kept = runner.invoke(args=["desk", "daily"])
        assert kept.exit_code == 0, kept.output
        assert "provisions: 0 record(s)" in kept.output  # the last day of the period: still kept
    with time_machine.travel("2029-12-02 12:00 +09:00", tick=False):
        daily = runner.invoke(args=["desk", "daily"])
        assert daily.exit_code == 0, daily.output
        assert (
            f"provisions: 2 record(s) of provision or receipt disposed of (list shredded, skeleton kept): {receipt.number}, {provision.number}"
            in daily.output
        )
    db.session.expire_all()
    for entry in (receipt, provision):
        db.session.refresh(entry)
        assert entry.disposed_on is not None
        assert entry.wrapped_key is None  # the list is crypto-shredded
        assert entry.person_count == 3  # the skeleton stays
        assert entry.counterparty.code in ("broker-a", "client-b")
    assert db.session.scalar(select(func.count()).select_from(RecordBucket)) == 0
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "該当する記録はありません。" in html
