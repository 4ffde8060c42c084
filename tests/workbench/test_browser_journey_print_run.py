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
from tests import browser_steps as steps
from tests.helpers import make_case, make_staff
from tests.workbench.helpers import make_document

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESK_SCREENSHOT_DIR")


def test_fee_short_then_paid_to_a_reply_sent_from_the_print_run(app, live_server, page, tmp_path):
    officer = make_staff("officer", name="佐藤 花子")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure", "correction"), channel="web", name="山田 花子")
    licence = make_document(case, "drivers_licence", label="運転免許証 1/1")
    url = live_server.url

    steps.sign_in(page, url, officer)
    steps.open_case(page, url, case)
    steps.confirm_identity(page, licence)

    # 500 yen of stamps: short. The notice is queued, then the rest arrives before it is printed.
    steps.record_payment(page, 500, "postage_stamps")
    steps.ask_for_fee(page)
    steps.record_payment(page, 500, "bank_transfer")
    steps.expect_status(page, "調査中")
    steps.print_run_rows(page, url)
    expect(page.get_by_text("印刷を待っている文書はありません。")).to_be_visible()  # the notice withdrew itself

    steps.open_case(page, url, case)
    steps.save_disclosed_data(page, "項目\t内容\n氏名\t山田 花子\n会員番号\tA-1029")
    disclosure, correction = case.items
    steps.decide(page, disclosure, "全部開示")
    steps.decide(
        page, correction, "訂正等を実施", 訂正等の内容="ご住所を「東京都渋谷区神宮前一丁目2番3号」に訂正しました。"
    )
    steps.submit_decision(page, "承認済・発送待ち")
    steps.sign_out(page)

    # The print run offers the reply (queued by the approval) and nothing stale.
    steps.sign_in(page, url, supervisor)
    rows = steps.print_run_rows(page, url)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("回答書")
    if SHOTS:  # the print run as the supervisor sees it, for a person to look at
        for lang, width in (("ja", 1366), ("en", 375)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{url}/staff/letters/print-run?lang={lang}")
            page.screenshot(path=f"{SHOTS}/print-run-{lang}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{url}/staff/letters/print-run?lang=ja")
    printed = steps.squash(steps.pdf_text(steps.print_ticked(page), tmp_path))
    steps.mark_sent(page)
    expect(page.get_by_text("印刷を待っている文書はありません。")).to_be_visible()

    db.session.expire_all()
    done = db.session.get(Case, case.id)
    assert done.status == "completed" and done.closed_on == today() and due_on(done) is not None
    letters = list(db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)))
    assert [(letter.kind, letter.withdrawn_reason, letter.dispatched_on) for letter in letters] == [
        ("shortfall", "reason_gone", None),
        ("reply", None, today()),
    ]
    stored = steps.stored_letter_text(page, url, case, letters[1], tmp_path)
    for text in (printed, stored):
        assert steps.squash("開示の方法書面の交付") in text
        assert steps.squash("訂正等の内容ご住所を「東京都渋谷区神宮前一丁目2番3号」に訂正しました。") in text
        assert steps.squash("別紙1") in text and "A-1029" in text
