"""Locating the principal's data before deciding: the systems searched and what was found,
and the data to be disclosed (a table typed or pasted, or files attached)."""

from __future__ import annotations

import filetype
from sqlalchemy import select

from desk import catalogue
from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.cases.models import Case, RequestItem
from desk.cases.service import require_status
from desk.decisions.models import DataSearch
from desk.extensions import db
from desk.identity.models import Document
from desk.storage.service import store

SEARCHABLE = {"verifying", "in_progress", "decision_drafted"}
ATTACHABLE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def record_search(case: Case, systems: str, findings: str, *, actor) -> DataSearch:
    require_status(case, SEARCHABLE, "調査結果を記録", "record a search")
    search = DataSearch(case_id=case.id, systems=systems.strip(), findings=findings.strip(), recorded_by_id=actor.id)
    db.session.add(search)
    db.session.flush()
    record("data.searched", actor=actor, case=case, detail={"search_id": search.id})
    return search


def searches_of(case: Case) -> list[DataSearch]:
    return list(db.session.scalars(select(DataSearch).where(DataSearch.case_id == case.id).order_by(DataSearch.id)))


def parse_table(text: str) -> dict | None:
    """Rows typed or pasted (from a spreadsheet: tabs; or '|' or ','), the first being the
    column names, into {"columns": [...], "rows": [[...], ...]}; None when empty."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return None
    separator = "\t" if "\t" in lines[0] else "|" if "|" in lines[0] else ","
    cells = [[cell.strip() for cell in line.strip().strip("|").split(separator)] for line in lines]
    columns = cells[0]
    rows = [(row + [""] * len(columns))[: len(columns)] for row in cells[1:]]
    if not rows:
        raise Refused(
            "1行目は項目名です。2行目以降にデータを入力してください。",
            "The first line holds the column names; type the data from the second line on.",
        )
    return {"columns": columns, "rows": rows}


def set_disclosed_table(item: RequestItem, text: str, *, actor) -> None:
    case = item.case
    require_status(case, SEARCHABLE, "開示データを記録", "record the disclosed data")
    if not catalogue.REQUEST_KINDS[item.kind].disclosure:
        raise Refused("開示の請求ではありません。", "This is not a disclosure request.")
    table = parse_table(text)
    details = dict(item.details or {})
    if table is None:
        details.pop("disclosed", None)
    else:
        details["disclosed"] = table
    item.details = details
    db.session.flush()
    record(
        "data.disclosed_table",
        actor=actor,
        case=case,
        detail={"item_id": item.id, "rows": len(table["rows"]) if table else 0},
    )


def attach_disclosed_file(case: Case, data: bytes, *, actor) -> Document:
    require_status(case, SEARCHABLE, "開示データを添付", "attach disclosed data")
    kind = filetype.guess(data)
    media_type = kind.mime if kind else None
    if media_type not in ATTACHABLE_TYPES:
        raise Refused("PDF、PNG、JPEGのファイルを添付してください。", "Attach a PDF, PNG or JPEG file.")
    count = sum(1 for d in case.documents if d.kind == "disclosed_data")
    document = Document(case_id=case.id, kind="disclosed_data", label=f"開示データ {count + 1}")
    store(document, data, media_type)
    db.session.add(document)
    db.session.flush()
    record("document.attached", actor=actor, case=case, detail={"document_id": document.id, "kind": "disclosed_data"})
    return document
