"""Electronic delivery: dispatch publishes the reply and the data to the requester's page,
downloads are counted and audited, and the package ends with its downloads or its period."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from datetime import date, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.delivery.models import DeliveryPackage
from desk.extensions import db
from desk.letters.models import Letter
from desk.storage.service import path_of
from tests.delivery.conftest import decide, electronic_request
from tests.helpers import login, make_staff


def _dispatch(app, case, method="electronic"):
    officer = app.test_client()
    login(officer, make_staff("officer"))
    return officer.post(f"/staff/cases/{case.reference}/dispatch", data={"sent_on": "2026-11-24", "method": method})


def _open(client, case, code):
    return client.post("/requests/status", data={"reference": case.reference, "code": code}).get_data(as_text=True)


def _actions(case) -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))
    )


def test_electronic_dispatch_end_to_end(client, app, smtp, runner, tmp_path):
    """Dispatched electronically: the case completes with the method recorded, the e-mail
    (no personal data) names the reference and the page, the page with the code offers the
    package, which holds the reply, the data as BOM CSV and PDF and the attached file, is
    served no-store as an attachment, and ends after its downloads, every step audited."""
    _, inbox = smtp
    app.config["SERVER_NAME"] = None
    case, code = electronic_request()
    decide(case)
    inbox.messages.clear()  # the acknowledgement
    assert _dispatch(app, case).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "completed"
    reply = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "reply")).one()
    assert reply.dispatch_method == "electronic" and reply.dispatched_on == date(2026, 11, 24)

    assert len(inbox.messages) == 1
    message = message_from_bytes(inbox.messages[0][1], policy=policy.default)
    body = message.get_content()
    assert case.reference in message["Subject"] and "/requests/status" in body
    for personal in ("山田", "ヤマダ", "渋谷", "1500001", "03-1234-5678", code, "購入履歴", "保有個人データの開示"):
        assert personal not in body and personal not in message["Subject"]

    html = _open(client, case, code)
    assert "回答をダウンロードする" in html and "残りのダウンロード回数" in html
    assert "令和8年11月24日 — 回答書（このページで提供）" in html  # not posted
    response = client.post("/requests/status/download")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{case.reference}_reply.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert f"{case.reference}_reply.pdf" in names
    csv_name = next(n for n in names if n.endswith(".csv"))
    raw = archive.read(csv_name)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["項目", "内容", "取得日"] and len(rows) == 3 and rows[1][0] == "項目1"
    assert archive.read(csv_name.replace(".csv", ".pdf")).startswith(b"%PDF")
    assert archive.read(f"{case.reference}_file_1.pdf").startswith(b"%PDF")
    reply_pdf = tmp_path / "reply.pdf"
    reply_pdf.write_bytes(archive.read(f"{case.reference}_reply.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(reply_pdf), "-"], capture_output=True, text=True).stdout
    assert "電磁的記録の提供" in text and case.reference in text  # the method actually used

    for _ in range(4):  # five downloads by default
        assert client.post("/requests/status/download").status_code == 200
    gone = client.post("/requests/status/download")
    assert gone.status_code == 410 and "application/zip" not in gone.headers["Content-Type"]
    assert "ダウンロードできなくなりました" in _open(client, case, code)

    package = db.session.scalars(select(DeliveryPackage).where(DeliveryPackage.case_id == case.id)).one()
    assert package.wrapped_key is None and package.downloads == 5
    assert not path_of(package.storage_name).exists()
    assert reply.wrapped_key is not None  # the case's own copy stays until disposal
    actions = _actions(case)
    assert actions.count("delivery.downloaded") == 5
    for action in ("letter.dispatched", "delivery.published", "delivery.shredded"):
        assert action in actions

    out = tmp_path / "register.csv"
    assert runner.invoke(args=["desk", "export-register", "-o", str(out)]).exit_code == 0
    register = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    row = next(r for r in register if r["受付番号"] == case.reference)
    assert row["回答の送付方法"] == "電子的な方法による提供" and row["回答書の発送日"] == "2026-11-24"


def test_the_package_is_never_served_without_the_code(client, app):
    """A session that never gave the access code gets the form again, not the file."""
    case, _ = electronic_request(email=None)
    decide(case, attach=False)
    assert _dispatch(app, case).status_code == 302
    response = client.post("/requests/status/download")
    assert response.status_code == 400 and "application/zip" not in response.headers["Content-Type"]
    assert "アクセスコード" in response.get_data(as_text=True)


def test_desk_daily_shreds_a_package_at_the_end_of_its_period(client, app, runner):
    """After its period the daily job shreds the package; the page says how to ask again."""
    case, code = electronic_request()
    decide(case, attach=False)
    assert _dispatch(app, case).status_code == 302
    package = db.session.scalars(select(DeliveryPackage).where(DeliveryPackage.case_id == case.id)).one()
    assert package.available_until - package.published_at == timedelta(days=30)
    package.available_until = package.published_at - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["desk", "daily"])
    assert result.exit_code == 0, result.output
    assert "delivery: 1 electronically delivered package(s) shredded" in result.output
    db.session.expire_all()
    assert db.session.get(DeliveryPackage, package.id).wrapped_key is None
    html = _open(client, case, code)
    assert "ダウンロードできなくなりました" in html and "窓口" in html
    assert client.post("/requests/status/download").status_code == 410


def test_electronic_needs_the_principals_choice_and_paper_needs_a_reason(client, app):
    """Electronic dispatch of a paper request is refused; paper for an electronic request
    is refused until the decision records why paper is used."""
    paper_case, _ = electronic_request(method="paper")
    decide(paper_case, attach=False)
    page = _dispatch(app, paper_case)
    db.session.expire_all()
    assert db.session.get(Case, paper_case.id).status == "approved"
    assert not db.session.scalars(select(DeliveryPackage)).all()
    assert page.status_code in (302, 400)

    chose_electronic, _ = electronic_request()
    decide(chose_electronic, attach=False)
    _dispatch(app, chose_electronic, method="simple_registered")
    db.session.expire_all()
    assert db.session.get(Case, chose_electronic.id).status == "approved"
    item = db.session.get(Case, chose_electronic.id).items[0]
    item.details = {**item.details, "fallback_to_paper_reason": "ファイルが大きく、電子的な提供が困難なため"}
    db.session.commit()
    _dispatch(app, chose_electronic, method="simple_registered")
    db.session.expire_all()
    assert db.session.get(Case, chose_electronic.id).status == "completed"


def test_the_public_notice_states_the_methods_offered(client, app):
    """With electronic delivery offered the notice says how; turned off, the notice says paper
    and the form no longer offers it."""
    from desk import settings

    html = client.get("/").get_data(as_text=True)
    assert "電磁的記録の提供" in html and "30日間・5回まで" in html
    settings.update({"electronic_delivery": False})
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "30日間" not in html and "回答は書面でお送りします" in html
    form = client.get("/requests/new/principal").get_data(as_text=True)
    assert "delivery-fieldset" in form
    assert 'value="electronic"' not in form and 'value="paper"' in form


def test_disposal_shreds_a_package_still_available(client, app):
    """A package still within its period when its case is disposed of is shredded with the case."""
    from desk.retention import service as retention

    case, _ = electronic_request()
    decide(case)
    assert _dispatch(app, case).status_code == 302
    package = db.session.scalars(select(DeliveryPackage).where(DeliveryPackage.case_id == case.id)).one()
    package.available_until = package.published_at + timedelta(days=3650)  # a setting changed in between
    db.session.commit()
    file = path_of(package.storage_name)
    assert file.exists()
    assert retention.dispose(date(2029, 1, 5)).disposed == [case.reference]
    db.session.expire_all()
    package = db.session.get(DeliveryPackage, package.id)
    assert package.wrapped_key is None and package.destroyed_at is not None
    assert not file.exists()


def test_a_reply_for_the_requesters_page_is_not_offered_for_printing(client, app):
    """Approved with an electronic record chosen: the reply is not in the print run (a
    printed copy must not be posted instead); the case page says to dispatch it
    electronically. A paper case's reply is in the print run as before."""
    from desk.letters.service import queued_letters
    from tests.helpers import login, make_staff

    electronic, _ = electronic_request()
    decide(electronic)
    paper, _ = electronic_request(email=None, method="paper")
    decide(paper)
    assert [letter.case_id for letter in queued_letters()] == [paper.id]
    login(client, make_staff("officer"))
    page = client.get(f"/staff/cases/{electronic.reference}").get_data(as_text=True)
    assert "回答書を電磁的記録で提供してください" in page and "電子的に提供（未掲載）" in page
    from desk.letters.panel import summary
    from desk.letters.service import panel_context

    assert summary(electronic, panel_context(electronic)) == (
        "回答書は電子的に提供待ち",
        "the reply to deliver electronically",
    )
    assert "印刷待ちの回答書を印刷して発送" in client.get(f"/staff/cases/{paper.reference}").get_data(as_text=True)
    print_run = client.get("/staff/letters/print-run").get_data(as_text=True)
    assert paper.reference in print_run and electronic.reference not in print_run
