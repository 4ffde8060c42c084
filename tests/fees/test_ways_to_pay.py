"""How to pay: from the settings and the balance, worded for the channel; a method is
offered only once it is configured."""

from __future__ import annotations

from datetime import date

from desk import settings
from desk.cases.service import transition
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.fees.payment import ways_to_pay
from desk.letters import service as letters
from tests.helpers import make_case
from tests.letters.conftest import pdf_text, squash

BANK = {
    "bank_name": "みずほ銀行",
    "bank_branch": "丸の内支店",
    "bank_account_type": "ordinary",
    "bank_account_number": "1234567",
    "bank_account_holder": "カ）サンプルシヨウジ",
}


def test_each_method_once_configured_and_worded_for_the_channel(app):
    assert [w.code for w in ways_to_pay(1000, "web", "2026-000001")] == ["postage_stamps"]
    settings.update(
        {**BANK, "counter_address": "東京都千代田区丸の内一丁目1番1号 1階", "counter_hours": "平日9時〜17時"}
    )
    db.session.commit()
    web = {w.code: w for w in ways_to_pay(500, "web", "2026-000001")}
    assert list(web) == ["postage_stamps", "bank_transfer", "cash"]
    assert "同封" not in web["postage_stamps"].ja and "受付番号（2026-000001）" in web["postage_stamps"].ja
    assert "みずほ銀行 丸の内支店 普通 1234567 カ）サンプルシヨウジ" in web["bank_transfer"].ja
    assert "500円" in web["bank_transfer"].ja and "2026-000001" in web["bank_transfer"].en
    assert "丸の内一丁目1番1号" in web["cash"].ja and "平日9時〜17時" in web["cash"].ja
    mailed = ways_to_pay(500, "mail", "2026-000002")[0]
    assert "請求書に同封" in mailed.ja and "Enclose" in mailed.en
    settings.update({"payment_methods": ["bank_transfer"]})
    db.session.commit()
    assert [w.code for w in ways_to_pay(500, "web")] == ["bank_transfer"]


def test_the_shortfall_letter_asks_for_the_balance_by_the_configured_account(app, tmp_path):
    settings.update(BANK)
    db.session.commit()
    case = make_case(("disclosure",))
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    db.session.add(FeePayment(case_id=case.id, amount=300, method="postage_stamps", received_on=date(2026, 11, 5)))
    db.session.commit()
    text = squash(pdf_text(letters.render(case, "shortfall", "ja"), tmp_path))
    assert squash("700円を次の口座にお振り込みください") in text and squash("1234567") in text
    assert squash(f"受付番号（{case.reference}）") in text and "同封" not in text


def test_pages_name_each_method_once_per_line(app, client):
    """Each line of the public notice's "how to pay" names its method in its own sentence:
    no label before it saying the same again (「郵便切手：郵便切手（1,000円分）を…」)."""
    import re

    settings.update(
        {**BANK, "counter_address": "東京都千代田区丸の内一丁目1番1号 1階", "counter_hours": "平日9時〜17時"}
    )
    db.session.commit()
    for lang, names in (("ja", ("郵便切手", "お振り込み", "現金")), ("en", ("stamps", "Transfer ¥", "in cash"))):
        page = client.get(f"/?lang={lang}").get_data(as_text=True)
        block = re.search(r'<ul class="ways-to-pay">(.*?)</ul>', page, re.S).group(1)
        lines = re.findall(r"<li>(.*?)</li>", block, re.S)
        assert len(lines) == 3, lines
        for line, name in zip(lines, names, strict=True):
            assert line.count(name) == 1 and "<strong>" not in line, line


def test_the_reference_in_a_way_to_pay_is_never_broken_at_its_hyphen(app, client):
    """On the status page the reference inside each way to pay is kept on one line."""
    from tests.intake.test_status import look, make_request

    case, code = make_request()
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    db.session.commit()
    html = look(client, case.reference, code)
    assert f'受付番号（<span class="nowrap">{case.reference}</span>）' in html
