"""Masking a My Number or an insured-person symbol/number on an uploaded document.

The officer drags rectangles over page images in the browser; here the rectangles are burnt
in black into a new file (images with Pillow; PDF pages rasterised with pypdfium2 and put
back together as a PDF of images, so no text layer survives under the mask). The new
content replaces the old under a new key, and the old ciphertext is removed after commit:
no unmasked original is kept anywhere.
"""

from __future__ import annotations

import io
import math

from desk import settings
from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.clock import now
from desk.identity.models import Document
from desk.identity.uploads import largest_page_points
from desk.storage.service import read, replace_content

#: Rasterisation scale for PDF pages (72 dpi x 2 = 144 dpi): legible, and small enough.
PDF_SCALE = 2.0
MAX_PAGES = 30
#: JPEG quality of a rasterised page in a masked PDF.
JPEG_QUALITY = 90


def max_render_pixels() -> int:
    """The most pixels one rendered page may have: the largest page uploads accept, at
    PDF_SCALE. A page beyond it (a file stored before the upload check, or a limit since
    lowered) is drawn at a smaller scale instead of taking a worker's memory."""
    return int(largest_page_points(str(settings.get("upload_max_pdf_page"))) * PDF_SCALE**2)


def render_scale(width_pt: float, height_pt: float) -> float:
    """PDF_SCALE, or less so that the page stays within max_render_pixels()."""
    cap = max_render_pixels()
    width_pt, height_pt = max(width_pt, 1.0), max(height_pt, 1.0)
    scale = min(PDF_SCALE, math.sqrt(cap / (width_pt * height_pt)))
    while math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > cap:  # the bitmap rounds up
        scale *= 0.995
    return scale


def _render(pdf, index: int):
    """One page as an RGB image at a capped scale, and the page's size in points (turned as
    the page shows); the page is closed before returning."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = render_scale(width, height)
        bitmap = page.render(scale=scale)
        try:
            return bitmap.to_pil().convert("RGB"), (width, height)
        finally:
            bitmap.close()
    finally:
        page.close()


def masked_pdf(data: bytes, rects: dict[int, list]) -> bytes:
    """The PDF again as a PDF of images, with `rects` burnt in black. Pages are rendered,
    burnt and compressed one at a time: only the JPEGs of the pages done are kept."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(data)
    target = pdfium.PdfDocument.new()
    try:
        if len(source) > MAX_PAGES:
            raise Refused(
                f"{MAX_PAGES}ページを超えるPDFは塗りつぶせません。", f"PDFs over {MAX_PAGES} pages cannot be masked."
            )
        if max(rects) >= len(source):
            raise Refused("存在しないページが指定されました。", "A page that does not exist was given.")
        for index in range(len(source)):
            image, (width, height) = _render(source, index)
            image = _burn(image, rects.get(index, []))
            jpeg = io.BytesIO()
            image.save(jpeg, "JPEG", quality=JPEG_QUALITY)
            del image
            jpeg.seek(0)
            page = target.new_page(width, height)
            picture = pdfium.PdfImage.new(target)
            picture.load_jpeg(jpeg, inline=True)
            picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
            page.insert_obj(picture)
            page.gen_content()
            page.close()
        out = io.BytesIO()
        target.save(out)
        return out.getvalue()
    finally:
        target.close()
        source.close()


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
            image, _ = _render(pdf, page)
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
        draw.rectangle(
            [int(x * width), int(y * height), int((x + w) * width + 0.999), int((y + h) * height + 0.999)],
            fill=(0, 0, 0),
        )
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
        raise Refused(
            "塗りつぶす範囲を読み取れませんでした。もう一度指定してください。",
            "The masked areas could not be read; draw them again.",
        ) from None
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
        out.write(masked_pdf(data, rects))
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
    record(
        "document.masked",
        actor=actor,
        case=document.case,
        detail={"document_id": document.id, "pages": sorted(rects), "rectangles": sum(len(r) for r in rects.values())},
    )
