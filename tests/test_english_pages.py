"""Every staff and public page read in English: no word of the product's own in Japanese.

A page may show Japanese only where it is somebody's data (a name, an address, a note an
officer typed: anything stored in the database, except the labels desk stores itself) or a
Japanese term the page marks with lang="ja". Everything else on an English page is the
product speaking, and must be English."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import JSON, String, Text, select

from desk.demo import DEMO_PASSWORD, DEMO_STAFF_LOGINS
from desk.extensions import db

#: The Japanese blocks: kana, CJK ideographs, CJK symbols and punctuation, full-width forms.
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uffe0-\uffef]+")

#: Stored columns that hold desk's own words (labels frozen at the time of writing), not a
#: person's data: a page must not show these on an English page.
OWN_WORDS = {"label"}

#: GET routes that answer with something other than a page: files, JSON, a redirect.
#: (auth.login_code is shown only half-way through a sign-in with a second factor.)
NOT_PAGES = {"static", "intake.document", "intake.application_form", "public.healthz", "cases.home", "auth.login_code"}

#: Staff pages read signed out (a signed-in reader is sent on from them).
SIGNED_OUT = ("/staff/login",)


class _Reader(HTMLParser):
    """Collects the text a reader sees, and what assistive technology reads out, outside
    elements marked lang="ja"."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SPOKEN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _japanese(self) -> bool:
        return any(ja for _, ja in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ja = attrs.get("lang") == "ja" or tag in ("script", "style")
        if not (ja or self._japanese()):
            self.texts += [attrs[a] for a in self.SPOKEN if attrs.get(a)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, ja))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        # A textarea holds what someone typed (a setting's text, a note), not the page's words.
        if not self._japanese() and data.strip() and not any(tag == "textarea" for tag, _ in self.stack):
            self.texts.append(data)


def _strings(value):
    """The strings inside a stored value: itself, or those nested in a JSON document (the
    data an officer recorded to disclose, items withheld, what was corrected)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_values() -> list[str]:
    """Every string in the database that is somebody's data, longest first."""
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON)) and c.name not in OWN_WORDS]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            values.update(v for v in _strings(list(row)) if JAPANESE.search(v))
    return sorted(values, key=len, reverse=True)


def japanese_left(html: str, data: list[str]) -> list[str]:
    """The Japanese left on the page once people's data is taken out, each with the words
    around it (so the failure says where it is)."""
    reader = _Reader()
    reader.feed(html)
    found = []
    for text in reader.texts:
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        text = " ".join(text.split())
        for match in JAPANESE.finditer(text):
            found.append(f"{match.group()!r} in {text[max(0, match.start() - 30) : match.end() + 30]!r}")
    return found


def _arguments(app) -> dict[str, list[dict]]:
    """The values to fill each route's arguments with, taken from the demo data: the case page
    once per state, every inquiry, every kind of request form."""
    from desk.auth.models import StaffUser
    from desk.cases.models import Case
    from desk.consent.links import confirm_token, unsubscribe_token
    from desk.identity.models import Document
    from desk.inquiries.models import Inquiry
    from desk.provisions.models import Counterparty, ProvisionRecord
    from desk.suppression.models import ScreeningRun

    def firsts(model, attribute="id"):
        row = db.session.scalars(select(model).order_by(model.id).limit(1)).first()
        return [getattr(row, attribute)] if row else []

    by_state = {}
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        by_state.setdefault(case.status, case)
    viewable = db.session.scalars(
        select(Document).where(Document.wrapped_key.is_not(None), Document.media_type.like("image/%")).limit(1)
    ).first()
    completed = by_state.get("completed")
    return {
        "intake.new_request": [
            {"who": w} for w in ("principal", "parent", "minor_guardian", "adult_guardian", "delegated")
        ],
        "admin.staff_edit": [{"staff_id": i} for i in firsts(StaffUser)],
        "cases.show_case": [{"reference": c.reference} for c in by_state.values()],
        "workbench.mask_document": [{"reference": viewable.case.reference, "document_id": viewable.id}]
        if viewable
        else [],
        "retention.place_hold": [{"reference": completed.reference}] if completed else [],
        "inquiries.show_inquiry": [{"reference": r} for r in db.session.scalars(select(Inquiry.reference))],
        "provisions.show_record": [{"record_id": i} for i in firsts(ProvisionRecord)],
        "provisions.edit_counterparty": [{"counterparty_id": i} for i in firsts(Counterparty)] + [{}],
        "suppression.show_run": [{"run_id": i} for i in firsts(ScreeningRun)],
        "consent_public.confirm": [{"token": confirm_token(10**9)}],
        "consent_public.unsubscribe": [{"token": unsubscribe_token("email", bytes(16), "all")}],
    }


def _pages(app) -> tuple[list[str], list[str]]:
    """Every GET page's URL, and the routes with arguments nothing above fills."""
    from flask import url_for

    fill = _arguments(app)
    urls, unfilled = [], []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith("api."):
                continue
            if re.search(r"\.(pdf|png|csv)$", rule.rule) or rule.endpoint.endswith((".attachment", ".download")):
                continue
            if not rule.arguments:
                urls.append(url_for(rule.endpoint))
            elif rule.endpoint in fill:
                for args in fill[rule.endpoint]:
                    if set(args) == set(rule.arguments):
                        urls.append(url_for(rule.endpoint, **args))
            else:
                unfilled.append(rule.endpoint)
    return sorted(set(urls)), unfilled


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["desk", "demo", "--cases", "30"])
    assert result.exit_code == 0, result.output


def test_every_page_in_english_speaks_english(app, demo):
    urls, unfilled = _pages(app)
    assert unfilled == [], "give these routes arguments in _arguments() so their pages are read"
    data = stored_values()
    readers = []
    for email, _role in DEMO_STAFF_LOGINS:
        client = app.test_client()
        assert client.post("/staff/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        client.get("/staff/cases?lang=en")
        readers.append(client)
    public = app.test_client()
    public.get("/?lang=en")
    problems, read = {}, 0
    for url in urls:
        staff = url.startswith("/staff") and not url.startswith(SIGNED_OUT)
        for reader in readers if staff else [public]:
            response = reader.get(url)
            if response.status_code in (200, 400) and response.mimetype == "text/html":
                read += 1
                left = japanese_left(response.get_data(as_text=True), data)
                if left:
                    problems[url] = sorted(set(left))
                break
        else:
            problems[url] = [f"no reader got the page ({response.status_code})"]
    assert read > 40
    assert problems == {}, "\n".join(f"{url}:\n  " + "\n  ".join(words) for url, words in problems.items())


def test_the_requesters_status_page_in_english_in_every_state(app, demo):
    """The status page is reached by a POST with the reference and code: read it in English
    for a case in each state the demo holds."""
    from desk.cases.models import Case
    from desk.intake.codes import code_hash, new_code

    by_state = {}
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        by_state.setdefault(case.status, case)
    codes = {}
    for case in by_state.values():
        codes[case.reference] = new_code()
        case.access_code_hash = code_hash(case.reference, codes[case.reference])
    db.session.commit()
    data = stored_values()
    problems = {}
    for reference, code in codes.items():
        client = app.test_client()
        client.get("/requests/status?lang=en")
        page = client.get("/requests/status").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = {"reference": reference, "code": code, **({"csrf_token": token.group(1)} if token else {})}
        response = client.post("/requests/status", data=form)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and reference in html, reference
        left = japanese_left(html, data)
        if left:
            problems[f"{reference} ({db.session.scalar(select(Case.status).where(Case.reference == reference))})"] = (
                left
            )
    assert len(codes) >= 5
    assert problems == {}, problems
