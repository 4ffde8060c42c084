"""The consent journey in a real Chromium: sign up on the public form, confirm by the mailed
link, the welcome mail carries the headers of `consent-headers`, one POST to the link
unsubscribes, the next `desk screen --channel email` removes the address, and the staff
look-up shows the three records with their times. Then each public page at 1366 and 375 px in both languages."""

from __future__ import annotations

import csv
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from desk.consent import links
from tests.consent.conftest import link_in, messages, set_setting, write_csv
from tests.helpers import PASSWORD, make_staff
from tests.intake.test_browser_intake import shot

pytestmark = pytest.mark.browser


def test_sign_up_confirm_unsubscribe_screen(app, live_server, page, browser, smtp, runner, tmp_path):
    """The whole life of one e-mail consent, as a person and a mail client see it."""
    _, inbox = smtp
    base = live_server.url
    set_setting("consent_public_url", base)

    page.goto(f"{base}/consent/signup")
    page.get_by_label("メールアドレス").fill("misaki.suzuki@example.jp")
    expect(page.get_by_label("メールマガジン")).to_be_checked()
    expect(page.locator("#consent-text")).to_contain_text("広告・宣伝メールを受け取ることに同意します")
    page.get_by_label("上記の内容に同意します").check()
    page.get_by_role("button", name="確認メールを送る").click()
    page.wait_for_url("**/consent/signup/sent")
    expect(page.get_by_role("heading", name="確認メールをお送りしました")).to_be_visible()

    (confirmation,) = messages(inbox)
    assert confirmation["To"] == "misaki.suzuki@example.jp"
    page.goto(link_in(confirmation, links.CONFIRM_PATH))
    page.get_by_role("button", name="登録を確定する").click()
    expect(page.get_by_role("heading", name="ご登録が完了しました")).to_be_visible()
    expect(page.locator("#confirmed-at")).to_be_visible()

    welcome = messages(inbox)[1]
    headers = runner.invoke(args=["desk", "consent-headers", "misaki.suzuki@example.jp", "newsletter"])
    assert headers.exit_code == 0, headers.output
    assert headers.output.splitlines() == [
        f"List-Unsubscribe: {welcome['List-Unsubscribe']}",
        f"List-Unsubscribe-Post: {welcome['List-Unsubscribe-Post']}",
    ]

    campaign = write_csv(
        tmp_path / "campaign.csv",
        [["氏名", "メールアドレス"], ["鈴木 美咲", "misaki.suzuki@example.jp"], ["佐藤 一郎", "ichiro@example.jp"]],
    )

    def screen(name):
        out = tmp_path / f"{name}.csv"
        result = runner.invoke(
            args=["desk", "screen", str(campaign), "-o", str(out), "--channel", "email", "--purpose", "newsletter"]
        )
        assert result.exit_code == 0, result.output
        with open(out, encoding="utf-8", newline="") as fh:
            kept = [row[1] for row in list(csv.reader(fh))[1:]]
        with open(tmp_path / f"{name}.report.csv", encoding="utf-8", newline="") as fh:
            reasons = {row[2] for row in list(csv.reader(fh))[1:]}
        return kept, reasons

    assert screen("before") == (["misaki.suzuki@example.jp"], {"consent_no_opt_in"})

    # The mail client's one-click unsubscribe: one POST, no cookie, no page.
    target = welcome["List-Unsubscribe"].strip("<>")
    request = urllib.request.Request(
        target, data=urllib.parse.urlencode({"List-Unsubscribe": "One-Click"}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.headers.get_content_type() == "text/plain"

    assert screen("after") == ([], {"consent_opted_out", "consent_no_opt_in"})

    officer = browser.new_context(locale="ja-JP").new_page()
    staff = make_staff("officer", name="佐藤 花子")
    officer.goto(f"{base}/staff/login")
    officer.get_by_label("メールアドレス").fill(staff.email)
    officer.get_by_label("パスワード").fill(PASSWORD)
    officer.get_by_role("button", name="サインイン").click()
    officer.wait_for_url("**/staff/cases")
    officer.goto(f"{base}/staff/consent")
    officer.locator("form.lookup-form").get_by_label("メールアドレス").fill("Misaki.Suzuki@example.jp")
    officer.get_by_role("button", name="照会").click()
    rows = officer.locator("#history tbody tr")
    expect(rows).to_have_count(3)
    actions = [rows.nth(i).get_attribute("data-action") for i in range(3)]
    assert actions == ["requested", "given", "withdrawn"]
    for i, method in enumerate(("ウェブの登録フォーム", "確認メールのリンク", "配信停止リンク")):
        expect(rows.nth(i)).to_contain_text(method)
        assert rows.nth(i).locator("td").nth(1).inner_text().count(":") == 2  # to the second, with its zone
    expect(officer.locator("#history")).to_contain_text("mi＊＊＊@example.jp")
    shot(officer, "consent-staff-history-1366-ja")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("width", [1366, 375])
def test_public_pages_at_both_widths(app, live_server, browser, smtp, width, lang):
    """The sign-up, sent, confirmation, confirmed, unsubscribe and opt-out pages fit the width in both languages."""
    _, inbox = smtp
    base = live_server.url
    set_setting("consent_public_url", base)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="ja-JP" if lang == "ja" else "en-GB", device_scale_factor=1
    )
    page = context.new_page()

    def fits(name):
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        shot(page, f"consent-{name}-{width}-{lang}")

    page.goto(f"{base}/consent/signup?lang={lang}")
    fits("signup")
    page.locator("#email").fill("misaki@example.jp")
    page.locator("input[name=purposes][value=offers]").check()
    page.locator("#agree").check()
    page.locator("form.consent-form button[type=submit]").click()
    page.wait_for_url("**/consent/signup/sent*")
    fits("signup-sent")
    page.goto(link_in(messages(inbox)[0], links.CONFIRM_PATH))
    fits("confirm")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#confirmed-at")).to_be_visible()
    fits("confirmed")
    page.goto(messages(inbox)[1]["List-Unsubscribe"].strip("<>"))
    fits("unsubscribe")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".status-card")).to_be_visible()
    fits("unsubscribed")
    page.goto(f"{base}/consent/optout")
    fits("optout")
    page.goto(f"{base}/consent/signup?embed=1")
    fits("signup-embedded")
    context.close()
