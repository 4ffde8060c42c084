"""Whole journeys through the workbench in Chromium: a web request to completion, and a
proxy case to a refusal because the authority cannot be confirmed."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from desk.cases.models import Case
from desk.clock import today
from desk.extensions import db
from desk.letters.models import Letter
from tests import browser_steps as steps
from tests.helpers import make_case, make_staff
from tests.workbench.helpers import make_document, open_panel

pytestmark = pytest.mark.browser


def _case(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_web_request_from_received_to_completed(app, live_server, page):
    """Identity confirmed, fee short then paid, data located, partial disclosure drafted,
    approved by a second user, dispatched: the case completes."""
    officer = make_staff("officer", name="佐藤 花子")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure",), channel="web", name="山田 花子")
    licence = make_document(case, "drivers_licence", label="運転免許証 1/1")
    url = live_server.url

    steps.sign_in(page, url, officer)
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="自分が担当する").click()
    expect(page.locator(".case-header dd").filter(has_text="佐藤 花子")).to_be_visible()

    steps.confirm_identity(page, licence)

    steps.record_payment(page, 500, "postage_stamps")
    steps.ask_for_fee(page)
    expect(
        open_panel(page, "letters").locator("table.case-letters").get_by_text("手数料・書類・ご確認のお願い")
    ).to_be_visible()
    steps.record_payment(page, 500, "bank_transfer")
    steps.expect_status(page, "調査中")
    expect(open_panel(page, "fees").get_by_text("不足なし")).to_be_visible()

    data = open_panel(page, "data")
    data.get_by_label("調査したシステム・台帳").fill("顧客管理システム、コールセンター記録")
    data.get_by_label("調査結果").fill("会員情報1件、通話記録2件")
    with page.expect_navigation():
        data.get_by_role("button", name="調査結果を記録").click()
    steps.save_disclosed_data(page, "項目\t内容\n氏名\t山田 花子\n会員番号\tA-1029")

    decision = open_panel(page, "decision")
    decision.get_by_label("一部開示", exact=True).check()
    decision.get_by_label("本人又は第三者の生命・身体・財産その他の権利利益を害するおそれ").check()
    decision.get_by_label("理由の説明（不開示・一部開示等では必須）").fill(
        "通話記録には第三者の発言が含まれるため、その部分を開示しません。"
    )
    decision.get_by_label("開示しない項目（1行に1項目）").fill("通話記録のうち第三者の発言部分")
    decision.get_by_role("button", name="この決定を保存").click()
    steps.submit_decision(page, "承認待ち")
    expect(open_panel(page, "approval").get_by_text("責任者の承認を待っています")).to_be_visible()
    steps.sign_out(page)

    # The supervisor lands on the approvals inbox and approves from there.
    steps.sign_in(page, url, supervisor)
    steps.approve_from_inbox(page, case)
    expect(page.locator(".flash-success")).to_contain_text("回答書は本日の発送に入りました")
    steps.open_case(page, url, case)
    steps.expect_status(page, "承認済・発送待ち")

    dispatch = open_panel(page, "letters")
    dispatch.get_by_label("発送方法").select_option("simple_registered")
    dispatch.get_by_role("button", name="発送を記録して完了").click()
    steps.expect_status(page, "完了")

    done = _case(case)
    assert done.status == "completed" and done.closed_on == today()
    item = done.items[0]
    assert item.outcome == "partly_disclosed" and item.grounds == ["harm_to_person"]
    assert item.details["withheld"] == ["通話記録のうち第三者の発言部分"]
    assert item.details["disclosed"]["rows"][1] == ["会員番号", "A-1029"]
    letters = {letter.kind: letter for letter in db.session.scalars(select(Letter).where(Letter.case_id == case.id))}
    assert letters["reply"].dispatched_on == today() and letters["reply"].dispatch_method == "simple_registered"
    assert "shortfall" in letters


def test_proxy_case_refused_for_unconfirmed_authority(app, live_server, page):
    """A delegated agent without a valid power of attorney: refusal on `proxy_unconfirmed`,
    approved by a supervisor, dispatched."""
    officer = make_staff("officer", name="鈴木 一郎")
    supervisor = make_staff("supervisor", name="高橋 誠")
    case = make_case(("disclosure", "correction"), proxy_kind="delegated")
    attorney = make_document(case, "power_of_attorney", "proxy", label="委任状")
    url = live_server.url

    steps.sign_in(page, url, officer)
    steps.open_case(page, url, case)
    expect(open_panel(page, "proxy").get_by_text("未提出")).to_be_visible()  # no seal certificate
    steps.review_document(page, attorney, "deficient", "実印ではなく認印が押印されている")
    expect(open_panel(page, "proxy").get_by_role("button", name="代理権を確認した")).to_be_disabled()
    expect(open_panel(page, "proxy-incomplete")).to_contain_text(
        "委任状（本人の実印を押印したもの）と本人の印鑑登録証明書"
    )
    open_panel(page, "proxy").get_by_role("button", name="代理権が確認できない（不開示等の理由として起案）").click()
    steps.expect_status(page, "決定起案済")
    expect(
        open_panel(page, "decision").locator("dd div").get_by_text("代理権が確認できない", exact=True)
    ).to_have_count(2)
    steps.submit_decision(page, "承認待ち")
    steps.sign_out(page)

    steps.sign_in(page, url, supervisor)
    steps.open_case(page, url, case)
    open_panel(page, "approval").get_by_role("button", name="承認する").click()
    open_panel(page, "letters").get_by_role("button", name="発送を記録して完了").click()
    steps.expect_status(page, "完了")

    done = _case(case)
    assert {(i.kind, i.outcome, tuple(i.grounds)) for i in done.items} == {
        ("disclosure", "not_disclosed", ("proxy_unconfirmed",)),
        ("correction", "not_corrected", ("proxy_unconfirmed",)),
    }


def test_officer_masks_a_number_by_dragging(app, live_server, page):
    """Drag a rectangle over the number in the browser; the server burns it in."""
    import io

    from PIL import Image

    from desk.identity.models import Document
    from desk.storage.service import read

    officer = make_staff("officer")
    case = make_case()
    document = make_document(case, "health_insurance", label="健康保険の資格確認書")
    steps.sign_in(page, live_server.url, officer)
    steps.open_case(page, live_server.url, case)
    open_panel(page, f"document-{document.id}").get_by_role("link", name="個人番号等を塗りつぶす").click()
    stage = page.locator(".mask-stage")
    expect(stage.locator("img")).to_be_visible()
    box = stage.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] * 0.45)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 10, box["y"] + box["height"] * 0.7, steps=5)
    page.mouse.up()
    expect(page.locator(".mask-box")).to_have_count(1)
    page.get_by_role("button", name="黒塗りを焼き込んで保存（元に戻せません）").click()
    expect(page.get_by_text("塗りつぶしを書類に焼き込みました")).to_be_visible()
    db.session.expire_all()
    masked = db.session.get(Document, document.id)
    image = Image.open(io.BytesIO(read(masked))).convert("RGB")
    assert masked.masked_at is not None
    assert image.getpixel((image.width // 2, int(image.height * 0.55))) == (0, 0, 0)
