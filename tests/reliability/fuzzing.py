"""What the fuzzing of desk's public forms and uploads draws from: hypothesis strategies for
field values and files, and the forms themselves, read from the pages a visitor is shown
(so a new field or form is fuzzed without anyone listing it here).

Shared by tests/reliability/test_fuzz.py (the test client, a fixed seed, a few examples per
form) and benchmarks/reliability.py (gunicorn, 10,000 inputs).
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st

# --------------------------------------------------------------------------- field values

#: Strings that broke desk before or break web apps generally: NUL and other control
#: characters, line and paragraph separators followed by a letter directive, NFKC forms that
#: grow (㌀ → アパート), full-width digits, markup, paths, SQL, huge numbers, odd dates.
NASTY = [
    "",
    " ",
    "\x00",
    "山田\x00花子",
    "\x1b[31m",
    "\x7f\x80\x9f",
    "a\u2028@attachment zz",
    "\u2029@page",
    "\ufeff",
    "\u202e花子",
    "㌀" * 60,
    "ｱ" * 120,
    "１２３４５６７",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "../../etc/passwd",
    "' OR 1=1 --",
    "%00",
    "9" * 400,
    "-1",
    "0000-00-00",
    "9999-12-31",
    "令和99年13月40日",
    "昭和0年0月0日",
    "2026-000001",
    "a@b",
    "x@" + "e" * 300 + ".com",
    "a" * 101,
    "山" * 101,
]

#: Every code point but surrogates (which no UTF-8 form body can carry).
_CHARACTERS = st.characters(exclude_categories=("Cs",))


def field_text() -> st.SearchStrategy[str]:
    """One value for one text field."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(_CHARACTERS, max_size=40),
        st.text(st.characters(codec="ascii"), max_size=40),
        st.builds(lambda c, n: c * n, st.sampled_from(["a", "あ", "㌀", "\x00", "1", "\u3000"]), st.integers(90, 3000)),
    )


# --------------------------------------------------------------------------- uploads


def _jpeg(width=320, height=200) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "JPEG", quality=70)
    return out.getvalue()


def _png(width=200, height=120) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "lightblue").save(out, "PNG")
    return out.getvalue()


def _pdf_with(page: bytes = b"/MediaBox[0 0 595 842]", extra: bytes = b"") -> bytes:
    """A hand-made one-page PDF; `page` goes into the page dictionary, `extra` into the catalogue."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R " + page + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png_bomb() -> bytes:
    """A PNG header announcing 60,000 × 60,000 pixels, with a little compressed data."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100000))
        + chunk(b"IEND", b"")
    )


@st.composite
def _mutated(draw, sample: bytes) -> bytes:
    """A good file cut short, or with a few bytes changed."""
    data = bytearray(sample)
    if draw(st.booleans()):
        return bytes(data[: draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


_HOSTILE = [
    _pdf_with(b"/MediaBox[0 0 8000 8000]"),
    _pdf_with(b"/MediaBox[0 0 14400 14400]"),
    _pdf_with(b"/MediaBox[0 0 0 0]"),
    _pdf_with(b"/MediaBox[0 0 -1 99999999]"),
    _pdf_with(extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
    _png_bomb(),
    b"GIF89a<script>alert(1)</script>",
    b"<html><script>alert(1)</script></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"PK\x03\x04" + b"\x00" * 200,
    b"MZ\x90\x00" + b"\x00" * 200,
    b"\xff\xd8\xff\xe0" + b"\x00" * 50,
    b"%PDF-1.4\n%%EOF",
    b"",
]

FILENAMES = st.one_of(
    st.sampled_from(
        ["licence.jpg", "../../x.jpg", "a.pdf", "a.exe", "a.jpg.html", "nul\x00.jpg", "こんにちは.png", "", "x" * 300]
    ),
    st.text(_CHARACTERS, min_size=1, max_size=30).filter(lambda s: "\r" not in s and "\n" not in s and '"' not in s),
)


def upload() -> st.SearchStrategy[tuple[str, bytes]]:
    """(file name, content) for one file input: hostile files, broken good ones, random bytes."""
    content = st.one_of(
        st.sampled_from(_HOSTILE),
        _mutated(_jpeg()),
        _mutated(_png()),
        _mutated(_pdf_with()),
        st.binary(max_size=2000),
    )
    return st.tuples(FILENAMES, content)


def good_upload() -> tuple[str, bytes]:
    return "licence.jpg", _jpeg()


# --------------------------------------------------------------------------- the forms


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, radio, checkbox, select, textarea, file, …
    values: list[str] = field(default_factory=list)  # a hidden field's value, the options of a choice


@dataclass
class Form:
    """One POST form of a page, as a browser would submit it."""

    page: str
    action: str
    multipart: bool
    fields: dict[str, Field]

    def label(self) -> str:
        return f"{self.action} (from {self.page})"


class _Forms(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.current, self.select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            action = a.get("action") or self.page.split("?")[0]
            self.current = Form(self.page, action, "multipart" in (a.get("enctype") or ""), {})
        elif tag == "option" and self.select is not None:
            self.select.values.append(a.get("value", ""))
        elif self.current is None or not a.get("name"):
            return
        elif tag in ("input", "textarea", "select", "button"):
            kind = a.get("type", "text") if tag == "input" else tag
            entry = self.current.fields.setdefault(a["name"], Field(a["name"], kind))
            if kind in ("hidden", "radio", "checkbox", "submit", "button") and a.get("value") is not None:
                entry.values.append(a["value"])
            if tag == "select":
                self.select = entry

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(page: str, html: str) -> list[Form]:
    parser = _Forms(page)
    parser.feed(html)
    return parser.forms


#: What a person would type, by the field's last name part: the fuzz departs from a filling
#: that passes, so that it reaches the checks behind the first ones.
PLAUSIBLE = {
    "name": "山田 花子",
    "furigana": "やまだ はなこ",
    "birth_date": "1980-04-01",
    "postal_code": "150-0001",
    "address": "東京都渋谷区神宮前1-2-3",
    "phone": "03-1234-5678",
    "email": "hanako@example.com",
    "known_as": "会員番号 A-123456",
    "particulars": "購買履歴の全件",
    "matter": "ダイレクトメールが届く理由を知りたい。",
    "answer": "2025年の購入履歴です。",
    "reference": "2026-000001",
    "code": "ABCD-EFGH-JKLM-NPQR",
}
#: Choices a person must make where the first option is the page's "choose one".
CHOSEN = {"principal_id-kind": "drivers_licence", "proxy_id-kind": "drivers_licence", "purpose": "newsletter"}
#: Lone check boxes a person ticks to get anywhere.
TICKED = {"agree"}
#: Fields a browser would send as the page gave them (tokens, the form's own state).
KEEP = {"csrf_token", "send_token", "who", "token"}


def plausible(form: Form) -> dict:
    """A filling of every field as a person would make it: the page's values for hidden
    fields, the first option of each choice, typed values from PLAUSIBLE; files apart."""
    data: dict = {}
    for name, entry in form.fields.items():
        if entry.kind in ("file", "submit", "button"):
            continue
        if entry.kind == "checkbox":
            # A group (the kinds asked for) gets its first box; a lone box (a deceased
            # principal, consent to terms) is left as a person would leave it.
            if len(entry.values) > 1 or name in TICKED:
                data[name] = entry.values[:1]
        elif name in CHOSEN:
            data[name] = CHOSEN[name]
        elif entry.values:
            data[name] = entry.values[0]
        else:
            data[name] = PLAUSIBLE.get(re.split(r"[-.]", name)[-1], "テスト")
    for name, entry in form.fields.items():
        if entry.kind in ("submit", "button") and name == "action" and "confirm" in entry.values:
            data[name] = "confirm"
    return data


def good_files(form: Form, data: dict, only: str | None = None) -> dict[str, list[tuple[str, bytes]]]:
    """A good image for each upload slot whose document kind is chosen in `data`."""
    return {
        name: [good_upload()]
        for name, entry in form.fields.items()
        if entry.kind == "file" and (only is None or name == only) and data.get(name.removesuffix("-files") + "-kind")
    }


@st.composite
def submission(draw, form: Form, base: dict | None = None) -> tuple[dict, dict[str, list[tuple[str, bytes]]]]:
    """(form data, files by input name): a plausible filling with one to four fields changed
    to a fuzzed value, an unknown choice or nothing; each file input gets a good file or a
    hostile one."""
    data = dict(base if base is not None else plausible(form))
    names = sorted(n for n, f in form.fields.items() if f.kind not in ("submit", "button"))
    files = {n for n in names if form.fields[n].kind == "file"}
    changed = draw(st.sets(st.sampled_from(names), min_size=1, max_size=min(4, len(names)))) if names else set()
    uploads: dict[str, list[tuple[str, bytes]]] = {}
    for name in names:
        entry = form.fields[name]
        if name in files:
            if name in changed:
                uploads[name] = draw(st.lists(upload(), min_size=0, max_size=2))
            else:
                uploads.update(good_files(form, data, only=name))
            continue
        if name not in changed:
            continue
        how = draw(st.sampled_from(["drop", "text", "choice", "many"] if entry.values else ["drop", "text", "many"]))
        if how == "drop":
            data.pop(name, None)
        elif how == "choice":
            data[name] = draw(st.sampled_from(entry.values + ["zz", ""]))
        elif how == "many":
            data[name] = draw(st.lists(field_text(), min_size=2, max_size=3))
        else:
            data[name] = draw(field_text())
    return data, uploads
