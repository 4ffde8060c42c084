"""Builders for the workbench tests: documents stored through the encrypted store."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw

from desk.extensions import db
from desk.identity.models import Document
from desk.storage.service import store
from tests.browser_steps import open_panel

__all__ = ["card_pdf", "card_png", "make_document", "open_panel"]


def card_png(width: int = 400, height: int = 250) -> bytes:
    """A white card with a blue 'number' strip across its lower half."""
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle([20, height // 2, width - 20, height // 2 + 30], fill=(20, 60, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def card_pdf(pages: int = 2) -> bytes:
    images = [Image.open(io.BytesIO(card_png())).convert("RGB") for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def make_document(
    case,
    kind: str,
    party: str | None = "principal",
    *,
    data: bytes | None = None,
    media_type: str = "image/png",
    issued_on: date | None = None,
    label: str | None = None,
) -> Document:
    document = Document(case_id=case.id, kind=kind, party=party, label=label, issued_on=issued_on)
    store(document, data if data is not None else card_png(), media_type)
    db.session.add(document)
    db.session.commit()
    return document
