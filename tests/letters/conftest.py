"""Case data for letter tests: every kind, every outcome, with the grounds set directly on
RequestItem (the decision screens are another area's)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from desk.cases.service import extend, transition
from desk.extensions import db
from tests.conftest import require_tool
from tests.helpers import make_case

ALL_KINDS = ("disclosure", "record_disclosure", "purpose_notice", "correction", "cessation", "stop_provision")


def pdf_text(data: bytes, tmp_path, first: int | None = None, last: int | None = None) -> str:
    require_tool("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    args = (
        ["pdftotext"] + (["-f", str(first)] if first else []) + (["-l", str(last)] if last else []) + [str(path), "-"]
    )
    return subprocess.run(args, check=True, capture_output=True).stdout.decode()


def squash(text: str) -> str:
    """Text without any whitespace, so phrases that wrap over lines still match."""
    return "".join(text.split())


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def disclosed_table(rows: int) -> dict:
    return {
        "columns": ["項目", "内容", "取得日"],
        "rows": [
            [f"項目{i}", f"ご購入履歴（注文番号A{i:05d}）" + "、配送先の変更あり" * (i % 3), "2026-01-15"]
            for i in range(1, rows + 1)
        ],
    }


def decide_everything(case, rows: int = 3):
    """One outcome of each shape: partial with grounds and withheld items, refusal, notice,
    correction, alternative measure, refusal with a statutory ground."""
    by_kind = {item.kind: item for item in case.items}
    if "disclosure" in by_kind:
        item = by_kind["disclosure"]
        item.outcome, item.grounds = "partly_disclosed", ["harm_to_person", "business_impediment"]
        item.explanation = "第三者の個人情報が含まれる部分を除きました。"
        item.details = {"withheld": ["他のお客様の氏名", "社内の与信評価"], "disclosed": disclosed_table(rows)}
    if "record_disclosure" in by_kind:
        item = by_kind["record_disclosure"]
        item.outcome, item.grounds = "not_disclosed", ["other_law"]
        item.explanation = "法令により開示が禁止されている記録です。"
    if "purpose_notice" in by_kind:
        by_kind["purpose_notice"].outcome = "notified"
    if "correction" in by_kind:
        item = by_kind["correction"]
        item.outcome = "corrected"
        item.details = {"corrected": "ご住所を「東京都渋谷区神宮前一丁目2番3号」に訂正しました。"}
    if "cessation" in by_kind:
        item = by_kind["cessation"]
        item.outcome = "alternative_measure"
        item.details = {"alternative_measure": "ダイレクトメールの送付を停止しました。"}
        item.explanation = "法令上の保存義務があるため、消去はできません。"
    if "stop_provision" in by_kind:
        item = by_kind["stop_provision"]
        item.outcome, item.grounds = "refused", ["no_statutory_ground"]
        item.explanation = "当社は第三者提供を行っておりません。"
    db.session.flush()


@pytest.fixture
def full_case(app):
    """A proxy case with every kind, a fee request, an extension and every decision."""
    case = make_case(ALL_KINDS, proxy_kind="delegated", arrived_on=date(2026, 11, 2))
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    extend(case, 5, "対象の記録が複数の部署にまたがり、確認に時間を要するため。", on=date(2026, 11, 10))
    decide_everything(case)
    db.session.commit()
    return case


@pytest.fixture
def lapsed_case(app):
    case = make_case(("disclosure",), arrived_on=date(2026, 11, 2), name="佐藤 次郎")
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    transition(case, "lapsed", on=date(2026, 11, 19))
    case.items[0].outcome, case.items[0].grounds = "lapsed", ["fee_unpaid"]
    db.session.commit()
    return case


def approve(case, on=date(2026, 11, 20)):
    for state in ("verifying", "in_progress", "decision_drafted", "approved"):
        transition(case, state, on=on)
