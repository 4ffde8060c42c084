"""The role matrix, generated from the app's URL map: every staff route × every role. A
role without the route's permission is refused (403) before anything happens; a role with
it is let in; nobody gets a 500. A new route without a permission fails here (and in
tests/auth/test_auth.py's check that every staff view names one)."""

from __future__ import annotations

import re

import pytest

from desk.auth.permissions import PERMISSIONS
from tests.helpers import login, make_case, make_staff

ROLES = ("officer", "supervisor", "admin", "auditor")
#: Reachable by every signed-in role by design: the landing page and signing out.
OPEN = {"cases.home", "auth.logout", "auth.login", "auth.login_code"}


def _sample_url(rule, reference: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: reference if m.group(1) == "reference" else "1", rule.rule)


def test_every_staff_route_answers_each_role_by_its_permission(app):
    case = make_case(("disclosure",))
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff") and r.endpoint not in OPEN]
    assert len(rules) > 40
    checked = 0
    for role in ROLES:
        client = app.test_client()
        login(client, make_staff(role))
        for rule in rules:
            permission = app.view_functions[rule.endpoint].permission
            allowed = role in PERMISSIONS[permission]
            url = _sample_url(rule, case.reference)
            if "GET" in rule.methods:
                status = client.get(url).status_code
                assert status != 500, f"{role} GET {rule.rule}: 500"
                assert (status == 403) == (not allowed), f"{role} GET {rule.rule} ({permission}): {status}"
            elif not allowed:
                # Only refusals are sent: a permitted POST would act on the case.
                status = client.post(url, data={}).status_code
                assert status == 403, f"{role} POST {rule.rule} ({permission}): {status}"
            checked += 1
    assert checked == len(rules) * len(ROLES)


#: Every route that is neither a staff view nor a declared API operation, by endpoint: what anyone may open. A new public page
#: is added here on purpose, or it fails below.
PUBLIC = {
    "static",
    "public.index",
    "public.healthz",
    "intake.application_form",
    "intake.new_request",
    "intake.done",
    "intake.status",
    "status_actions.send_answer",
    "status_actions.download",
    "status_actions.new_code",
    "status_actions.withdraw",
    "status_documents.send_documents",
    "inquiries_public.new_inquiry",
    "inquiries_public.inquiry_done",
    "consent_public.confirm",
    "consent_public.optout",
    "consent_public.optout_done",
    "consent_public.signup",
    "consent_public.signup_sent",
    "consent_public.unsubscribe",
    # the API's own description: its index, the OpenAPI document and the reference page
    "api.index",
    "api.openapi",
    "api.reference",
}


def _unguarded(app) -> list[str]:
    """Routes of the URL map that nothing guards: a staff route without a permission, an API
    route that is no declared operation, any other route not listed as public."""
    from desk.api.spec import OPERATIONS

    api = {(op.method.upper(), "/api/v1" + op.rule.replace("<int:", "<")) for op in OPERATIONS}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff"):
            if rule.endpoint not in OPEN and getattr(app.view_functions[rule.endpoint], "permission", None) not in (
                PERMISSIONS
            ):
                found.append(f"{rule.rule} ({rule.endpoint}): no permission")
        elif rule.rule.startswith("/api/") and rule.endpoint not in PUBLIC:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                if (method, rule.rule.replace("<int:", "<")) not in api:
                    found.append(f"{method} {rule.rule} ({rule.endpoint}): not a declared API operation")
        elif rule.endpoint not in PUBLIC:
            found.append(f"{rule.rule} ({rule.endpoint}): not listed as public")
    return found


def test_every_route_of_the_url_map_is_guarded_or_listed_public(app):
    assert _unguarded(app) == []


def test_a_new_route_without_a_permission_fails_the_matrix(app_config):
    """A route added under /staff without @require, and one added elsewhere without being
    listed: both are found, and the matrix above stops at the first."""
    from desk import create_app

    app = create_app(app_config)
    app.add_url_rule("/staff/forgotten", "forgotten", lambda: "open to every role")
    app.add_url_rule("/reports/forgotten", "forgotten_public", lambda: "open to everyone")
    assert _unguarded(app) == [
        "/staff/forgotten (forgotten): no permission",
        "/reports/forgotten (forgotten_public): not listed as public",
    ]
    with app.app_context(), pytest.raises(AttributeError, match="permission"):
        test_every_staff_route_answers_each_role_by_its_permission(app)
