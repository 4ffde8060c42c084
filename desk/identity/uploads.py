"""Checking uploaded documents by their content before anything is stored.

A file is judged by its bytes, never by its name or the browser's word: PDF, JPEG and
PNG are accepted (HEIC photos from phones are converted to JPEG, so every officer's
browser can show them). Empty, oversized, encrypted, corrupt and mislabelled files are
refused with a reason the requester can act on. Nothing here touches the disk.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, UnidentifiedImageError

from desk import settings
from desk.i18n import tr
from desk.settings.definitions import PAPER_SIZES_MM

#: HEIC/HEIF (iPhone photos) only when pillow-heif is installed. It is loaded on the first
#: image check, not at start-up: every worker process would otherwise carry it.
HEIC_SUPPORTED = importlib.util.find_spec("pillow_heif") is not None


@functools.cache
def _open_heif_too() -> None:
    if HEIC_SUPPORTED:
        import pillow_heif

        pillow_heif.register_heif_opener()


PDF, JPEG, PNG, HEIC = "application/pdf", "image/jpeg", "image/png", "image/heic"
ACCEPTED = (PDF, JPEG, PNG) + ((HEIC,) if HEIC_SUPPORTED else ())
#: What the name's ending claims, to refuse a file whose content says otherwise.
EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "jpe": JPEG, "jfif": JPEG, "png": PNG, "heic": HEIC, "heif": HEIC}
_SNIFFED = {"application/pdf": PDF, "image/jpeg": JPEG, "image/png": PNG, "image/heic": HEIC, "image/heif": HEIC}
_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", HEIC: "HEIC"}
#: The `accept` attribute of file inputs: a hint to the file picker, not a check.
ACCEPT_ATTRIBUTE = ",".join(
    [".pdf", ".jpg", ".jpeg", ".png"]
    + ([".heic", ".heif"] if HEIC_SUPPORTED else [])
    + ["application/pdf", "image/jpeg", "image/png"]
)


class UploadRefused(ValueError):
    """A file that cannot be accepted; the message says why, in both languages."""

    def __init__(self, ja: str, en: str, code: str):
        self.ja, self.en, self.code = ja, en, code
        super().__init__(en)

    def message(self, lang: str | None = None) -> str:
        return tr(self.ja, self.en, lang)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, ready to be stored."""

    data: bytes
    media_type: str
    #: Pages of a PDF; 1 for an image.
    pages: int = 1
    #: True when a HEIC photo was converted to JPEG.
    converted: bool = False


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    request_bytes: int
    pixels: int
    pdf_pages: int
    files: int
    #: The largest PDF page, a code of PAPER_SIZES_MM ("a3").
    pdf_page: str = "a3"

    @classmethod
    def from_settings(cls) -> Limits:
        mb = 1024 * 1024
        return cls(
            file_bytes=int(settings.get("upload_max_file_mb")) * mb,
            request_bytes=int(settings.get("upload_max_request_mb")) * mb,
            pixels=int(settings.get("upload_max_megapixels")) * 1_000_000,
            pdf_pages=int(settings.get("upload_max_pdf_pages")),
            files=int(settings.get("upload_max_files")),
            pdf_page=str(settings.get("upload_max_pdf_page")),
        )


#: A page may exceed its paper size by this much (scanners and PDF writers round).
PAGE_TOLERANCE_MM = 3
POINTS_PER_MM = 72 / 25.4


def page_fits(width_pt: float, height_pt: float, paper: str) -> bool:
    """Whether a page of this size (PDF points, either orientation) fits on `paper`."""
    short, long = sorted((width_pt / POINTS_PER_MM, height_pt / POINTS_PER_MM))
    paper_short, paper_long = PAPER_SIZES_MM[paper]
    return short <= paper_short + PAGE_TOLERANCE_MM and long <= paper_long + PAGE_TOLERANCE_MM


def largest_page_points(paper: str) -> float:
    """The area in square points of the largest page accepted: what rendering may assume."""
    short, long = PAPER_SIZES_MM[paper]
    return (short + PAGE_TOLERANCE_MM) * (long + PAGE_TOLERANCE_MM) * POINTS_PER_MM**2


def _extension(filename: str | None) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check(data: bytes, filename: str | None = None, limits: Limits | None = None) -> CheckedFile:
    """Return the file as it will be stored, or raise UploadRefused."""
    limits = limits or Limits.from_settings()
    if not data:
        raise UploadRefused(
            "ファイルが空です（0バイト）。もう一度選び直してください。",
            "The file is empty (0 bytes). Please choose it again.",
            "empty",
        )
    if len(data) > limits.file_bytes:
        mb = limits.file_bytes // (1024 * 1024)
        raise UploadRefused(
            f"ファイルが大きすぎます。1ファイル{mb}MBまでです。写真の場合は画質を下げて撮り直してください。",
            f"The file is too large: at most {mb} MB per file. For a photo, take it again at a lower resolution.",
            "too_large",
        )
    kind = filetype.guess(data)
    sniffed = _SNIFFED.get(kind.mime) if kind else None
    if sniffed is None and data.lstrip()[:5] == b"%PDF-":
        sniffed = PDF  # a PDF with a few bytes before its header is still a PDF
    if sniffed is None or sniffed not in ACCEPTED:
        raise UploadRefused(
            f"このファイルは{accepted_types_text_ja()}のいずれでもありません。書類の写真（JPEG・PNG）かPDFを選んでください。",
            f"This file is not {accepted_types_text_en()}. Please choose a photo (JPEG, PNG) or a PDF of the document.",
            "not_accepted",
        )
    claimed = EXTENSIONS.get(_extension(filename))
    if claimed is not None and claimed != sniffed:
        raise UploadRefused(
            f"ファイル名は{_NAMES[claimed]}となっていますが、中身は{_NAMES[sniffed]}です。正しいファイルか確認してください。",
            f"The file name says {_NAMES[claimed]} but the content is {_NAMES[sniffed]}. Please check it is the right file.",
            "mismatch",
        )
    if sniffed == PDF:
        return _check_pdf(data, limits)
    return _check_image(data, sniffed, limits)


def accepted_types_text_ja() -> str:
    return "PDF・JPEG・PNG" + ("・HEIC" if HEIC_SUPPORTED else "")


def accepted_types_text_en() -> str:
    return "a PDF, JPEG, PNG" + (" or HEIC" if HEIC_SUPPORTED else "") + " file"


def _corrupt(kind: str) -> UploadRefused:
    return UploadRefused(
        f"ファイルが壊れているため読み取れません（{kind}）。もう一度保存し直すか、撮り直してください。",
        f"The file is damaged and cannot be read ({kind}). Please save it again or take a new photo.",
        "corrupt",
    )


def _check_image(data: bytes, media_type: str, limits: Limits) -> CheckedFile:
    _open_heif_too()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > limits.pixels:
                    raise UploadRefused(
                        f"画像の画素数が多すぎます（{width}×{height}）。{limits.pixels // 1_000_000}百万画素までです。",
                        f"The image has too many pixels ({width}×{height}); at most {limits.pixels // 1_000_000} megapixels.",
                        "too_many_pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if media_type == JPEG:
                    # libjpeg's 1/8 scale: every byte of the entropy-coded data is still read and
                    # Huffman-decoded (a truncated or corrupt file fails as before), the inverse
                    # DCT and the pixels at full size are skipped: a third of the CPU.
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()  # decodes every byte: a truncated file fails here
                if media_type != HEIC:
                    return CheckedFile(data, media_type)
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=90)
                return CheckedFile(out.getvalue(), JPEG, converted=True)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(
            "画像が大きすぎて開けません。", "The image is too large to open.", "too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _corrupt(_NAMES[media_type]) from None


#: An /Encrypt entry anywhere in the file's own bytes (trailers and xref-stream dictionaries
#: are never compressed). pdfium opens a PDF with only an owner password without asking,
#: so its word alone would let a "protected" file in; this catches what pdfium might repair
#: its way past.
_ENCRYPT_KEY = re.compile(rb"/Encrypt(?![A-Za-z0-9])")


def _encrypted() -> UploadRefused:
    return UploadRefused(
        "パスワードや利用制限で保護されたPDFは受け付けられません。保護を外して保存し直すか、紙を撮影した写真をお送りください。",
        "This PDF is protected (a password or usage restrictions). Please save it without the protection, "
        "or send a photo of the paper.",
        "encrypted",
    )


def _check_pdf(data: bytes, limits: Limits) -> CheckedFile:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if _ENCRYPT_KEY.search(data):
        raise _encrypted()
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower() or "security" in str(error).lower():
            raise _encrypted() from None
        raise _corrupt("PDF") from None
    try:
        if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
            raise _encrypted()  # e.g. an owner password only, which pdfium opens unasked
        pages = len(document)
        if pages == 0:
            raise _corrupt("PDF")
        if pages > limits.pdf_pages:
            raise UploadRefused(
                f"PDFのページ数が多すぎます（{pages}ページ）。{limits.pdf_pages}ページまでです。",
                f"The PDF has too many pages ({pages}); at most {limits.pdf_pages}.",
                "too_many_pages",
            )
        # Every page's size from the page tree, before anything is rendered: a few hundred
        # bytes can declare a page that would take gigabytes to draw.
        for index in range(pages):
            try:
                width, height = document.get_page_size(index)
            except pdfium.PdfiumError:
                raise _corrupt("PDF") from None
            if not (width > 0 and height > 0):
                raise _corrupt("PDF")
            if not page_fits(width, height, limits.pdf_page):
                paper, (short, long) = limits.pdf_page.upper(), PAPER_SIZES_MM[limits.pdf_page]
                w_mm, h_mm = round(width / POINTS_PER_MM), round(height / POINTS_PER_MM)
                raise UploadRefused(
                    f"PDFの{index + 1}ページ目が大きすぎます（{w_mm}×{h_mm} mm）。{paper}（{short}×{long} mm）までの大きさにして"
                    "保存し直すか、紙を撮影した写真をお送りください。",
                    f"Page {index + 1} of the PDF is too large ({w_mm} × {h_mm} mm); pages may be at most {paper} "
                    f"({short} × {long} mm). Please save it at a smaller size, or send a photo of the paper.",
                    "page_too_large",
                )
    finally:
        document.close()
    return CheckedFile(data, PDF, pages=pages)


def total_too_large(total: int, limits: Limits | None = None) -> UploadRefused | None:
    limits = limits or Limits.from_settings()
    if total > limits.request_bytes:
        mb = limits.request_bytes // (1024 * 1024)
        return UploadRefused(
            f"添付ファイルの合計が大きすぎます。1回のご請求で合計{mb}MBまでです。",
            f"The files together are too large: at most {mb} MB for one request.",
            "request_too_large",
        )
    return None
