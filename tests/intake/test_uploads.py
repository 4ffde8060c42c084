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
