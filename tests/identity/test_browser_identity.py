"""In Chromium: a mail-in proxy case without the seal certificate. The certificate comes by
post and staff add it; the requester sends the missing page of their ID from the status
page; the officer reviews both, records the reply, and confirms authority and identity.
With DESK_SCREENSHOT_DIR set, the identity and proxy panels and the status page's upload
are kept as PNGs in Japanese and English, at 1366 and 375 px wide."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from desk.cases.models import Case
from desk.clock import today
from desk.extensions import db
from desk.intake import codes
from tests.browser_steps import open_panel
from tests.browser_steps import sign_in as _sign_in
from tests.helpers import make_case, make_staff
from tests.workbench.helpers import card_pdf, make_document

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESK_SCREENSHOT_DIR")
WIDTHS = (1366, 375)


def _png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 400), colour).save(out, "PNG")
    return out.getvalue()


def _shots(browser, url, path, selectors, name, user=None, before=None):
    """The page at each width in each language; each selector's element as a PNG."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        for lang in ("ja", "en"):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
            page = context.new_page()
            if user is not None:
                _sign_in(page, url, user)
            if before is not None:
                before(page)
            page.goto(f"{url}{path}{'&' if '?' in path else '?'}lang={lang}")
            for selector in selectors:
                page.locator(selector).first.screenshot(
                    path=f"{SHOTS}/{name}-{selector.strip('#.')}-{lang}-{width}.png"
                )
            context.close()


def test_mail_in_proxy_case_with_documents_that_arrive_later(app, live_server, page, browser):
    officer = make_staff("officer", name="鈴木 一郎")
    case = make_case(("disclosure",), channel="mail", proxy_kind="delegated")
    case.proxy.address = "大阪府大阪市北区中之島一丁目3番20号 中之島ハイツ502号室"
    code = codes.new_code()
    case.access_code_hash = codes.code_hash(case.reference, code)
    db.session.commit()
    attorney = make_document(case, "power_of_attorney", "proxy", label="委任状")
    front = make_document(case, "drivers_licence", "proxy", label="運転免許証（表）")
    url = live_server.url

    _sign_in(page, url, officer)
    page.goto(f"{url}/staff/cases/{case.reference}")
    proxy = open_panel(page, "proxy")
    expect(proxy.get_by_role("button", name="代理権を確認した")).to_be_disabled()
    expect(open_panel(page, "documents").locator(".flash-warning")).to_contain_text("委任状")
    document = open_panel(page, f"document-{attorney.id}")
    document.get_by_label("確認結果").select_option("acceptable")
    # Each review reloads the case page: wait for it, or the next step acts on the old one.
    with page.expect_navigation():
        document.get_by_role("button", name="記録").click()
    # The warning now lists only what is still missing.
    expect(open_panel(page, "documents").locator(".flash-warning")).to_contain_text("本人の印鑑登録証明書")
    expect(open_panel(page, "documents").locator(".flash-warning")).not_to_contain_text("委任状")
    expect(open_panel(page, "proxy-incomplete")).not_to_contain_text("委任状")
    open_panel(page, f"document-{front.id}").get_by_label("確認結果").select_option("deficient")
    open_panel(page, f"document-{front.id}").get_by_label("不備の内容").fill("裏面（住所変更の記載）がない")
    with page.expect_navigation():
        open_panel(page, f"document-{front.id}").get_by_role("button", name="記録").click()

    requests = open_panel(page, "requests")
    requests.get_by_label("照会の種類").select_option("documents")
    requests.get_by_label("依頼する内容").fill("本人の印鑑登録証明書と、運転免許証の裏面をお送りください。")
    requests.get_by_role("button", name="照会を記録").click()
    expect(page.locator(".case-title .status")).to_have_text("書類待ち")

    # The seal certificate arrives by post: staff add the scan.
    add = open_panel(page, "documents").locator("form.add-document")
    add.get_by_label("書類の種類").select_option("proxy:seal_certificate")
    add.get_by_label("ファイル（PDF・JPEG・PNG）").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": card_pdf(1)}]
    )
    add.get_by_role("button", name="追加する").click()
    expect(page.get_by_text("書類を追加しました")).to_be_visible()

    # The requester sends the back of the licence from the status page.
    requester = browser.new_context(locale="ja-JP")
    public = requester.new_page()
    public.goto(f"{url}/requests/status")
    public.get_by_label("受付番号").fill(case.reference)
    public.get_by_label("アクセスコード").fill(code)
    public.get_by_role("button", name="確認する").click()
    form = public.locator("form.send-documents")
    form.get_by_label("書類の種類").select_option("proxy:drivers_licence")
    form.get_by_label("ファイル（PDF・JPEG・PNG）").set_input_files(
        files=[{"name": "back.png", "mimeType": "image/png", "buffer": _png("white")}]
    )
    form.get_by_role("button", name="送信する").click()
    expect(public.get_by_text("書類を受け取りました（1点）")).to_be_visible()
    expect(public.locator(".sent-documents")).to_contain_text("運転免許証")
    requester.close()

    # The officer reviews both, records the reply and confirms authority and identity.
    page.goto(f"{url}/staff/cases/{case.reference}")
    expect(open_panel(page, "documents").get_by_text("依頼者が追加")).to_be_visible()
    expect(open_panel(page, "documents").get_by_text("職員が追加")).to_be_visible()
    db.session.expire_all()
    added = {d.origin: d for d in db.session.get(Case, case.id).documents if d.origin}
    seal, back = added["staff"], added["requester"]
    document = open_panel(page, f"document-{seal.id}")
    document.get_by_label("確認結果").select_option("acceptable")
    document.get_by_label("発行日").fill(today().isoformat())
    with page.expect_navigation():
        document.get_by_role("button", name="記録").click()
    document = open_panel(page, f"document-{back.id}")
    document.get_by_label("確認結果").select_option("acceptable")
    with page.expect_navigation():
        document.get_by_role("button", name="記録").click()
    expect(open_panel(page, "documents").locator(".flash-warning")).to_have_count(0)
    open_panel(page, "requests").get_by_role("button", name="回答を受領した（期限の計算を再開）").click()
    expect(page.locator(".case-title .status")).to_have_text("本人確認中")

    identity = open_panel(page, "identity")
    identity.get_by_label("本人確認書類の住所").fill("大阪市北区中之島1-3-20")
    identity.get_by_label("当社の記録上の住所").fill("東京都渋谷区神宮前1丁目2番3号")
    identity.get_by_role("button", name="住所を記録して照合").click()
    expect(open_panel(page, "compare-document")).to_contain_text("建物名・部屋番号が一方にだけ記載")
    expect(open_panel(page, "compare-records")).to_contain_text("一致")
    open_panel(page, "proxy").get_by_role("button", name="代理権を確認した").click()
    expect(page.locator(".case-title .status")).to_have_text("本人確認中")
    _shots(browser, url, f"/staff/cases/{case.reference}", ["#identity", "#proxy", "#documents"], "proxy-case", officer)
    open_panel(page, "identity").get_by_role("button", name="本人と確認した").click()
    expect(page.locator(".case-title .status")).to_have_text("調査中")
    done = db.session.get(Case, case.id)
    db.session.refresh(done)
    assert done.status == "in_progress"


def test_screenshots_of_a_mismatch_and_the_status_upload(app, live_server, browser, tmp_path):
    """A principal's case whose addresses disagree, and the status page of a case waiting
    for documents, in both languages and widths: kept in DESK_SCREENSHOT_DIR when set (to
    look at), else in a temporary folder (the pages must still render in CI)."""
    shots = SHOTS or str(tmp_path)
    officer = make_staff("officer", name="鈴木 一郎")
    case = make_case(("disclosure",))
    code = codes.new_code()
    case.access_code_hash = codes.code_hash(case.reference, code)
    db.session.commit()
    passport = make_document(case, "passport", "principal", label="パスポート")
    passport.review = "acceptable"
    from desk.identity.models import Verification

    db.session.add(
        Verification(
            case_id=case.id,
            document_address="東京都渋谷区神宮前1-2-3 サンハイツ101号室",
            records_address="東京都世田谷区三軒茶屋二丁目11番22号",
        )
    )
    from desk.cases.service import transition

    transition(case, "verifying")
    transition(case, "awaiting_documents", due_on=today().replace(day=28))
    db.session.commit()
    _shots(browser, live_server.url, f"/staff/cases/{case.reference}", ["#identity"], "mismatch", officer)

    def open_status(page):
        page.goto(f"{live_server.url}/requests/status")
        open_panel(page, "reference").fill(case.reference)
        open_panel(page, "code").fill(code)
        page.locator("form button[type=submit]").click()

    for width in WIDTHS:
        for lang in ("ja", "en"):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
            page = context.new_page()
            page.goto(f"{live_server.url}/requests/status?lang={lang}")
            open_status(page)
            page.screenshot(path=f"{shots}/status-upload-{lang}-{width}.png", full_page=True)
            context.close()
