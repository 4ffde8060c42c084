"""The requester's page in a real Chromium: electronic delivery end to end, a missing
document and an answer sent from the page, and the page in each state at 375 px."""

from __future__ import annotations

import re
import zipfile
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.cases.service import by_reference, open_pause, transition
from desk.clock import today
from desk.extensions import db
from desk.identity.models import Document
from tests import browser_steps as steps
from tests.delivery.conftest import decide, electronic_request
from tests.helpers import make_staff
from tests.intake import samples
from tests.intake.test_browser_intake import fill_principal, look_up_status, shot, upload
from tests.workbench.helpers import open_panel

pytestmark = pytest.mark.browser


def _sign_in(page, base):
    steps.sign_in(page, base, make_staff("officer", name="佐藤 花子"))


def _actions(case_id) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)))


def test_electronic_delivery_journey(app, live_server, page, browser, smtp):
    """Asked on the web for an electronic record; decided; the officer dispatches
    electronically; the e-mail arrives (no personal data); the requester opens the page
    with the code and downloads until the package is used up; all of it audited."""
    _, inbox = smtp
    base = live_server.url
    page.goto(f"{base}/requests/new")
    page.get_by_role("link", name=re.compile("本人")).first.click()
    fill_principal(page)
    upload(page, "principal_id", ("licence.jpg", "image/jpeg", samples.jpeg()))
    page.get_by_role("button", name="入力内容を確認する").click()
    page.get_by_role("button", name="この内容で送信する").click()
    page.wait_for_url("**/requests/done")
    reference, code = open_panel(page, "reference").inner_text(), open_panel(page, "access-code").inner_text()
    case = by_reference(reference)
    assert case.delivery_method == "electronic"
    decide(case, on=today())
    inbox.messages.clear()

    officer = browser.new_context(locale="ja-JP").new_page()
    _sign_in(officer, base)
    officer.goto(f"{base}/staff/cases/{reference}")
    dispatch = officer.locator("#letters")
    expect(dispatch.locator("select[name=method]")).to_have_value("electronic")
    dispatch.get_by_role("button", name="発送を記録して完了").click()
    officer.wait_for_load_state()
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "completed"

    assert len(inbox.messages) == 1
    message = message_from_bytes(inbox.messages[0][1], policy=policy.default)
    body = message.get_content()
    assert reference in body and f"{base}/requests/status" in body
    for personal in ("山田", "ヤマダ", "渋谷", "03-1234-5678", code, "A-123456"):
        assert personal not in body and personal not in message["Subject"]

    look_up_status(page, base, reference, code)
    expect(page.get_by_role("heading", name="回答のダウンロード")).to_be_visible()
    for _ in range(5):
        with page.expect_download() as info:
            page.get_by_role("button", name="回答をダウンロードする").click()
        download = info.value
        assert download.suggested_filename == f"{reference}_reply.zip"
        names = zipfile.ZipFile(download.path()).namelist()
        assert f"{reference}_reply.pdf" in names and any(n.endswith(".csv") for n in names)
        look_up_status(page, base, reference, code)
    expect(page.get_by_text("ダウンロードできなくなりました")).to_be_visible()
    expect(page.get_by_role("button", name="回答をダウンロードする")).to_have_count(0)
    actions = _actions(case.id)
    assert actions.count("delivery.downloaded") == 5
    for action in ("intake.submitted", "letter.dispatched", "delivery.published", "delivery.shredded"):
        assert action in actions, action


def test_document_and_answer_sent_from_the_page(app, live_server, page, browser):
    """The requester sends the missing document, then answers the question, from the page;
    the officer sees both on the case page."""
    base = live_server.url
    case, code = electronic_request()
    transition(case, "verifying", on=today())
    transition(case, "awaiting_documents", on=today())
    db.session.commit()
    look_up_status(page, base, case.reference, code)
    expect(page.get_by_role("heading", name="書類をこのページから送る")).to_be_visible()
    page.select_option("#document", index=1)
    page.set_input_files(
        "#files", files=[{"name": "juminhyo.pdf", "mimeType": "application/pdf", "buffer": samples.pdf(text="住民票")}]
    )
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_text("書類を受け取りました（1点）")).to_be_visible()

    case = db.session.get(Case, case.id)
    transition(case, "verifying", on=today())
    transition(case, "awaiting_clarification", on=today())
    open_pause(case).message = "どの期間の購入履歴をご希望か、お知らせください。"
    db.session.commit()
    look_up_status(page, base, case.reference, code)
    expect(page.get_by_text("どの期間の購入履歴をご希望か、お知らせください。")).to_be_visible()
    page.get_by_label("ご回答").fill("2025年の1年分をお願いします。")
    page.get_by_role("button", name="回答を送る").click()
    expect(page.get_by_text("ご回答を受け取りました")).to_be_visible()

    officer = browser.new_context(locale="ja-JP").new_page()
    _sign_in(officer, base)
    officer.goto(f"{base}/staff/cases/{case.reference}")
    # The timeline (the answer) and the documents panel (the file) of the case page.
    expect(officer.locator("body")).to_contain_text("2025年の1年分をお願いします。")
    expect(officer.locator("body")).to_contain_text("ご本人からの回答（確認ページ）")
    expect(officer.locator("body")).to_contain_text("依頼者が追加")
    assert "requester.answered" in _actions(case.id)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_page_in_each_state_at_375px(app, live_server, browser, lang):
    """Waiting for the fee, for documents, decided, delivered, expired: screenshots to look at."""
    from desk.delivery.models import DeliveryPackage

    base = live_server.url
    page = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740}).new_page()
    page.goto(f"{base}/?lang={lang}")
    case, code = electronic_request()
    transition(case, "awaiting_fee", on=today())
    db.session.commit()
    look_up_status(page, base, case.reference, code)
    expect(page.locator(".ways-to-pay")).to_be_visible()
    shot(page, f"status-{lang}-1-fee")

    case = db.session.get(Case, case.id)
    transition(case, "verifying", on=today())
    transition(case, "awaiting_documents", on=today())
    db.session.add(
        Document(
            case_id=case.id,
            party="principal",
            kind="drivers_licence",
            review="deficient",
            deficiency="裏面の住所が読み取れません。",
        )
    )
    db.session.commit()
    look_up_status(page, base, case.reference, code)
    expect(page.locator(".send-documents")).to_be_visible()
    expect(page.locator(".missing-documents")).to_contain_text("運転免許証" if lang == "ja" else "licence")
    expect(page.locator(".ways-to-pay")).to_have_count(0)
    shot(page, f"status-{lang}-2-documents")

    decide(db.session.get(Case, case.id), attach=False, on=today())
    look_up_status(page, base, case.reference, code)
    shot(page, f"status-{lang}-3-decided")

    officer = app.test_client()
    from tests.helpers import login

    login(officer, make_staff("officer"))
    officer.post(
        f"/staff/cases/{case.reference}/dispatch", data={"sent_on": today().isoformat(), "method": "electronic"}
    )
    look_up_status(page, base, case.reference, code)
    expect(page.locator(".download-form")).to_be_visible()
    # the period ends on a date written as the rest of the page writes dates
    until = r"令和\d+年\d+月\d+日 \d\d:\d\d" if lang == "ja" else r"\d+ [A-Z][a-z]+ \d{4}, \d\d:\d\d"
    expect(page.locator(".package .due strong").first).to_have_text(re.compile(until))
    shot(page, f"status-{lang}-4-delivered")

    package = db.session.scalars(select(DeliveryPackage).where(DeliveryPackage.case_id == case.id)).one()
    package.available_until = package.published_at
    db.session.commit()
    look_up_status(page, base, case.reference, code)
    expect(page.locator(".package .expired")).to_be_visible()
    shot(page, f"status-{lang}-5-expired")
