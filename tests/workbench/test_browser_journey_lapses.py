"""Issue 14's journeys 2 to 4, in Chromium: what happens when the requester does not send
what was asked. Time passes the way it does for the business: the clock is moved past the
due date (time-machine, ticking, in the test process, which the live server shares), and
`desk daily` runs on that day as cron would run it.

2. A proxy case without the principal's seal certificate: the notice names only that
   document, is printed and marked sent; the due date passes; the daily job proposes the
   lapse and a supervisor approves it; the lapse letter names the missing document.
3. Disclosure + stop-provision with the fee unpaid: the disclosure lapses; the
   stop-provision is decided, sent and completed, and the principal is on the
   suppression register with a retention date on the case.
4. A question whose notice never left the print run: after the due date the daily job
   proposes nothing and says so.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from desk.cases.models import Case
from desk.clock import local_zone, today
from desk.extensions import db
from desk.formatting import era_date, format_date
from desk.intake import codes
from desk.letters.models import Letter
from desk.retention.service import due_on
from tests import browser_steps as steps
from tests.helpers import make_case, make_staff
from tests.intake.test_browser_intake import look_up_status
from tests.workbench.helpers import make_document, open_panel

pytestmark = pytest.mark.browser


def _case(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _letters(case) -> list[Letter]:
    db.session.expire_all()
    return list(db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)))


def _the_day_after(day):
    """10:00 at the business on the day after `day`, the clock ticking from there."""
    return time_machine.travel(datetime.combine(day + timedelta(days=1), time(10), tzinfo=local_zone()), tick=True)


def _era(day) -> str:
    return steps.squash(era_date(day))


def test_a_missing_seal_certificate_is_asked_for_then_the_request_lapses(
    app, live_server, page, browser, runner, tmp_path
):
    officer = make_staff("officer", name="佐藤 花子")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure",), proxy_kind="delegated", arrived_on=today() - timedelta(days=1))
    access_code = codes.new_code()
    case.access_code_hash = codes.code_hash(case.reference, access_code)
    db.session.commit()
    licence = make_document(case, "drivers_licence", "proxy", label="代理人の運転免許証")
    attorney = make_document(case, "power_of_attorney", "proxy", label="委任状")
    url, due = live_server.url, today() + timedelta(days=14)

    steps.sign_in(page, url, officer)
    steps.open_case(page, url, case)
    steps.confirm_identity(page, licence, status="本人確認中")  # the proxy is identified; authority not yet
    steps.review_document(page, attorney)
    expect(open_panel(page, "proxy-incomplete")).to_contain_text("本人の印鑑登録証明書")
    steps.ask_requester(page, "documents", due, "ご本人の印鑑登録証明書の原本を1通、下記の期限までにお送りください。")
    rows = steps.print_run_rows(page, url)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("手数料・書類・ご確認のお願い")
    notice = steps.squash(steps.pdf_text(steps.print_ticked(page), tmp_path))
    # Only what is missing: the seal certificate; the power of attorney and the proxy's
    # licence, reviewed as acceptable, are not asked for again.
    assert steps.squash("必要な書類・本人の印鑑登録証明書（発行から3か月以内）ご提出期限") in notice
    assert "委任状" not in notice and "運転免許証" not in notice
    assert steps.squash(f"ご提出期限{_era(due)}（必着）") in notice
    steps.mark_sent(page)
    # The requester's page asks for the same document, and only that one.
    requester = browser.new_page(locale="ja-JP")
    look_up_status(requester, url, case.reference, access_code)
    expect(requester.locator(".missing-documents li")).to_have_count(1)
    expect(requester.locator(".missing-documents")).to_contain_text("本人の印鑑登録証明書（発行から3か月以内）")
    expect(requester.locator(".due")).to_contain_text(era_date(due))
    requester.close()
    (sent,) = _letters(case)
    assert (sent.kind, sent.dispatched_on) == ("shortfall", today())
    steps.sign_out(page)

    with _the_day_after(due):
        daily = runner.invoke(args=["desk", "daily"])
        assert daily.exit_code == 0, daily.output
        assert "lapse: 1 case(s)" in daily.output and case.reference in daily.output
        steps.sign_in(page, url, supervisor)
        steps.approve_from_inbox(page, case, expect_tag="期限経過による終了")
        steps.open_case(page, url, case)
        steps.expect_status(page, "請求なしとして終了")
        rows = steps.print_run_rows(page, url)
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("請求がなかったものとして取り扱う旨のお知らせ")
        printed = steps.squash(steps.pdf_text(steps.print_ticked(page), tmp_path))
        steps.mark_sent(page)
        notice, lapse = _letters(case)
        assert (lapse.kind, lapse.dispatched_on) == ("lapse", today())
        stored = steps.stored_letter_text(page, url, case, lapse, tmp_path)

    assert _case(case).status == "lapsed"
    for text in (printed, stored):
        assert steps.squash("書類のご提出が、期限である" + era_date(due) + "までに確認できませんでした") in text
        assert steps.squash("未提出の書類・本人の印鑑登録証明書（発行から3か月以内）") in text
        assert "委任状" not in text and "手数料" not in text


def test_an_unpaid_fee_ends_the_disclosure_and_the_stop_provision_is_carried_out(
    app, live_server, page, runner, tmp_path
):
    officer = make_staff("officer", name="佐藤 花子")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure", "stop_provision"), name="停止 希望子", arrived_on=today() - timedelta(days=1))
    licence = make_document(case, "drivers_licence", label="運転免許証")
    url = live_server.url

    steps.sign_in(page, url, officer)
    steps.open_case(page, url, case)
    steps.confirm_identity(page, licence)
    steps.ask_for_fee(page)
    due = _case(case).requester_due_on
    steps.print_run_rows(page, url)
    notice = steps.squash(steps.pdf_text(steps.print_ticked(page), tmp_path))
    assert steps.squash("不足額1,000円") in notice and steps.squash(f"お支払い期限{_era(due)}（必着）") in notice
    # The warning speaks of the disclosure only: the stop-provision carries no fee.
    assert steps.squash("保有個人データの開示のご請求はなかったものとして取り扱わせていただきます") in notice
    assert steps.squash("第三者提供の停止のご請求は手数料を要しませんので、引き続き対応いたします。") in notice
    steps.mark_sent(page)
    steps.sign_out(page)

    with _the_day_after(due):
        daily = runner.invoke(args=["desk", "daily"])
        assert "lapse: 1 case(s)" in daily.output, daily.output
        steps.sign_in(page, url, supervisor)
        steps.approve_from_inbox(page, case, expect_tag="期限経過による終了")
        steps.sign_out(page)

        # The disclosure ended; the stop-provision, which carries no fee, goes on.
        steps.sign_in(page, url, officer)
        steps.open_case(page, url, case)
        steps.expect_status(page, "調査中")
        disclosure, stop = _case(case).items
        expect(open_panel(page, f"item-{disclosure.id}").locator("h3 .badge")).to_have_text(
            "請求がなかったものとして取扱い"
        )
        steps.decide(page, stop, "実施")
        steps.submit_decision(page, "承認済・発送待ち")
        rows = steps.print_run_rows(page, url)
        expect(rows).to_have_count(2)
        printed = steps.pdf_text(steps.print_ticked(page), tmp_path)
        steps.mark_sent(page)
        expect(page.get_by_text("印刷を待っている文書はありません。")).to_be_visible()

        done = _case(case)
        assert done.status == "completed" and done.closed_on == today()
        steps.open_case(page, url, case)
        steps.expect_status(page, "完了")
        expect(page.locator(".retention-panel")).to_contain_text(format_date(due_on(done), "short", "ja"))
        page.goto(f"{url}/staff/suppression")
        expect(page.locator("table").filter(has_text=case.reference)).to_be_visible()

    assert (
        done.items[0].outcome,
        done.items[0].grounds,
        done.items[1].outcome,
    ) == ("lapsed", ["fee_unpaid"], "done")
    assert due_on(done) == done.closed_on.replace(year=done.closed_on.year + 2) + timedelta(days=1)
    text = steps.squash(printed)
    assert steps.squash("のうち、保有個人データの開示のご請求につきまして") in text
    assert steps.squash("未納の手数料1,000円") in text
    assert steps.squash("第三者提供の停止のご請求につきましては手数料を要しませんので") in text
    assert steps.squash("保有個人データの開示等の請求について（回答）") in text
    assert (
        steps.squash("2第三者提供の停止決定実施内容ご請求のとおり、保有個人データの第三者への提供を停止いたしました。")
        in text
    )
    kinds = [(letter.kind, letter.dispatched_on is not None) for letter in _letters(case)]
    assert kinds == [("shortfall", True), ("lapse", True), ("reply", True)]


def test_a_question_never_sent_does_not_lapse(app, live_server, page, runner, tmp_path):
    officer = make_staff("officer", name="佐藤 花子")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure",), arrived_on=today() - timedelta(days=1))
    licence = make_document(case, "drivers_licence", label="運転免許証")
    url, due = live_server.url, today() + timedelta(days=14)
    question = "ご請求の「購入履歴」は、どの期間のものをご希望でしょうか。"

    steps.sign_in(page, url, officer)
    steps.open_case(page, url, case)
    steps.confirm_identity(page, licence)
    steps.ask_requester(page, "clarification", due, question)
    expect(steps.print_run_rows(page, url)).to_have_count(1)
    steps.sign_out(page)

    with _the_day_after(due):
        daily = runner.invoke(args=["desk", "daily"])
        assert daily.exit_code == 0, daily.output
        assert "lapse: 0 case(s)" in daily.output
        assert f"notice not yet sent, so not proposed: {case.reference}" in daily.output
        steps.sign_in(page, url, supervisor)
        expect(page.locator("li.approval-item", has_text=case.reference)).to_have_count(0)
        steps.open_case(page, url, case)
        steps.expect_status(page, "照会中")
        expect(page.get_by_role("button", name="承認して終了する")).to_have_count(0)
        # The notice still waits in the print run, with the question as the officer wrote it.
        rows = steps.print_run_rows(page, url)
        expect(rows).to_have_count(1)
        notice = steps.squash(steps.pdf_text(steps.print_ticked(page), tmp_path))
    assert steps.squash(f"お尋ねの内容{question}") in notice
    assert steps.squash(f"ご回答の期限{_era(due)}（必着）") in notice
    assert _case(case).status == "awaiting_clarification"
    assert [(letter.kind, letter.dispatched_on) for letter in _letters(case)] == [("shortfall", None)]
