"""In Chromium: the public notice on a phone, the dashboard on a desktop (screenshots kept)."""

import os

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD, make_staff
from tests.reports.fixtures import build

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESK_SHOTS_DIR", "/tmp/oversight-shots")


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="ja-JP", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_public_notice_fits_a_phone(app, live_server, phone, lang):
    """No sideways scrolling at 375 px; the two ways to apply and the envelope note are visible."""
    os.makedirs(SHOTS, exist_ok=True)
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.goto(f"{live_server.url}/?lang={lang}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    button = phone.get_by_role("link", name="お申込みフォームへ" if lang == "ja" else "Go to the online form")
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 44  # a thumb-sized target
    expect(phone.get_by_text("開示等請求書在中").first).to_be_visible()
    font = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert font >= 16
    phone.screenshot(path=f"{SHOTS}/test-public-{lang}.png", full_page=True)
    assert errors == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_dashboard_on_a_desktop(app, live_server, browser, lang):
    """A supervisor sees seven SVG charts with tables and the provision records' figures, no console errors (CSP holds)."""
    os.makedirs(SHOTS, exist_ok=True)
    build()
    supervisor = make_staff("supervisor")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ja-JP")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/staff/login")
    page.get_by_label("メールアドレス").fill(supervisor.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url("**/staff/approvals")  # a supervisor lands on what waits for them
    page.goto(f"{live_server.url}/staff/dashboard?from=2026-01-01&to=2026-04-30&lang={lang}")
    assert page.locator("svg.chart").count() == 7
    # every chart has its figures as a table beside it; the provision records add two tables of their own
    assert page.locator("section.chart-block:has(svg.chart) table.figures").count() == 7
    assert page.locator("#provisions table.figures").count() == 2
    box = page.locator("#received svg.chart").bounding_box()
    assert box["width"] > 800 and box["height"] > 150
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=f"{SHOTS}/test-dashboard-{lang}.png", full_page=True)
    assert errors == []
    context.close()
