"""The letter frame: every printed page desk makes (letters, the application form, the
disposal certificate) is an A4 portrait page laid out for a 長形3号 window envelope.

API (for other areas' PDFs)::

    from desk.letters.frame import Addressee, LetterFrame

    frame = LetterFrame.from_settings("ja", reference="2026-000123", dated=date(2026, 11, 22),
                                      addressee=Addressee("山田 花子", "1500001", "東京都…"))
    story = [frame.title("…について（回答）"), frame.para("本文…"),
             frame.ki(), frame.field("決定", "全部開示"), frame.ijo(),
             frame.attachment("別紙", columns, rows)]
    pdf_bytes = frame.build(story)

- ``LetterFrame(lang, reference=, dated=, addressee=, sender=, window=(left_mm, top_mm),
  fonts=)``: all optional except the language. ``from_settings`` fills the sender block
  (business name, desk name, address, phone) and the window position from settings.
- Page 1: the addressee block inside the envelope window (〒 + postcode, address on one
  or two lines, the name with 様 larger; for a proxy the line 「（本人 ○○ 様の代理人）」),
  nothing else in the window area (the block's 80 × 35 mm plus 5 mm clearance); the
  reference and date top right; the sender block on the right. The body starts below both.
  Without an addressee the body starts below the reference/sender block.
- Later pages: the reference top right. "n / N" at the foot of every page when the
  document runs over one page.
- ``frame.styles`` holds the paragraph styles (body, lead, title, heading, item, sub,
  right, center, small, cell, cell_head); Japanese styles break lines with
  desk.letters.kinsoku. ``frame.para(text, style)`` makes a paragraph (text is reportlab
  paragraph markup: escape user text), ``frame.table(columns, rows)`` a table that splits
  over pages with its header repeated, ``frame.field(label, value)`` a label/value row.
- ``calibration_sheet()`` returns the calibration PDF (millimetre grid, window block,
  fold lines at 99 and 198 mm).
- Fonts: IPAex embedded via desk.letters.fonts.letter_fonts() (CID fallback, warned once).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desk.formatting import english_date, era_date
from desk.letters.fonts import LetterFonts, letter_fonts
from desk.letters.kinsoku import KinsokuParagraph, char_widths, wrap_text

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm
#: The address block: at most this size (LETTERS.md), and this clearance kept free around it.
WINDOW_WIDTH = 80 * mm
WINDOW_HEIGHT = 35 * mm
WINDOW_CLEARANCE = 5 * mm
#: Tri-fold lines of an A4 sheet in a 長形3号 envelope, from the top.
FOLDS_MM = (99, 198)
RIGHT_COLUMN_MIN = 120 * mm
BODY_SIZE = 10.5


#: Where an address may break in the window: at a space, after the block number before a
#: building name (1-2-3|サンハイツ), and before the room number (サンハイツ|305号室) — never
#: inside a word (サンハ|イツ).
_ADDRESS_BREAKS = re.compile(
    r"(?<=[\s\u3000])"
    r"|(?<=[0-9０-９丁目番地号\-‐－−])(?=[^\s\u30000-9０-９丁目番地号\-‐－−])"
    r"|(?<=[^\s\u30000-9０-９\-‐－−])(?=[0-9０-９]+(?:号室|号)?$)"
)


def address_lines(address: str, width: float, font: str, size: float) -> list[str]:
    """The address as lines of at most `width`, broken only where _ADDRESS_BREAKS allows
    (a piece too long for a line on its own is broken by the kinsoku rules)."""
    pieces = [p for p in _ADDRESS_BREAKS.split(address.strip()) if p]
    lines = _fill(pieces, width, font, size)
    if len(lines) == 2 and len(pieces) > 2 and re.fullmatch(r"[0-9０-９]+(?:号室|号)?", lines[1]):
        # A room number alone on the second line: take the building name down with it.
        moved = _fill(pieces[:-2], width, font, size) + ["".join(pieces[-2:]).strip()]
        if len(moved) == 2 and sum(char_widths(moved[1], font, size)) <= width:
            return moved
    return lines


def _fill(pieces: list[str], width: float, font: str, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in pieces:
        candidate = line + piece
        if sum(char_widths(candidate.rstrip(), font, size)) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.strip())
        if sum(char_widths(piece.rstrip(), font, size)) <= width:
            line = piece.lstrip()
        else:
            *whole, line = wrap_text(piece.strip(), width, font, size)
            lines.extend(whole)
    if line.strip():
        lines.append(line.strip())
    return lines or [""]


@dataclass
class Addressee:
    """Who the letter goes to (the proxy when one acts); `principal_name` marks a proxy."""

    name: str
    postal_code: str | None = None
    address: str | None = None
    principal_name: str | None = None


@dataclass
class _Head:
    lang: str
    reference: str | None
    dated: date | None
    addressee: Addressee | None
    sender: list[str] = field(default_factory=list)
    reference_label: str = ""
    #: Which sender line is the business name (printed a little larger).
    sender_emphasis: int = 0


def format_postal_code(code: str | None) -> str:
    digits = "".join(ch for ch in (code or "") if ch.isdigit())
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else (f"〒{code}" if code else "")


def letter_date(day: date, lang: str) -> str:
    return english_date(day) if lang == "en" else era_date(day)


def _styles(lang: str, fonts: LetterFonts) -> dict[str, ParagraphStyle]:
    # Both languages break lines with desk.letters.kinsoku: English letters carry Japanese
    # names, addresses and explanations too, and Latin words are never split there.
    wrap = "CJK"
    body = ParagraphStyle(
        "body",
        fontName=fonts.mincho,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.75,
        wordWrap=wrap,
        firstLineIndent=BODY_SIZE if lang == "ja" else 0,
        spaceAfter=2 if lang == "ja" else 6,
    )

    def derive(name, **kw):
        return ParagraphStyle(name, parent=body, **kw)

    return {
        "body": body,
        "lead": derive("lead", firstLineIndent=0),
        "title": derive(
            "title",
            fontName=fonts.gothic,
            fontSize=13,
            leading=20,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=4,
            spaceAfter=12,
        ),
        "heading": derive(
            "heading",
            fontName=fonts.gothic,
            fontSize=BODY_SIZE,
            firstLineIndent=0,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "item": derive("item", leftIndent=BODY_SIZE, firstLineIndent=0),
        "sub": derive("sub", leftIndent=BODY_SIZE * 3, firstLineIndent=-BODY_SIZE, spaceAfter=1),
        "right": derive("right", alignment=TA_RIGHT, firstLineIndent=0),
        "center": derive("center", alignment=TA_CENTER, firstLineIndent=0, spaceBefore=6, spaceAfter=6),
        "small": derive("small", fontSize=9, leading=14, firstLineIndent=0),
        "label": derive("label", firstLineIndent=0, spaceAfter=0),
        "value": derive("value", firstLineIndent=0, spaceAfter=0),
        "cell": derive("cell", fontSize=8.5, leading=11, firstLineIndent=0, spaceAfter=0),
        "cell_head": derive(
            "cell_head", fontName=fonts.gothic, fontSize=8.5, leading=11, firstLineIndent=0, spaceAfter=0
        ),
        "contact": derive("contact", fontSize=9.5, leading=15, firstLineIndent=0, leftIndent=60 * mm),
    }


class _NumberedCanvas(rl_canvas.Canvas):
    """Defers each page so "n / N" can be drawn once N is known (the usual reportlab recipe)."""

    foot_font = ("Helvetica", 9)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if total > 1:
                self.setFont(*self.foot_font)
                self.drawCentredString(PAGE_WIDTH / 2, 10 * mm, f"{self._pageNumber} / {total}")
            super().showPage()
        super().save()


class LetterFrame:
    def __init__(
        self,
        lang: str = "ja",
        *,
        reference: str | None = None,
        dated: date | None = None,
        addressee: Addressee | None = None,
        sender: list[str] | None = None,
        window: tuple[float, float] = (20, 15),
        fonts: LetterFonts | None = None,
        reference_label: str | None = None,
        title_meta: str = "desk",
        sender_emphasis: int | None = None,
    ):
        self.lang = lang
        self.fonts = fonts or letter_fonts()
        self.styles = _styles(lang, self.fonts)
        self.head = _Head(
            lang,
            reference,
            dated,
            addressee,
            list(sender or []),
            reference_label if reference_label is not None else ("受付番号" if lang == "ja" else "Ref."),
            sender_emphasis if sender_emphasis is not None else (2 if lang == "ja" else 0),
        )
        self.window_left = window[0] * mm
        self.window_top = window[1] * mm
        self.title_meta = title_meta
        self._paragraph = KinsokuParagraph

    @classmethod
    def from_settings(cls, lang: str = "ja", **kwargs) -> LetterFrame:
        from desk import settings

        kwargs.setdefault("sender", sender_lines(lang))
        kwargs.setdefault("window", (int(settings.get("window_left_mm")), int(settings.get("window_top_mm"))))
        return cls(lang, **kwargs)

    # ------------------------------------------------------------------ flowables
    def para(self, text: str, style: str = "body") -> Paragraph:
        return self._paragraph(text, self.styles[style])

    def text(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of plain text (escaped; newlines kept)."""
        return self.para(escape(text).replace("\n", "<br/>"), style)

    def title(self, text: str) -> Paragraph:
        return self.para(text, "title")

    def field(self, label: str, value, label_width: float = 36 * mm, indent: float = BODY_SIZE):
        """A label/value row (e.g. 決定 / 全部開示); value is markup or a list of flowables."""
        return self.fields([(label, value)], label_width, indent)

    def fields(self, rows: list[tuple[str, object]], label_width: float = 36 * mm, indent: float = BODY_SIZE):
        """Label/value rows in one table (splits between rows over pages)."""
        width = self._body_width() - indent
        data = [
            [self.para(label, "label"), value if isinstance(value, list) else self.para(value, "value")]
            for label, value in rows
        ]
        table = Table(data, colWidths=[label_width, width - label_width])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        table.hAlign = "RIGHT"
        return table

    def table(self, columns: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
        """A data table: header repeated on every page it runs over, cells wrapped."""
        total = self._body_width()
        widths = widths or self._column_widths(columns, rows, total)
        cell, head = self.styles["cell"], self.styles["cell_head"]
        pad = 6

        def make(value, style, width):
            value = "" if value is None else str(value)
            # A cell that fits on one line needs no Paragraph: much faster for long tables.
            if "\n" not in value and sum(char_widths(value, style.fontName, style.fontSize)) <= width - pad:
                return value
            return self._paragraph(escape(value).replace("\n", "<br/>"), style)

        data = [[make(c, head, w) for c, w in zip(columns, widths, strict=True)]]
        for row in rows:
            row = list(row) + [""] * (len(columns) - len(row))
            data.append([make(v, cell, w) for v, w in zip(row[: len(columns)], widths, strict=True)])
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), self.fonts.gothic, 8.5, 11),
                    ("FONT", (0, 1), (-1, -1), self.fonts.mincho, 8.5, 11),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#555555")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def _column_widths(self, columns, rows, total) -> list[float]:
        """Share the width by the widest text in each column (first 100 rows), within limits."""
        style = self.styles["cell"]
        wants = []
        for index, column in enumerate(columns):
            texts = [str(column)] + [str(r[index]) for r in rows[:100] if index < len(r) and r[index] is not None]
            widest = max(sum(char_widths(t, style.fontName, style.fontSize)) for t in texts) + 8
            wants.append(min(max(widest, 18 * mm), total * 0.6))
        if sum(wants) <= total:
            return [w * total / sum(wants) for w in wants]
        # Too wide: short columns (a date, a code) keep their width, so that 令和8年11月20日
        # never breaks before its 日; the long ones share what is left.
        short = [w if w <= 40 * mm else 0 for w in wants]
        rest = total - sum(short)
        long_total = sum(w for w in wants if w > 40 * mm)
        if not long_total or rest < long_total * 0.4:
            return [w * total / sum(wants) for w in wants]
        return [s or w * rest / long_total for s, w in zip(short, wants, strict=True)]

    def ki(self, word: str = "記") -> Paragraph:
        return self.para(word, "center")

    def ijo(self, word: str = "以上") -> Paragraph:
        return self.para(word, "right")

    def spacer(self, height_mm: float = 4) -> Spacer:
        return Spacer(1, height_mm * mm)

    def page_break(self) -> PageBreak:
        return PageBreak()

    def keep(self, flowables: list):
        return KeepTogether(flowables)

    def cond_break(self, height_mm: float):
        return CondPageBreak(height_mm * mm)

    def _body_width(self) -> float:
        return PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    # ------------------------------------------------------------------ layout
    def _right_column_x(self) -> float:
        return max(RIGHT_COLUMN_MIN, self.window_left + WINDOW_WIDTH + WINDOW_CLEARANCE + 3 * mm)

    def _first_body_top(self) -> float:
        """Distance from the top of page 1 to where the body starts."""
        head_bottom = MARGIN_TOP + 12 * mm + len(self.head.sender) * 4.6 * mm
        if self.head.addressee is not None:
            head_bottom = max(head_bottom, self.window_top + WINDOW_HEIGHT + WINDOW_CLEARANCE)
        return head_bottom + 6 * mm

    def build(self, story: list) -> bytes:
        buffer = io.BytesIO()
        width = self._body_width()
        first_top = self._first_body_top()
        first = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            width,
            PAGE_HEIGHT - first_top - MARGIN_BOTTOM,
            id="first",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        later_top = MARGIN_TOP + 8 * mm
        later = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            width,
            PAGE_HEIGHT - later_top - MARGIN_BOTTOM,
            id="later",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            title=self.title_meta,
            author="desk",
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            invariant=1,
        )
        doc.addPageTemplates(
            [
                PageTemplate("first", [first], onPage=self._draw_first_page),
                PageTemplate("later", [later], onPage=self._draw_later_page),
            ]
        )
        doc.build([NextPageTemplate("later")] + list(story), canvasmaker=_NumberedCanvas)
        return buffer.getvalue()

    def _draw_first_page(self, canvas, doc):
        canvas.saveState()
        top = PAGE_HEIGHT - MARGIN_TOP
        right = PAGE_WIDTH - MARGIN_RIGHT
        canvas.setFont(self.fonts.mincho, BODY_SIZE)
        y = top - BODY_SIZE
        if self.head.reference:
            label = self.head.reference_label
            canvas.drawRightString(right, y, f"{label} {self.head.reference}".strip())
            y -= BODY_SIZE * 1.6
        if self.head.dated:
            canvas.drawRightString(right, y, letter_date(self.head.dated, self.lang))
            y -= BODY_SIZE * 1.6
        if self.head.sender:
            y = top - 12 * mm - 9.5
            x = self._right_column_x()
            for number, line in enumerate(self.head.sender):
                size = 10.5 if number == self.head.sender_emphasis else 9.5
                canvas.setFont(self.fonts.mincho, size)
                for part in wrap_text(line, right - x, self.fonts.mincho, size):
                    canvas.drawString(x, y, part)
                    y -= 4.6 * mm
        if self.head.addressee is not None:
            self._draw_addressee(canvas)
        canvas.restoreState()

    def _draw_later_page(self, canvas, doc):
        if self.head.reference:
            canvas.saveState()
            canvas.setFont(self.fonts.mincho, 9)
            canvas.drawRightString(
                PAGE_WIDTH - MARGIN_RIGHT,
                PAGE_HEIGHT - MARGIN_TOP - 9,
                f"{self.head.reference_label} {self.head.reference}".strip(),
            )
            canvas.restoreState()

    def _draw_addressee(self, canvas):
        """The window block: at most 80 × 35 mm from (window_left, window_top)."""
        a = self.head.addressee
        font = self.fonts.mincho
        x = self.window_left
        top = PAGE_HEIGHT - self.window_top
        lines: list[tuple[str, float, float]] = []  # (text, size, space after in points)
        postal = format_postal_code(a.postal_code)
        if postal:
            lines.append((postal, 10, 3))
        if a.address:
            for size in (10, 9.5, 9, 8.5, 8):
                parts = address_lines(a.address, WINDOW_WIDTH, font, size)
                if len(parts) <= 2:
                    break
            if len(parts) > 2:
                # Very long (building names, c/o lines): a third small line still fits 35 mm.
                parts = parts[:2] + ["".join(parts[2:])]
                while len(parts[2]) > 1 and sum(char_widths(parts[2], font, size)) > WINDOW_WIDTH:
                    parts[2] = parts[2][:-2] + "…"
            for index, part in enumerate(parts):
                lines.append((part, size, 3 if index == len(parts) - 1 else 1.5))
            lines[-1] = (lines[-1][0], lines[-1][1], 7)
        honorific = " 様" if self.lang == "ja" else ""
        name = f"{a.name}{honorific}"
        name_size = 14
        while name_size > 9 and sum(char_widths(name, font, name_size)) > WINDOW_WIDTH:
            name_size -= 0.5
        lines.append((name, name_size, 3))
        if a.principal_name:
            note = f"（本人 {a.principal_name} 様の代理人）" if self.lang == "ja" else f"(agent for {a.principal_name})"
            note_size = 9
            while note_size > 7 and sum(char_widths(note, font, note_size)) > WINDOW_WIDTH:
                note_size -= 0.5
            lines.append((note, note_size, 0))
        y = top
        for text, size, after in lines:
            y -= size
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
            y -= after + size * 0.25


def sender_lines(lang: str) -> list[str]:
    """The sender block from settings: postcode, address, business name, desk name, phone."""
    from desk import settings

    if lang == "en":
        postal = format_postal_code(settings.get("business_postal_code")).replace("〒", "")
        return [
            settings.get("business_name_en"),
            settings.get("desk_name_en"),
            f"{settings.get('business_address_en')} {postal}".strip(),
            f"Phone {settings.get('desk_phone')}",
        ]
    return [
        format_postal_code(settings.get("business_postal_code")),
        settings.get("business_address"),
        settings.get("business_name"),
        settings.get("desk_name"),
        f"電話 {settings.get('desk_phone')}",
    ]


def calibration_sheet(window: tuple[float, float] | None = None, lang: str = "ja") -> bytes:
    """A millimetre grid with the address block outlined and the fold lines, to fold into
    the office's own envelopes and adjust window_left_mm / window_top_mm."""
    from desk import settings

    if window is None:
        window = (int(settings.get("window_left_mm")), int(settings.get("window_top_mm")))
    fonts = letter_fonts()
    buffer = io.BytesIO()
    c = rl_canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle("desk calibration sheet")

    def grid_style(n):
        if n % 10 == 0:
            return "#888888", 0.45
        if n % 5 == 0:
            return "#b5b5b5", 0.3
        return "#e2e2e2", 0.12

    for x_mm in range(0, 211):
        colour, width = grid_style(x_mm)
        c.setStrokeColor(colors.HexColor(colour))
        c.setLineWidth(width)
        c.line(x_mm * mm, 0, x_mm * mm, PAGE_HEIGHT)
    for y_mm in range(0, 298):
        colour, width = grid_style(y_mm)
        c.setStrokeColor(colors.HexColor(colour))
        c.setLineWidth(width)
        c.line(0, PAGE_HEIGHT - y_mm * mm, PAGE_WIDTH, PAGE_HEIGHT - y_mm * mm)
    c.setFont("Helvetica", 6)
    c.setFillColor(colors.HexColor("#555555"))
    for x_mm in range(10, 210, 10):
        c.drawString(x_mm * mm + 0.5 * mm, PAGE_HEIGHT - 4 * mm, str(x_mm))
    for y_mm in range(10, 297, 10):
        c.drawString(1 * mm, PAGE_HEIGHT - y_mm * mm - 2.5 * mm, str(y_mm))
    left, top = window[0] * mm, window[1] * mm
    c.setStrokeColor(colors.HexColor("#cc0000"))
    c.setLineWidth(1)
    c.rect(left, PAGE_HEIGHT - top - WINDOW_HEIGHT, WINDOW_WIDTH, WINDOW_HEIGHT)
    c.setDash(2, 2)
    c.setLineWidth(0.5)
    c.rect(
        left - WINDOW_CLEARANCE,
        PAGE_HEIGHT - top - WINDOW_HEIGHT - WINDOW_CLEARANCE,
        WINDOW_WIDTH + 2 * WINDOW_CLEARANCE,
        WINDOW_HEIGHT + 2 * WINDOW_CLEARANCE,
    )
    c.setDash()
    c.setStrokeColor(colors.HexColor("#0044cc"))
    c.setLineWidth(0.8)
    c.setDash(6, 3)
    for fold in FOLDS_MM:
        c.line(0, PAGE_HEIGHT - fold * mm, PAGE_WIDTH, PAGE_HEIGHT - fold * mm)
    c.setDash()
    c.setFillColor(colors.black)
    c.setFont(fonts.gothic, 9)
    block = (
        f"宛名欄 {WINDOW_WIDTH / mm:.0f} × {WINDOW_HEIGHT / mm:.0f} mm（左から {window[0]} mm・上から {window[1]} mm）"
        if lang == "ja"
        else f"Address block {WINDOW_WIDTH / mm:.0f} x {WINDOW_HEIGHT / mm:.0f} mm ({window[0]} mm from left, {window[1]} mm from top)"
    )
    c.drawString(left + 2 * mm, PAGE_HEIGHT - top - 6 * mm, block)
    c.setFont(fonts.gothic, 8)
    c.setFillColor(colors.HexColor("#0044cc"))
    for fold in FOLDS_MM:
        c.drawString(
            120 * mm,
            PAGE_HEIGHT - fold * mm + 1.5 * mm,
            f"折り線 {fold} mm" if lang == "ja" else f"fold line {fold} mm",
        )
    c.setFillColor(colors.black)
    c.setFont(fonts.mincho, 9.5)
    notes = (
        [
            "宛名位置の調整用シートです。実寸（拡大・縮小なし）で印刷し、青い折り線で三つ折りにして長形3号の封筒に入れてください。",
            "赤い枠（宛名欄）が封筒の窓から見え、点線の余白（5 mm）も窓の内側に収まるかを確認し、",
            "ずれる場合は 設定 → 回答書 の「宛名の位置」（左端から・上端から、mm）を調整してください。",
        ]
        if lang == "ja"
        else [
            "Print at 100 % (no scaling), fold along the blue lines and put the sheet into a 長形3号 window envelope.",
            "The red block (address) and its dotted 5 mm clearance must show inside the window.",
            "If not, adjust Settings → Letters → address block position (mm from left and top).",
        ]
    )
    y = PAGE_HEIGHT - 110 * mm
    c.setFillColor(colors.white)
    c.rect(28 * mm, y - 5 * mm * (len(notes) * 2) + 3 * mm, 154 * mm, 5 * mm * len(notes) * 2, stroke=0, fill=1)
    c.setFillColor(colors.black)
    for note in notes:
        for part in wrap_text(note, 150 * mm, fonts.mincho, 9.5):
            c.drawString(30 * mm, y, part)
            y -= 5 * mm
    c.showPage()
    c.save()
    return buffer.getvalue()
