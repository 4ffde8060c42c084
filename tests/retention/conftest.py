"""Builders for retention tests: closed cases carrying every kind of personal data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desk.cases import service
from desk.cases.models import CaseExtension, CaseNote
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.models import Document
from desk.letters.models import Letter
from desk.storage import service as storage
from tests.helpers import make_case

SECRET = "運転免許証 番号 123456789012 山田花子 東京都渋谷区".encode() * 40
LETTER = "%PDF-1.4 回答書 山田花子 様".encode() * 40
CLOSING_PATH = ("in_progress", "decision_drafted", "approved", "dispatched", "completed")


def close_case(case, closed_on: date, how: str = "completed") -> None:
    """Walk the case through the lifecycle so that it closes on `closed_on`."""
    if how == "completed":
        for state in CLOSING_PATH:
            service.transition(case, state, on=closed_on)
    elif how == "lapsed":
        service.transition(case, "awaiting_fee", on=closed_on)
        service.transition(case, "lapsed", on=closed_on)
    else:
        service.transition(case, how, on=closed_on)


def closed_case(closed_on: date, how: str = "completed", *, files: bool = True, name: str = "山田 花子"):
    """A case closed on `closed_on` with documents, a letter, a note, a fee note, decisions."""
    case = make_case(("disclosure", "correction"), proxy_kind="parent", arrived_on=closed_on, name=name, commit=False)
    case.access_code_hash = "argon2-hash-of-the-access-code"
    case.items[0].particulars = "購買履歴の全件（会員番号 A-778812）"
    case.items[0].outcome = "partly_disclosed"
    case.items[0].grounds = ["harm_to_person"]
    case.items[0].explanation = "第三者（山田太郎）の記録を含むため一部不開示"
    case.items[0].details = {
        "withheld": ["山田太郎の購入記録"],
        "disclosed": {"columns": ["氏名"], "rows": [["山田花子"]]},
    }
    case.items[1].particulars = "住所を新住所に訂正"
    case.items[1].outcome = "corrected"
    case.items[1].details = {"corrected": "住所: 東京都渋谷区神宮前一丁目2番3号"}
    db.session.add(CaseNote(case_id=case.id, body="本人から電話あり 090-1111-2222"))
    db.session.add(
        FeePayment(
            case_id=case.id, amount=1000, method="postage_stamps", received_on=closed_on, note="山田様より切手で受領"
        )
    )
    db.session.add(
        CaseExtension(case_id=case.id, business_days=5, reason="山田様の記録が多数のため", decided_on=closed_on)
    )
    if files:
        for kind in ("drivers_licence", "family_register"):
            document = Document(
                case_id=case.id, kind=kind, party="principal", label="運転免許証 1/1", deficiency="住所が不鮮明"
            )
            storage.store(document, SECRET, "application/pdf")
            db.session.add(document)
        letter = Letter(case_id=case.id, kind="reply", dated_on=closed_on, dispatched_on=closed_on)
        storage.store(letter, LETTER, "application/pdf")
        db.session.add(letter)
        db.session.add(Letter(case_id=case.id, kind="ack", dated_on=closed_on))  # queued, never stored
    db.session.flush()
    close_case(case, closed_on, how)
    db.session.commit()
    return case


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["DOCUMENT_DIR"]).rglob("*") if p.is_file()]
