"""Letters in the staff interface and on the command line: preview, download, print run,
mark sent, the copy kept at dispatch, calibration."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.service import transition
from desk.extensions import db
from desk.letters import service
from desk.letters.models import Letter
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import approve, decide_everything, page_count, pdf_text, squash


def _actions(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_case_page_offers_the_letters_that_apply(client, full_case):
    """The panel links preview and download of each applicable kind, in both languages."""
    login(client, make_staff("officer"))
    html = client.get(f"/staff/cases/{full_case.reference}").get_data(as_text=True)
    for kind in ("ack", "shortfall", "extension", "reply"):
        assert f"/staff/cases/{full_case.reference}/letters/{kind}.pdf?lang=ja" in html
    assert "/letters/lapse.pdf" not in html
    assert 'target="_blank"' in html


def test_preview_is_inline_download_is_an_attachment_and_both_are_audited(client, full_case, tmp_path):
    """A PDF inline for preview, as attachment for download; each read is in the audit trail."""
    login(client, make_staff("officer"))
    url = f"/staff/cases/{full_case.reference}/letters/reply.pdf"
    preview = client.get(url + "?lang=en")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline")
    assert "Response to your" in pdf_text(preview.data, tmp_path)
    download = client.get(url + "?lang=ja&download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    events = _actions("letter.viewed")
    assert [e.detail for e in events] == [{"kind": "reply", "lang": "en"}, {"kind": "reply", "lang": "ja"}]
    assert all(e.case_id == full_case.id for e in events)


def test_letters_need_the_right_role(client, full_case):
    """Administrators do not read cases; auditors may read letters but not run the print run."""
    login(client, make_staff("admin"))
    assert client.get(f"/staff/cases/{full_case.reference}/letters/ack.pdf").status_code == 403
    assert client.get("/staff/letters/print-run").status_code == 403
    client.post("/staff/logout")
    login(client, make_staff("auditor"))
    assert client.get(f"/staff/cases/{full_case.reference}/letters/ack.pdf").status_code == 200
    assert client.get("/staff/letters/print-run").status_code == 403


def test_a_letter_that_does_not_apply_explains_why(client, app):
    """An undecided reply redirects to the case with the reason, not a 500 or a blank PDF."""
    case = make_case(("disclosure",))
    login(client, make_staff("officer"))
    response = client.get(f"/staff/cases/{case.reference}/letters/reply.pdf", follow_redirects=True)
    assert response.status_code == 200 and "まだ決定していない請求があります" in response.get_data(as_text=True)
    assert client.get(f"/staff/cases/{case.reference}/letters/nonsense.pdf").status_code == 404
    assert client.get("/staff/cases/2026-999999/letters/ack.pdf").status_code == 404


def test_print_run_prints_queued_letters_in_order_and_marks_them_sent(client, app, tmp_path):
    """Queue from the case page; one PDF of all; one step stores them encrypted and dispatches the reply."""
    officer = make_staff("officer")
    first = make_case(("correction",), name="一番 目子")
    second = make_case(("disclosure",), name="二番 目男")
    decide_everything(second)
    approve(second)
    service.queue(second, "reply", on=date(2026, 11, 20))
    db.session.commit()
    login(client, officer)
    assert (
        client.post(f"/staff/cases/{first.reference}/letters/queue", data={"kind": "ack", "lang": "ja"}).status_code
        == 302
    )
    queued = service.queued_letters()
    assert [(letter.case_id, letter.kind) for letter in queued] == [(second.id, "reply"), (first.id, "ack")]

    page = client.get("/staff/letters/print-run").get_data(as_text=True)
    assert first.reference in page and second.reference in page and "calibration.pdf" in page
    pdf = client.get("/staff/letters/print-run.pdf")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert text.index("二番 目男") < text.index("一番 目子")
    assert page_count(pdf.data) == page_count(service.render(second, "reply")) + 1

    response = client.post(
        "/staff/letters/print-run",
        data={"letter_ids": [letter.id for letter in queued], "sent_on": "2026-11-24", "method": "simple_registered"},
    )
    assert response.status_code == 302
    # The message says what happened to the cases too: the reply completed its case.
    told = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"2通を発送済みにしました。回答書を発送した1件の案件（{second.reference}）は完了しました。" in told
    db.session.expire_all()
    assert service.queued_letters() == []
    for letter in db.session.scalars(select(Letter)):
        assert letter.dispatched_on == date(2026, 11, 24) and letter.dispatch_method == "simple_registered"
        assert letter.storage_name and letter.media_type == "application/pdf"
    # The print run dispatches the reply as the case page does: the case completes.
    assert db.session.get(type(second), second.id).status == "completed"

    reply = db.session.scalars(select(Letter).where(Letter.case_id == second.id)).one()
    stored = client.get(f"/staff/cases/{second.reference}/letters/stored/{reply.id}.pdf")
    assert stored.status_code == 200 and "令和8年11月24日" in squash(pdf_text(stored.data, tmp_path))
    assert _actions("letter.read") and len(_actions("letter.dispatched")) == 2
    case_page = client.get(f"/staff/cases/{second.reference}").get_data(as_text=True)
    assert f"/letters/stored/{reply.id}.pdf" in case_page


def test_mark_sent_needs_a_date_and_a_method(client, app):
    """Bad input: a message, status 400, nothing marked."""
    case = make_case(("correction",))
    service.queue(case, "ack")
    db.session.commit()
    login(client, make_staff("officer"))
    response = client.post(
        "/staff/letters/print-run", data={"letter_ids": [1], "sent_on": "", "method": "ordinary_mail"}
    )
    assert response.status_code == 400 and "発送日を入力してください" in response.get_data(as_text=True)
    response = client.post("/staff/letters/print-run", data={"sent_on": "2026-11-24", "method": "ordinary_mail"})
    assert response.status_code == 400
    assert len(service.queued_letters()) == 1


def test_entering_dispatched_stores_the_reply(app, tmp_path):
    """A case dispatched by another path still gets its reply stored, encrypted, on a new Letter row."""
    from desk.storage.service import read

    case = make_case(("disclosure",))
    decide_everything(case)
    approve(case)
    transition(case, "dispatched", on=date(2026, 11, 25))
    db.session.commit()
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert letter.kind == "reply" and letter.dispatched_on == date(2026, 11, 25)
    assert "令和8年11月25日" in squash(pdf_text(read(letter), tmp_path))


def test_dispatch_of_an_undecided_case_does_not_block(app):
    """Other areas may dispatch a case without decisions in their tests: nothing stored, no error."""
    case = make_case(("disclosure",))
    for state in ("verifying", "in_progress", "decision_drafted", "approved", "dispatched"):
        transition(case, state)
    db.session.commit()
    assert db.session.scalars(select(Letter).where(Letter.storage_name.is_not(None))).all() == []


def test_calibration_sheet(client, app, tmp_path):
    """The calibration sheet shows the block position from settings and the fold lines."""
    login(client, make_staff("officer"))
    response = client.get("/staff/letters/calibration.pdf")
    text = squash(pdf_text(response.data, tmp_path))
    assert "左から20mm・上から15mm" in text and "折り線99mm" in text and "折り線198mm" in text


def test_cli_writes_a_letter(runner, full_case, tmp_path):
    """`desk letter REF KIND -o FILE --lang en` writes the PDF."""
    out = tmp_path / "reply.pdf"
    result = runner.invoke(args=["desk", "letter", full_case.reference, "reply", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Response to your" in pdf_text(out.read_bytes(), tmp_path)


def test_cli_errors_are_one_clear_line(runner, app, tmp_path):
    """Unknown case, unknown kind, a letter that does not apply, missing arguments: non-zero exit."""
    out = str(tmp_path / "x.pdf")
    case = make_case(("disclosure",))
    cases = [
        (["desk", "letter", "2026-999999", "ack", "-o", out], 1, "no case with reference"),
        (["desk", "letter", case.reference, "memo", "-o", out], 2, "unknown letter kind"),
        (["desk", "letter", case.reference, "reply", "-o", out], 1, "Not every request has a decision yet"),
        (["desk", "letter", "-o", out], 2, "give REF and KIND"),
    ]
    for args, code, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == code and message in result.output, (args, result.output)
    result = runner.invoke(args=["desk", "letter", "--calibration", "-o", out])
    assert result.exit_code == 0 and page_count(Path(out).read_bytes()) == 1


def test_the_sent_message_counts_in_english(app):
    """1 letter, 2 letters: no "letter(s)"."""
    from types import SimpleNamespace

    from desk.letters.views import sent_message

    def letter(n, kind, status):
        return SimpleNamespace(kind=kind, case_id=n, case=SimpleNamespace(reference=f"2026-00000{n}", status=status))

    done, other_done = letter(7, "reply", "completed"), letter(9, "reply", "completed")
    waiting = letter(8, "shortfall", "awaiting_fee")
    notice_of_a_closed_case = letter(6, "ack", "completed")  # its reply went out long ago
    with app.test_request_context("/?lang=en"):
        assert sent_message([waiting]) == "1 letter marked as sent."
        assert sent_message([done, waiting]) == "2 letters marked as sent. 1 case completed by its reply (2026-000007)."
        assert sent_message([notice_of_a_closed_case]) == "1 letter marked as sent."
        assert sent_message([done, other_done]) == (
            "2 letters marked as sent. 2 cases completed by their replies (2026-000007, 2026-000009)."
        )
