"""Every request to the requester is a letter: the question or the documents asked for, in
the officer's words, with the due date; it leaves the print run when the answer arrives."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import select

from desk.cases.models import Case, CasePause
from desk.extensions import db
from desk.letters import service
from desk.letters.models import Letter
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import pdf_text, squash

QUESTION = "ご請求の「購入履歴」は、どの期間のものをご希望でしょうか。"


def _notices(case) -> list[Letter]:
    db.session.expire_all()
    return list(db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "shortfall")))


def test_a_question_becomes_a_notice_and_the_answer_withdraws_it(client, app, tmp_path):
    with time_machine.travel("2026-11-10 10:00 +09:00", tick=False):
        case = make_case(("disclosure",), arrived_on=date(2026, 11, 9))
        login(client, make_staff("officer"))
        base = f"/staff/cases/{case.reference}"
        empty = client.post(f"{base}/ask", data={"what": "clarification", "due_on": "2026-11-24", "body": ""})
        assert empty.status_code == 400 and _notices(case) == []
        response = client.post(f"{base}/ask", data={"what": "clarification", "due_on": "2026-11-24", "body": QUESTION})
        assert response.status_code == 302
        case = db.session.get(Case, case.id)
        assert case.status == "awaiting_clarification"
        pause = db.session.scalars(select(CasePause).where(CasePause.case_id == case.id)).one()
        assert pause.message == QUESTION
        (notice,) = _notices(case)
        ja = squash(pdf_text(service.render(case, "shortfall", "ja"), tmp_path))
        assert squash("内容について（ご確認のお願い）") in ja and squash(QUESTION) in ja
        assert squash("令和8年11月24日（必着）") in ja and "手数料" not in ja
        en = squash(pdf_text(service.render(case, "shortfall", "en"), tmp_path))
        assert squash("A question about your request") in en and squash("24 November 2026") in en
        assert QUESTION in client.get(base).get_data(as_text=True)

        answered = client.post(f"{base}/reply", data={"received_on": "2026-11-10"})
        assert answered.status_code == 302
        (notice,) = _notices(case)
        assert notice.withdrawn_reason == "reason_gone"  # never printed: the answer came first


def test_a_request_for_documents_prints_the_officers_note(client, app, tmp_path):
    with time_machine.travel("2026-11-10 10:00 +09:00", tick=False):
        case = make_case(("disclosure",), proxy_kind="delegated", arrived_on=date(2026, 11, 9))
        login(client, make_staff("officer"))
        note = "印鑑登録証明書（発行から3か月以内のもの）をお送りください。"
        client.post(
            f"/staff/cases/{case.reference}/ask", data={"what": "documents", "due_on": "2026-11-24", "body": note}
        )
        case = db.session.get(Case, case.id)
        (notice,) = _notices(case)
        ja = squash(pdf_text(service.render(case, "shortfall", "ja"), tmp_path))
        assert squash("ご提出書類について（お知らせ）") in ja and squash(note) in ja


def test_an_english_case_is_asked_and_extended_in_english(client, app, tmp_path):
    """The notice prints the officer's text as typed: on a case answered in English, a
    Japanese question or extension reason is refused, an English one goes into the letter."""
    with time_machine.travel("2026-11-10 10:00 +09:00", tick=False):
        case = make_case(("disclosure",), arrived_on=date(2026, 11, 9))
        case.language = "en"
        db.session.commit()
        login(client, make_staff("officer"))
        base = f"/staff/cases/{case.reference}"
        ask = {"what": "clarification", "due_on": "2026-11-24", "body": QUESTION}
        refused = client.post(f"{base}/ask", data=ask, follow_redirects=True).get_data(as_text=True)
        assert "依頼する内容は英語で入力してください" in refused and _notices(case) == []
        extend = {"business_days": "5", "reason": "確認に時間を要するため。"}
        refused = client.post(f"{base}/extend", data=extend, follow_redirects=True).get_data(as_text=True)
        assert "延長の理由は英語で入力してください" in refused
        assert db.session.scalars(select(Letter).where(Letter.case_id == case.id)).all() == []
        question = "Which period of your purchase history would you like to see?"
        asked = client.post(f"{base}/ask", data={"what": "clarification", "due_on": "2026-11-24", "body": question})
        assert asked.status_code == 302
        case = db.session.get(Case, case.id)
        en = squash(pdf_text(service.render(case, "shortfall", "en"), tmp_path))
        assert squash(f"Our question{question}") in en
