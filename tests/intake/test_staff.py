"""Staff side of intake: registering paper applications and opening documents."""

import io
import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.fees.service import balance
from desk.identity.models import Document
from desk.letters.models import Letter
from tests.helpers import login, make_staff
from tests.intake import samples
from tests.intake.helpers import files_under, submit

FROZEN = "2026-11-20 10:00:00+09:00"


def registration(**overrides) -> dict:
    data = {
        "who": "principal",
        "channel": "mail",
        "arrived_on": "2026-11-19",
        "language": "ja",
        "stamps_enclosed": "1000",
        "kinds": ["disclosure"],
        "delivery_method": "paper",
        "principal-name": "鈴木 一郎",
        "principal-furigana": "スズキ イチロウ",
        "principal-birth_date": "1960/5/5",
        "principal-postal_code": "4600008",
        "principal-address": "愛知県名古屋市中区栄1-1-1",
        "principal-phone": "052-123-4567",
        "principal_id-kind": "passport",
        "principal_id-files": [(io.BytesIO(samples.jpeg()), "scan1.jpg")],
        "enclosure-files": [(io.BytesIO(samples.pdf()), "application.pdf")],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_officer_registers_a_mail_in_application(client, app):
    """A posted application: arrival date, channel, scans, stamps as the fee, an ack letter queued."""
    officer = make_staff("officer")
    with time_machine.travel(FROZEN, tick=False):
        login(client, officer)
        assert client.get("/staff/intake/new").status_code == 200
        response = client.post("/staff/intake/new", data=registration(), content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    case = db.session.scalars(select(Case)).one()
    assert case.reference in html and re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", html)
    assert (case.channel, case.arrived_on) == ("mail", date(2026, 11, 19))
    payment = db.session.scalars(select(FeePayment)).one()
    assert (payment.amount, payment.method, payment.received_on) == (1000, "postage_stamps", date(2026, 11, 19))
    assert balance(case) == 0
    letter = db.session.scalars(select(Letter)).one()
    assert letter.kind == "ack" and letter.dispatched_on is None and letter.storage_name is None
    assert sorted(d.kind for d in case.documents) == ["enclosure", "passport"]
    # One event says the case was registered and how (not case.opened beside it), and the
    # timeline does not call a posted request a web submission.
    opened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "intake.registered")).one()
    assert (opened.actor_id, opened.to_status, opened.detail["channel"]) == (officer.id, "received", "mail")
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("case.opened", "intake.submitted")))
    ).all()
    with time_machine.travel(FROZEN, tick=False):
        timeline = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "郵送等で届いた請求を登録" in timeline and "ウェブ・API" not in timeline


def test_registration_refuses_a_future_arrival_and_stores_nothing(client, app):
    """An arrival date in the future is refused with a message; no case, no file."""
    with time_machine.travel(FROZEN, tick=False):
        login(client, make_staff("officer"))
        response = client.post(
            "/staff/intake/new", data=registration(arrived_on="2026-12-01"), content_type="multipart/form-data"
        )
    assert response.status_code == 400 and "未来の日付" in response.get_data(as_text=True)
    assert db.session.scalars(select(Case)).first() is None and files_under(app) == []


def test_registration_form_speaks_to_the_officer(client, app):
    """The officer copies a paper application: the help says what to copy, not what the
    requester should do, in both languages; the public form keeps the requester's help."""
    login(client, make_staff("officer"))
    ja = client.get("/staff/intake/new?who=delegated").get_data(as_text=True)
    assert "申請書に書かれたとおりに入力します" in ja and "塗りつぶしが必要な箇所" in ja
    assert "入力された場合、受付のお知らせ" not in ja and "送る前に塗りつぶしてください" not in ja
    # The document slots tell the officer what is needed; they ask the requester for nothing.
    assert "同封された本人確認書類のスキャンを添付します" in ja and "お送りください" not in ja
    en = client.get("/staff/intake/new?who=delegated&lang=en").get_data(as_text=True)
    assert "As written on the application" in en and "Black out before sending" not in en
    assert "Attach the scans of the identity documents" in en and "Send one of these" not in en
    public = client.get("/requests/new/principal?lang=ja").get_data(as_text=True)
    assert "入力された場合、受付のお知らせ" in public and "申請書に書かれたとおり" not in public


def test_registration_needs_the_register_permission(client, app):
    """Auditors and administrators cannot register cases."""
    for role in ("auditor", "admin"):
        client.post("/staff/logout")
        login(client, make_staff(role))
        assert client.get("/staff/intake/new").status_code == 403


def test_duplicate_is_shown_to_the_officer(client, app):
    """Registering the same principal and kind twice flags the second and links the first."""
    with time_machine.travel(FROZEN, tick=False):
        login(client, make_staff("officer"))
        client.post("/staff/intake/new", data=registration(), content_type="multipart/form-data")
        html = client.post(
            "/staff/intake/new", data=registration(**{"principal-name": "鈴木一郎"}), content_type="multipart/form-data"
        ).get_data(as_text=True)
        assert "重複の可能性" in html
        first, second = db.session.scalars(select(Case).order_by(Case.id)).all()
        assert first.reference in html and second.possible_duplicate
        page = client.get(f"/staff/cases/{second.reference}").get_data(as_text=True)
    assert "重複の可能性" in page


def _web_case(client):
    reference, _ = submit(client, samples.principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    return db.session.scalars(select(Case).where(Case.reference == reference)).one()


def test_document_download_is_audited_and_never_cached(client, app):
    """An officer downloads a document: attachment, no-store, nosniff, and an audit event."""
    case = _web_case(client)
    document = case.documents[0]
    officer = make_staff("officer")
    login(client, officer)
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "提出書類" in page and f"/staff/documents/{document.id}" in page and "運転免許証" in page
    response = client.get(f"/staff/documents/{document.id}")
    assert response.status_code == 200 and response.data == samples.jpeg()
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/jpeg"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.viewed")).one()
    assert event.actor_id == officer.id and event.case_id == case.id and event.detail["document_id"] == document.id


@pytest.mark.parametrize("role,expected", [("auditor", 200), ("supervisor", 200), ("admin", 403)])
def test_document_access_by_role(client, app, role, expected):
    """Administrators run the system and may not read documents."""
    case = _web_case(client)
    login(client, make_staff(role))
    assert client.get(f"/staff/documents/{case.documents[0].id}").status_code == expected


def test_documents_need_sign_in_and_destroyed_ones_are_gone(client, app):
    """Without sign-in: redirect to login; a shredded document: 404."""
    case = _web_case(client)
    document = case.documents[0]
    response = client.get(f"/staff/documents/{document.id}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    from desk.storage import service as storage

    storage.shred_key(document)
    db.session.commit()
    login(client, make_staff("officer"))
    assert client.get(f"/staff/documents/{document.id}").status_code == 404


def test_proxy_case_panel_says_which_authority_documents_are_missing(client, app):
    """A delegated case registered with only the power of attorney shows what is missing."""
    with time_machine.travel(FROZEN, tick=False):
        login(client, make_staff("officer"))
        data = registration(
            who="delegated",
            **{
                "proxy-name": "鈴木 花子",
                "proxy-address": "愛知県名古屋市中区栄2-2-2",
                "authority_power_of_attorney-files": [(io.BytesIO(samples.pdf()), "poa.pdf")],
            },
        )
        data.pop("principal_id-files")
        data.pop("principal_id-kind")
        response = client.post("/staff/intake/new", data=data, content_type="multipart/form-data")
        assert response.status_code == 200, response.get_data(as_text=True)
        case = db.session.scalars(select(Case)).one()
        page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "代理権を確認する書類が揃っていません" in page and "印鑑登録証明書" in page
    assert sorted(d.kind for d in db.session.scalars(select(Document))) == ["enclosure", "power_of_attorney"]
