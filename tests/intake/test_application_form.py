"""The printable application form for requests by post."""

import shutil
import subprocess

from desk import settings
from desk.extensions import db
from tests.conftest import require_tool


def pdf_text(data: bytes, tmp_path) -> str:
    require_tool("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_application_form_pdf(client, tmp_path):
    """Two A4 pages with every kind, the proxy documents, the fee, the address and the envelope mark."""
    response = client.get("/application-form.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert (
        response.data.count(b"/Type /Page\n") + response.data.count(b"/Type /Page ") >= 2
        or b"/Count 2" in response.data
    )
    text = pdf_text(response.data, tmp_path)
    for expected in (
        "個人情報の開示等請求書",
        "保有個人データの開示",
        "第三者提供の停止",
        "電磁的記録の提供",
        "委任状",
        "印鑑登録証明書",
        "登記事項証明書",
        "戸籍謄本",
        "1,000円",
        "郵便切手",
        "東京都千代田区丸の内一丁目1番1号",
        "Date of birth",
        "What you ask for",
    ):
        assert expected in text, expected
    assert "開示等請求書在中" in text.replace("\n", "").replace(" ", "")


def test_application_form_follows_settings(app, client, tmp_path):
    """A changed fee and address appear on the form."""
    settings.update({"fee_amount": 800, "business_address": "大阪府大阪市北区梅田9-9-9"})
    db.session.commit()
    text = pdf_text(client.get("/application-form.pdf").data, tmp_path)
    assert "800円" in text and "大阪府大阪市北区梅田9-9-9" in text
