"""Driving the request form through the HTTP client."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import func, select

from desk.cases.models import Case
from desk.extensions import db
from desk.identity.models import Document
from tests.intake.samples import hidden_fields


def with_files(data: dict, files: dict[str, list[tuple[bytes, str]]]) -> dict:
    data = dict(data)
    for slot, items in files.items():
        data[f"{slot}-files"] = [(io.BytesIO(content), name) for content, name in items]
    return data


def confirm(client, data: dict, files: dict | None = None):
    return client.post(
        "/requests/new", data=with_files({**data, "action": "confirm"}, files or {}), content_type="multipart/form-data"
    )


def send(client, confirmation_html: str):
    data = hidden_fields(confirmation_html)
    data["action"] = "send"
    return client.post("/requests/new", data=data)


def submit(client, data: dict, files: dict) -> tuple[str, str]:
    """Fill, confirm, send; returns (reference, access code) from the completion page."""
    page = confirm(client, data, files)
    assert page.status_code == 200, page.get_data(as_text=True)
    sent = send(client, page.get_data(as_text=True))
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/requests/done")
    html = client.get("/requests/done").get_data(as_text=True)
    reference = re.search(r'id="reference">([^<]+)<', html).group(1)
    code = re.search(r'id="access-code">([^<]+)<', html).group(1)
    return reference, code


def case_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Case))


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def files_under(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
