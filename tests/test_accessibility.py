"""axe-core in Chromium over the pages people spend their time on: the public request form
and the first page, the officer's queue, the case page (the next step open, and waiting for
approval), the approvals inbox; in Japanese and English. No serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from desk.cases.models import Case
from desk.demo import DEMO_PASSWORD
from desk.extensions import db

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def _sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/staff/login?lang=ja")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="サインイン").click()


def _violations(page) -> list[str]:
    response = Axe().run(page, options={"resultTypes": ["violations"]}).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_no_serious_accessibility_violation(app, runner, live_server, page):
    assert runner.invoke(args=["desk", "demo", "--cases", "30"]).exit_code == 0
    by_state = {c.status: c.reference for c in db.session.scalars(select(Case).order_by(Case.id))}
    url = live_server.url
    public = ["/", "/requests/new/principal", "/requests/new/delegated", "/requests/status"]
    officer = ["/staff/cases", f"/staff/cases/{by_state['received']}", f"/staff/cases/{by_state['in_progress']}"]
    supervisor = ["/staff/approvals", f"/staff/cases/{by_state['awaiting_approval']}"]
    found = {}

    def read(paths):
        for path in paths:
            for lang in ("ja", "en"):
                page.goto(f"{url}{path}{'&' if '?' in path else '?'}lang={lang}")
                problems = _violations(page)
                if problems:
                    found[f"{path} ({lang})"] = problems

    read(public)
    _sign_in(page, url, "officer@example.jp")
    read(officer)
    page.goto(f"{url}/staff/logout")
    page.context.clear_cookies()
    _sign_in(page, url, "supervisor@example.jp")
    read(supervisor)
    # The check runs on these pages (the CSP does not stop it): an image without alt is found.
    page.evaluate("document.body.append(Object.assign(document.createElement('img'), {src: '/favicon.ico'}))")
    assert any(v.startswith("image-alt") for v in _violations(page))
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in found.items())
