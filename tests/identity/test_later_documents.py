"""Documents that arrive after the application: staff add them on the case page, the
requester sends them from the status page while the case waits for documents. Both are
checked like the public form's uploads, stored encrypted, audited and shown; the clock
resumes only when the officer records that the reply arrived."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.cases.service import transition
from desk.extensions import db
from desk.identity.models import Document
from desk.storage.service import path_of, read
from tests.helpers import login, make_staff
from tests.intake.test_status import look, make_request
from tests.workbench.helpers import card_pdf, card_png

ENCRYPTED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R/Encrypt<</Filter/Standard/V 1/R 2/O(x)/U(y)/P -4>>>>\n%%EOF"
)


def _reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))


def _files(*items):
    return [(io.BytesIO(data), name) for data, name in items]


def test_staff_add_a_scan_that_came_by_post(client, app):
    """Checked, stored encrypted, audited, listed in the documents panel and the checklist."""
    case, _ = make_request()
    login(client, make_staff("officer"))
    response = client.post(
        f"/staff/cases/{case.reference}/documents/add",
        data={"document": "principal:resident_record", "files": _files((card_pdf(1), "scan.pdf"))},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "書類を追加しました" in html
    document = db.session.scalars(select(Document).where(Document.case_id == case.id)).one()
    assert (document.kind, document.party, document.origin) == ("resident_record", "principal", "staff")
    assert read(document).startswith(b"%PDF") and b"%PDF" not in path_of(document.storage_name).read_bytes()
    assert "document.added" in _actions(case)
    assert "職員が追加" in html and f'id="document-{document.id}"' in html  # the identity checklist lists it
    assert "書類を追加（職員）" in html  # and the timeline


def test_staff_upload_refused_like_the_public_form(client, app):
    """An encrypted PDF, a file that is not what its name says, no kind: refused beside the
    field, nothing stored."""
    case, _ = make_request()
    login(client, make_staff("officer"))
    url = f"/staff/cases/{case.reference}/documents/add"
    encrypted = client.post(
        url,
        data={"document": "principal:drivers_licence", "files": _files((ENCRYPTED_PDF, "id.pdf"))},
        content_type="multipart/form-data",
    )
    assert encrypted.status_code == 400 and "保護されたPDF" in encrypted.get_data(as_text=True)
    mislabelled = client.post(
        url,
        data={"document": "principal:drivers_licence", "files": _files((card_png(), "id.pdf"))},
        content_type="multipart/form-data",
    )
    assert mislabelled.status_code == 400 and "中身はPNG" in mislabelled.get_data(as_text=True)
    no_kind = client.post(
        url, data={"document": "", "files": _files((card_png(), "id.png"))}, content_type="multipart/form-data"
    )
    assert no_kind.status_code == 400 and "書類の種類を選んでください" in no_kind.get_data(as_text=True)
    assert db.session.scalars(select(Document).where(Document.case_id == case.id)).all() == []


def test_requester_sends_a_missing_page_from_the_status_page(client, app):
    """While the case waits for documents the status page takes them; the case keeps waiting
    until the officer records the reply."""
    case, code = make_request()
    transition(case, "verifying", on=date(2026, 11, 3))
    transition(case, "awaiting_documents", on=date(2026, 11, 4), due_on=date(2026, 11, 18))
    db.session.commit()
    html = look(client, case.reference, code)
    assert "書類をこのページから送る" in html and code not in html
    response = client.post(
        "/requests/status/documents",
        data={"document": "principal:drivers_licence", "files": _files((card_png(), "back.png"))},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "書類を受け取りました（1点）" in html
    document = db.session.scalars(select(Document).where(Document.case_id == case.id)).one()
    assert document.origin == "requester" and document.review == "received"
    assert _reload(case).status == "awaiting_documents"  # the clock resumes only by the officer
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.sent_by_requester")).one()
    assert event.actor_kind == "public"


def test_status_page_upload_needs_the_page_opened_and_a_waiting_case(client, app):
    """Without a fresh look-up there is nothing to send to; a case not waiting takes nothing."""
    case, code = make_request()
    data = {"document": "principal:drivers_licence", "files": _files((card_png(), "id.png"))}
    cold = client.post("/requests/status/documents", data=data, content_type="multipart/form-data")
    assert cold.status_code == 400 and "もう一度、受付番号とアクセスコード" in cold.get_data(as_text=True)
    html = look(client, case.reference, code)
    assert "書類をこのページから送る" not in html
    data = {"document": "principal:drivers_licence", "files": _files((card_png(), "id.png"))}
    refused = client.post("/requests/status/documents", data=data, content_type="multipart/form-data")
    assert refused.status_code == 400 and "書類のご提出はお願いしていません" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Document).where(Document.case_id == case.id)).all() == []


def test_status_page_upload_refuses_a_bad_file_in_the_requesters_language(client, app):
    case, code = make_request()
    transition(case, "verifying", on=date(2026, 11, 3))
    transition(case, "awaiting_documents", on=date(2026, 11, 4))
    db.session.commit()
    client.get("/?lang=en")
    look(client, case.reference, code)
    response = client.post(
        "/requests/status/documents",
        data={"document": "principal:drivers_licence", "files": _files((b"", "id.png"))},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and ("Choose a file" in html or "empty" in html)
