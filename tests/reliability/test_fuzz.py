"""Every public form and upload fuzzed with hypothesis (tests/reliability/fuzzing.py), on
both databases: no answer is a 500, and an input that is refused (4xx) leaves no row and no
file behind. A fixed seed (derandomize) and a few examples per form here; 10,000 inputs in
benchmarks/reliability.py."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desk.cases.service import transition
from desk.extensions import db
from tests.reliability import fuzzing

EXAMPLES = 25
#: Forms a visitor finds on the public pages (each `who` of the request form has its own fields).
PAGES = [
    "/requests/new?who=principal",
    "/requests/new?who=parent",
    "/requests/new?who=minor_guardian",
    "/requests/new?who=adult_guardian",
    "/requests/new?who=delegated",
    "/inquiries/new",
    "/consent/signup",
    "/consent/optout",
    "/requests/status",
]
#: Tables a refused input may still write to: the per-reference count of wrong access codes
#: (its purpose) and throttle counters.
MAY_COUNT_REFUSALS = {"throttle_counters", "status_attempts"}


def _fuzz(strategy, check, examples: int = EXAMPLES) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value):
        check(value)

    run()


def _rows() -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in MAY_COUNT_REFUSALS
    }


def _files(app) -> set[Path]:
    root = Path(app.config["DOCUMENT_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


class Oracle:
    """Each answer: no 500; a refused input (4xx) added no row and no file."""

    def __init__(self, app):
        self.app, self.answers = app, {}

    def __call__(self, label: str, send):
        rows, files = _rows(), _files(self.app)
        response = send()
        status = response.status_code
        self.answers[status] = self.answers.get(status, 0) + 1
        assert status < 500, f"{label}: {status}"
        if 400 <= status < 500:
            assert _rows() == rows, f"{label}: refused with {status} but rows were written"
            assert _files(self.app) <= files, f"{label}: refused with {status} but files were written"


def _post(client, form: fuzzing.Form, data: dict, uploads: dict):
    if form.multipart or uploads:
        body = dict(data)
        for name, items in uploads.items():
            body[name] = [(io.BytesIO(content), filename) for filename, content in items]
        return client.post(form.action, data=body, content_type="multipart/form-data")
    return client.post(form.action, data=data)


def _public_forms(client) -> list[fuzzing.Form]:
    forms, seen = [], set()
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        for form in fuzzing.forms_of(page, response.get_data(as_text=True)):
            key = (form.action, tuple(sorted(form.fields)))
            if key not in seen:
                seen.add(key)
                forms.append(form)
    return forms


@pytest.mark.slow
def test_every_public_form_survives_fuzzing(app, client):
    """Each POST form of the public pages, filled plausibly with one to four fields fuzzed and
    each file input given a good or a hostile file."""
    forms = _public_forms(client)
    assert {f.action for f in forms} >= {"/requests/new", "/inquiries/new", "/requests/status"}, forms
    oracle = Oracle(app)
    for form in forms:
        _fuzz(
            fuzzing.submission(form),
            lambda drawn, form=form: oracle(form.label(), lambda: _post(client, form, *drawn)),
        )
    assert sum(oracle.answers.values()) >= EXAMPLES * len(forms)
    print(oracle.answers)


@pytest.mark.slow
def test_the_send_step_survives_fuzzing(app, client):
    """The confirmation page's hidden fields (what was typed, the send token) sent back changed."""
    oracle = Oracle(app)
    page = "/requests/new?who=principal"
    form = next(f for f in fuzzing.forms_of(page, client.get(page).get_data(as_text=True)) if f.multipart)

    def check(drawn):
        filled = fuzzing.plausible(form)
        confirmation = _post(client, form, filled, fuzzing.good_files(form, filled))
        assert confirmation.status_code == 200
        send = next(
            f
            for f in fuzzing.forms_of("/requests/new", confirmation.get_data(as_text=True))
            if "send_token" in f.fields
        )
        base = {**fuzzing.plausible(send), "action": "send"}
        data, _ = drawn.draw(fuzzing.submission(send, base))
        oracle("send", lambda: client.post(send.action, data=data))

    _fuzz(st.data(), check, examples=12)


@pytest.mark.slow
def test_the_status_pages_forms_survive_fuzzing(app, client):
    """Signed in to a case that waits for an answer and documents: the answer, document upload,
    download, new-code and withdrawal forms of the status page, fuzzed."""
    from desk.cases.service import open_pause
    from tests.delivery.conftest import electronic_request

    case, code = electronic_request()
    transition(case, "awaiting_clarification", on=date(2026, 11, 4))
    open_pause(case).message = "どの期間の購入履歴をご希望か、お知らせください。"
    db.session.commit()
    page = client.post("/requests/status", data={"reference": case.reference, "code": code})
    assert page.status_code == 200
    forms = [
        f
        for f in fuzzing.forms_of("/requests/status", page.get_data(as_text=True))
        if f.action.startswith("/requests/status/")
    ]
    assert any(f.action == "/requests/status/answer" for f in forms), [f.action for f in forms]
    oracle = Oracle(app)
    for form in forms:
        _fuzz(
            fuzzing.submission(form), lambda drawn, form=form: oracle(form.label(), lambda: _post(client, form, *drawn))
        )


@pytest.mark.slow
def test_consent_links_with_fuzzed_tokens(app, client):
    """/consent/confirm/<token> and /consent/unsubscribe/<token> with any token, GET and POST."""
    oracle = Oracle(app)
    tokens = st.one_of(fuzzing.field_text(), st.text(st.characters(codec="ascii"), min_size=1, max_size=80))

    def check(token):
        for base in ("/consent/confirm/", "/consent/unsubscribe/"):
            path = base + quote(token, safe="")
            oracle(f"GET {base}", lambda path=path: client.get(path))
            oracle(f"POST {base}", lambda path=path: client.post(path, data={"action": "confirm"}))

    _fuzz(tokens.filter(bool), check)
