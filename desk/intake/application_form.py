"""The printable application form for requests by post (開示等の請求書), A4, two pages.

Japanese with English headings; the same fields and choices as the web form, the
documents per proxy kind from the catalogue, the fee and the address from settings, and
a red 「開示等請求書在中」 label to cut out for the envelope.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desk import catalogue, settings
from desk.fees.payment import ways_to_pay
from desk.formatting import format_yen
from desk.letters.fonts import letter_fonts

WIDTH, HEIGHT = A4
LEFT, RIGHT = 18 * mm, WIDTH - 18 * mm
RED = colors.HexColor("#c8161d")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#eef1f5")


class _Form:
    def __init__(self, canvas: Canvas):
        self.c = canvas
        fonts = letter_fonts()
        self.mincho, self.gothic = fonts.mincho, fonts.gothic
        self.y = HEIGHT - 18 * mm

    # -- text helpers
    def text(self, x, y, s, size=9.5, font=None, color=colors.black):
        self.c.setFillColor(color)
        self.c.setFont(font or self.mincho, size)
        self.c.drawString(x, y, s)
        self.c.setFillColor(colors.black)

    def wrap(self, x, y, s, width, size=9, font=None, leading=None, color=colors.black) -> float:
        """Draw `s` wrapped to `width` (Japanese wraps anywhere); returns the y below it."""
        font = font or self.mincho
        leading = leading or size * 1.5
        for paragraph in s.split("\n"):
            line = ""
            # Latin text wraps between words; Japanese between any two characters.
            pieces = [w + " " for w in paragraph.split(" ")] if font == "Helvetica" else list(paragraph)
            for ch in pieces:
                if stringWidth((line + ch).rstrip(), font, size) > width and line:
                    self.text(x, y, line.rstrip(), size, font, color)
                    y -= leading
                    line = ch.lstrip()
                else:
                    line += ch
            self.text(x, y, line, size, font, color)
            y -= leading
        return y

    def heading(self, number: str, ja: str, en: str):
        self.y -= 5 * mm
        self.c.setFillColor(LIGHT)
        self.c.rect(LEFT, self.y - 2 * mm, RIGHT - LEFT, 7 * mm, stroke=0, fill=1)
        self.text(LEFT + 2 * mm, self.y, f"{number}{ja}", 11, self.gothic)
        self.text(
            LEFT + 2 * mm + stringWidth(f"{number}{ja}", self.gothic, 11) + 4 * mm, self.y, en, 8.5, "Helvetica", GREY
        )
        self.y -= 8 * mm

    def box(self, x, y, size=3.6 * mm):
        self.c.setLineWidth(0.8)
        self.c.rect(x, y - 0.6 * mm, size, size)

    def check(self, x, y, ja, en="", size=9.5) -> float:
        """A check box with a Japanese label and an English gloss; returns the x after it."""
        self.box(x, y)
        self.text(x + 5 * mm, y, ja, size)
        end = x + 5 * mm + stringWidth(ja, self.mincho, size)
        if en:
            self.text(end + 1.5 * mm, y, en, 7, "Helvetica", GREY)
            end += 1.5 * mm + stringWidth(en, "Helvetica", 7)
        return end + 5 * mm

    def rows(self, rows: list[tuple[str, str, float]], label_width=38 * mm):
        """A ruled table: (Japanese label, English label, row height)."""
        c = self.c
        c.setLineWidth(0.7)
        top = self.y + 4 * mm
        y = top
        for ja, en, height in rows:
            c.setFillColor(LIGHT)
            c.rect(LEFT, y - height, label_width, height, stroke=0, fill=1)
            c.setFillColor(colors.black)
            c.rect(LEFT, y - height, RIGHT - LEFT, height)
            c.line(LEFT + label_width, y, LEFT + label_width, y - height)
            self.text(LEFT + 2 * mm, y - 4.6 * mm, ja, 9.5, self.gothic)
            self.text(LEFT + 2 * mm, y - 8 * mm, en, 6.8, "Helvetica", GREY)
            yield_y = y
            y -= height
            self._row_extra(ja, yield_y, label_width, height)
        self.y = y - 4 * mm

    def _row_extra(self, ja, y, label_width, height):
        x = LEFT + label_width + 3 * mm
        if ja == "生年月日":
            self.text(x, y - 6 * mm, "明治・大正・昭和・平成・令和・西暦　　　　　年　　　　月　　　　日", 9.5)
        elif ja == "住所":
            self.text(x, y - 5 * mm, "〒　　　　　－", 9.5)
        elif ja == "電話番号":
            self.text(x, y - 6 * mm, "（　　　　　）　　　　　－", 9.5)


def _page_one(f: _Form) -> None:
    c = f.c
    business = settings.get("business_name")
    f.text(LEFT, f.y, f"{business}　御中", 11)
    f.text(RIGHT - 62 * mm, f.y, "請求日　令和　　年　　月　　日", 10)
    f.y -= 11 * mm
    title = "個人情報の開示等請求書"
    c.setFont(f.gothic, 18)
    c.drawCentredString(WIDTH / 2, f.y, title)
    f.y -= 6 * mm
    c.setFont("Helvetica", 9)
    c.setFillColor(GREY)
    c.drawCentredString(WIDTH / 2, f.y, "Application for disclosure, correction or cessation concerning personal data")
    c.setFillColor(colors.black)
    f.y -= 7 * mm
    f.y = f.wrap(
        LEFT,
        f.y,
        "個人情報保護法に基づき、次のとおり請求します。該当する□に✓を付け、枠内をご記入ください。",
        RIGHT - LEFT,
        9.5,
    )
    f.wrap(
        LEFT,
        f.y + 1 * mm,
        "Tick the boxes that apply and fill in the framed fields (in Japanese or English).",
        RIGHT - LEFT,
        7.5,
        "Helvetica",
        color=GREY,
    )
    f.y -= 3 * mm

    fee_kinds = set(settings.get("fee_kinds"))
    fee = format_yen(int(settings.get("fee_amount")), "ja")
    f.heading("1. ", "ご請求の種類（複数選択可）", "What you ask for (tick one or more)")
    for code, kind in catalogue.REQUEST_KINDS.items():
        mark = f"手数料 {fee}" if code in fee_kinds else "無料"
        f.check(LEFT + 2 * mm, f.y, kind.ja, kind.en)
        f.text(RIGHT - stringWidth(mark, f.gothic, 8.5), f.y, mark, 8.5, f.gothic, RED if code in fee_kinds else GREY)
        f.y -= 6.2 * mm

    f.heading("2. ", "開示の方法（開示を請求する場合）", "For a disclosure: how you want it")
    x = LEFT + 2 * mm
    for method in catalogue.DELIVERY_METHODS.values():
        x = f.check(x, f.y, method.ja, method.en) + 4 * mm
    f.y -= 5 * mm

    f.heading("3. ", "ご本人（個人データの本人）", "The person concerned")
    f.rows(
        [
            ("フリガナ", "Name in katakana", 9 * mm),
            ("氏名", "Full name", 12 * mm),
            ("生年月日", "Date of birth", 10 * mm),
            ("住所", "Address", 17 * mm),
            ("電話番号", "Phone", 10 * mm),
            ("メールアドレス", "E-mail (optional)", 10 * mm),
            ("当社とのご関係", "How we know you", 10 * mm),
        ]
    )

    f.heading("4. ", "請求する方", "Who is making the request")
    x = f.check(LEFT + 2 * mm, f.y, "本人", "the person concerned")
    f.check(x + 6 * mm, f.y, "代理人", "a proxy (fill in below)")
    f.y -= 6.2 * mm
    x = LEFT + 8 * mm
    for kind in catalogue.PROXY_KINDS.values():
        short = kind.ja.split("（")[0]
        x = f.check(x, f.y, short, "", 9)
    f.y -= 7 * mm
    f.rows(
        [
            ("代理人 氏名", "Proxy's full name", 11 * mm),
            ("代理人 住所", "Proxy's address", 15 * mm),
            ("代理人 電話番号", "Proxy's phone", 10 * mm),
        ]
    )
    f.text(LEFT, f.y - 1 * mm, "記載内容に相違ありません。　請求する方の署名", 9.5)
    f.text(LEFT, f.y - 4.8 * mm, "I confirm the above is true. Signature of the requester", 7, "Helvetica", GREY)
    f.c.setLineWidth(0.7)
    f.c.line(LEFT + 88 * mm, f.y - 2 * mm, RIGHT, f.y - 2 * mm)


def _page_two(f: _Form) -> None:
    c = f.c
    f.heading("5. ", "ご請求の内容", "Details of your request")
    c.setLineWidth(0.7)
    c.rect(LEFT, f.y - 24 * mm, RIGHT - LEFT, 28 * mm)
    f.text(
        LEFT + 2 * mm,
        f.y,
        "どの情報について、何を求めるかを具体的にお書きください（例: 2024年以降の購入履歴の開示）。",
        8.5,
        color=GREY,
    )
    f.y -= 30 * mm

    f.heading("6. ", "同封する書類", "Documents to enclose (copies)")
    f.text(LEFT + 2 * mm, f.y, "■ 本人確認書類（請求する方のもの）", 10, f.gothic)
    f.y -= 5.5 * mm
    f.y = f.wrap(
        LEFT + 5 * mm,
        f.y,
        "顔写真付きの書類1点（運転免許証、パスポート、在留カード、マイナンバーカードの表面）、"
        "または顔写真のない書類2点（健康保険の資格確認書、年金手帳、住民票の写しなど）の写し。住所が請求書の記載と同じものをお送りください。",
        RIGHT - LEFT - 7 * mm,
        9,
    )
    f.y = f.wrap(
        LEFT + 5 * mm,
        f.y + 1 * mm,
        "One photo ID, or two documents without a photo; the address must match this form.",
        RIGHT - LEFT - 7 * mm,
        7.5,
        "Helvetica",
        color=GREY,
    )
    f.y -= 1 * mm
    f.text(LEFT + 2 * mm, f.y, "■ 代理人が請求する場合は、さらに次の書類", 10, f.gothic)
    f.text(
        LEFT + 2 * mm + stringWidth("■ 代理人が請求する場合は、さらに次の書類", f.gothic, 10) + 3 * mm,
        f.y,
        "A proxy also encloses:",
        7.5,
        "Helvetica",
        GREY,
    )
    f.y -= 5.5 * mm
    for kind in catalogue.PROXY_KINDS.values():
        alternatives = "　又は　".join(
            "＋".join(catalogue.PROXY_DOCUMENTS[d].ja for d in alt) for alt in kind.requirements
        )
        f.text(LEFT + 5 * mm, f.y, f"・{kind.ja.split('（')[0]}", 9, f.gothic)
        f.text(
            LEFT + 7 * mm + stringWidth(f"・{kind.ja.split('（')[0]}", f.gothic, 9), f.y, kind.en, 7, "Helvetica", GREY
        )
        f.y -= 4.6 * mm
        f.y = f.wrap(LEFT + 10 * mm, f.y, alternatives, RIGHT - LEFT - 12 * mm, 8.8)
        f.y -= 0.5 * mm
    # The masking warning, in red: the law forbids the business to collect these.
    f.y -= 1 * mm
    c.setStrokeColor(RED)
    c.setLineWidth(1.2)
    c.rect(LEFT, f.y - 11 * mm, RIGHT - LEFT, 15 * mm)
    c.setStrokeColor(colors.black)
    f.text(
        LEFT + 3 * mm,
        f.y,
        "マイナンバー（個人番号）と、健康保険の保険者番号・被保険者等記号・番号は、必ず黒く塗りつぶしてください。",
        9.2,
        f.gothic,
        RED,
    )
    f.text(
        LEFT + 3 * mm,
        f.y - 5 * mm,
        "マイナンバーカードは表面のみ、住民票の写しは個人番号の記載のないものをお送りください。",
        9,
        f.mincho,
    )
    f.text(
        LEFT + 3 * mm,
        f.y - 9 * mm,
        "Black out any My Number and health-insurance symbol/number: we may not receive them.",
        7.5,
        "Helvetica",
        GREY,
    )
    f.y -= 17 * mm

    fee_kinds = [catalogue.REQUEST_KINDS[k].ja for k in settings.get("fee_kinds") if k in catalogue.REQUEST_KINDS]
    fee = format_yen(int(settings.get("fee_amount")), "ja")
    f.heading("7. ", "手数料", "Fee")
    f.y = f.wrap(
        LEFT + 2 * mm,
        f.y,
        f"{'・'.join(fee_kinds)}を請求する場合は、1回のご請求につき{fee}（返信用郵便料金を含みます）。"
        "その他の請求は無料です。",
        RIGHT - LEFT - 4 * mm,
        9.5,
    )
    amount = int(settings.get("fee_amount"))
    ways = ways_to_pay(amount, "mail")
    f.y = f.wrap(LEFT + 2 * mm, f.y, "".join(way.ja for way in ways), RIGHT - LEFT - 4 * mm, 9.5)
    f.y = f.wrap(
        LEFT + 2 * mm,
        f.y + 1 * mm,
        f"Fee {format_yen(int(settings.get('fee_amount')), 'en')} per application for "
        "purpose notification and disclosure. " + " ".join(way.en for way in ways),
        RIGHT - LEFT - 4 * mm,
        7.5,
        "Helvetica",
        color=GREY,
    )

    f.heading("8. ", "送付先", "Where to send it")
    postal = settings.get("business_postal_code")
    lines = [
        f"〒{postal[:3]}-{postal[3:]}",
        settings.get("business_address"),
        f"{settings.get('business_name')}　{settings.get('desk_name')}　宛",
        f"お問合せ: 電話 {settings.get('desk_phone')}（{settings.get('desk_hours')}）",
    ]
    y = f.y
    for i, line in enumerate(lines):
        f.text(LEFT + 3 * mm, y, line, 11 if i < 3 else 9, f.gothic if i < 3 else f.mincho)
        y -= 6 * mm
    f.text(
        LEFT + 3 * mm,
        y + 1 * mm,
        "封筒の表に赤字で「開示等請求書在中」とお書きになるか、右のラベルを貼ってください。",
        8.5,
        f.mincho,
    )
    f.text(
        LEFT + 3 * mm,
        y - 3.5 * mm,
        'Mark the envelope with the red label on the right ("Contains Disclosure, etc. Request").',
        7.2,
        "Helvetica",
        GREY,
    )
    # The envelope label: red, boxed, vertical as on a Japanese envelope front.
    label = "開示等請求書在中"
    box_w, box_h = 16 * mm, 70 * mm
    bx, by = RIGHT - box_w - 4 * mm, f.y - box_h + 6 * mm
    c.setDash(3, 2)
    c.setStrokeColor(GREY)
    c.rect(bx - 3 * mm, by - 3 * mm, box_w + 6 * mm, box_h + 6 * mm)
    c.setDash()
    c.setStrokeColor(RED)
    c.setLineWidth(1.6)
    c.rect(bx, by, box_w, box_h)
    c.setFillColor(RED)
    c.setFont(f.gothic, 17)
    step = box_h / len(label)
    for i, ch in enumerate(label):
        c.drawCentredString(bx + box_w / 2, by + box_h - (i + 0.75) * step, ch)
    c.setFillColor(colors.black)
    c.setStrokeColor(colors.black)
    f.text(bx - 30 * mm, by - 7 * mm, "切り取って封筒の表に貼ってください", 7.5, f.mincho, GREY)

    # Office use only.
    c.setLineWidth(0.6)
    top = 30 * mm
    c.rect(LEFT, top - 14 * mm, 110 * mm, 14 * mm)
    f.text(LEFT + 2 * mm, top - 4.5 * mm, "当社記入欄（Office use）", 8, f.gothic, GREY)
    f.text(
        LEFT + 2 * mm,
        top - 10.5 * mm,
        "受付番号　　　　　　　　到達日　　　　　　　　切手　　　　円",
        8.5,
        f.mincho,
        GREY,
    )


def _footer(f: _Form, page: int) -> None:
    f.text(LEFT, 12 * mm, f"{settings.get('business_name')}　個人情報の開示等請求書", 7.5, f.mincho, GREY)
    f.c.setFont("Helvetica", 7.5)
    f.c.setFillColor(GREY)
    f.c.drawRightString(RIGHT, 12 * mm, f"{page} / 2")
    f.c.setFillColor(colors.black)


def render() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("個人情報の開示等請求書 / Application form")
    canvas.setAuthor(settings.get("business_name"))
    form = _Form(canvas)
    _page_one(form)
    _footer(form, 1)
    canvas.showPage()
    form = _Form(canvas)
    _page_two(form)
    _footer(form, 2)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
