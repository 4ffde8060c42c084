"""Staff administration: add, re-role, deactivate, reset; the last admin stays; all audited."""

import json

import pytest
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.auth import service
from desk.auth.models import StaffUser
from desk.extensions import db
from tests.helpers import PASSWORD, login, make_staff


def _events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _assert_codes_only(event, *forbidden):
    text = json.dumps(event.detail, ensure_ascii=False)
    for value in forbidden:
        assert value not in text


def test_admin_adds_staff_and_it_is_audited(client):
    """A new account can sign in with the temporary password; the event names ids and codes only."""
    admin = make_staff("admin")
    login(client, admin)
    response = client.post(
        "/staff/admin/staff",
        data={"name": "鈴木 一郎", "email": "Suzuki@Example.jp", "role": "officer", "password": "temporary-pass-1"},
    )
    assert response.status_code == 302
    user = service.find_by_email("suzuki@example.jp")
    assert user.role == "officer" and user.name == "鈴木 一郎"
    event = _events("staff.created")[-1]
    assert event.actor_id == admin.id and event.detail == {"staff_id": user.id, "role": "officer"}
    _assert_codes_only(event, "鈴木", "suzuki")
    assert service.authenticate("suzuki@example.jp", "temporary-pass-1") is not None


def test_bad_new_staff_input_is_explained_and_nothing_saved(client):
    """A short password or a taken e-mail: a message next to the field, no account."""
    admin = make_staff("admin")
    login(client, admin)
    response = client.post(
        "/staff/admin/staff?lang=en",
        data={"name": "X", "email": "x@example.jp", "role": "officer", "password": "short"},
    )
    assert response.status_code == 400
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert service.find_by_email("x@example.jp") is None
    response = client.post(
        "/staff/admin/staff",
        data={"name": "X", "email": admin.email, "role": "officer", "password": "long-enough-pass"},
    )
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    response = client.post(
        "/staff/admin/staff",
        data={"name": "X", "email": "y@example.jp", "role": "superuser", "password": "long-enough-pass"},
    )
    assert response.status_code == 400 and service.find_by_email("y@example.jp") is None


def test_last_admin_cannot_deactivate_or_demote_themselves(client):
    """With one active admin, neither deactivation nor a role change goes through, nor is audited."""
    admin = make_staff("admin")
    make_staff("admin")  # a second admin, but deactivated: does not count
    other = db.session.scalars(select(StaffUser).where(StaffUser.id != admin.id, StaffUser.role == "admin")).one()
    service.set_active(other, False)
    db.session.commit()
    login(client, admin)
    response = client.post(f"/staff/admin/staff/{admin.id}/active", data={"active": "0"})
    assert response.status_code == 400 and "最後の有効な管理者" in response.get_data(as_text=True)
    response = client.post(f"/staff/admin/staff/{admin.id}/role", data={"role": "supervisor"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(StaffUser, admin.id).role == "admin" and db.session.get(StaffUser, admin.id).active
    assert _events("staff.role_changed") == [] and len(_events("staff.deactivated")) == 1  # only `other`


def test_last_admin_rule_in_the_service(app):
    """The service refuses too, whoever calls it (CLI, a future API)."""
    admin = make_staff("admin")
    with pytest.raises(service.StaffError):
        service.change_role(admin, "auditor", actor=admin)
    with pytest.raises(service.StaffError):
        service.set_active(admin, False, actor=admin)
    second = make_staff("admin")
    assert service.change_role(admin, "auditor", actor=second) is True
    with pytest.raises(service.StaffError):
        service.set_active(second, False, actor=second)
    assert service.change_role(second, "admin", actor=second) is False  # no change, no event


def test_role_change_deactivate_reactivate_reset_are_audited(client):
    """Every change writes one event with ids and codes; a deactivated account cannot sign in."""
    admin = make_staff("admin")
    officer = make_staff("officer", name="田中 次郎")
    login(client, admin)
    assert client.post(f"/staff/admin/staff/{officer.id}/role", data={"role": "supervisor"}).status_code == 302
    event = _events("staff.role_changed")[-1]
    assert event.actor_id == admin.id
    assert event.detail == {"staff_id": officer.id, "from_role": "officer", "to_role": "supervisor"}
    assert client.post(f"/staff/admin/staff/{officer.id}/active", data={"active": "0"}).status_code == 302
    assert _events("staff.deactivated")[-1].detail == {"staff_id": officer.id, "role": "supervisor"}
    db.session.expire_all()
    assert service.authenticate(officer.email, PASSWORD) is None
    assert client.post(f"/staff/admin/staff/{officer.id}/active", data={"active": "1"}).status_code == 302
    assert _events("staff.reactivated")[-1].detail["staff_id"] == officer.id
    assert (
        client.post(f"/staff/admin/staff/{officer.id}/password", data={"password": "new-temporary-99"}).status_code
        == 302
    )
    event = _events("staff.password_reset")[-1]
    assert event.detail == {"staff_id": officer.id}
    _assert_codes_only(event, "new-temporary-99", "田中")
    db.session.expire_all()
    assert service.authenticate(officer.email, "new-temporary-99") is not None
    response = client.post(f"/staff/admin/staff/{officer.id}/password", data={"password": "short"})
    assert response.status_code == 400


def test_staff_pages_list_and_edit(client):
    """The list shows every account; the edit page warns on the last admin."""
    admin = make_staff("admin", name="管理 太郎")
    make_staff("auditor", name="監査 花子")
    login(client, admin)
    html = client.get("/staff/admin/staff").get_data(as_text=True)
    assert "管理 太郎" in html and "監査 花子" in html and 'name="csrf_token"' in html
    html = client.get(f"/staff/admin/staff/{admin.id}").get_data(as_text=True)
    assert "最後の有効な管理者です" in html
    assert client.get("/staff/admin/staff/99999").status_code == 404


@pytest.mark.parametrize("role", ["officer", "supervisor", "auditor"])
def test_non_admins_are_refused(client, role):
    """Only administrators manage staff: pages and every change are 403 for other roles."""
    user = make_staff(role)
    target = make_staff("officer")
    login(client, user)
    assert client.get("/staff/admin/staff").status_code == 403
    assert client.get(f"/staff/admin/staff/{target.id}").status_code == 403
    assert (
        client.post(
            "/staff/admin/staff",
            data={"name": "x", "email": "z@example.jp", "role": "admin", "password": "long-enough-pass"},
        ).status_code
        == 403
    )
    assert client.post(f"/staff/admin/staff/{target.id}/role", data={"role": "admin"}).status_code == 403
    assert client.post(f"/staff/admin/staff/{target.id}/active", data={"active": "0"}).status_code == 403
    assert (
        client.post(f"/staff/admin/staff/{target.id}/password", data={"password": "long-enough-pass"}).status_code
        == 403
    )
    assert service.find_by_email("z@example.jp") is None
    assert _events("staff.role_changed") == []


def test_an_admin_may_step_down_when_another_remains(client):
    """With a second active admin, an admin can demote themselves and leaves the admin pages."""
    admin = make_staff("admin")
    make_staff("admin")
    login(client, admin)
    response = client.post(f"/staff/admin/staff/{admin.id}/role", data={"role": "auditor"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert _events("staff.role_changed")[-1].detail == {
        "staff_id": admin.id,
        "from_role": "admin",
        "to_role": "auditor",
    }
    assert client.get("/staff/admin/staff").status_code == 403
