"""Builders for the provision-record tests: counterparties through the supervisor's form, lists on disk."""

from __future__ import annotations

import pytest

from desk.extensions import db
from desk.provisions.models import Counterparty
from tests.helpers import csrf_token, login, make_staff

HEADER = ["氏名", "フリガナ", "生年月日", "電話番号", "住所"]
#: The principal of the journey, and her neighbours on the list.
MISAKI = ["髙橋 美咲", "タカハシ ミサキ", "1985-03-09", "090-1234-5678", "東京都渋谷区神宮前一丁目2番3号"]
LIST_ROWS = [
    MISAKI,
    ["佐藤 一郎", "サトウ イチロウ", "1970-01-01", "03-1111-2222", "東京都新宿区西新宿2-8-1"],
    ["鈴木 健太", "スズキ ケンタ", "1992-07-07", "06-3333-4444", "大阪府大阪市北区梅田1-1-1"],
]


@pytest.fixture
def lists(tmp_path):
    path = tmp_path / "lists"
    path.mkdir()
    return path


def write_list(path, rows, header=HEADER, encoding="utf-8"):
    path.write_bytes(("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n").encode(encoding))
    return path


def add_counterparty(app, supervisor, **values) -> Counterparty:
    """Through the supervisor's form, as a supervisor would (a browser session of their own)."""
    client = app.test_client()
    login(client, supervisor)
    page = client.get("/staff/provisions/counterparties/new")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "active": "y", **values}
    response = client.post("/staff/provisions/counterparties/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.query(Counterparty).filter_by(code=values["code"]).one()


@pytest.fixture
def parties(app):
    supervisor = make_staff("supervisor")
    broker = add_counterparty(
        app,
        supervisor,
        code="broker-a",
        name="株式会社名簿センター",
        address="東京都港区芝公園4-2-8",
        representative="代表取締役 佐々木 誠",
        optout_published_on="2025-04-01",
        optout_reference="PPC-OPT-2025-0123",
        contact="03-5555-0000",
    )
    client_b = add_counterparty(
        app, supervisor, code="client-b", name="株式会社ダイレクト販売", address="大阪府大阪市中央区本町1-1"
    )
    return {"supervisor": supervisor, "broker": broker, "client": client_b}
