"""In Chromium, the issue's journey: a complaint arrives on the public form, is answered by
letter through the print run and closed; a request about a deceased parent arrives and is
recorded as an inquiry, not a case; a phone inquiry turns into a disclosure case and the link
shows on both. Screenshots of the public form and the inquiry page in both languages at 1366
and 375 px go to DESK_SCREENSHOT_DIR when set (to look at), else to a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from desk.cases.models import Case
from desk.extensions import db
from desk.inquiries.models import Inquiry
from desk.letters.models import Letter
from tests import browser_steps as steps
from tests.helpers import PASSWORD, make_staff

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESK_SCREENSHOT_DIR")
WIDTHS = (1366, 375)


def _sign_in(page, url, user):
    page.goto(f"{url}/staff/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url("**/staff/cases")


def _inquiries():
    db.session.expire_all()
    return list(db.session.scalars(select(Inquiry).order_by(Inquiry.id)))


def test_complaint_answered_by_letter_deceased_parent_and_phone_inquiry_to_case(
    app, live_server, page, browser, tmp_path
):
    url = live_server.url
    officer = make_staff("officer", name="鈴木 一郎")

    # 1. A complaint on the public form, reached from the request page.
    page.goto(f"{url}/requests/new")
    page.get_by_role("link", name="お問い合わせ・苦情の窓口").click()
    expect(page.get_by_role("heading", name="お問い合わせ・苦情", exact=True)).to_be_visible()
    page.get_by_label("苦情", exact=True).check()
    page.get_by_label("お問い合わせの内容").fill("退会したのに、ダイレクトメールが届き続けています。")
    page.get_by_label("お名前（任意）").fill("高橋 美咲")
    page.get_by_label("郵便番号（任意）").fill("150-0001")
    page.get_by_label("住所（任意・書面での回答をご希望の場合）").fill("東京都渋谷区神宮前一丁目2番3号")
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_role("heading", name="お問い合わせを受け付けました")).to_be_visible()
    (complaint,) = _inquiries()
    expect(page.locator(".big-code")).to_have_text(complaint.reference)
    assert complaint.category == "complaint" and complaint.channel == "web"

    # The officer answers it by letter through the print run, then closes it.
    _sign_in(page, url, officer)
    page.get_by_role("link", name="問い合わせ・苦情").first.click()
    page.get_by_role("link", name=complaint.reference).click()
    reply = page.locator("#reply-form")
    reply.get_by_label("回答の内容").fill(
        "ご不快な思いをおかけし、申し訳ございません。\n\n本日、配信を停止いたしました。"
    )
    reply.get_by_role("button", name="回答書を発送に追加").click()
    expect(page.locator(".flash-success")).to_contain_text("回答書を本日の発送に追加しました")
    page.goto(f"{url}/staff/letters/print-run")
    rows = page.locator("table.print-run tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(complaint.reference)
    expect(rows.first).to_contain_text("お問い合わせへのご回答")
    page.get_by_label("発送方法").select_option("ordinary_mail")
    page.get_by_role("button", name="選んだ文書を発送済みにする").click()
    expect(page.get_by_text("印刷を待っている文書はありません。")).to_be_visible()
    page.goto(f"{url}/staff/inquiries/{complaint.reference}")
    expect(page.locator(".case-title .status")).to_have_text("回答済")
    page.get_by_role("button", name="終了にする").click()
    expect(page.locator(".case-title .status")).to_have_text("終了")
    expect(page.locator("#timeline")).to_contain_text("問い合わせに回答")
    (complaint,) = _inquiries()
    assert complaint.status == "closed" and complaint.answer_channel == "letter"
    letter = db.session.scalars(select(Letter).where(Letter.inquiry_id == complaint.id)).one()
    assert letter.dispatched_on is not None and letter.wrapped_key is not None

    # 2. A request about a deceased parent: the request form sends it to the inquiry form.
    visitor = browser.new_context(locale="ja-JP")
    public = visitor.new_page()
    public.goto(f"{url}/requests/new/principal")
    public.get_by_label("請求の対象となる方（ご本人）は亡くなっています").check()
    public.get_by_role("button", name="入力内容を確認する").click()
    expect(public.locator("#about-explanation")).to_contain_text("生存する個人ご本人")
    expect(public.get_by_label("亡くなった方の情報についてのご依頼")).to_be_checked()
    public.get_by_label("お問い合わせの内容").fill("昨年亡くなった父の会員情報と購入履歴を確認したい。相続人です。")
    public.get_by_label("お名前（任意）").fill("田中 健")
    public.get_by_role("button", name="送信する").click()
    expect(public.get_by_role("heading", name="お問い合わせを受け付けました")).to_be_visible()
    visitor.close()
    deceased = _inquiries()[-1]
    assert deceased.category == "deceased"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0

    # 3. A phone inquiry that turns out to be a disclosure request.
    page.goto(f"{url}/staff/inquiries/new")
    page.get_by_label("お問い合わせ（個人情報の取扱いについて）").check()
    page.get_by_label("お問い合わせの内容（要旨）").fill(
        "自分の登録情報を開示してほしいとの電話。書面で請求したいとのこと。"
    )
    page.get_by_label("氏名（任意）").fill("佐藤 花子")
    page.get_by_label("電話番号（任意）").fill("090-1234-5678")
    page.get_by_role("button", name="登録する").click()
    expect(page.locator(".flash-success")).to_contain_text("を登録しました")
    phone = _inquiries()[-1]
    assert phone.channel == "phone"
    form = page.locator("#open-case-form")
    form.locator("input[value=disclosure]").check()
    form.get_by_role("button", name="案件を開始").click()
    expect(page.get_by_role("heading", name="請求を登録しました")).to_be_visible()
    case = db.session.scalars(select(Case)).one()
    page.get_by_role("link", name="案件を開く").click()
    panel = steps.open_panel(page, "not-a-request")  # folded on the guided case page
    expect(panel).to_contain_text("この請求は問い合わせから開始しました")
    panel.get_by_role("link", name=phone.reference).click()
    expect(page.locator("#links")).to_contain_text(case.reference)
    assert case.channel == "phone" and case.kinds == ["disclosure"]

    # Screenshots to look at: the public form and the inquiry page, ja/en, 1366/375.
    shots = Path(SHOTS or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        for lang in ("ja", "en"):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
            view = context.new_page()
            _sign_in(view, url, officer)
            view.goto(f"{url}/inquiries/new?about=deceased&lang={lang}")
            view.screenshot(path=str(shots / f"inquiry-form-{lang}-{width}.png"), full_page=True)
            view.goto(f"{url}/staff/inquiries/{complaint.reference}?lang={lang}")
            view.screenshot(path=str(shots / f"inquiry-page-{lang}-{width}.png"), full_page=True)
            view.goto(f"{url}/staff/inquiries/{phone.reference}?lang={lang}")
            view.screenshot(path=str(shots / f"inquiry-open-{lang}-{width}.png"), full_page=True)
            view.goto(f"{url}/staff/inquiries?lang={lang}")
            view.screenshot(path=str(shots / f"inquiry-queue-{lang}-{width}.png"), full_page=True)
            context.close()
    assert len(list(shots.glob("inquiry-*.png"))) == 16
