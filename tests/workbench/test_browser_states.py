"""The case page in each main state, at 1366 and 375 px, in Japanese and English: nothing is
wider than the screen, the next step leads, and the page says its state once. Screenshots go
to DESK_SCREENSHOT_DIR when it is set, to be looked at."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from desk.cases.models import Case
from desk.demo import DEMO_PASSWORD
from desk.extensions import db

pytestmark = pytest.mark.browser

#: The innermost elements that reach past the right edge of the screen.
_WIDER_THAN_SCREEN = """
[...document.querySelectorAll('body *')].filter(el => {
  const r = el.getBoundingClientRect();
  return r.right > window.innerWidth + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1);
}).slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 40))
"""

STATES = (
    "received",
    "verifying",
    "awaiting_fee",
    "decision_drafted",
    "awaiting_approval",
    "approved",
    "completed",
)


@pytest.mark.parametrize("width", [1366, 375])
def test_case_page_in_each_state(app, runner, live_server, browser, width):
    assert runner.invoke(args=["desk", "demo", "--cases", "30"]).exit_code == 0
    by_state = {}
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        by_state.setdefault(case.status, case)
    assert set(STATES) <= set(by_state)
    url = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/staff/login?lang=ja")
    page.get_by_label("メールアドレス").fill("supervisor@example.jp")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="サインイン").click()
    folder = os.environ.get("DESK_SCREENSHOT_DIR")
    for state in STATES:
        case = by_state[state]
        for lang in ("ja", "en"):
            page.goto(f"{url}/staff/cases/{case.reference}?lang={lang}")
            expect(page.locator(".case-title .status")).to_have_text(case.state.ja if lang == "ja" else case.state.en)
            if case.state.closed:
                expect(page.locator("#next-step")).to_have_count(0)
            else:
                expect(page.locator("#next-step")).to_be_visible()
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(folder) / f"case-{state}-{lang}-{width}.png"), full_page=True)
            wide = page.evaluate(_WIDER_THAN_SCREEN)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (state, lang, wide)
    context.close()
