"""Upload checks: files are judged by their content, and refused with a reason."""

import io

import pytest
from PIL import Image

from desk.identity import uploads
from desk.identity.uploads import Limits, UploadRefused, check
from tests.intake import samples

LIMITS = Limits(file_bytes=2 * 1024 * 1024, request_bytes=5 * 1024 * 1024, pixels=4_000_000, pdf_pages=5, files=5)


def refused(data, name, limits=LIMITS) -> UploadRefused:
    with pytest.raises(UploadRefused) as info:
        check(data, name, limits)
    return info.value


def test_accepts_jpeg_png_and_pdf_by_content():
    """The three accepted types pass and keep their bytes."""
    assert check(samples.jpeg(), "licence.jpg", LIMITS).media_type == "image/jpeg"
    assert check(samples.png(), "scan.PNG", LIMITS).media_type == "image/png"
    result = check(samples.pdf(pages=2), "poa.pdf", LIMITS)
    assert result.media_type == "application/pdf" and result.pages == 2


def test_a_name_without_extension_is_judged_by_content():
    """A phone may send a file with no extension: content decides."""
    assert check(samples.png(), "image", LIMITS).media_type == "image/png"


def test_heic_photo_is_converted_to_jpeg():
    """An iPhone HEIC photo is accepted and stored as JPEG, which every browser shows."""
    import pillow_heif

    pillow_heif.register_heif_opener()  # to make the sample; desk registers its own on first use
    out = io.BytesIO()
    Image.new("RGB", (320, 200), "orange").save(out, "HEIF")
    result = check(out.getvalue(), "IMG_0001.HEIC", LIMITS)
    assert result.media_type == "image/jpeg" and result.converted
    assert Image.open(io.BytesIO(result.data)).size == (320, 200)


def test_renamed_executable_is_refused():
    """A Windows program named license.jpg is not an image."""
    error = refused(samples.windows_exe(), "license.jpg")
    assert error.code == "not_accepted" and "JPEG" in error.ja


def test_empty_file_is_refused():
    """An empty file gets its own message."""
    assert refused(b"", "a.jpg").code == "empty"


def test_mismatched_name_and_content_is_refused():
    """A PDF calling itself .jpg is not what it claims."""
    error = refused(samples.pdf(), "photo.jpg")
    assert error.code == "mismatch" and "PDF" in error.en


def test_encrypted_pdf_is_refused_with_a_reason():
    """A password-protected PDF cannot be checked or read by staff."""
    error = refused(samples.encrypted_pdf(), "locked.pdf")
    assert error.code == "encrypted" and "パスワード" in error.ja


def test_truncated_jpeg_is_refused_as_corrupt():
    """A photo cut off half-way fails when decoded."""
    data = samples.jpeg(1200, 800, "red")
    assert refused(data[: len(data) // 2], "half.jpg").code == "corrupt"


def test_a_jpeg_missing_only_its_last_bytes_is_refused_too():
    """The check decodes at a smaller scale for speed, yet still reads every byte of the
    compressed data: a photo short of its last few bytes is refused, the whole one accepted."""
    data = samples.jpeg(1200, 800, "red")
    for missing in (3, 40, 400):
        assert refused(data[:-missing], "short.jpg").code == "corrupt", missing
    assert check(data, "whole.jpg", LIMITS).media_type == "image/jpeg"


def test_broken_pdf_is_refused_as_corrupt():
    """A file with a PDF header and garbage after it is damaged."""
    assert refused(b"%PDF-1.7\n" + b"\x00garbage" * 100, "x.pdf").code == "corrupt"


def test_file_size_limit():
    """One file may not exceed the per-file limit."""
    small = Limits(file_bytes=1000, request_bytes=10_000, pixels=10**7, pdf_pages=5, files=5)
    assert refused(samples.jpeg(), "big.jpg", small).code == "too_large"


def test_pixel_limit_stops_decompression_bombs():
    """A small file that decodes to a huge image is refused before decoding."""
    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    assert refused(out.getvalue(), "bomb.png").code == "too_many_pixels"


def test_pdf_page_limit():
    """A PDF with more pages than allowed is refused."""
    assert refused(samples.pdf(pages=6), "long.pdf").code == "too_many_pages"


def test_request_total_limit():
    """The whole request has its own size limit."""
    assert uploads.total_too_large(6 * 1024 * 1024, LIMITS).code == "request_too_large"
    assert uploads.total_too_large(1024, LIMITS) is None


def huge_page_pdf(width: int = 8000, height: int = 8000) -> bytes:
    """A few hundred bytes declaring one page of width x height points, nothing drawn on it."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %d %d]/Resources<<>>>>" % (width, height),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def owner_password_pdf() -> bytes:
    """Encrypted with an owner password only: any reader opens it without asking."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, encrypt=StandardEncryption("", ownerPassword="owner-only", canPrint=0, canCopy=0))
    canvas.drawString(72, 720, "restricted")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_owner_password_only_pdf_is_refused():
    """A PDF with an /Encrypt dictionary is refused even when it opens without a password."""
    error = refused(owner_password_pdf(), "restricted.pdf")
    assert error.code == "encrypted" and "保護" in error.ja and "protected" in error.en


def test_a_tiny_pdf_with_a_huge_page_is_refused_before_rendering():
    """/MediaBox[0 0 8000 8000] in a few hundred bytes: refused at upload, with the size and the limit."""
    data = huge_page_pdf()
    assert len(data) < 400
    error = refused(data, "bomb.pdf")
    assert error.code == "page_too_large"
    assert "2822×2822 mm" in error.ja and "A3" in error.ja and "A3 (297 × 420 mm)" in error.en


def test_every_page_is_measured_not_only_the_first():
    """A huge page hidden after a normal one is found too."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(samples.pdf(pages=1))
    pdf.import_pages(pdfium.PdfDocument(huge_page_pdf(5000, 300)))
    out = io.BytesIO()
    pdf.save(out)
    error = refused(out.getvalue(), "two.pdf")
    assert error.code == "page_too_large" and "2ページ目" in error.ja


@pytest.mark.parametrize(
    "width,height,paper,fits",
    [
        (842, 1191, "a3", True),  # A3 portrait
        (1191, 842, "a3", True),  # A3 landscape
        (612, 792, "a3", True),  # US Letter
        (1200, 1700, "a3", False),  # larger than A3
        (842, 1191, "a4", False),  # A3 where A4 is the limit
        (595, 842, "a4", True),
    ],
)
def test_page_size_limit_follows_the_setting(width, height, paper, fits):
    """The limit is a paper size (setting upload_max_pdf_page), either orientation."""
    data = huge_page_pdf(width, height)
    limits = Limits(
        file_bytes=LIMITS.file_bytes,
        request_bytes=LIMITS.request_bytes,
        pixels=LIMITS.pixels,
        pdf_pages=5,
        files=5,
        pdf_page=paper,
    )
    if fits:
        assert check(data, "page.pdf", limits).pages == 1
    else:
        assert refused(data, "page.pdf", limits).code == "page_too_large"
