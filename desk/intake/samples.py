"""Sample documents for demo cases: generated images and PDFs marked 見本 / SAMPLE,
stored encrypted exactly like real uploads, so a new user sees what an officer sees."""

from __future__ import annotations

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from desk import catalogue
from desk.identity.models import Document
from desk.intake.service import document_label
from desk.letters.fonts import _find
from desk.storage import service as storage

_INK, _RED = (40, 48, 60), (200, 22, 29)


@lru_cache(maxsize=8)
def _font(size: int):
    path = _find("ipaexg.ttf", None)
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)


def _stamp(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    """The big red 見本 / SAMPLE mark across the middle."""
    font = _font(int(height * 0.12))
    left, top, right, bottom = draw.textbbox((width / 2, height * 0.6), "見本  SAMPLE", font=font, anchor="mm")
    pad = height * 0.04
    draw.rectangle([left - pad, top - pad, right + pad, bottom + pad], outline=_RED, width=6)
    draw.text((width / 2, height * 0.6), "見本  SAMPLE", fill=_RED, font=font, anchor="mm")


def card_image(kind: str, name: str, address: str, rng: random.Random) -> bytes:
    """A card-shaped PNG (licence, insurance card…) with the name and address on it."""
    width, height = 856, 540
    tint = rng.choice([(232, 244, 236), (236, 240, 250), (250, 244, 230)])
    image = Image.new("RGB", (width, height), tint)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([8, 8, width - 8, height - 8], radius=28, outline=_INK, width=3)
    draw.text((40, 36), catalogue.DOCUMENT_KINDS[kind].ja, fill=_INK, font=_font(40))
    draw.text((40, 120), f"氏名　{name}", fill=_INK, font=_font(34))
    per_line = 16 if catalogue.DOCUMENT_KINDS[kind].photo else 24
    draw.text((40, 180), "住所", fill=_INK, font=_font(28))
    for n in range(3):
        draw.text((124, 180 + 40 * n), address[n * per_line : (n + 1) * per_line], fill=_INK, font=_font(28))
    if catalogue.DOCUMENT_KINDS[kind].photo:
        draw.rectangle([width - 250, 110, width - 50, 360], fill=(205, 210, 218), outline=_INK, width=2)
        draw.text((width - 150, 235), "写真", fill=_INK, font=_font(30), anchor="mm")
    if catalogue.DOCUMENT_KINDS[kind].mask_ja:
        draw.rectangle([40, 420, 460, 470], fill=(0, 0, 0))  # masked, as the form asks
        draw.text((480, 432), "（マスク済み）", fill=_INK, font=_font(24))
    _stamp(draw, width, height)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def certificate_pdf(kind: str, principal: str, proxy: str | None) -> bytes:
    """A one-page A4 PDF standing in for a certificate or a power of attorney."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from desk.letters.fonts import letter_fonts

    fonts = letter_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    w, h = A4
    canvas.setFont(fonts.gothic, 20)
    canvas.drawCentredString(w / 2, h - 90, catalogue.DOCUMENT_KINDS[kind].ja.split("（")[0])
    canvas.setFont(fonts.mincho, 12)
    lines = (
        [f"本人　{principal}"]
        + ([f"代理人　{proxy}"] if proxy else [])
        + ["", "この書類は desk のデモ用に自動で作成した見本です。", "This is a generated sample for the desk demo."]
    )
    for i, line in enumerate(lines):
        canvas.drawString(80, h - 160 - i * 22, line)
    canvas.setStrokeColorRGB(0.78, 0.09, 0.11)
    canvas.setFillColorRGB(0.78, 0.09, 0.11)
    canvas.setLineWidth(4)
    canvas.rect(w / 2 - 170, h / 2 - 60, 340, 120)
    canvas.setFont(fonts.gothic, 48)
    canvas.drawCentredString(w / 2, h / 2 - 16, "見本 SAMPLE")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def add_sample_documents(case, rng: random.Random) -> int:
    """Give a demo case the documents its requester would have sent. Returns how many."""
    from desk.extensions import db

    principal, proxy = case.principal, case.proxy
    added = 0

    def put(party, kind, data, media_type, position=1, of=1):
        nonlocal added
        document = Document(
            case_id=case.id,
            party=party,
            kind=kind,
            label=document_label(kind, position, of),
            uploaded_at=case.received_at,
        )
        storage.store(document, data, media_type)
        db.session.add(document)
        added += 1

    if principal is None:
        return 0
    if proxy is None:
        kind = rng.choice(["drivers_licence", "my_number_card", "passport", "drivers_licence"])
        sides = 1 if kind == "my_number_card" else 2  # never the back of a My Number card
        for side in range(1, sides + 1):
            put(
                "principal",
                kind,
                card_image(kind, principal.name, principal.address or "", rng),
                "image/png",
                side,
                sides,
            )
    else:
        requirement = catalogue.PROXY_KINDS[case.proxy_kind].requirements[0]
        for kind in requirement:
            put("proxy", kind, certificate_pdf(kind, principal.name, proxy.name), "application/pdf")
        put(
            "proxy", "drivers_licence", card_image("drivers_licence", proxy.name, proxy.address or "", rng), "image/png"
        )
    return added
