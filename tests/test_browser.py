"""The browser fixture works: an officer signs in and sees the case list in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD, make_case, make_staff

pytestmark = pytest.mark.browser


def test_officer_signs_in_and_sees_cases(app, live_server, page):
    officer = make_staff("officer", name="佐藤 花子")
    case = make_case(name="山田 花子")
    page.goto(f"{live_server.url}/staff/login")
    page.get_by_label("メールアドレス").fill(officer.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url("**/staff/cases")
    expect(page.get_by_role("heading", name="案件一覧")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    page.get_by_role("link", name=case.reference).click()
    expect(page.locator("main")).to_contain_text("山田 花子")  # in the requester panel, folded on the guided page
