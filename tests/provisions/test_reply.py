"""The reply to a request for the records: its 別紙 table is built in the letter's language
when the letter is made (headings, dates, directions, data items), the counterparty as recorded."""

from __future__ import annotations

from datetime import date

import time_machine

from desk import settings
from desk.cases.service import transition
from desk.decisions.data import set_disclosed_table
from desk.extensions import db
from desk.letters import service as letters
from desk.provisions import disclosure
from desk.provisions.items import items_in
from tests.helpers import make_case, make_staff
from tests.letters.conftest import pdf_text, squash
from tests.provisions.conftest import HEADER, LIST_ROWS, write_list

STATEMENT = "公刊物（令和7年版 全国電話帳）から収集したもの。"


def _records(runner, lists):
    """A list received from broker-a and delivered to client-b on 1 December 2026."""
    with time_machine.travel("2026-12-01 10:00 +09:00", tick=False):
        acquired = write_list(lists / "broker-a.csv", [row + ["M-001"] for row in LIST_ROWS], HEADER + ["会員番号"])
        for args in (
            [acquired, "-o", lists / "clean.csv", "--direction", "acquired", "--from", "broker-a"]
            + ["--acquired-how", STATEMENT],
            [lists / "clean.csv", "-o", lists / "out.csv", "--direction", "delivery", "--to", "client-b"],
        ):
            result = runner.invoke(args=["desk", "screen", *map(str, args)])
            assert result.exit_code == 0, result.output


def _confirmed_case(language: str):
    case = make_case(
        ("record_disclosure",), name="高橋 美咲", birth_date=date(1985, 3, 9), arrived_on=date(2026, 12, 2)
    )
    case.language = language
    transition(case, "in_progress", on=date(2026, 12, 2))
    with time_machine.travel("2026-12-02 10:00 +09:00", tick=False):
        assert disclosure.confirm(case, actor=make_staff("officer")) == 2
    case.items[0].outcome = "disclosed"
    db.session.commit()
    return case


def test_english_reply_lists_the_records_in_english(app, runner, lists, parties, tmp_path):
    """A case answered in English: the 別紙 has English headings, dates as '1 December 2026',
    'Received by us' / 'Provided by us', the items named in English; no Japanese label left."""
    _records(runner, lists)
    case = _confirmed_case("en")
    text = pdf_text(letters.render(case, "reply", "en"), tmp_path)
    flat = squash(text)
    for heading in ("Date", "Counterparty", "Providedorreceived", "Dataitems"):
        assert heading in flat
    assert "1December2026" in flat
    # records are plural (data was "It is set out …")
    assert "Wediscloseallofthethird-partyprovisionrecordsyouaskedfor.TheyaresetoutinAttachment1." in flat
    assert "Receivedbyus" in flat and "Providedbyus" in flat
    assert "Name,nameinkana,dateofbirth,phonenumber,address,membershipnumber" in flat
    # The counterparty as recorded, with its address in the English way.
    assert "株式会社名簿センター(東京都" in flat and "（" not in flat
    for japanese in ("年月日", "相手方", "区分", "個人データの項目", "令和", "当社", "氏名", "生年月日", "会員番号"):
        assert japanese not in flat, japanese


def test_the_table_follows_the_letter_not_the_confirmation(app, runner, lists, parties, tmp_path):
    """Confirmed on a Japanese case, a reply rendered in English is still in English, and the
    Japanese one in Japanese (era dates, the catalogue's labels)."""
    _records(runner, lists)
    case = _confirmed_case("ja")
    stored = case.items[0].details["disclosed"]
    assert stored["columns"] == ["年月日", "相手方", "区分", "個人データの項目"]  # the case page's copy
    japanese = squash(pdf_text(letters.render(case, "reply", "ja"), tmp_path))
    assert "令和8年12月1日" in japanese and "当社が受領" in japanese
    assert "氏名、フリガナ、生年月日、電話番号、住所、会員番号" in japanese
    english = squash(pdf_text(letters.render(case, "reply", "en"), tmp_path))
    assert "1December2026" in english and "令和" not in english and "Dataitems" in english


def test_the_counterparty_stays_as_recorded(app, runner, lists, parties, tmp_path):
    """A counterparty renamed after the search was confirmed: the reply names it as it was."""
    _records(runner, lists)
    case = _confirmed_case("en")
    parties["broker"].name = "株式会社新名簿センター"
    db.session.commit()
    flat = squash(pdf_text(letters.render(case, "reply", "en"), tmp_path))
    assert "株式会社名簿センター" in flat and "新名簿" not in flat


def test_a_table_the_officer_typed_is_printed_as_typed(app, runner, lists, parties, tmp_path):
    """Once the officer edits the table it is theirs: no longer rebuilt from the records."""
    _records(runner, lists)
    case = _confirmed_case("en")
    set_disclosed_table(case.items[0], "Date\tNote\n2026-12-01\tchecked by hand", actor=make_staff("officer"))
    case.items[0].outcome = "disclosed"
    db.session.commit()
    flat = squash(pdf_text(letters.render(case, "reply", "en"), tmp_path))
    assert "checkedbyhand" in flat and "Receivedbyus" not in flat


def test_items_from_the_catalogue_then_the_settings_then_as_recorded(app):
    """Each item named from the catalogue, else from the opt-out notice's items (ja/en item
    for item), else as recorded."""
    assert (
        items_in("氏名、ふりがな、ＴＥＬ、Eメール、性別", "en")
        == "Name, name in kana, phone number, e-mail address, sex"
    )
    assert items_in("name, Date of birth", "ja") == "氏名、生年月日"
    settings.update({"optout_items": "氏名、年収区分", "optout_items_en": "Name, income band"})
    db.session.commit()
    assert items_in("氏名、年収区分、趣味", "en") == "Name, income band, 趣味"
    assert items_in("氏名、年収区分", "ja") == "氏名、年収区分"
