"""Masking renders PDF pages one at a time, each within a pixel cap, whatever the file says."""

import io
import json
import subprocess
import sys
import textwrap

from PIL import Image

from desk.extensions import db
from desk.identity.models import Document
from desk.storage.service import read
from desk.workbench import masking
from tests.helpers import login, make_case, make_staff
from tests.intake.test_uploads import huge_page_pdf
from tests.workbench.helpers import make_document


def _stored_bomb(client):
    """A case with a PDF of one 8000 x 8000 pt page already stored (uploaded before the
    upload check existed), and an officer signed in."""
    login(client, make_staff("officer"))
    case = make_case()
    document = make_document(case, "health_insurance", data=huge_page_pdf(8000, 8000), media_type="application/pdf")
    return case, document


def test_a_stored_huge_page_is_shown_at_a_capped_scale(client, app):
    """The page image of an 8000 pt page is drawn within the pixel cap, not at 16,000 x 16,000."""
    case, document = _stored_bomb(client)
    base = f"/staff/cases/{case.reference}/documents/{document.id}"
    assert client.get(f"{base}/mask").status_code == 200
    response = client.get(f"{base}/pages/0.png")
    assert response.status_code == 200
    width, height = Image.open(io.BytesIO(response.data)).size
    assert width * height <= masking.max_render_pixels() and width == height
    assert masking.max_render_pixels() < 4_200_000  # A3 at 144 dpi


def test_masking_a_stored_huge_page_stays_within_the_cap(client, app):
    """Burning a mask into the same file works, and the new page keeps its size in points."""
    import pypdfium2 as pdfium

    case, document = _stored_bomb(client)
    rects = [{"page": 0, "x": 0.0, "y": 0.0, "w": 0.5, "h": 0.5}]
    response = client.post(
        f"/staff/cases/{case.reference}/documents/{document.id}/mask", data={"rectangles": json.dumps(rects)}
    )
    assert response.status_code == 302
    pdf = pdfium.PdfDocument(read(db.session.get(Document, document.id)))
    width, height = pdf.get_page_size(0)
    assert round(width) == 8000 and round(height) == 8000
    image = pdf[0].render(scale=0.05).to_pil().convert("RGB")
    assert image.getpixel((image.width // 4, image.height // 4)) == (0, 0, 0)
    assert image.getpixel((3 * image.width // 4, 3 * image.height // 4)) == (255, 255, 255)
    pdf.close()


_PEAK = textwrap.dedent("""
    import io, resource, sys
    from desk import create_app
    from desk.extensions import db
    from desk.workbench import masking

    from reportlab.lib.pagesizes import A3
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A3)
    for n in range(30):
        canvas.drawString(72, 1000, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    data = out.getvalue()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "MASTER_KEY": "x" * 32,
                      "INSTANCE_DIR": sys.argv[1]})
    with app.test_request_context():
        db.create_all()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        masked = masking.masked_pdf(data, {29: [(0.1, 0.1, 0.2, 0.2)]})
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((after - before) // 1024)
""")


def test_masking_renders_one_page_at_a_time(tmp_path):
    """30 A3 pages: the peak memory is that of a page or two, not of 30 bitmaps (~600 MB)."""
    result = subprocess.run([sys.executable, "-c", _PEAK, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    grew_mb = int(result.stdout.strip().splitlines()[-1])
    assert grew_mb < 150, f"peak memory grew by {grew_mb} MB"
