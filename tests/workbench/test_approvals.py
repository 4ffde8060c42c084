"""The supervisor's approvals inbox: what waits for them, oldest first, approved or
returned with a reason from there or from the case; the drafter sees the reason."""

from datetime import timedelta

from sqlalchemy import select

from desk.cases.models import Case
from desk.cases.service import change_requester_due, transition
from desk.clock import today
from desk.decisions.models import Approval
from desk.extensions import db
from desk.letters.models import Letter
from tests.helpers import login, make_case, make_staff


def _url(case, action):
    return f"/staff/cases/{case.reference}/{action}"


def _reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _awaiting(drafter, name="山田 花子") -> Case:
    """A refusal drafted by `drafter` and submitted for approval."""
    case = make_case(name=name)
    for state in ("verifying", "in_progress", "decision_drafted"):
        transition(case, state, actor=drafter)
    item = case.items[0]
    item.outcome, item.grounds, item.explanation = "not_disclosed", ["other_law"], "法令により開示できないため"
    item.decided_by_id = drafter.id
    db.session.add(Approval(case_id=case.id, drafter_id=drafter.id))
    transition(case, "awaiting_approval", actor=drafter)
    db.session.commit()
    return case


def test_supervisor_lands_on_the_inbox_oldest_first_with_drafter_and_deadline(client, app):
    drafter = make_staff("officer", name="佐藤 一郎")
    first, second = _awaiting(drafter, "山田 花子"), _awaiting(drafter, "鈴木 美咲")
    lapsing = make_case(name="田中 次郎")
    transition(lapsing, "awaiting_fee", actor=None)
    change_requester_due(lapsing, today() - timedelta(days=1))
    db.session.add(Approval(case_id=lapsing.id, kind="lapse", reason="fee"))
    db.session.commit()
    login(client, make_staff("supervisor"))
    landing = client.get("/staff/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/staff/approvals")
    page = client.get("/staff/approvals").get_data(as_text=True)
    assert page.index(first.reference) < page.index(second.reference) < page.index(lapsing.reference)
    assert "佐藤 一郎" in page and "日次処理（自動）" in page
    assert first.binding_due_on.strftime("%Y") in page
    assert 'href="/staff/approvals"' in page  # in the menu


def test_officers_do_not_see_the_inbox(client, app):
    login(client, make_staff("officer"))
    assert client.get("/staff/approvals").status_code == 403
    assert client.get("/staff/").headers["Location"].endswith("/staff/cases")


def test_approve_from_the_inbox_queues_the_reply_and_comes_back(client, app):
    case = _awaiting(make_staff("officer"))
    login(client, make_staff("supervisor"))
    response = client.post(_url(case, "approval/approve") + "?from=approvals")
    assert response.headers["Location"].endswith("/staff/approvals")
    assert _reload(case).status == "approved"
    assert db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "reply")).one()
    page = client.get("/staff/approvals").get_data(as_text=True)
    assert case.reference not in page and "回答書は本日の発送に入りました" in page


def test_return_needs_a_reason_and_the_drafter_sees_it(client, app):
    drafter = make_staff("officer")
    case = _awaiting(drafter)
    login(client, make_staff("supervisor"))
    empty = client.post(_url(case, "approval/return"), data={"comment": "  "})
    assert empty.status_code == 400 and _reload(case).status == "awaiting_approval"
    response = client.post(
        _url(case, "approval/return") + "?from=approvals", data={"comment": "根拠の条文を明記してください。"}
    )
    assert response.headers["Location"].endswith("/staff/approvals")
    assert _reload(case).status == "decision_drafted"
    approval = db.session.scalars(select(Approval).where(Approval.case_id == case.id)).one()
    assert approval.result == "returned" and approval.comment == "根拠の条文を明記してください。"
    client.post("/staff/logout")
    login(client, drafter)
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "責任者から差し戻されました" in page and "根拠の条文を明記してください。" in page
    # In the next step at the top of the page, not only in the folded approval panel.
    step = page.split('id="next-step"', 1)[1].split("</section>", 1)[0]
    assert "理由を確かめて決定を見直し" in step and "根拠の条文を明記してください。" in step


def test_own_draft_cannot_be_approved_from_the_inbox(client, app):
    supervisor = make_staff("supervisor")
    case = _awaiting(supervisor)
    login(client, supervisor)
    page = client.get("/staff/approvals").get_data(as_text=True)
    assert case.reference in page and "ご自身が起案した決定のため承認できません" in page
    assert f"{case.reference}/approval/approve" not in page


def _flash(response) -> str:
    return response.get_data(as_text=True)


def test_messages_say_the_state_now_and_what_happens_next(client, app):
    """Submitting a refusal does not say it is final: it went to a supervisor; approving
    says the reply is in the print run; returning says it is back with the drafter."""
    drafter = make_staff("officer")
    case = make_case()
    for state in ("verifying", "in_progress", "decision_drafted"):
        transition(case, state, actor=drafter)
    item = case.items[0]
    item.outcome, item.grounds, item.explanation = "not_disclosed", ["other_law"], "法令により開示できないため"
    item.decided_by_id = drafter.id
    db.session.commit()
    login(client, drafter)
    page = _flash(client.post(_url(case, "decision/submit"), follow_redirects=True))
    assert "決定を確定しました" not in page
    assert "決定を責任者の承認に回しました。現在の状態：承認待ち。" in page and "本日の発送に入ります" in page
    client.post("/staff/logout")
    login(client, make_staff("supervisor"))
    page = _flash(client.post(_url(case, "approval/return"), data={"comment": "再確認を"}, follow_redirects=True))
    assert "起案者に差し戻しました" in page and "現在の状態：決定起案済" in page
    client.post("/staff/logout")
    login(client, drafter)
    client.post(_url(case, "decision/submit"))
    client.post("/staff/logout")
    login(client, make_staff("supervisor"))
    page = _flash(client.post(_url(case, "approval/approve") + "?from=approvals&lang=en", follow_redirects=True))
    assert "Decision approved; the reply is in the print run. Now: Approved, to dispatch. Next: Print the reply" in page
