"""The screens changed for issue 16, in Chromium: the 「必須」 badge is readable on every form
that shows it (contrast at least 4.5:1), and screenshots at 1366 and 375 px in Japanese
and English (written to DESK_SCREENSHOT_DIR when it is set, to be looked at)."""

import os
import re
from pathlib import Path

import pytest

from desk.cases.service import transition
from desk.decisions.models import Approval
from desk.extensions import db
from tests.browser_steps import sign_in as _sign_in
from tests.helpers import make_case, make_staff

pytestmark = pytest.mark.browser

_CONTRAST = """
els => els.map(el => {
  const parse = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let node = el, bg = null;
  while (node) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c; break; }
    node = node.parentElement;
  }
  const fg = parse(getComputedStyle(el).color);
  const [a, b] = [lum(fg), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
  return {text: el.textContent.trim(), ratio: (a + 0.05) / (b + 0.05)};
})
"""


def _awaiting(drafter):
    case = make_case(name="鈴木 美咲")
    for state in ("verifying", "in_progress", "decision_drafted"):
        transition(case, state, actor=drafter)
    item = case.items[0]
    item.outcome, item.grounds, item.explanation = "not_disclosed", ["other_law"], "法令により開示できないため"
    item.decided_by_id = drafter.id
    db.session.add(Approval(case_id=case.id, drafter_id=drafter.id))
    transition(case, "awaiting_approval", actor=drafter)
    db.session.commit()
    return case


def _shoot(page, name):
    folder = os.environ.get("DESK_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_required_badge_is_readable_everywhere(app, live_server, page):
    url = live_server.url
    make_staff("officer")
    case = _awaiting(make_staff("officer", name="佐藤 一郎"))
    pages = [f"{url}/requests/new/principal?lang=ja", f"{url}/requests/new/principal?lang=en"]
    for address in pages:
        page.goto(address)
        found = page.locator(".required").evaluate_all(_CONTRAST)
        assert found, address
        assert all(f["ratio"] >= 4.5 for f in found), (address, found)
    _sign_in(page, url, make_staff("supervisor"))
    page.goto(f"{url}/staff/approvals?lang=ja")
    page.locator("summary", has_text="差し戻す").first.click()
    found = page.locator(".required:visible").evaluate_all(_CONTRAST)
    assert found and all(f["ratio"] >= 4.5 for f in found), found
    assert case.reference in page.content()


@pytest.mark.parametrize("width", [1366, 375])
def test_screenshots_of_the_changed_pages(app, live_server, browser, width):
    url = live_server.url
    drafter = make_staff("officer", name="佐藤 一郎")
    case = _awaiting(drafter)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, url, make_staff("supervisor", name="高橋 誠"))
    for lang in ("ja", "en"):
        page.goto(f"{url}/staff/approvals?lang={lang}")
        page.locator("details.return-details summary").first.click()
        _shoot(page, f"approvals-{lang}-{width}")
        page.goto(f"{url}/staff/cases/{case.reference}?lang={lang}")
        _shoot(page, f"case-awaiting-approval-{lang}-{width}")
        page.goto(f"{url}/requests/new/principal?lang={lang}")
        _shoot(page, f"request-form-{lang}-{width}")
        # Nothing is wider than the screen.
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width + 1, (lang, scroll)
    page.goto(f"{url}/staff/approvals?lang=ja")
    page.locator("details.return-details summary").first.click()
    page.get_by_label(re.compile("差し戻す理由")).fill("根拠の条文を明記してください。")
    page.get_by_role("button", name="理由を添えて差し戻す").click()
    page.wait_for_url("**/staff/approvals")
    _shoot(page, f"approvals-after-return-ja-{width}")
    context.close()
