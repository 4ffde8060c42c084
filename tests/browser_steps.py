"""The steps a person takes through the staff screens, in Chromium, shared by the browser
journeys: sign in and out, open a case, review a document, confirm identity, record a fee,
ask the requester, decide, approve, print and mark sent in the print run, and read a
letter back as text. Each step drives the page as a person would (labels and buttons) and
waits for what the screen says next."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tests.letters.conftest import pdf_text, squash

__all__ = ["pdf_text", "squash"]


#: Where each role lands after signing in.
LANDING = {"officer": "/staff/cases", "supervisor": "/staff/approvals"}


def sign_in(page, url: str, user) -> None:
    """Sign in (in Japanese) and wait for the role's landing page: an officer's queue, a
    supervisor's approvals inbox, anyone else's first page past the login."""
    page.goto(f"{url}/staff/login?lang=ja")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    if user.role in LANDING:
        page.wait_for_url(f"**{LANDING[user.role]}")
    else:
        page.wait_for_url(lambda address: "/staff/login" not in address)


def sign_out(page) -> None:
    page.get_by_role("button", name="サインアウト").click()
    page.wait_for_url("**/staff/login**")


def open_case(page, url: str, case) -> None:
    page.goto(f"{url}/staff/cases/{case.reference}")
    expect(page.locator(".case-title")).to_contain_text(case.reference)


def open_panel(page, element_id: str):
    """The case page folds every panel but the next step's: open the one holding
    `element_id` as a person would (a click on its line), and return the element."""
    fold = page.locator(f"details.fold:has(#{element_id})")
    if fold.count() and fold.get_attribute("open") is None:
        fold.locator("> summary").click()
    return page.locator(f"#{element_id}")


def expect_status(page, label: str) -> None:
    expect(page.locator(".case-title .status")).to_have_text(label)


def review_document(page, document, result: str = "acceptable", deficiency: str = "") -> None:
    """Record the review of one document: 適 (acceptable), 不備 (deficient, with the note)."""
    row = open_panel(page, f"document-{document.id}")
    row.get_by_label("確認結果").select_option(result)
    if deficiency:
        row.get_by_label("不備の内容").fill(deficiency)
    # Wait for the page the review leads to: looking before it arrives finds the old page.
    with page.expect_navigation():
        row.get_by_role("button", name="記録").click()
    if deficiency:
        expect(page.locator(f"#document-{document.id}").get_by_text(deficiency)).to_be_visible()


def compare_addresses(
    page, on_document: str = "東京都渋谷区神宮前1-2-3", in_records: str = "東京都渋谷区神宮前一丁目２番３号"
) -> None:
    identity = open_panel(page, "identity")
    identity.get_by_label("本人確認書類の住所").fill(on_document)
    identity.get_by_label("当社の記録上の住所").fill(in_records)
    identity.get_by_role("button", name="住所を記録して照合").click()
    expect(open_panel(page, "identity").get_by_text("一致", exact=True)).to_have_count(2)


def confirm_identity(page, document, status: str = "調査中") -> None:
    """The identity document reviewed as acceptable, the addresses compared, 本人と確認した."""
    review_document(page, document)
    compare_addresses(page)
    open_panel(page, "identity").get_by_role("button", name="本人と確認した").click()
    expect_status(page, status)


def record_payment(page, amount: int, method: str) -> None:
    fees = open_panel(page, "fees")
    payments = open_panel(page, "fees").locator("table tbody tr")
    before = payments.count()
    fees.get_by_label("金額（円）").fill(str(amount))
    fees.get_by_label("支払方法").select_option(method)
    fees.get_by_role("button", name="入金を記録").click()
    expect(payments).to_have_count(before + 1)


def ask_for_fee(page) -> None:
    open_panel(page, "fees").get_by_role("button", name="不足の通知を作成").click()
    expect_status(page, "手数料待ち")


def ask_requester(page, what: str, due_on, body: str) -> None:
    """Ask for documents (what="documents") or a clarification ("clarification")."""
    requests = open_panel(page, "requests")
    requests.get_by_label("照会の種類").select_option(what)
    requests.get_by_label("提出期限").fill(due_on.isoformat())
    requests.get_by_label("依頼する内容").fill(body)
    requests.get_by_role("button", name="照会を記録").click()
    expect_status(page, "書類待ち" if what == "documents" else "照会中")


def save_disclosed_data(page, table: str) -> None:
    """Save the data to disclose (tab-separated, a header row first) and wait for the page
    the save leads to: a step taken on the old page is lost when the new one arrives."""
    data = open_panel(page, "data")
    data.locator("textarea[name=table]").fill(table)
    with page.expect_navigation():
        data.get_by_role("button", name="開示データを保存").click()
    last_value = table.splitlines()[-1].split("\t")[-1]
    expect(open_panel(page, "data").locator("table.disclosed").get_by_text(last_value)).to_be_visible()


def decide(page, item, outcome: str, **fields: str) -> None:
    """Choose the outcome of one request (its label, e.g. 「全部開示」, 「実施」) and
    fill any labelled field given (label=text), then save the decision."""
    panel = open_panel(page, f"item-{item.id}")
    panel.get_by_label(outcome, exact=True).check()
    for label, text in fields.items():
        panel.get_by_label(label).fill(text)
    panel.get_by_role("button", name="この決定を保存").click()
    expect(open_panel(page, f"item-{item.id}").locator("h3 .badge")).to_have_text(outcome)


def submit_decision(page, status: str) -> None:
    """決定を確定 (straight to 承認済 where nothing needs a supervisor, else to 承認待ち)."""
    open_panel(page, "decision").get_by_role("button", name="決定を確定").first.click()
    expect_status(page, status)


def approve_from_inbox(page, case, expect_tag: str = "決定") -> None:
    """A supervisor approves a decision or a proposed lapse from the approvals inbox."""
    page.goto(page.url.split("/staff/")[0] + "/staff/approvals")
    row = page.locator("li.approval-item", has_text=case.reference)
    expect(row).to_contain_text(expect_tag)
    row.get_by_role("button", name="承認する" if expect_tag == "決定" else "承認して終了する").click()
    page.wait_for_url("**/staff/approvals**")
    expect(page.locator("li.approval-item", has_text=case.reference)).to_have_count(0)


def print_run_rows(page, url: str):
    page.goto(f"{url}/staff/letters/print-run")
    return page.locator("table.print-run tbody tr")


def print_ticked(page) -> bytes:
    """Print the ticked letters of the print run as one PDF, as a person would: the button
    posts the form to a new tab. Chromium's viewer shows the PDF there; the bytes the
    server sent are taken on their way to it."""
    printed: dict[str, bytes] = {}

    def keep(route):
        # The route's own fetch goes without the context's cookies: give it the session's.
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies(route.request.url))
        response = route.fetch(headers={**route.request.headers, "cookie": cookies})
        assert response.ok and response.headers["content-type"] == "application/pdf"
        printed["pdf"] = response.body()
        route.fulfill(response=response)

    page.context.route("**/staff/letters/print-run.pdf*", keep)
    try:
        with page.context.expect_page() as tab:
            page.get_by_role("button", name="選んだ文書を印刷（PDF）").click()
        tab.value.wait_for_load_state()
        tab.value.close()
    finally:
        page.context.unroute("**/staff/letters/print-run.pdf*", keep)
    return printed["pdf"]


def mark_sent(page, method: str = "simple_registered", sent_on=None) -> None:
    """Mark the ticked letters sent (the date defaults to today)."""
    if sent_on is not None:
        page.locator(".mark-sent input[type=date]").fill(sent_on.isoformat())
    page.get_by_label("発送方法").select_option(method)
    page.get_by_role("button", name="選んだ文書を発送済みにする").click()
    expect(page.locator(".flash-success")).to_contain_text("発送済みにしました")


def stored_letter_text(page, url: str, case, letter, tmp_path) -> str:
    """The stored copy of a sent letter, downloaded through the case's letter link, as text
    without whitespace (pdftotext)."""
    response = page.request.get(f"{url}/staff/cases/{case.reference}/letters/stored/{letter.id}.pdf")
    assert response.ok
    return squash(pdf_text(response.body(), tmp_path))
