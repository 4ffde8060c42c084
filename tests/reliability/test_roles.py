"""The role matrix, generated from the app's URL map: every staff route × every role. A
role without the route's permission is refused (403) before anything happens; a role with
it is let in; nobody gets a 500. A new route without a permission fails here (and in
tests/auth/test_auth.py's check that every staff view names one)."""

from __future__ import annotations

import re

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
