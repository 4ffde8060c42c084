"""The audit log viewer: filters, pages, verification on demand, roles."""

from sqlalchemy import update

from desk.audit.models import AuditEvent
from desk.cases.service import transition
from desk.extensions import db
from tests.helpers import login, make_case, make_staff


def test_filters_by_action_actor_and_reference(client):
    """Each filter narrows the list to the matching events."""
    officer = make_staff("officer", name="担当 一郎")
    first = make_case()
    second = make_case()
    transition(first, "in_progress", actor=officer)
    db.session.commit()
    auditor = make_staff("auditor")
    login(client, auditor)
    html = client.get(f"/staff/audit?reference={first.reference}").get_data(as_text=True)
    assert first.reference in html and second.reference not in html
    html = client.get("/staff/audit?action=case.transition").get_data(as_text=True)
    assert "<code>case.transition</code>" in html and "<code>case.opened</code>" not in html
    html = client.get(f"/staff/audit?actor={officer.id}").get_data(as_text=True)
    assert html.count("<code>case.transition</code>") == 1 and "<code>staff.login</code>" not in html
    html = client.get("/staff/audit?actor=system").get_data(as_text=True)
    assert "<code>case.opened</code>" in html  # created outside a request: the system
    assert "<code>case.opened</code>" not in client.get("/staff/audit?to=2000-01-01").get_data(as_text=True)
    assert "<code>case.opened</code>" in client.get("/staff/audit?from=2000-01-01&to=2100-01-01").get_data(as_text=True)
    response = client.get("/staff/audit?from=yesterday")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.get_data(as_text=True)


def test_pagination_newest_first(client):
    """Fifty events a page, newest first; the next page continues without overlap."""
    for _ in range(30):
        make_case()  # 30 case.opened events
    login(client, make_staff("supervisor"))
    page1 = client.get("/staff/audit?action=case.opened").get_data(as_text=True)
    assert "1 / 1" not in page1 and page1.count("<code>case.opened</code>") == 30
    for _ in range(30):
        make_case()
    page1 = client.get("/staff/audit?action=case.opened").get_data(as_text=True)
    page2 = client.get("/staff/audit?action=case.opened&page=2").get_data(as_text=True)
    assert page1.count("<code>case.opened</code>") == 50 and page2.count("<code>case.opened</code>") == 10
    assert "1 / 2" in page1 and "page=2" in page1 and "action=case.opened" in page1


def test_verification_runs_on_demand_and_finds_tampering(client):
    """The button checks the hash chain; an altered event is named."""
    make_case()
    login(client, make_staff("auditor"))
    html = client.get("/staff/audit").get_data(as_text=True)
    assert "data-verify" not in html and "verify=1" in html.replace('name="verify" value="1"', "verify=1")
    html = client.get("/staff/audit?verify=1").get_data(as_text=True)
    assert 'data-verify="ok"' in html
    victim = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "case.opened")).first()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == victim.id).values(detail={"channel": "mail"}))
    db.session.commit()
    html = client.get("/staff/audit?verify=1").get_data(as_text=True)
    assert 'data-verify="broken"' in html and f"event {victim.id}" in html.replace("イベント ", "event ")
    assert client.get("/staff/audit").status_code == 200  # the signed-in user survives the walk


def test_officers_cannot_read_the_audit_log(client):
    """audit.view is for auditors, supervisors and administrators."""
    login(client, make_staff("officer"))
    assert client.get("/staff/audit").status_code == 403
