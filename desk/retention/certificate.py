"""The disposal certificate (廃棄証明書) of one run: A4, issued by the business, listing the
references disposed of. It holds no personal data: references, dates and counts only."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desk import settings
from desk.clock import local
from desk.formatting import era_date
from desk.letters.fonts import letter_fonts
from desk.retention import service
from desk.retention.models import DisposalRun

#: References per row of the list: four columns keep a large run to a few pages.
COLUMNS = 4


def _styles(fonts) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.mincho, fontSize=10.5, leading=17)
    return {
        "body": base,
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=fonts.gothic,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            spaceBefore=6 * mm,
            spaceAfter=8 * mm,
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=fonts.gothic, fontSize=11, spaceBefore=5 * mm, spaceAfter=2 * mm
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")),
    }


def _actor(run: DisposalRun) -> str:
    if run.actor is not None:
        return run.actor.name
    return "日次処理（自動実行）" if run.actor_kind == "system" else "運用担当者によるコマンド実行"


def _grid(data, widths, header_rows: int = 1, font: str = "") -> Table:
    table = Table(data, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def render_certificate(run: DisposalRun) -> bytes:
    fonts = letter_fonts()
    styles = _styles(fonts)
    lines = service.lines_of(run)
    cases, documents = service.run_totals(run)
    years = int(settings.get("retention_years"))
    finished = local(run.finished_at or run.started_at)
    issued = era_date(finished.date())

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="廃棄証明書",
        author=settings.get("business_name"),
        subject=f"disposal run {run.id}",
    )
    width = A4[0] - doc.leftMargin - doc.rightMargin

    story = [
        Paragraph(f"廃棄記録番号　第{run.id}号", styles["right"]),
        Paragraph(issued, styles["right"]),
        Paragraph("廃棄証明書", styles["title"]),
        Paragraph(settings.get("business_name"), styles["right"]),
        Paragraph(settings.get("representative"), styles["right"]),
        Spacer(0, 8 * mm),
        Paragraph(
            "当社は、個人情報の開示等の請求に関し提出を受けた書類及び当社が送付した文書の写しについて、"
            f"保存期間（対応の完了等の日から{years}年）の満了に伴い、下記のとおり廃棄し、"
            "あわせて各案件の記録から個人情報を消去したことを証明します。",
            styles["body"],
        ),
        Spacer(0, 4 * mm),
        Paragraph("記", ParagraphStyle("center", parent=styles["body"], alignment=TA_CENTER)),
        Spacer(0, 2 * mm),
    ]
    summary = [
        ["廃棄の実施日時", f"{era_date(finished.date())} {finished.hour}時{finished.minute:02d}分"],
        ["保存期間の基準日", era_date(run.as_of)],
        ["実施者", _actor(run)],
        ["廃棄した案件数", f"{cases:,}件"],
        ["廃棄した書類数", f"{documents:,}点（提出書類及び送付文書の写し）"],
        ["廃棄の方法", "暗号鍵の消去（暗号化消去）の後、暗号化ファイルを削除"],
    ]
    table = _grid(summary, [40 * mm, width - 40 * mm], header_rows=0, font=fonts.mincho)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f5"))]))
    story += [table]
    if run.finished_at is None:
        story += [
            Spacer(0, 2 * mm),
            Paragraph(
                "※ この回の処理は途中で中断しました。上記は中断までに廃棄を完了した案件です。"
                "残りの案件は次回の処理で廃棄されます。",
                styles["note"],
            ),
        ]

    story += [Paragraph("廃棄した案件の受付番号", styles["heading"])]
    if lines:
        references = [line.reference for line in lines]
        rows = [references[i : i + COLUMNS] for i in range(0, len(references), COLUMNS)]
        rows[-1] += [""] * (COLUMNS - len(rows[-1]))
        story += [_grid([["受付番号"] * COLUMNS] + rows, [width / COLUMNS] * COLUMNS, font=fonts.mincho)]
    else:
        story += [Paragraph("なし", styles["body"])]
    story += [
        Spacer(0, 6 * mm),
        Paragraph("以上", styles["right"]),
        Spacer(0, 4 * mm),
        Paragraph(
            "本証明書には個人情報を記載していません。案件ごとの経過は監査ログに記録されています。", styles["note"]
        ),
    ]

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(fonts.mincho, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"廃棄証明書　第{run.id}号　{document.page}頁")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
