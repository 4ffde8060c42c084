"""The request journeys in a real Chromium: principal, delegated agent, bad input, status."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.intake import samples
from tests.intake.helpers import case_count, document_count, files_under

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESK_SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    """Screenshots for a person to look at, when DESK_SCREENSHOT_DIR is set."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def upload(page, slot: str, *files: tuple[str, str, bytes]) -> None:
    page.set_input_files(f"#{slot}-files", files=[{"name": n, "mimeType": t, "buffer": b} for n, t, b in files])


def fill_person(page, role: str, **values) -> None:
    for field, value in values.items():
        page.fill(f"#{role}-{field}", value)


def fill_principal(page, postal_code="150-0001"):
    page.check("input[name=kinds][value=disclosure]")
    page.check("input[name=delivery_method][value=electronic]")
    fill_person(
        page,
        "principal",
        name="山田 花子",
        furigana="やまだ はなこ",
        birth_date="昭和55年4月1日",
        postal_code=postal_code,
        address="東京都渋谷区神宮前一丁目2番3号",
        phone="03-1234-5678",
        email="hanako@example.com",
        known_as="会員番号 A-123456",
    )
    page.select_option("#principal_id-kind", "drivers_licence")


def look_up_status(page, base: str, reference: str, code: str) -> None:
    page.goto(f"{base}/requests/status")
    page.fill("#reference", reference)
    page.fill("#code", code)
    page.locator("form button[type=submit]").click()


def test_principal_disclosure_request_and_status(app, live_server, page):
    """A principal asks for disclosure with a licence photo, keeps the code, and checks the status."""
    base = live_server.url
    page.goto(f"{base}/requests/new")
    shot(page, "ja-0-start")
    page.get_by_role("link", name=re.compile("本人")).first.click()
    expect(page.locator("#fee-box")).to_be_hidden()  # no fee-bearing kind chosen yet (script on)
    fill_principal(page)
    expect(page.locator("#fee-box")).to_be_visible()
    upload(
        page,
        "principal_id",
        ("licence-front.jpg", "image/jpeg", samples.jpeg()),
        ("licence-back.jpg", "image/jpeg", samples.jpeg(colour="grey")),
    )
    shot(page, "ja-1-form")
    page.get_by_role("button", name="入力内容を確認する").click()
    expect(page.get_by_role("heading", name="入力内容の確認")).to_be_visible()
    expect(page.get_by_text("ヤマダ ハナコ")).to_be_visible()
    expect(page.get_by_text("2ファイル")).to_be_visible()
    shot(page, "ja-2-confirm")
    page.get_by_role("button", name="この内容で送信する").click()
    page.wait_for_url("**/requests/done")
    reference = page.locator("#reference").inner_text()
    code = page.locator("#access-code").inner_text()
    assert re.fullmatch(r"\d{4}-\d{6}", reference) and re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    expect(page.get_by_role("button", name="この画面を印刷する")).to_be_visible()
    shot(page, "ja-3-done")
    assert case_count() == 1 and document_count() == 2
    look_up_status(page, base, reference, code)
    assert page.locator(".status-now").inner_text() == "受け付けました"
    expect(page.locator("section.waiting > ul > li").first).to_contain_text("手数料 1,000円（未払いの額）")
    shot(page, "ja-4-status")


def test_delegated_agent_request_in_english(app, live_server, page):
    """A delegated agent sends a power of attorney and seal certificate, in English, then checks the status."""
    base = live_server.url
    page.goto(f"{base}/requests/new?lang=en")
    shot(page, "en-0-start")
    page.get_by_role("link", name=re.compile("Agent by power of attorney")).click()
    page.check("input[name=kinds][value=disclosure]")
    page.check("input[name=delivery_method][value=paper]")
    fill_person(
        page,
        "proxy",
        name="Jiro Sato",
        furigana="さとう じろう",
        postal_code="530-0001",
        address="2-2-2 Umeda, Kita-ku, Osaka",
        phone="06-1234-5678",
    )
    fill_person(
        page,
        "principal",
        name="Ichiro Sato",
        furigana="サトウ イチロウ",
        birth_date="1950/1/2",
        postal_code="5300001",
        address="1-1-1 Umeda, Kita-ku, Osaka",
    )
    upload(page, "authority_power_of_attorney", ("poa.pdf", "application/pdf", samples.pdf()))
    upload(page, "authority_seal_certificate", ("seal.png", "image/png", samples.png()))
    page.select_option("#proxy_id-kind", "residence_card")
    upload(page, "proxy_id", ("residence-card.jpg", "image/jpeg", samples.jpeg()))
    shot(page, "en-1-form")
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", name="Check your request")).to_be_visible()
    shot(page, "en-2-confirm")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/requests/done")
    reference, code = page.locator("#reference").inner_text(), page.locator("#access-code").inner_text()
    shot(page, "en-3-done")
    assert case_count() == 1 and document_count() == 3
    look_up_status(page, base, reference, code.lower().replace("-", ""))
    assert page.locator(".status-now").inner_text() == "Received"
    shot(page, "en-4-status")


def test_bad_input_is_refused_and_leaves_nothing(app, live_server, page):
    """Wrong postal code, a renamed .exe, a missing document: each refused with a clear message, nothing stored."""
    base = live_server.url
    page.goto(f"{base}/requests/new?who=principal")
    fill_principal(page, postal_code="150-001")
    upload(page, "principal_id", ("license.jpg", "image/jpeg", samples.jpeg()))
    page.get_by_role("button", name="入力内容を確認する").click()
    assert (
        page.locator("#principal-postal_code-error").inner_text()
        == "郵便番号は7桁の数字で入力してください（例: 150-0001）。"
    )
    expect(page.get_by_role("link", name=re.compile("^郵便番号："))).to_be_visible()  # the summary at the top
    expect(page.get_by_text("ファイルをもう一度選んでください")).to_be_visible()
    assert page.locator("#principal-name").input_value() == "山田 花子"
    shot(page, "ja-5-errors")

    page.fill("#principal-postal_code", "150-0001")
    upload(page, "principal_id", ("license.jpg", "image/jpeg", samples.windows_exe()))
    page.get_by_role("button", name="入力内容を確認する").click()
    assert page.locator("#principal_id-error").inner_text().startswith("このファイルはPDF・JPEG・PNG")

    page.get_by_role("button", name="入力内容を確認する").click()  # no file at all
    assert page.locator("#principal_id-error").inner_text() == "この書類を添付してください。"
    assert case_count() == 0 and document_count() == 0 and files_under(app) == []


def test_phone_width_form(app, live_server, browser):
    """The form fits a phone: no sideways scrolling."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/requests/new?who=parent")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "phone-form")
    context.close()
    assert width <= 390


def test_form_works_without_javascript(app, live_server, browser):
    """With scripts off, the whole journey still works (progressive enhancement only)."""
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}/requests/new?who=principal")
    expect(page.locator("#fee-box")).to_be_visible()
    fill_principal(page)
    upload(page, "principal_id", ("passport.pdf", "application/pdf", samples.pdf()))
    page.get_by_role("button", name="入力内容を確認する").click()
    page.get_by_role("button", name="この内容で送信する").click()
    page.wait_for_url("**/requests/done")
    expect(page.locator("#access-code")).to_be_visible()
    context.close()
    assert case_count() == 1
