"""Issue 14's first journey, in Chromium: a web request for disclosure and correction, the
fee short then paid, the data located, disclosure and correction granted, approved, and the
reply marked sent in the print run: no stale letter is offered, the reply states the method
and the correction, and the case completes."""

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from desk.cases.models import Case
from desk.clock import today
from desk.extensions import db
from desk.letters.models import Letter
from desk.retention.service import due_on
from tests.helpers import PASSWORD, make_case, make_staff
from tests.letters.conftest import pdf_text, squash
from tests.workbench.helpers import make_document
from tests.workbench.test_browser_workbench import _expect_status, _sign_out

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESK_SCREENSHOT_DIR")


def _sign_in(page, url, user):
    """Sign in and wait for the landing page, whichever it is for the role."""
    page.goto(f"{url}/staff/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url(lambda address: "/staff/login" not in address)


def test_fee_short_then_paid_to_a_reply_sent_from_the_print_run(app, live_server, page, tmp_path):
    officer = make_staff("officer", name="佐藤 花子")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure", "correction"), channel="web", name="山田 花子")
    licence = make_document(case, "drivers_licence", label="運転免許証 1/1")
    url = live_server.url

    _sign_in(page, url, officer)
    page.goto(f"{url}/staff/cases/{case.reference}")
    page.locator(f"#document-{licence.id}").get_by_label("確認結果").select_option("acceptable")
    page.locator(f"#document-{licence.id}").get_by_role("button", name="記録").click()
    identity = page.locator("#identity")
    identity.get_by_label("本人確認書類の住所").fill("東京都渋谷区神宮前1-2-3")
    identity.get_by_label("当社の記録上の住所").fill("東京都渋谷区神宮前一丁目２番３号")
    identity.get_by_role("button", name="住所を記録して照合").click()
    page.locator("#identity").get_by_role("button", name="本人と確認した").click()
    _expect_status(page, "調査中")

    # 500 yen of stamps: short. The notice is queued, then the rest arrives before it is printed.
    fees = page.locator("#fees")
    fees.get_by_label("金額（円）").fill("500")
    fees.get_by_label("支払方法").select_option("postage_stamps")
    fees.get_by_role("button", name="入金を記録").click()
    page.locator("#fees").get_by_role("button", name="不足の通知を作成").click()
    _expect_status(page, "手数料待ち")
    fees = page.locator("#fees")
    fees.get_by_label("金額（円）").fill("500")
    fees.get_by_label("支払方法").select_option("bank_transfer")
    fees.get_by_role("button", name="入金を記録").click()
    _expect_status(page, "調査中")
    page.goto(f"{url}/staff/letters/print-run")
    expect(page.get_by_text("印刷を待っている文書はありません。")).to_be_visible()  # the notice withdrew itself

    page.goto(f"{url}/staff/cases/{case.reference}")
    page.locator("#data textarea[name=table]").fill("項目\t内容\n氏名\t山田 花子\n会員番号\tA-1029")
    page.locator("#data").get_by_role("button", name="開示データを保存").click()
    disclosure, correction = case.items
    item = page.locator(f"#item-{disclosure.id}")
    item.get_by_label("全部開示", exact=True).check()
    item.get_by_role("button", name="この決定を保存").click()
    item = page.locator(f"#item-{correction.id}")
    item.get_by_label("訂正等を実施", exact=True).check()
    item.get_by_label("訂正等の内容").fill("ご住所を「東京都渋谷区神宮前一丁目2番3号」に訂正しました。")
    item.get_by_role("button", name="この決定を保存").click()
    page.locator("#decision").get_by_role("button", name="決定を確定").first.click()
    _expect_status(page, "承認済・発送待ち")
    _sign_out(page)

    # The print run offers the reply (queued by the approval) and nothing stale.
    _sign_in(page, url, supervisor)
    page.goto(f"{url}/staff/letters/print-run")
    rows = page.locator("table.print-run tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("回答書")
    if SHOTS:  # the print run as the supervisor sees it, for a person to look at
        for lang, width in (("ja", 1366), ("en", 375)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{url}/staff/letters/print-run?lang={lang}")
            page.screenshot(path=f"{SHOTS}/print-run-{lang}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{url}/staff/letters/print-run?lang=ja")
    page.get_by_label("発送方法").select_option("simple_registered")
    page.get_by_role("button", name="選んだ文書を発送済みにする").click()
    expect(page.get_by_text("印刷を待っている文書はありません。")).to_be_visible()

    db.session.expire_all()
    done = db.session.get(Case, case.id)
    assert done.status == "completed" and done.closed_on == today() and due_on(done) is not None
    letters = list(db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)))
    assert [(letter.kind, letter.withdrawn_reason, letter.dispatched_on) for letter in letters] == [
        ("shortfall", "reason_gone", None),
        ("reply", None, today()),
    ]
    stored = page.request.get(f"{url}/staff/cases/{case.reference}/letters/stored/{letters[1].id}.pdf")
    text = squash(pdf_text(stored.body(), tmp_path))
    assert squash("開示の方法書面の交付") in text
    assert squash("訂正等の内容ご住所を「東京都渋谷区神宮前一丁目2番3号」に訂正しました。") in text
    assert squash("別紙1") in text and "A-1029" in text
