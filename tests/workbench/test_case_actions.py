"""The officer's actions on one case, through HTTP: each goes through the lifecycle service,
is audited, and is refused with a clear message in the wrong state or for the wrong role."""

import io
import json
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from desk import settings
from desk.audit.models import AuditEvent
from desk.cases.models import Case, CaseExtension
from desk.cases.service import transition
from desk.clock import today
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.models import Document
from desk.letters.models import Letter
from desk.storage.service import path_of, read
from tests.helpers import login, make_case, make_staff
from tests.workbench.helpers import card_pdf, make_document


def _url(case, action):
    return f"/staff/cases/{case.reference}/{action}"


def _reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _actions(case) -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))
    )


def _page(client, case) -> str:
    return client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)


def _work_case(client, kinds=("disclosure",), **kw):
    officer = make_staff("officer")
    case = make_case(kinds, **kw)
    login(client, officer)
    return officer, case


def _record_data(case):
    """What a disclosure discloses: one row recorded for the first item (Art. 33)."""
    case.items[0].details = {"disclosed": {"columns": ["項目", "内容"], "rows": [["会員番号", "A-0001"]]}}
    db.session.commit()


def _identify(client, case, party="principal"):
    """The evidence "identified" needs: an acceptable photo document showing the address,
    and the three addresses agreeing; then the officer confirms."""
    licence = make_document(case, "drivers_licence", party)
    client.post(_url(case, f"documents/{licence.id}/review"), data={"review": "acceptable"})
    client.post(
        _url(case, "identity/addresses"),
        data={"document_address": "東京都渋谷区神宮前1-2-3", "records_address": "渋谷区神宮前一丁目2番3号"},
    )
    return client.post(_url(case, "identity/confirm"))


def test_assign_to_me_and_reassign(client, app):
    """Assign to me, then to a colleague; both audited."""
    officer, case = _work_case(client)
    other = make_staff("officer", name="鈴木 一郎")
    assert client.post(_url(case, "assign"), data={"assignee": "me"}).status_code == 302
    assert _reload(case).assignee_id == officer.id
    client.post(_url(case, "assign"), data={"assignee": str(other.id)})
    assert _reload(case).assignee_id == other.id
    assert _actions(case).count("case.assigned") == 2
    assert "鈴木 一郎" in _page(client, case)


def test_identity_check_compares_normalised_addresses(client, app):
    """Different notations of one address agree; a different block number is highlighted."""
    _, case = _work_case(client)
    client.post(
        _url(case, "identity/addresses"),
        data={"document_address": "東京都渋谷区神宮前１－２－３", "records_address": "東京都渋谷区神宮前1丁目2番4号"},
    )
    html = _page(client, case)
    assert "東京都渋谷区神宮前1-2-3" in html
    assert "一致" in html and "相違あり" in html and "<mark>4</mark>" in html
    assert "identity.addresses_recorded" in _actions(case)


def test_confirming_identity_moves_the_case_on(client, app):
    """Identified: received → verifying → in progress."""
    _, case = _work_case(client)
    _identify(client, case)
    assert _reload(case).status == "in_progress"
    assert "identity.confirmed" in _actions(case)


def test_cannot_be_identified_drafts_a_refusal(client, app):
    """Recording 'cannot be identified' drafts each kind's refusal on the ground `unidentified`."""
    _, case = _work_case(client, ("disclosure", "correction"))
    client.post(_url(case, "identity/unidentified"))
    case = _reload(case)
    assert case.status == "decision_drafted"
    assert {(i.kind, i.outcome) for i in case.items} == {
        ("disclosure", "not_disclosed"),
        ("correction", "not_corrected"),
    }
    assert all(i.grounds == ["unidentified"] and i.explanation for i in case.items)


def test_proxy_authority_needs_acceptable_recent_documents(client, app):
    """The checklist of the proxy kind: missing or stale certificates block confirmation."""
    _, case = _work_case(client, proxy_kind="delegated")
    attorney = make_document(case, "power_of_attorney", "proxy")
    seal = make_document(case, "seal_certificate", "proxy")
    response = client.post(_url(case, "proxy/confirm"), follow_redirects=True)
    assert "そろっていません" in response.get_data(as_text=True)
    assert _reload(case).status == "received"
    old = (today() - timedelta(days=120)).isoformat()
    response = client.post(
        _url(case, f"documents/{seal.id}/review"),
        data={"review": "acceptable", "issued_on": old},
        follow_redirects=True,
    )
    assert "3か月を超えた証明書" in response.get_data(as_text=True)
    assert db.session.get(Document, seal.id).review == "received"
    client.post(
        _url(case, f"documents/{seal.id}/review"), data={"review": "acceptable", "issued_on": today().isoformat()}
    )
    missing_reason = client.post(
        _url(case, f"documents/{attorney.id}/review"), data={"review": "deficient"}, follow_redirects=True
    )
    assert "不備の内容を入力" in missing_reason.get_data(as_text=True)
    client.post(_url(case, f"documents/{attorney.id}/review"), data={"review": "acceptable"})
    _identify(client, case, "proxy")
    assert _reload(case).status == "verifying"  # identity alone is not enough for a proxy case
    client.post(_url(case, "proxy/confirm"))
    assert _reload(case).status == "in_progress"
    assert {"document.reviewed", "proxy.confirmed"} <= set(_actions(case))


def _fold_open(html: str, key: str) -> bool:
    return f'<details class="fold" id="fold-{key}" open>' in html


def test_the_page_after_a_review_opens_the_panel_holding_the_document(client, app):
    """An officer who records a review comes back to that document's row open, whichever
    panel reviews it: a power of attorney in 代理権の確認, a driving licence in 本人確認."""
    _, case = _work_case(client, proxy_kind="delegated")
    attorney = make_document(case, "power_of_attorney", "proxy")
    licence = make_document(case, "drivers_licence", "proxy")
    after_attorney = client.post(
        _url(case, f"documents/{attorney.id}/review"),
        data={"review": "deficient", "deficiency": "認印が押印されている"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert _fold_open(after_attorney, "proxy")
    assert not _fold_open(after_attorney, "documents")
    refused = client.post(
        _url(case, f"documents/{licence.id}/review"), data={"review": "deficient"}, follow_redirects=True
    )
    page = refused.get_data(as_text=True)
    assert "不備の内容を入力" in page
    assert not _fold_open(page, "proxy")  # the licence is reviewed in 本人確認, the next step (open anyway)
    assert f'id="document-{licence.id}"' in page


def test_stale_certificate_is_flagged(client, app):
    """A certificate issued more than three months ago is flagged on the page."""
    _, case = _work_case(client, proxy_kind="adult_guardian")
    make_document(case, "registered_matters", "proxy", issued_on=today() - timedelta(days=100))
    assert "発行から3か月超" in _page(client, case)


def test_fee_shortfall_pauses_and_payment_resumes(client, app):
    """Short fee → notice (letter queued, clock paused, due date) → paid in full → work resumes."""
    _, case = _work_case(client)
    _identify(client, case)
    client.post(
        _url(case, "fees/payments"),
        data={"amount": "500", "method": "postage_stamps", "received_on": today().isoformat()},
    )
    due = today() + timedelta(days=14)
    client.post(_url(case, "fees/shortfall"), data={"due_on": due.isoformat()})
    case = _reload(case)
    assert case.status == "awaiting_fee" and case.internal_target_on is None and case.requester_due_on == due
    assert db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id)).all() == ["shortfall"]
    page = _page(client, case)
    assert "500円" in page
    # The payment form offers what is still owed, not the whole fee again.
    assert re.search(r"<input[^>]*name=\"amount\"[^>]*>", page).group().count('value="500"') == 1
    client.post(
        _url(case, "fees/payments"),
        data={"amount": "500", "method": "bank_transfer", "received_on": today().isoformat()},
    )
    case = _reload(case)
    assert case.status == "in_progress" and case.internal_target_on is not None
    assert sum(db.session.scalars(select(FeePayment.amount).where(FeePayment.case_id == case.id))) == 1000


def test_bad_payment_is_refused_beside_the_field(client, app):
    """A zero amount gets a message next to the field and saves nothing."""
    _, case = _work_case(client)
    response = client.post(
        _url(case, "fees/payments"), data={"amount": "0", "method": "cash", "received_on": "2026-13-01"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "1円以上の金額" in html and "YYYY-MM-DD" in html
    assert db.session.scalars(select(FeePayment)).all() == []


def test_shortfall_refused_when_nothing_is_owed(client, app):
    """A correction request is free: no shortfall notice can be sent."""
    _, case = _work_case(client, ("correction",))
    response = client.post(_url(case, "fees/shortfall"), data={}, follow_redirects=True)
    assert "不足はありません" in response.get_data(as_text=True)
    assert _reload(case).status == "received"


def test_request_to_requester_pauses_and_reply_resumes(client, app):
    """Asking for documents pauses the clock with a due date; the reply resumes it."""
    _, case = _work_case(client)
    client.post(
        _url(case, "ask"),
        data={
            "what": "documents",
            "due_on": (today() + timedelta(days=10)).isoformat(),
            "body": "住民票の写しをお送りください。",
        },
    )
    case = _reload(case)
    assert case.status == "awaiting_documents" and case.internal_target_on is None
    assert "住民票の写しをお送りください。" in _page(client, case)
    client.post(_url(case, "reply"), data={"received_on": today().isoformat()})
    assert _reload(case).status == "verifying"


def _decide(client, case, item, **data):
    return client.post(_url(case, f"items/{item.id}/decision"), data=data)


def test_decision_rules_from_the_catalogue(client, app):
    """Explanation for refusals, only applicable grounds, withheld items for partial disclosure."""
    _, case = _work_case(client)
    _record_data(case)
    _identify(client, case)
    item = case.items[0]
    no_reason = _decide(client, case, item, outcome="not_disclosed", grounds=["business_impediment"])
    assert no_reason.status_code == 400 and "法第36条" in no_reason.get_data(as_text=True)
    wrong_ground = _decide(client, case, item, outcome="not_disclosed", grounds=["content_true"], explanation="x")
    assert wrong_ground.status_code == 400 and "当てはまらない理由" in wrong_ground.get_data(as_text=True)
    wrong_outcome = _decide(client, case, item, outcome="corrected")
    assert wrong_outcome.status_code == 400
    partial = _decide(
        client, case, item, outcome="partly_disclosed", grounds=["harm_to_person"], explanation="第三者の情報を含むため"
    )
    assert partial.status_code == 400 and "開示しない項目" in partial.get_data(as_text=True)
    assert _reload(case).items[0].outcome is None  # nothing half-saved
    ok = _decide(
        client,
        case,
        item,
        outcome="partly_disclosed",
        grounds=["harm_to_person"],
        explanation="第三者の情報を含むため",
        withheld="通話録音（第三者の発言部分）\n担当者メモ",
    )
    assert ok.status_code == 302
    item = _reload(case).items[0]
    assert item.details["withheld"] == ["通話録音（第三者の発言部分）", "担当者メモ"] and item.grounds == [
        "harm_to_person"
    ]


def test_a_granted_cessation_says_what_was_done_and_the_reply_says_it_too(client, app, tmp_path):
    """利用停止・消去 granted: the officer chooses stopped using, erased, or both (refused
    without); the decision and the reply in each language say exactly that."""
    from desk.letters import service as letters
    from tests.letters.conftest import pdf_text, squash

    _, case = _work_case(client, ("cessation",))
    _identify(client, case)
    item = case.items[0]
    missing = _decide(client, case, item, outcome="done")
    assert missing.status_code == 400 and "実施した措置（利用の停止・消去）を選んでください" in missing.get_data(
        as_text=True
    )
    assert _reload(case).items[0].outcome is None
    assert "利用の停止" in _page(client, case)  # the choice is offered on the form
    assert _decide(client, case, item, outcome="done", measures=["erased"]).status_code == 302
    assert _reload(case).items[0].details["measures"] == ["erased"]
    ja = squash(pdf_text(letters.render(_reload(case), "reply", "ja"), tmp_path))
    assert (
        squash("ご請求のとおり、保有個人データを消去いたしました。") in ja and "利用停止等" not in ja.split("内容")[-1]
    )
    assert _decide(client, case, item, outcome="done", measures=["use_stopped", "erased"]).status_code == 302
    en = " ".join(pdf_text(letters.render(_reload(case), "reply", "en"), tmp_path).split())
    assert "we have stopped using your retained personal data and erased it." in en


def test_privacy_mark_mode_decides_which_grounds_are_offered(client, app):
    """In PrivacyMark mode the statutory-only ground is not offered for cessation."""
    _, case = _work_case(client, ("cessation",))
    _identify(client, case)
    assert "法第35条に定める要件に該当しない" not in _page(client, case)
    settings.update({"privacy_mark_mode": False})
    db.session.commit()
    assert "法第35条に定める要件に該当しない" in _page(client, case)


def test_paper_instead_of_electronic_needs_a_reason(client, app):
    """The principal chose electronic delivery; falling back to paper needs a reason."""
    _, case = _work_case(client)
    _record_data(case)
    case.delivery_method = "electronic"
    db.session.commit()
    _identify(client, case)
    response = _decide(client, case, case.items[0], outcome="disclosed", paper_instead="y")
    assert response.status_code == 400 and "書面で交付する理由" in response.get_data(as_text=True)
    _decide(
        client,
        case,
        case.items[0],
        outcome="disclosed",
        paper_instead="y",
        fallback_to_paper_reason="添付ファイルが大容量のため",
    )
    assert _reload(case).items[0].details["fallback_to_paper_reason"] == "添付ファイルが大容量のため"


def test_refusal_needs_another_supervisor(client, app):
    """A supervisor cannot approve their own draft; an officer cannot approve at all."""
    drafter = make_staff("supervisor")
    case = make_case()
    login(client, drafter)
    _identify(client, case)
    _decide(
        client,
        case,
        case.items[0],
        outcome="not_disclosed",
        grounds=["other_law"],
        explanation="法令により開示できないため",
    )
    client.post(_url(case, "decision/submit"))
    assert _reload(case).status == "awaiting_approval"
    own = client.post(_url(case, "approval/approve"), follow_redirects=True)
    assert "自分が起案した決定は承認できません" in own.get_data(as_text=True)
    assert _reload(case).status == "awaiting_approval"
    client.post("/staff/logout")
    login(client, make_staff("officer"))
    assert client.post(_url(case, "approval/approve")).status_code == 403
    client.post("/staff/logout")
    login(client, make_staff("supervisor"))
    client.post(_url(case, "approval/approve"))
    assert _reload(case).status == "approved"


def test_full_disclosure_needs_no_approval_and_dispatch_completes(client, app):
    """Disclosed in full: straight to approved; dispatch marks the reply letter and completes."""
    _, case = _work_case(client)
    _record_data(case)
    _identify(client, case)
    _decide(client, case, case.items[0], outcome="disclosed")
    client.post(_url(case, "decision/submit"))
    assert _reload(case).status == "approved"
    future = client.post(
        _url(case, "dispatch"),
        data={"sent_on": (today() + timedelta(days=1)).isoformat(), "method": "simple_registered"},
        follow_redirects=True,
    )
    assert "未来の日付" in future.get_data(as_text=True)
    client.post(_url(case, "dispatch"), data={"sent_on": today().isoformat(), "method": "simple_registered"})
    case = _reload(case)
    assert case.status == "completed" and case.closed_on == today()
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "reply")).one()
    assert letter.dispatched_on == today() and letter.dispatch_method == "simple_registered"
    # The letters area keeps the reply exactly as sent, encrypted, when the case is dispatched.
    assert letter.storage_name and letter.wrapped_key
    assert read(letter).startswith(b"%PDF")
    assert _actions(case)[-3:] == ["case.transition", "letter.dispatched", "case.transition"]


def test_extension_moves_the_target_and_queues_a_notice(client, app):
    """An extension needs a reason, adds business days and queues the extension letter."""
    _, case = _work_case(client)
    before = case.internal_target_on
    response = client.post(_url(case, "extend"), data={"business_days": "5", "reason": ""})
    assert response.status_code == 400
    client.post(_url(case, "extend"), data={"business_days": "5", "reason": "調査対象のシステムが多岐にわたるため"})
    case = _reload(case)
    assert case.internal_target_on > before
    assert db.session.scalars(select(CaseExtension.business_days)).all() == [5]
    assert db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id)).all() == ["extension"]


def test_withdrawal_records_the_channel(client, app):
    """Withdrawn at the requester's word, with the channel it came through, audited."""
    _, case = _work_case(client)
    client.post(_url(case, "withdraw"), data={"channel": "email", "received_on": today().isoformat()})
    case = _reload(case)
    assert case.status == "withdrawn" and case.items[0].outcome == "withdrawn"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.to_status == "withdrawn")
    ).one()
    assert event.detail == {"channel": "email"}


def test_data_search_table_and_file(client, app):
    """Systems searched and findings, a typed table into details["disclosed"], an attached file."""
    _, case = _work_case(client)
    _identify(client, case)
    client.post(_url(case, "data/searches"), data={"systems": "顧客管理システム", "findings": "会員情報1件"})
    item = case.items[0]
    client.post(
        _url(case, "data/table"),
        data={"item_id": str(item.id), "table": "項目\t内容\n氏名\t山田 花子\n会員番号\tA-123"},
    )
    assert _reload(case).items[0].details["disclosed"] == {
        "columns": ["項目", "内容"],
        "rows": [["氏名", "山田 花子"], ["会員番号", "A-123"]],
    }
    bad = client.post(
        _url(case, "data/files"),
        data={"file": (io.BytesIO(b"<html>hi</html>"), "x.html")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "PDF、PNG、JPEG" in bad.get_data(as_text=True)
    client.post(
        _url(case, "data/files"),
        data={"file": (io.BytesIO(card_pdf(1)), "data.pdf")},
        content_type="multipart/form-data",
    )
    attached = db.session.scalars(
        select(Document).where(Document.case_id == case.id, Document.kind == "disclosed_data")
    ).one()
    assert attached.media_type == "application/pdf" and read(attached).startswith(b"%PDF")
    html = _page(client, case)
    assert "顧客管理システム" in html and "A-123" in html


def test_notes_appear_on_the_timeline(client, app):
    """An officer's note is on the timeline; the audit trail records that one was added, not its text."""
    _, case = _work_case(client)
    client.post(_url(case, "notes"), data={"body": "電話で本人に確認済み"})
    assert "電話で本人に確認済み" in _page(client, case)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.note_added")).one()
    assert "電話" not in json.dumps(event.detail, ensure_ascii=False)


@pytest.mark.parametrize(
    "action,state,message",
    [
        ("dispatch", "received", "状態「受付」の案件では発送を記録できません。"),
        ("decision/submit", "received", "状態「受付」の案件では決定を確定できません。"),
        ("identity/confirm", "withdrawn", "状態「取下げ」の案件では本人確認を完了できません。"),
        ("fees/shortfall", "awaiting_documents", "状態「書類待ち」の案件では不足の通知をできません。"),
        ("reply", "in_progress", "状態「調査中」の案件では回答の受領を記録できません。"),
    ],
)
def test_forbidden_transitions_fail_with_a_clear_message(client, app, action, state, message):
    """An action the case's state does not allow is refused with a message and changes nothing."""
    _, case = _work_case(client)
    path = {
        "withdrawn": ["withdrawn"],
        "awaiting_documents": ["awaiting_documents"],
        "in_progress": ["verifying", "in_progress"],
        "received": [],
    }[state]
    for step in path:
        transition(case, step)
    db.session.commit()
    data = {"sent_on": today().isoformat(), "method": "simple_registered", "received_on": today().isoformat()}
    response = client.post(_url(case, action), data=data, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert _reload(case).status == state


def test_approval_of_an_undrafted_case_is_refused(client, app):
    """Approving a case that is not awaiting approval is refused with a clear message."""
    supervisor = make_staff("supervisor")
    case = make_case()
    login(client, supervisor)
    response = client.post(_url(case, "approval/approve"), follow_redirects=True)
    assert "状態「受付」の案件では承認できません。" in response.get_data(as_text=True)


WORK_POSTS = [
    "assign",
    "notes",
    "identity/addresses",
    "identity/confirm",
    "identity/unidentified",
    "proxy/confirm",
    "fees/payments",
    "fees/shortfall",
    "ask",
    "reply",
    "data/searches",
    "data/table",
    "decision/submit",
    "extend",
    "dispatch",
    "withdraw",
    "approval/approve",
]


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_change_nothing(client, app, role):
    """Every workbench action is refused (403) for auditors and administrators."""
    case = make_case()
    document = make_document(case, "drivers_licence")
    login(client, make_staff(role))
    for action in WORK_POSTS + [
        f"items/{case.items[0].id}/decision",
        f"documents/{document.id}/review",
        f"documents/{document.id}/mask",
    ]:
        assert client.post(_url(case, action), data={"assignee": "me"}).status_code == 403, action
    assert _reload(case).status == "received" and _actions(case) == ["case.opened"]


def test_auditor_sees_everything_without_forms(client, app):
    """The auditor reads the case and its documents (audited) but gets no forms to change them."""
    case = make_case()
    document = make_document(case, "drivers_licence")
    login(client, make_staff("auditor"))
    html = _page(client, case)
    assert (
        "閲覧のみ" in html and "本人と確認した" not in html and '<form method="post" action="/staff/cases' not in html
    )
    image = client.get(_url(case, f"documents/{document.id}/pages/0.png"))
    assert image.status_code == 200 and image.headers["Cache-Control"] == "no-store"
    assert "document.viewed" in _actions(case)
    assert client.get(_url(case, f"documents/{document.id}/mask")).status_code == 403


def test_admin_cannot_read_cases(client, app):
    """Administrators run the system, not cases: the case page and documents are 403."""
    case = make_case()
    document = make_document(case, "drivers_licence")
    login(client, make_staff("admin"))
    assert client.get(f"/staff/cases/{case.reference}").status_code == 403
    assert client.get(_url(case, f"documents/{document.id}/pages/0.png")).status_code == 403


def _pixel(data: bytes, x: float, y: float):
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return image.getpixel((int(x * image.width), int(y * image.height)))


def test_masking_an_image_burns_the_mask_and_destroys_the_original(client, app):
    """The rectangle is black in the new file; the old ciphertext is gone; audited; masked_at set."""
    _, case = _work_case(client)
    document = make_document(case, "health_insurance")
    old_name = document.storage_name
    assert _pixel(read(document), 0.5, 0.55) == (20, 60, 200)
    assert client.get(_url(case, f"documents/{document.id}/mask")).status_code == 200
    empty = client.post(_url(case, f"documents/{document.id}/mask"), data={"rectangles": "[]"})
    assert empty.status_code == 400 and "ドラッグで指定" in empty.get_data(as_text=True)
    rects = [{"page": 0, "x": 0.02, "y": 0.45, "w": 0.96, "h": 0.2}]
    response = client.post(_url(case, f"documents/{document.id}/mask"), data={"rectangles": json.dumps(rects)})
    assert response.status_code == 302
    document = db.session.get(Document, document.id)
    assert document.masked_at is not None and document.storage_name != old_name
    assert _pixel(read(document), 0.5, 0.55) == (0, 0, 0)
    assert _pixel(read(document), 0.5, 0.1) == (255, 255, 255)
    assert not path_of(old_name).exists()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.masked")).one()
    assert event.detail == {"document_id": document.id, "pages": [0], "rectangles": 1}


def test_masking_a_pdf_rasterises_its_pages(client, app):
    """A PDF comes back as a PDF of images with the mask burnt into the chosen page only."""
    import pypdfium2 as pdfium

    _, case = _work_case(client)
    document = make_document(case, "health_insurance", data=card_pdf(2), media_type="application/pdf")
    rects = [{"page": 1, "x": 0.0, "y": 0.4, "w": 1.0, "h": 0.3}]
    client.post(_url(case, f"documents/{document.id}/mask"), data={"rectangles": json.dumps(rects)})
    document = db.session.get(Document, document.id)
    pdf = pdfium.PdfDocument(read(document))
    assert len(pdf) == 2 and document.media_type == "application/pdf"
    first, second = (pdf[i].render(scale=1).to_pil().convert("RGB") for i in range(2))
    assert second.getpixel((second.width // 2, int(second.height * 0.55))) == (0, 0, 0)
    assert first.getpixel((first.width // 2, int(first.height * 0.55))) != (0, 0, 0)
    pdf.close()


def test_a_disclosure_needs_the_data_it_discloses(client, app):
    """全部開示 or 一部開示 with nothing recorded to disclose is refused, with where to record it."""
    _, case = _work_case(client)
    _identify(client, case)
    refused = _decide(client, case, case.items[0], outcome="disclosed")
    assert refused.status_code == 400 and "開示するデータがまだ記録されていません" in refused.get_data(as_text=True)
    assert _reload(case).items[0].outcome is None
    _record_data(case)
    assert _decide(client, case, case.items[0], outcome="disclosed").status_code == 302


def test_an_english_reply_asks_for_english_text(client, app):
    """A case answered in English refuses a Japanese explanation; an address in Japanese is fine."""
    _, case = _work_case(client)
    case.language = "en"
    db.session.commit()
    _identify(client, case)
    japanese = _decide(
        client,
        case,
        case.items[0],
        outcome="not_disclosed",
        grounds=["business_impediment"],
        explanation="業務に著しい支障を及ぼすため。",
    )
    assert japanese.status_code == 400 and "回答書に記載される文章は英語で" in japanese.get_data(as_text=True)
    english = _decide(
        client,
        case,
        case.items[0],
        outcome="not_disclosed",
        grounds=["business_impediment"],
        explanation="Disclosure would seriously impede our audit of 東京都渋谷区 branch records.",
    )
    assert english.status_code == 302


def test_the_message_after_an_action_names_the_pages_next_step(client, app):
    """After identity is confirmed on a disclosure whose fee is unpaid, the message says the
    fee comes next, as the page's next step does (not the state's generic 'locate the data')."""
    _, case = _work_case(client)
    page = client.get(_identify(client, case).headers["Location"]).get_data(as_text=True)
    assert _reload(case).status == "in_progress"
    assert "本人確認を完了しました。現在の状態：調査中。次の作業：手数料が不足しています。" in page
    assert "次はデータの調査" not in page
    heading = page[page.index('id="next-step-title"') :][:400]
    assert "手数料が不足しています" in heading
