"""Staff pages: the retention panel, legal holds, the overview and the disposal certificate."""

from __future__ import annotations

import subprocess
from datetime import date

import time_machine
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.extensions import db
from desk.retention import service
from desk.retention.models import DisposalRun, LegalHold
from tests.helpers import login, make_case, make_staff
from tests.retention.conftest import closed_case


def test_case_page_shows_the_retention_date(app, client):
    """A closed case shows its disposal date; an open case says it has none yet."""
    closed = closed_case(date(2024, 2, 29), "withdrawn", files=False)
    still_open = make_case()
    login(client, make_staff("officer"))
    html = client.get(f"/staff/cases/{closed.reference}").get_data(as_text=True)
    assert "廃棄予定日" in html and "2026/03/01" in html
    html = client.get(f"/staff/cases/{still_open.reference}").get_data(as_text=True)
    assert "未完了のため未定" in html
    assert "訴訟等保全を設定する" not in html  # officers cannot hold


def test_supervisor_places_and_releases_a_hold(app, client):
    """The hold form on the case page holds the case; the release button frees it; both audited."""
    case = closed_case(date(2023, 1, 5), files=False)
    supervisor = make_staff("supervisor")
    login(client, supervisor)
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "訴訟等保全を設定する" in page
    response = client.post(f"/staff/cases/{case.reference}/hold", data={"reason": "東京地裁に訴訟提起（法第39条）"})
    assert response.status_code == 302
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "訴訟等保全中" in page and "東京地裁に訴訟提起" in page
    hold = db.session.scalars(select(LegalHold)).one()
    assert client.post(f"/staff/cases/{case.reference}/hold/release").status_code == 302
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).released_at is not None
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action.like("retention.hold%"))).all()
    assert len(details) == 2 and all("東京" not in str(d) for d in details)


def test_empty_hold_reason_is_refused_next_to_the_field(app, client):
    """No reason: the form comes back with the message; no hold saved."""
    case = closed_case(date(2023, 1, 5), files=False)
    login(client, make_staff("supervisor"))
    response = client.post(f"/staff/cases/{case.reference}/hold", data={"reason": ""})
    assert response.status_code == 400
    assert "保全の理由を入力してください。" in response.get_data(as_text=True)
    assert db.session.scalars(select(LegalHold)).first() is None


def test_officer_cannot_hold_or_see_the_overview(app, client):
    """Holds and the overview are for supervisors (and auditors/admins to read)."""
    case = closed_case(date(2023, 1, 5), files=False)
    login(client, make_staff("officer"))
    assert client.post(f"/staff/cases/{case.reference}/hold", data={"reason": "x"}).status_code == 403
    assert client.get("/staff/retention").status_code == 403


@time_machine.travel("2026-11-23 09:00 +09:00", tick=False)
def test_overview_lists_due_holds_and_runs(app, client):
    """Due-within-30-days, holds in place and past runs, with a certificate link."""
    due_now = closed_case(date(2024, 11, 1), files=False)
    due_soon = closed_case(date(2024, 12, 10), files=False)
    later = closed_case(date(2025, 3, 1), files=False)
    held = closed_case(date(2024, 10, 1), files=False)
    supervisor = make_staff("supervisor")
    service.place_hold(held, "係争中", actor=supervisor)
    db.session.commit()
    service.dispose(date(2026, 11, 23))
    login(client, make_staff("auditor"))
    html = client.get("/staff/retention").get_data(as_text=True)
    assert due_soon.reference in html and held.reference in html and "係争中" in html
    assert later.reference not in html
    run = db.session.scalars(select(DisposalRun)).one()
    assert f"/staff/retention/runs/{run.id}/certificate.pdf" in html
    assert due_now.reference not in html.split("訴訟等保全中の案件")[0]  # disposed, no longer due


def test_administrators_see_holds_but_not_their_reasons(app, client):
    """An administrator (retention.view, not case.view) sees that a case is held, not why."""
    held = closed_case(date(2024, 10, 1), files=False)
    service.place_hold(held, "係争中ZQX", actor=make_staff("supervisor"))
    db.session.commit()
    login(client, make_staff("admin"))
    html = client.get("/staff/retention").get_data(as_text=True)
    assert held.reference in html and "係争中ZQX" not in html and "案件を閲覧できる職員にのみ表示" in html


def test_certificate_lists_the_references(app, client, tmp_path):
    """The certificate is an A4 PDF naming the business and every reference, no personal data."""
    cases = [closed_case(date(2024, 1, d)) for d in (5, 6, 7)]
    service.dispose(date(2026, 11, 23))
    run = db.session.scalars(select(DisposalRun)).one()
    login(client, make_staff("supervisor"))
    response = client.get(f"/staff/retention/runs/{run.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "廃棄証明書" in text and "株式会社サンプル商事" in text and "代表取締役" in text
    assert all(c.reference in text for c in cases) and "3件" in text and "9点" in text
    assert "山田" not in text.replace("代表取締役 山田 太郎", "")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info  # A4


def test_upcoming_is_capped_but_counts_everything(app):
    """The overview shows the earliest due cases first and says how many there are in all."""
    first = closed_case(date(2024, 10, 1), files=False)
    closed_case(date(2024, 10, 2), files=False)
    shown, total = service.upcoming(date(2026, 11, 23), limit=1)
    assert [row.reference for row in shown] == [first.reference] and total == 2
