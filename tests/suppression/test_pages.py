"""The staff pages: register, search, add by hand, screen by upload, log, downloads."""

import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.clock import today
from desk.extensions import db
from desk.suppression import entries
from desk.suppression.models import ScreeningFile, ScreeningRun, SuppressionEntry
from tests.helpers import login, make_staff


@pytest.mark.parametrize(
    "role,path,expected",
    [
        ("officer", "/staff/suppression", 200),
        ("auditor", "/staff/suppression", 200),
        ("admin", "/staff/suppression", 403),
        ("auditor", "/staff/suppression/new", 403),
        ("auditor", "/staff/suppression/screen", 403),
        ("auditor", "/staff/suppression/screenings", 200),
        ("supervisor", "/staff/suppression/screen", 200),
    ],
)
def test_permissions(client, app, role, path, expected):
    """Viewing needs suppression.view; adding and screening need suppression.manage."""
    login(client, make_staff(role))
    assert client.get(path).status_code == expected


def test_add_by_hand_then_find_by_typing(client, app):
    """An officer adds an entry; typing the name in another notation finds it; the URL never carries it."""
    officer = make_staff("officer")
    login(client, officer)
    missing = client.post("/staff/suppression/new", data={"name": "齋藤 聡", "scope": "all_use"})
    assert missing.status_code == 400 and "生年月日・電話番号・住所のいずれかが必要です" in missing.get_data(
        as_text=True
    )
    bad_date = client.post("/staff/suppression/new", data={"name": "齋藤 聡", "birth_date": "昔", "scope": "all_use"})
    assert bad_date.status_code == 400 and "日付として読めません" in bad_date.get_data(as_text=True)
    assert db.session.scalars(select(SuppressionEntry)).first() is None
    response = client.post(
        "/staff/suppression/new",
        data={
            "name": "齋藤 聡",
            "kana": "サイトウ サトシ",
            "birth_date": "1971-02-03",
            "phone": "",
            "address": "",
            "scope": "all_use",
            "source_reference": "電話受付 2026-11",
        },
    )
    assert response.status_code == 302
    page = client.post("/staff/suppression", data={"q": "斉藤　聡"}).get_data(as_text=True)
    assert (
        "齋＊ ＊" in page
        and "聡" not in page.split("<main", 1)[-1].split("</form>", 1)[-1]
        and "電話受付 2026-11" in page
        and "利用停止（全利用）" in page
    )
    none = client.post("/staff/suppression", data={"q": "斉藤"}).get_data(as_text=True)
    assert "該当する登録はありません" in none


def test_masked_names_show_no_part_whole(client, app):
    """A one-character part is masked whole: 森田 正 → 森＊ ＊, 林 → ＊＊＊."""
    entries.add_entry(name="森田 正", birth_date="1950-01-02", scope="all_use")
    entries.add_entry(name="林", birth_date="1960-03-04", scope="all_use")
    db.session.commit()
    assert sorted(e.display_name for e in db.session.scalars(select(SuppressionEntry))) == ["森＊ ＊", "＊＊＊"]
    login(client, make_staff("officer"))
    page = client.get("/staff/suppression").get_data(as_text=True)
    assert "森＊ ＊" in page and "正＊" not in page and "林" not in page


def test_screen_upload_download_and_log(client, app):
    """A Shift_JIS upload is screened, both files download in Shift_JIS, the log shows the run."""
    entries.add_entry(name="山田 花子", birth_date="1980-04-01", scope="third_party_provision")
    db.session.commit()
    officer = make_staff("officer", name="担当 一郎")
    login(client, officer)
    csv_bytes = "氏名,生年月日\r\n山田　花子,昭和55年4月1日\r\n山田 太郎,1980-04-01\r\n".encode("cp932")
    response = client.post(
        "/staff/suppression/screen",
        data={"file": (io.BytesIO(csv_bytes), "取得名簿.csv"), "direction": "acquired"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    run = db.session.scalars(select(ScreeningRun)).one()
    assert (run.rows_in, run.rows_removed, run.direction, run.staff_id, run.list_name) == (
        2,
        1,
        "acquired",
        officer.id,
        "取得名簿.csv",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "取得名簿.csv" in page and "Shift_JIS" in page
    output = client.get(f"/staff/suppression/screenings/{run.id}/output.csv")
    assert output.headers["Content-Disposition"].startswith("attachment")
    assert output.headers["Content-Type"] == "text/csv; charset=Windows-31J"
    assert output.data == "氏名,生年月日\r\n山田 太郎,1980-04-01\r\n".encode("cp932")
    report = client.get(f"/staff/suppression/screenings/{run.id}/report.csv").data.decode("cp932")
    assert "1,2,name+birth_date,S-000001,third_party_provision,山＊ 花＊" in report
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "suppression.result_read")).all()
    assert len(reads) == 2
    log = client.get("/staff/suppression/screenings").get_data(as_text=True)
    assert "取得名簿.csv" in log and "担当 一郎" in log
    from desk.storage.service import path_of

    stored = db.session.scalars(select(ScreeningFile)).all()
    assert len(stored) == 2
    assert all("山田".encode("cp932") not in path_of(f.storage_name).read_bytes() for f in stored)  # encrypted at rest


def test_bad_upload_shows_the_line_and_logs_nothing(client, app):
    """A ragged upload gets a message naming the line next to the file field; nothing is logged."""
    login(client, make_staff("officer"))
    response = client.post(
        "/staff/suppression/screen",
        data={"file": (io.BytesIO("氏名,電話番号\r\n山田,03\r\n佐藤\r\n".encode()), "x.csv"), "direction": "delivery"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "3行目: 列の数が 1 です（見出しは 2 列）。" in response.get_data(as_text=True)
    assert db.session.scalars(select(ScreeningRun)).first() is None


def test_daily_shreds_old_results_but_keeps_the_log(client, app, runner):
    """After screening_result_days the stored files are shredded; the log entry remains."""
    login(client, make_staff("officer"))
    client.post(
        "/staff/suppression/screen",
        data={"file": (io.BytesIO(b"name\r\nA\r\n"), "a.csv"), "direction": "delivery"},
        content_type="multipart/form-data",
    )
    run = db.session.scalars(select(ScreeningRun)).one()
    assert client.get(f"/staff/suppression/screenings/{run.id}/output.csv").status_code == 200
    later = today() + timedelta(days=8)
    with time_machine.travel(later, tick=False):  # a day to come can only be rehearsed: go there
        result = runner.invoke(args=["desk", "daily", "--as-of", later.isoformat()])
    assert result.exit_code == 0 and "2 screened list file(s) shredded" in result.output, result.output
    db.session.expire_all()
    assert client.get(f"/staff/suppression/screenings/{run.id}/output.csv").status_code == 404
    assert db.session.get(ScreeningRun, run.id) is not None


def test_unknown_runs_and_files_are_404(client, app):
    """A run number or file kind that does not exist is a plain 404 for a signed-in officer."""
    login(client, make_staff("officer"))
    assert client.get("/staff/suppression/screenings/999").status_code == 404
    assert client.get("/staff/suppression/screenings/abc").status_code == 404
    assert client.get("/staff/suppression/screenings/1/secrets.csv").status_code == 404


def test_case_page_shows_the_register_entry(client, app):
    """A completed stop_provision case shows its register entry on the case page; other cases show no panel."""
    from tests.helpers import make_case
    from tests.suppression.conftest import complete_case

    case = complete_case(("stop_provision",))
    other = make_case(("disclosure",))
    login(client, make_staff("officer"))
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "提供停止名簿に登録されています" in page and "S-000001" in page and "第三者提供の停止" in page
    assert (
        "提供停止名簿" not in client.get(f"/staff/cases/{other.reference}").get_data(as_text=True).split("</nav>", 1)[1]
    )


def test_the_register_panels_line_says_where_the_case_stands(client, app):
    """Folded, the panel's line says what will happen: put on the register if the stop is
    carried out, on it once done, not on it when the case completed without the stop."""
    from tests.helpers import make_case
    from tests.suppression.conftest import complete_case

    login(client, make_staff("officer"))
    waiting = make_case(("stop_provision",))
    page = client.get(f"/staff/cases/{waiting.reference}").get_data(as_text=True)
    assert "停止を実施して完了すると登録" in page
    done = complete_case(("stop_provision",))
    assert "登録済" in client.get(f"/staff/cases/{done.reference}").get_data(as_text=True)
    from desk.cases.service import transition

    withdrawn = make_case(("stop_provision",))
    transition(withdrawn, "withdrawn")
    db.session.commit()
    withdrawn_page = client.get(f"/staff/cases/{withdrawn.reference}").get_data(as_text=True)
    assert (
        "停止を実施して完了すると登録" not in withdrawn_page and "登録なし（停止を実施していません）" in withdrawn_page
    )
    refused = complete_case(("stop_provision",), outcome="refused")
    assert "登録なし（停止を実施していません）" in client.get(f"/staff/cases/{refused.reference}").get_data(
        as_text=True
    )
