"""Electronic delivery (Art. 33(1)): the reply and the disclosed data as one package on the
requester's own page.

- publish(case, letter) is called by desk.letters.service.dispatch_reply when the reply goes
  out electronically: it builds the package (the reply PDF as sent, each disclosed table as
  UTF-8 CSV with BOM and as a PDF table, the attached files as they are), stores it
  encrypted and tells the requester by e-mail (the reference and the page's address only).
- download(case) is the one way out, reached only from the status page after the access
  code was given: each download is counted and audited; the last allowed one shreds it.
- expire(moment) (desk daily) shreds every package whose period is over.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from desk import settings
from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.catalogue import REQUEST_KINDS
from desk.clock import now
from desk.delivery.models import DeliveryPackage
from desk.extensions import db
from desk.i18n import count_en
from desk.provisions.disclosure import letter_table
from desk.storage.service import path_of, read, shred_key, store

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@dataclass
class PackageState:
    """What the requester's page says of a case's package."""

    available: bool
    until: datetime | None
    left: int
    published_at: datetime | None
    #: "downloads" (used up) or "period" (its time ran out) once it is gone.
    ended_by: str | None = None


def offered_methods() -> dict:
    """The delivery methods the desk really offers (settings): paper always, an electronic
    record when `electronic_delivery` is on. The form and the public notice use these."""
    from desk.catalogue import DELIVERY_METHODS

    return {
        code: entry
        for code, entry in DELIVERY_METHODS.items()
        if code != "electronic" or settings.get("electronic_delivery")
    }


def latest(case) -> DeliveryPackage | None:
    return db.session.scalars(
        select(DeliveryPackage).where(DeliveryPackage.case_id == case.id).order_by(DeliveryPackage.id.desc())
    ).first()


def state_of(case) -> PackageState | None:
    package = latest(case)
    if package is None:
        return None
    available = package.wrapped_key is not None and package.available_until > now()
    ended_by = None
    if not available:
        ended_by = "downloads" if package.downloads >= package.max_downloads else "period"
    return PackageState(
        available=available,
        until=package.available_until,
        left=max(0, package.max_downloads - package.downloads),
        published_at=package.published_at,
        ended_by=ended_by,
    )


def _tables(case) -> list[tuple[str, list[str], list[list[str]]]]:
    """(name, columns, rows) of every disclosed table, numbered as the reply's 別紙."""
    tables, number = [], 0
    for item in case.items:
        if item.outcome not in ("disclosed", "partly_disclosed"):
            continue
        disclosed = (item.details or {}).get("disclosed")
        if not isinstance(disclosed, dict) or not disclosed.get("columns"):
            continue
        number += 1
        columns = [str(c) for c in disclosed["columns"]]
        rows = [[("" if v is None else str(v)) for v in row] for row in disclosed.get("rows") or []]
        # The records search's table in the reply's language, as the reply prints it.
        columns, rows = letter_table(disclosed, case.language or "ja") or (columns, rows)
        tables.append((f"{number}-{REQUEST_KINDS[item.kind].code}", columns, rows))
    return tables


def as_csv(columns: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Japanese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_pdf_table(title: str, columns: list[str], rows: list[list[str]]) -> bytes:
    """The rows as a plain PDF table (landscape A4 when wide), in the letters' fonts."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from desk.letters.fonts import letter_fonts

    fonts = letter_fonts()
    size = landscape(A4) if len(columns) > 5 else A4
    cell = ParagraphStyle("cell", fontName=fonts.gothic, fontSize=8.5, leading=11, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontName=fonts.gothic)
    heading = ParagraphStyle("title", fontName=fonts.gothic, fontSize=12, leading=16)
    data = [[Paragraph(escape(c), head) for c in columns]]
    data += [[Paragraph(escape(v), cell) for v in row] for row in rows]
    width = size[0] - 30 * mm
    table = LongTable(data, colWidths=[width / len(columns)] * len(columns), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=size, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    document.build([Paragraph(escape(title), heading), Spacer(1, 4 * mm), table])
    return out.getvalue()


def build(case, reply_pdf: bytes) -> bytes:
    """The package as one ZIP file: what the requester downloads."""
    ref = case.reference
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{ref}_reply.pdf", reply_pdf)
        for name, columns, rows in _tables(case):
            title = (
                f"別紙{name.split('-')[0]} 開示する保有個人データ ／ Attachment {name.split('-')[0]}: disclosed data"
            )
            archive.writestr(f"{ref}_data_{name}.csv", as_csv(columns, rows))
            archive.writestr(f"{ref}_data_{name}.pdf", as_pdf_table(title, columns, rows))
        attached = [d for d in case.documents if d.kind == "disclosed_data" and d.wrapped_key is not None]
        for number, document in enumerate(attached, start=1):
            archive.writestr(f"{ref}_file_{number}.{EXTENSIONS.get(document.media_type, 'bin')}", read(document))
    return out.getvalue()


def publish(case, letter, *, actor=None) -> DeliveryPackage:
    """Put the reply (as stored when sent) and the disclosed data on the requester's page."""
    if letter.wrapped_key is None:
        raise Refused(
            "回答書が保存されていないため、電子的に提供できません。",
            "The reply has not been stored, so it cannot be delivered electronically.",
        )
    moment = now()
    package = DeliveryPackage(
        case_id=case.id,
        letter_id=letter.id,
        published_at=moment,
        available_until=moment + timedelta(days=int(settings.get("delivery_package_days"))),
        max_downloads=int(settings.get("delivery_package_downloads")),
        downloads=0,
    )
    store(package, build(case, read(letter)), "application/zip")
    db.session.add(package)
    db.session.flush()
    package.notified = _tell_requester(case)
    record(
        "delivery.published",
        actor=actor,
        case=case,
        detail={
            "package_id": package.id,
            "letter_id": letter.id,
            "until": package.available_until.isoformat(),
            "downloads": package.max_downloads,
            "emailed": package.notified,
        },
    )
    return package


def download(case) -> tuple[str, bytes]:
    """The package's file name and bytes, counted and audited; the last download shreds it."""
    package = latest(case)
    if package is None or package.wrapped_key is None or package.available_until <= now():
        raise Refused(
            "ダウンロードできる回答はありません。",
            "There is no reply to download.",
        )
    data = read(package)
    package.downloads += 1
    record(
        "delivery.downloaded",
        actor=None,
        case=case,
        detail={"package_id": package.id, "download": package.downloads, "of": package.max_downloads},
    )
    if package.downloads >= package.max_downloads:
        _shred(package, "downloads")
    return f"{case.reference}_reply.zip", data


def _shred(package: DeliveryPackage, why: str) -> None:
    shred_key(package)
    path_of(package.storage_name).unlink(missing_ok=True)
    record("delivery.shredded", actor=None, case=package.case, detail={"package_id": package.id, "why": why})


def expire(moment: datetime | None = None) -> int:
    """Shred every package whose period is over (desk daily); how many."""
    moment = moment or now()
    due = db.session.scalars(
        select(DeliveryPackage).where(
            DeliveryPackage.wrapped_key.is_not(None), DeliveryPackage.available_until <= moment
        )
    ).all()
    for package in due:
        _shred(package, "period")
    return len(due)


def mail_text(reference: str, lang: str, page: str) -> tuple[str, str]:
    """Subject and body of the e-mail: the reference and the page's address, nothing else."""
    desk_name = settings.get("desk_name_en" if lang == "en" else "desk_name")
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    days, downloads = settings.get("delivery_package_days"), settings.get("delivery_package_downloads")
    if lang == "en":
        return (
            f"Our reply is ready on your request's page (reference {reference})",
            f"Our reply to your request, reference number {reference}, can now be downloaded from\n{page}\n\n"
            f"Open the page with the reference number and your access code. The reply can be downloaded "
            f"{count_en(downloads, 'time')} within {count_en(days, 'day')}.\n\n"
            f"{business}\n{desk_name}  {settings.get('desk_phone')}\n",
        )
    return (
        f"回答をご用意しました（受付番号 {reference}）",
        f"受付番号 {reference} のご請求への回答を、次のページからダウンロードいただけます。\n{page}\n\n"
        f"受付番号とアクセスコードを入力してページを開いてください。ダウンロードは{days}日以内に"
        f"{downloads}回までできます。\n\n"
        f"{business}\n{desk_name}　電話 {settings.get('desk_phone')}\n",
    )


def _tell_requester(case) -> bool:
    from flask import has_request_context, url_for

    from desk.intake.service import send_mail

    addressee = case.addressee
    if addressee is None or not addressee.email or not has_request_context():
        return False
    subject, body = mail_text(case.reference, case.language or "ja", url_for("intake.status", _external=True))
    return send_mail(case, addressee.email, subject, body, what="delivery")
