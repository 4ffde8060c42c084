"""Masking a My Number or an insured-person symbol/number on an uploaded document.

The officer drags rectangles over page images in the browser; here the rectangles are burnt
in black into a new file (images with Pillow; PDF pages rasterised with pypdfium2 and put
back together as a PDF of images, so no text layer survives under the mask). The new
content replaces the old under a new key, and the old ciphertext is removed after commit:
no unmasked original is kept anywhere.
"""
from __future__ import annotations

import io

from desk.audit.service import record
from desk.clock import now
from desk.identity.models import Document
from desk.storage.service import read, replace_content
from desk.workbench.service import Refused

#: Rasterisation scale for PDF pages (72 dpi x 2 = 144 dpi): legible, and small enough.
PDF_SCALE = 2.0
MAX_PAGES = 30


def _pdf_pages(data: bytes) -> list:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if len(pdf) > MAX_PAGES:
            raise Refused(f"{MAX_PAGES}ページを超えるPDFは塗りつぶせません。", f"PDFs over {MAX_PAGES} pages cannot be masked.")
        return [pdf[i].render(scale=PDF_SCALE).to_pil().convert("RGB") for i in range(len(pdf))]
    finally:
        pdf.close()


def page_count(document: Document) -> int:
    if document.media_type == "application/pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(read(document))
        try:
            return len(pdf)
        finally:
            pdf.close()
    return 1


def page_png(document: Document, page: int) -> bytes:
    """One page as a PNG for the browser (PDFs are never shown to staff as PDFs)."""
    data = read(document)
    if document.media_type == "application/pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            if not 0 <= page < len(pdf):
                raise IndexError(page)
            image = pdf[page].render(scale=PDF_SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
    else:
        from PIL import Image

        if page != 0:
            raise IndexError(page)
        image = Image.open(io.BytesIO(data))
        image.load()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _burn(image, rects: list[tuple[float, float, float, float]]):
    from PIL import ImageDraw

    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for x, y, w, h in rects:
        draw.rectangle([int(x * width), int(y * height), int((x + w) * width + 0.999), int((y + h) * height + 0.999)],
                       fill=(0, 0, 0))
    return image


def parse_rectangles(raw: list) -> dict[int, list[tuple[float, float, float, float]]]:
    """[{"page": 0, "x": .1, "y": .2, "w": .3, "h": .05}, ...] (fractions of the page) ->
    {page: [(x, y, w, h), ...]}; anything malformed is refused."""
    rects: dict[int, list] = {}
    try:
        for entry in raw:
            page = int(entry["page"])
            x, y, w, h = (float(entry[k]) for k in ("x", "y", "w", "h"))
            x, y = max(0.0, min(x, 1.0)), max(0.0, min(y, 1.0))
            w, h = min(w, 1.0 - x), min(h, 1.0 - y)
            if w <= 0 or h <= 0 or page < 0:
                continue
            rects.setdefault(page, []).append((x, y, w, h))
    except (KeyError, TypeError, ValueError):
        raise Refused("塗りつぶす範囲を読み取れませんでした。もう一度指定してください。",
                      "The masked areas could not be read; draw them again.") from None
    if not rects:
        raise Refused("塗りつぶす範囲をドラッグで指定してください。", "Drag over the areas to mask first.")
    return rects


def mask(document: Document, rects: dict[int, list], *, actor) -> None:
    if document.wrapped_key is None:
        raise Refused("この書類は廃棄済みです。", "This document has been destroyed.")
    if document.media_type not in ("application/pdf", "image/png", "image/jpeg"):
        raise Refused("画像またはPDFの書類だけ塗りつぶせます。", "Only images and PDFs can be masked.")
    data = read(document)
    out = io.BytesIO()
    if document.media_type == "application/pdf":
        pages = _pdf_pages(data)
        if max(rects) >= len(pages):
            raise Refused("存在しないページが指定されました。", "A page that does not exist was given.")
        burnt = [_burn(image, rects.get(i, [])) for i, image in enumerate(pages)]
        burnt[0].save(out, "PDF", save_all=True, append_images=burnt[1:], resolution=72 * PDF_SCALE)
        media_type = "application/pdf"
    else:
        from PIL import Image

        if set(rects) != {0}:
            raise Refused("存在しないページが指定されました。", "A page that does not exist was given.")
        image = Image.open(io.BytesIO(data))
        image.load()
        burnt = _burn(image, rects[0])
        # Saved afresh: no metadata (EXIF, thumbnails) of the unmasked original survives.
        if document.media_type == "image/jpeg":
            burnt.save(out, "JPEG", quality=90)
        else:
            burnt.save(out, "PNG")
        media_type = document.media_type
    replace_content(document, out.getvalue(), media_type)
    document.masked_at = now()
    record("document.masked", actor=actor, case=document.case,
           detail={"document_id": document.id, "pages": sorted(rects), "rectangles": sum(len(r) for r in rects.values())})
