"""The public endpoints: a request with its documents through the same intake as the form, its status."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.extensions import db
from desk.identity.models import Document
from desk.storage import service as storage
from tests.api.helpers import submit
from tests.intake import samples
from tests.intake.helpers import case_count, files_under


def test_openapi_document_is_valid_openapi_3_1(client):
    """The served document validates as OpenAPI 3.1 and names every operation."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    operations = {entry["operationId"] for methods in document["paths"].values() for entry in methods.values()}
    assert operations == {
        "submit_request",
        "read_status",
        "list_cases",
        "read_case",
        "read_document",
        "register_case",
        "screen_people",
        "record_consent",
    }
    fields = document["paths"]["/api/v1/requests"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"principal-name", "principal_id-kind", "principal_id-files", "proxy-name"} <= set(fields["properties"])
    assert fields["properties"]["principal-name"]["maxLength"] == 100


def test_reference_page_is_readable_without_any_cdn(client):
    """/api/v1/docs lists every operation from the document and loads nothing from elsewhere."""
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "POST" in html and "/api/v1/screenings" in html and "cases:documents" in html
    assert "<script" not in html and "https://" not in html.replace("https://spec.openapis.org", "")


def test_request_with_an_id_image_becomes_a_case_like_the_form(client, app):
    """A multipart request with the form's fields and a JPEG becomes an api case with its encrypted document."""
    response = submit(client)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["repeated"] is False and body["kinds"][0]["code"] == "disclosure"
    assert "Set-Cookie" not in response.headers
    case = db.session.scalars(select(Case).where(Case.reference == body["reference"])).one()
    assert case.channel == "api" and case.status == "received" and case.principal.furigana == "ヤマダ ハナコ"
    document = db.session.scalars(select(Document).where(Document.case_id == case.id)).one()
    assert (document.party, document.kind) == ("principal", "drivers_licence")
    assert storage.read(document) == samples.jpeg()
    assert all(samples.jpeg() not in path.read_bytes() for path in files_under(app))


def test_a_repeated_idempotency_key_returns_the_first_result(client):
    """The same Idempotency-Key sent twice makes one case; the second answer is the first one's."""
    first = submit(client, headers={"Idempotency-Key": "order-7f3a9c-0001"})
    again = submit(client, headers={"Idempotency-Key": "order-7f3a9c-0001"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert again.get_json()["access_code"] == first.get_json()["access_code"] and again.get_json()["repeated"]
    assert case_count() == 1
    other = submit(client, headers={"Idempotency-Key": "order-7f3a9c-0002"})
    assert other.status_code == 201 and case_count() == 2


def test_refused_content_is_a_problem_in_both_languages(client):
    """A PDF named .jpg and a missing name: 422 problem+json naming each field in Japanese and English; nothing stored."""
    fields = samples.principal_fields(**{"principal-name": ""})
    response = submit(client, fields=fields, image=samples.windows_exe(), lang="en")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["title"] == "The request has errors" and problem["ja"]["title"] == "入力内容に誤りがあります"
    errors = {e["field"]: e for e in problem["errors"]}
    assert errors["principal-name"]["ja"] == "氏名を入力してください。"
    assert errors["principal-name"]["en"] == "Enter the full name."
    assert "principal_id-files" in errors and errors["principal_id-files"]["ja"] != errors["principal_id-files"]["en"]
    assert case_count() == 0


def test_status_with_reference_and_code(client):
    """The reference and the access code read the status; a wrong code gets a 404 problem."""
    submitted = submit(client).get_json()
    response = client.post(
        "/api/v1/requests/status", json={"reference": submitted["reference"], "access_code": submitted["access_code"]}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    status = response.get_json()
    assert status["reference"] == submitted["reference"] and status["state"]["code"] == "received"
    assert status["closed"] is False and status["kinds"][0]["en"]
    wrong = client.post(
        "/api/v1/requests/status", json={"reference": submitted["reference"], "access_code": "AAAA-AAAA-AAAA-AAAA"}
    )
    assert wrong.status_code == 404 and wrong.get_json()["type"] == "/api/v1/problems/not-found"


def test_status_guessing_makes_the_sender_wait_as_on_the_page(client):
    """After five wrong codes for a reference the address waits (429 with Retry-After), as on the status page."""
    submitted = submit(client).get_json()
    ask = {"reference": submitted["reference"], "access_code": "AAAA-AAAA-AAAA-AAAA"}
    answers = [client.post("/api/v1/requests/status", json=ask).status_code for _ in range(6)]
    assert answers[:5] == [404] * 5 and answers[5] == 429


def test_errors_under_the_api_are_problems_not_pages(client):
    """An unknown address, a wrong method and a body that is not JSON all answer problem+json."""
    for response, status in (
        (client.get("/api/v1/nothing-here"), 404),
        (client.get("/api/v1/requests"), 405),
        (client.post("/api/v1/requests/status", data="x", content_type="text/plain"), 415),
        (client.post("/api/v1/requests/status", data="{", content_type="application/json"), 400),
    ):
        assert response.status_code == status and response.mimetype == "application/problem+json"


def test_public_submissions_are_audited_without_personal_data(client):
    """The case's intake event says channel api and holds no name."""
    submit(client)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "intake.submitted")).one()
    assert event.detail["channel"] == "api" and "山田" not in str(event.detail)
    # One append per submission: the same event says the case opened (to "received").
    assert event.to_status == "received" and db.session.scalars(select(AuditEvent.action)).all() == ["intake.submitted"]


@pytest.fixture
def throttled(app_config):
    """The throttles on, as in production, with small limits."""
    app_config.update(RATELIMIT_ENABLED=True, INTAKE_RATE_LIMIT="2 per hour", STATUS_RATE_LIMIT="3 per minute")


def test_the_form_s_throttle_counts_each_api_request_once(throttled, client):
    """With the intake limit at 2 per hour, the third request from an address gets a 429 problem."""
    answers = [submit(client).status_code for _ in range(3)]
    assert answers == [201, 201, 429]
    limited = submit(client)
    assert limited.mimetype == "application/problem+json" and limited.get_json()["status"] == 429
    assert case_count() == 2
