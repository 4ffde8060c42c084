"""What the requester does on their own page: answer a question, withdraw, get a new code;
and the page shows only what is asked now."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.cases.service import open_pause, transition
from desk.extensions import db
from tests.delivery.conftest import app_config, electronic_request  # noqa: F401
from tests.helpers import login, make_staff
from tests.intake.test_email import smtp  # noqa: F401


def _open(client, case, code):
    return client.post("/requests/status", data={"reference": case.reference, "code": code}).get_data(as_text=True)


def _actions(case):
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))


def test_a_clarification_shows_the_question_not_a_fee(client, app):
    """Waiting only for an answer, the page asks the question and lists no fee, though none is paid."""
    case, code = electronic_request()
    transition(case, "awaiting_clarification", on=date(2026, 11, 4))
    open_pause(case).message = "どの期間の購入履歴をご希望か、お知らせください。"
    db.session.commit()
    html = _open(client, case, code)
    assert "どの期間の購入履歴をご希望か" in html and "お尋ねに回答する" in html
    assert "手数料 " not in html and "未払いの額" not in html


def test_the_answer_reaches_the_officer(client, app):
    """An answer sent from the page is on the case page for the officer, and audited."""
    case, code = electronic_request()
    transition(case, "awaiting_clarification", on=date(2026, 11, 4))
    db.session.commit()
    _open(client, case, code)
    response = client.post("/requests/status/answer", data={"answer": "2025年1月から12月までの購入履歴です。"})
    assert response.status_code == 200 and "ご回答を受け取りました" in response.get_data(as_text=True)
    officer = app.test_client()
    login(officer, make_staff("officer"))
    page = officer.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "2025年1月から12月までの購入履歴です。" in page
    assert "requester.answered" in _actions(case)
    empty = client.post("/requests/status/answer", data={"answer": "  "})
    assert empty.status_code == 400


def test_withdrawal_asks_first_then_closes_the_case(client, app):
    """The first press only asks; the confirmation withdraws, audited, and the officer sees it."""
    case, code = electronic_request()
    html = _open(client, case, code)
    assert "ご請求の取下げ" in html
    first = client.post("/requests/status/withdraw", data={})
    assert "取り下げますか" in first.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "received"
    done = client.post("/requests/status/withdraw", data={"confirm": "y"})
    assert "取下げを受け付けました" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "withdrawn"
    assert "requester.withdrew" in _actions(case)


def test_a_new_code_goes_only_to_the_address_held(client, app, smtp):  # noqa: F811
    """The new code is mailed to the case's address, the old one stops working, and asking
    again and again is throttled; the answer is the same for a reference that does not exist."""
    _, inbox = smtp
    case, old = electronic_request()
    inbox.messages.clear()
    page = client.get("/requests/status/new-code").get_data(as_text=True)
    assert "別の宛先を指定することはできません" in page
    answer = client.post("/requests/status/new-code", data={"reference": case.reference, "email": "x@evil.example"})
    assert "これまでのコードは使えなくなります" in answer.get_data(as_text=True)
    assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["hanako@example.com"]
    body = message_from_bytes(inbox.messages[0][1], policy=policy.default).get_content()
    new = next(line.strip() for line in body.splitlines() if line.startswith("    "))
    assert "正しくありません" in _open(client, case, old)
    assert "受付番号" in _open(client, case, new) and "正しくありません" not in _open(client, case, new)
    assert "access_code.reissued" in _actions(case)
    unknown = client.post("/requests/status/new-code", data={"reference": "2026-999999"}).get_data(as_text=True)
    assert "これまでのコードは使えなくなります" in unknown
    for _ in range(2):
        client.post("/requests/status/new-code", data={"reference": case.reference})
    throttled = client.post("/requests/status/new-code", data={"reference": case.reference}).get_data(as_text=True)
    assert "本日はこれ以上お受けできません" in throttled
    assert len(inbox.messages) == 3


def test_without_an_e_mail_address_the_new_code_comes_by_post(client, app, tmp_path):
    """No e-mail address: a letter to the postal address joins the print run; the code it
    prints (the same in the run and in the copy stored at dispatch) opens the page and the
    old code no longer does; the case page never offers the letter for preview."""
    import re

    from desk.letters import service as letters
    from tests.letters.conftest import pdf_text, squash

    case, old = electronic_request(email=None)
    client.post("/requests/status/new-code", data={"reference": case.reference})
    queued = [letter for letter in letters.queued_letters() if letter.case_id == case.id]
    assert [letter.kind for letter in queued] == ["access_code"]
    assert "access_code" not in letters.applicable_kinds(case)
    staff = app.test_client()
    login(staff, make_staff("officer"))
    assert staff.get(f"/staff/cases/{case.reference}/letters/access_code.pdf?lang=ja").status_code != 200
    _, pdf = letters.print_run([queued[0].id])
    db.session.commit()
    text = squash(pdf_text(pdf, tmp_path))
    code = re.search(
        r"記受付番号\d{4}-\d{6}アクセスコード([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text
    ).group(1)
    assert "正しくありません" in _open(client, case, old)
    assert "正しくありません" not in _open(client, case, code)
    letters.mark_sent([queued[0].id], on=date(2026, 12, 2), method="ordinary_mail")
    db.session.commit()
    stored = squash(pdf_text(letters.read_stored(queued[0]), tmp_path))
    db.session.commit()
    assert code in stored
    assert "アクセスコード再発行のお知らせ" in _open(client, case, code)
