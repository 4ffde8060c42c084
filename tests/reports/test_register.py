"""The register export: CSV against the cases it came from (BOM, CRLF, Japanese, skeletons)."""

import csv
import io
from datetime import date

from desk.audit.models import AuditEvent
from desk.extensions import db
from tests.helpers import login, make_staff
from tests.reports.fixtures import build, dispose_skeleton


def _parse(raw: bytes) -> list[dict]:
    assert raw.startswith("\ufeff".encode()), "no BOM: Excel would garble the Japanese"
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "every line must end in CRLF"
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_cli_export_matches_the_cases(app, runner, tmp_path):
    """One row per case and kind; fee sums, letter dates, completion and retention dates."""
    cases = build()
    dispose_skeleton(cases["c"], date(2028, 3, 8))
    out = tmp_path / "register.csv"
    result = runner.invoke(args=["desk", "export-register", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "9 row(s)" in result.output
    rows = _parse(out.read_bytes())
    assert len(rows) == 9  # eight cases, b has two kinds
    assert list(rows[0])[:4] == ["受付番号", "受付方法", "到達日", "請求の種類"]
    by_ref = {}
    for row in rows:
        by_ref.setdefault(row["受付番号"], []).append(row)
    a = by_ref[cases["a"].reference][0]
    assert a["請求の種類"] == "保有個人データの開示" and a["種類コード"] == "disclosure"
    assert a["受付方法"] == "ウェブ" and a["到達日"] == "2026-01-05" and a["請求者"] == "本人"
    assert a["結果"] == "全部開示" and a["受領手数料（円）"] == "1000"
    assert a["受付通知の発送日"] == "2026-01-06" and a["回答書の発送日"] == "2026-01-15"
    assert a["延長通知の発送日"] == ""  # queued, never dispatched
    assert a["完了日"] == "2026-01-15" and a["廃棄予定日"] == "2028-01-16" and a["廃棄日"] == ""
    b = by_ref[cases["b"].reference]
    assert [r["種類コード"] for r in b] == ["disclosure", "correction"]
    assert [r["理由コード"] for r in b] == ["business_impediment", "content_true"]
    e = by_ref[cases["e"].reference][0]
    assert e["請求者"] == "代理人" and e["代理人の種類"] == "任意代理人（委任状による代理人）"
    assert e["理由コード"] == "harm_to_person business_impediment"
    lapsed = by_ref[cases["lapsed"].reference][0]
    assert (
        lapsed["結果コード"] == "lapsed" and lapsed["理由コード"] == "fee_unpaid" and lapsed["完了日"] == "2026-04-10"
    )
    assert (
        by_ref[cases["open_near"].reference][0]["完了日"] == ""
        and by_ref[cases["open_near"].reference][0]["廃棄予定日"] == ""
    )
    skeleton = by_ref[cases["c"].reference][0]
    assert skeleton["廃棄日"] == "2028-03-08" and skeleton["結果"] == "通知" and skeleton["完了日"] == "2026-03-07"
    text = out.read_text(encoding="utf-8-sig")
    assert "山田" not in text and "hanako@example.com" not in text and "神宮前" not in text  # no personal data at all
    assert db.session.query(AuditEvent).filter_by(action="register.exported").count() == 1


def test_cli_export_in_english_and_failure(app, runner, tmp_path):
    """--lang en labels the header in English; an unwritable path exits non-zero with a reason."""
    build()
    out = tmp_path / "en.csv"
    assert runner.invoke(args=["desk", "export-register", "-o", str(out), "--lang", "en"]).exit_code == 0
    rows = _parse(out.read_bytes())
    assert rows[0]["Request kind"] == "Disclosure of retained personal data"
    result = runner.invoke(args=["desk", "export-register", "-o", str(tmp_path / "no" / "dir" / "x.csv")])
    assert result.exit_code != 0 and "cannot write" in result.output


def test_register_streams_across_batches(app):
    """Rows come in id order across batch boundaries, every case exactly once."""
    from desk.reports import request_register as register

    cases = build()
    refs = [row[0] for row in register.rows(batch=3)]
    assert len(refs) == 9 and refs == sorted(refs)
    assert set(refs) == {c.reference for c in cases.values()}


def test_download_button_for_supervisors_only(client):
    """Supervisors and auditors download the CSV; administrators may not (no case data)."""
    build()
    supervisor = make_staff("supervisor")
    login(client, supervisor)
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert "/staff/register.csv" in page
    response = client.get("/staff/register.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    rows = _parse(response.get_data())
    assert len(rows) == 9


def test_administrators_cannot_download_the_register(client):
    """register.export is not an administrator's permission."""
    login(client, make_staff("admin"))
    assert client.get("/staff/register.csv").status_code == 403
    assert "/staff/register.csv" not in client.get("/staff/dashboard").get_data(as_text=True)
