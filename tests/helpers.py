"""Builders for test data and small actions, used across the areas' tests."""

from __future__ import annotations

import itertools
import re
from datetime import date

from desk.auth.service import create_user
from desk.cases import service
from desk.cases.models import Requester, RequestItem
from desk.cases.search import search_keys
from desk.extensions import db

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_staff(role: str = "officer", email: str | None = None, name: str | None = None):
    n = next(_numbers)
    user = create_user(email or f"{role}{n}@example.jp", role, PASSWORD, name=name or f"{role} {n}", temporary=False)
    db.session.commit()
    return user


def make_case(
    kinds=("disclosure",),
    *,
    arrived_on: date = date(2026, 11, 2),
    channel: str = "web",
    proxy_kind: str | None = None,
    name: str = "山田 花子",
    furigana: str = "ヤマダ ハナコ",
    birth_date: date = date(1980, 4, 1),
    phone: str = "03-1234-5678",
    email: str | None = "hanako@example.com",
    actor=None,
    commit: bool = True,
):
    case = service.open_case(
        channel=channel,
        arrived_on=arrived_on,
        actor=actor,
        requester_type="proxy" if proxy_kind else "principal",
        proxy_kind=proxy_kind,
        delivery_method="paper" if any(k in ("disclosure", "record_disclosure") for k in kinds) else None,
    )
    principal = Requester(
        role="principal",
        name=name,
        furigana=furigana,
        birth_date=birth_date,
        postal_code="1500001",
        address="東京都渋谷区神宮前一丁目2番3号",
        phone=phone,
        email=email,
    )
    principal.name_key, principal.kana_key, principal.phone_key, principal.email_key = search_keys(
        name, furigana, phone, email
    )
    case.requesters.append(principal)
    if proxy_kind:
        proxy = Requester(
            role="proxy",
            proxy_kind=proxy_kind,
            name="山田 太郎",
            furigana="ヤマダ タロウ",
            birth_date=date(1950, 1, 1),
            postal_code="1500001",
            address="東京都渋谷区神宮前一丁目2番3号",
            phone="03-1234-5678",
        )
        case.requesters.append(proxy)
    for kind in kinds:
        case.items.append(RequestItem(kind=kind))
    db.session.flush()
    if commit:
        db.session.commit()
    return case


def login(client, user, password: str = PASSWORD):
    response = client.post("/staff/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"login failed for {user.email}: {response.status_code}"
    return response


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def settings_form(**changes) -> dict:
    """The settings page's form as the administrator would send it: every setting as it is
    now, with `changes` (None leaves a field out, as an unticked box is)."""
    from desk import settings
    from desk.settings.definitions import SETTINGS

    form = {}
    for key, value in settings.all_values().items():
        if isinstance(value, bool):
            if value:
                form[key] = "on"
        elif isinstance(value, list):
            checkboxes = SETTINGS[key].type in ("kinds", "weekdays", "methods")
            form[key] = [str(v) for v in value] if checkboxes else "\n".join(value)
        else:
            form[key] = str(value)
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}
