"""The Art. 29/30 fields and the refusals: the staff form, the screening page, holds, the export, the notice."""

from __future__ import annotations

import io
from datetime import date

import time_machine
from sqlalchemy import func, select

from desk.extensions import db
from desk.provisions.models import Counterparty, ProvisionRecord, RecordBucket
from desk.suppression.models import ScreeningRun
from tests.helpers import csrf_token, login, make_staff
from tests.provisions.conftest import LIST_ROWS, write_list


def _form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return csrf_token(page.get_data(as_text=True))


def _manual(client, **values):
    data = {
        "csrf_token": _form(client, "/staff/provisions/new"),
        "direction": "provision",
        "occurred_on": "2026-11-30",
        "basis": "consent",
        "items": "氏名、住所、電話番号",
        "people": "山田 花子, 1980-04-01, 東京都渋谷区神宮前一丁目2番3号, 03-1234-5678",
        **values,
    }
    return client.post("/staff/provisions/new", data=data)


def _records() -> int:
    return db.session.scalar(select(func.count()).select_from(ProvisionRecord))


def test_a_manual_provision_keeps_every_art_29_field(app, client, parties):
    """Date, recipient (name, address), basis, items and the principal: all on the record's page."""
    login(client, make_staff("officer"))
    response = _manual(client, counterparty=str(parties["client"].id))
    assert response.status_code == 302
    entry = db.session.scalars(select(ProvisionRecord)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for shown in (
        "2026/11/30",
        "株式会社ダイレクト販売",
        "大阪府大阪市中央区本町1-1",
        "本人の同意",
        "氏名、住所、電話番号",
        "1人",
    ):
        assert shown in page, shown
    assert (entry.person_count, entry.via, entry.keep_until) == (1, "manual", date(2029, 11, 30))
    # The principal is in the index, not in any column in clear.
    assert db.session.scalar(select(func.count()).select_from(RecordBucket)) == 1
    assert "山田" not in str(db.session.execute(select(ProvisionRecord.__table__)).all())


def test_a_receipt_without_the_providers_statement_is_refused(app, client, parties):
    """Art. 30(1): no confirmation of how the provider acquired the data, no receipt — and nothing is saved."""
    login(client, make_staff("officer"))
    response = _manual(client, direction="receipt", counterparty=str(parties["broker"].id), acquisition="  ")
    assert response.status_code == 400
    assert "取得した経緯を確認し" in response.get_data(as_text=True)
    assert _records() == 0
    accepted = _manual(
        client, direction="receipt", counterparty=str(parties["broker"].id), acquisition="電話帳から収集（書面で確認）"
    )
    assert accepted.status_code == 302
    entry = db.session.scalars(select(ProvisionRecord)).one()
    assert entry.acquisition == "電話帳から収集（書面で確認）"
    assert (entry.optout_published_on, entry.optout_reference) == (date(2025, 4, 1), "PPC-OPT-2025-0123")


def test_an_optout_receipt_needs_the_providers_notification(app, client, parties):
    """A provider without an opt-out notification on file cannot be received from on the opt-out basis."""
    login(client, make_staff("officer"))
    response = _manual(
        client, direction="receipt", basis="optout", counterparty=str(parties["client"].id), acquisition="独自に収集"
    )
    assert response.status_code == 400
    assert "オプトアウト届出" in response.get_data(as_text=True)
    assert _records() == 0


def test_an_exempt_provision_is_not_recorded_and_says_why(app, client, parties):
    """A police inquiry (required by law), entrustment, succession and joint use need no record."""
    login(client, make_staff("officer"))
    for basis in ("law", "entrustment", "succession", "joint_use"):
        response = _manual(client, basis=basis, counterparty=str(parties["client"].id))
        assert response.status_code == 400
        assert "記録は作成しません" in response.get_data(as_text=True)
    assert _records() == 0
    page = client.get("/staff/provisions/new").get_data(as_text=True)
    assert "法令に基づく場合（警察・裁判所からの照会など）" in page


def test_bad_input_never_half_saves(app, client, parties):
    """No principal, no items, no such counterparty: 400 with a message, nothing stored."""
    login(client, make_staff("officer"))
    for values in ({"people": "\n \n"}, {"items": ""}, {"counterparty": "99999"}, {"occurred_on": "2026-13-40"}):
        response = _manual(client, **{"counterparty": str(parties["client"].id), **values})
        assert response.status_code == 400, values
    assert _records() == 0


def test_counterparties_are_kept_by_supervisors(app, client, parties):
    """An officer may read the list of counterparties but neither add nor change one; codes stay unique."""
    login(client, make_staff("officer"))
    assert client.get("/staff/provisions/counterparties").status_code == 200
    assert client.get("/staff/provisions/counterparties/new").status_code == 403
    assert client.get(f"/staff/provisions/counterparties/{parties['broker'].id}").status_code == 403
    supervisor = parties["supervisor"]
    other = app.test_client()
    login(other, supervisor)
    token = _form(other, "/staff/provisions/counterparties/new")
    clash = other.post(
        "/staff/provisions/counterparties/new", data={"csrf_token": token, "code": "broker-a", "name": "別会社"}
    )
    assert clash.status_code == 400 and "既に使われています" in clash.get_data(as_text=True)
    half = other.post(
        "/staff/provisions/counterparties/new",
        data={"csrf_token": token, "code": "x-1", "name": "片方だけ", "optout_reference": "PPC-1"},
    )
    assert half.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Counterparty)) == 2


def test_the_screening_page_records_the_delivered_list(app, client, parties):
    """The screened output — exactly what left — is recorded as provided to the chosen recipient."""
    login(client, make_staff("officer"))
    data = "\r\n".join(",".join(r) for r in [["氏名", "生年月日", "住所"], *[[r[0], r[2], r[4]] for r in LIST_ROWS]])
    token = _form(client, "/staff/suppression/screen")
    response = client.post(
        "/staff/suppression/screen",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(data.encode()), "delivery.csv"),
            "direction": "delivery",
            "counterparty": "client-b",
            "basis": "optout",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    entry = db.session.scalars(select(ProvisionRecord)).one()
    assert (entry.direction, entry.counterparty.code, entry.items, entry.person_count) == (
        "provision",
        "client-b",
        "氏名、生年月日、住所",
        3,
    )
    assert entry.screening_run_id == db.session.scalars(select(ScreeningRun.id)).one()


def test_the_screening_page_refuses_an_unconfirmed_receipt_before_screening(app, client, parties):
    """An acquired list from a provider, without the provider's statement: refused, no screening logged."""
    login(client, make_staff("officer"))
    token = _form(client, "/staff/suppression/screen")
    response = client.post(
        "/staff/suppression/screen",
        data={
            "csrf_token": token,
            "file": (io.BytesIO("氏名,生年月日\r\n山田 花子,1980-04-01\r\n".encode()), "bought.csv"),
            "direction": "acquired",
            "counterparty": "broker-a",
            "basis": "optout",
            "acquisition": "",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "確認せずに受領することはできません" in page
    # the file input cannot be refilled: the page says to choose the list again
    assert 'id="file-again"' in page and "名簿のファイルをもう一度選んでください" in page
    assert 'id="file-again"' not in client.get("/staff/suppression/screen").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ScreeningRun)) == 0
    assert _records() == 0


def test_a_held_record_outlives_its_period(app, client, runner, parties, lists):
    """A supervisor's hold keeps a record past its date; released, the next run disposes of it."""
    with time_machine.travel("2026-12-01 10:00 +09:00", tick=False):
        result = runner.invoke(
            args=["desk", "screen", str(write_list(lists / "l.csv", LIST_ROWS)), "-o", str(lists / "o.csv"),
                  "--direction", "delivery", "--to", "client-b", "--basis", "consent_goods"]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    entry = db.session.scalars(select(ProvisionRecord)).one()
    assert entry.keep_until == date(2027, 12, 1)  # one year: a contract stands in for the record
    supervisor = app.test_client()
    login(supervisor, parties["supervisor"])
    token = _form(supervisor, f"/staff/provisions/{entry.id}")
    held = supervisor.post(f"/staff/provisions/{entry.id}/hold", data={"csrf_token": token, "reason": "訴訟のため保全"})
    assert held.status_code == 302
    with time_machine.travel("2028-01-10 10:00 +09:00", tick=False):
        assert "provisions: 0 record(s)" in runner.invoke(args=["desk", "daily"]).output
    released = supervisor.post(f"/staff/provisions/{entry.id}/hold", data={"csrf_token": token, "release": "1"})
    assert released.status_code == 302
    with time_machine.travel("2028-01-10 11:00 +09:00", tick=False):
        assert "provisions: 1 record(s)" in runner.invoke(args=["desk", "daily"]).output
    db.session.refresh(entry)
    assert entry.disposed_on == date(2028, 1, 10) and entry.wrapped_key is None


def test_the_export_has_codes_dates_and_counts_but_no_names(app, runner, parties, lists, tmp_path):
    """export-provisions: one row per record, the counterparty by its code."""
    with time_machine.travel("2026-12-01 10:00 +09:00", tick=False):
        runner.invoke(
            args=["desk", "screen", str(write_list(lists / "l.csv", LIST_ROWS)), "-o", str(lists / "o.csv"),
                  "--direction", "delivery", "--to", "client-b"]
        )  # fmt: skip
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["desk", "export-provisions", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert (
        text.splitlines()[0]
        == "record,direction,occurred_on,counterparty,basis,via,people,keep_until,on_hold,disposed_on"
    )
    assert "client-b" in text and ",3," in text
    for name in ("髙橋", "ダイレクト販売", "佐藤"):
        assert name not in text


def test_the_public_notice_states_the_opt_out_items_when_we_provide_by_opt_out(app, client):
    """Art. 27(2): off by default; on, the notice lists the items, method, acquisition and how to stop."""
    assert "第三者への提供（オプトアウト）について" not in client.get("/").get_data(as_text=True)
    from desk.settings.models import Setting

    db.session.add(Setting(key="optout_provides", value=True))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    for shown in (
        "第三者への提供（オプトアウト）について",
        "氏名、住所、電話番号、生年月日、性別",
        "提供の方法",
        "提供の停止の求めを受け付ける方法",
    ):
        assert shown in page, shown
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Provision to third parties by opt-out" in english


def test_the_dashboard_counts_records_per_month_and_counterparty(app, client, runner, parties, lists):
    """Oversight: the dashboard's own section."""
    with time_machine.travel("2026-12-01 10:00 +09:00", tick=False):
        runner.invoke(
            args=["desk", "screen", str(write_list(lists / "l.csv", LIST_ROWS)), "-o", str(lists / "o.csv"),
                  "--direction", "delivery", "--to", "client-b"]
        )  # fmt: skip
    login(client, parties["supervisor"])
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert 'data-table="provisions-months"' in page and "2026-12" in page
    assert 'data-table="provisions-counterparties"' in page and "client-b" in page


def test_a_list_not_yet_indexed_blocks_the_confirmation_until_the_daily_run_indexes_it(app, client, runner, parties):
    """A screening interrupted after its record was committed: the case page says so and refuses to
    confirm a search that could miss the list; `desk daily` indexes the stored list, then it is found."""
    from desk.cases.service import transition
    from desk.provisions import service
    from tests.helpers import make_case

    wanted = service.Particulars(
        direction="provision",
        counterparty=db.session.get(Counterparty, parties["client"].id),
        basis="optout",
        items="氏名、生年月日",
        occurred_on=date(2026, 12, 1),
    )
    listed = "氏名,生年月日\r\n山田 花子,1980-04-01\r\n".encode()
    entry = service.record_list(wanted, listed, list_name="l.csv", via="screening", index_now=False)
    db.session.commit()
    case = make_case(("record_disclosure",))
    transition(case, "in_progress", on=date(2026, 12, 2))
    db.session.commit()
    login(client, make_staff("officer"))
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "索引を作成中の記録が1件あります" in page
    refused = client.post(
        f"/staff/provisions/cases/{case.reference}/confirm",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "作成が終わってから確定してください" in refused.get_data(as_text=True)
    db.session.refresh(case.items[0])
    assert "provision_records" not in (case.items[0].details or {})

    daily = runner.invoke(args=["desk", "daily"])
    assert "provisions: 1 record(s) whose list was still to be indexed indexed" in daily.output
    db.session.refresh(entry)
    assert entry.person_count == 1 and entry.indexed_at is not None
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert entry.number in page and "索引を作成中" not in page
