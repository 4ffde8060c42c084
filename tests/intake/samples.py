"""Files and form data for the intake tests, made on the spot."""

from __future__ import annotations

import io
import re

from PIL import Image

# A marker that must never appear in clear under the document directory.
MARKER = b"UNIQUE-PLAINTEXT-MARKER-7f3a9c"


def jpeg(width: int = 640, height: int = 400, colour="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=80, comment=MARKER)
    return out.getvalue()


def png(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "lightblue").save(out, "PNG")
    return out.getvalue()


def pdf(pages: int = 1, text: str = "委任状") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setAuthor(MARKER.decode())
    for n in range(pages):
        canvas.drawString(72, 720, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, encrypt=StandardEncryption("secret-user-pw", canPrint=0))
    canvas.drawString(72, 720, "locked")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def windows_exe() -> bytes:
    """The start of a Windows executable (MZ header, PE signature), padded."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29)
    header += b"\x00" * (0x3C - len(header)) + (0x80).to_bytes(4, "little")
    header += b"\x00" * (0x80 - len(header)) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    return bytes(header)


def principal_fields(**overrides) -> dict:
    data = {
        "who": "principal",
        "kinds": ["disclosure"],
        "delivery_method": "electronic",
        "principal-name": "山田 花子",
        "principal-furigana": "やまだ はなこ",
        "principal-birth_date": "昭和55年4月1日",
        "principal-postal_code": "150-0001",
        "principal-address": "東京都渋谷区神宮前一丁目2番3号",
        "principal-phone": "03-1234-5678",
        "principal-email": "hanako@example.com",
        "principal-known_as": "会員番号 A-123456",
        "principal_id-kind": "drivers_licence",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def delegated_fields(**overrides) -> dict:
    data = {
        "who": "delegated",
        "kinds": ["disclosure", "purpose_notice"],
        "delivery_method": "paper",
        "principal-name": "佐藤 一郎",
        "principal-furigana": "サトウ イチロウ",
        "principal-birth_date": "1950/1/2",
        "principal-postal_code": "5300001",
        "principal-address": "大阪府大阪市北区梅田1-1-1",
        "proxy-name": "佐藤 次郎",
        "proxy-furigana": "サトウ ジロウ",
        "proxy-postal_code": "〒５３０－０００１",
        "proxy-address": "大阪府大阪市北区梅田2-2-2",
        "proxy-phone": "06-1234-5678",
        "proxy-email": "jiro@example.com",
        "proxy_id-kind": "residence_card",
    }
    data.update(overrides)
    return data


def hidden_fields(html: str) -> dict:
    """The hidden inputs of the confirmation page, as form data to post back."""
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data.setdefault(name, []).append(value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'"))
    return data


def errors(html: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>([^<]*)</p>', html)
