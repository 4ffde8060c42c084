"""Calling /api/v1/ through the HTTP client: keys, a request with documents."""

from __future__ import annotations

import io
from datetime import timedelta

from desk.api import keys
from desk.clock import today
from desk.extensions import db
from tests.intake import samples


def make_key(*scopes: str, days: int = 30, name: str = "CRM") -> str:
    _key, secret = keys.create_key(name, list(scopes), today() + timedelta(days=days))
    db.session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def request_body(fields: dict | None = None, image: bytes | None = None) -> dict:
    """The request form's fields and one ID image, as a multipart body for the test client."""
    data = dict(fields or samples.principal_fields())
    data["principal_id-files"] = [(io.BytesIO(image or samples.jpeg()), "licence.jpg")]
    return data


def submit(client, fields=None, image=None, headers=None, lang="ja"):
    return client.post(
        "/api/v1/requests",
        data=request_body(fields, image),
        content_type="multipart/form-data",
        headers={"Accept-Language": lang, **(headers or {})},
    )
