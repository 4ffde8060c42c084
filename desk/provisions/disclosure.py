"""Answering a request for the records (Art. 33(5), `record_disclosure`): every record of
provision and receipt searched for the principal, confirmed by the officer, and the matches
put in the reply as its 別紙 table ("no record" is an answer too)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk.audit.service import record as audit
from desk.cases.lifecycle import Refused
from desk.cases.service import require_status
from desk.decisions.data import SEARCHABLE, record_search
from desk.extensions import db
from desk.formatting import format_date
from desk.i18n import count_en
from desk.provisions.bases import DIRECTIONS
from desk.provisions.forms import ConfirmForm
from desk.provisions.index import Hit, find_person, wanted_person
from desk.provisions.items import items_in
from desk.provisions.service import pending_index

KIND = "record_disclosure"
#: How the reply names the direction, to the principal.
LETTER_DIRECTIONS = {
    "provision": ("当社から提供", "Provided by us"),
    "receipt": ("当社が受領", "Received by us"),
}
#: The columns of the reply's table, in the case's language.
COLUMNS = {
    "ja": ["年月日", "相手方", "区分", "個人データの項目"],
    "en": ["Date", "Counterparty", "Provided or received", "Data items"],
}


def items_of(case):
    return [item for item in case.items if item.kind == KIND]


def hits_for(case) -> list[Hit]:
    """The records whose list holds the principal of `case` (identity from the case)."""
    principal = case.principal
    if principal is None:
        return []
    return find_person(
        wanted_person(
            name=principal.name, birth_date=principal.birth_date, phone=principal.phone, address=principal.address
        )
    )


def records_of(hits: list[Hit]) -> list[dict]:
    """The matched records as the reply lists them, in no language yet: the date, the
    counterparty as recorded (its name and address when the search is confirmed), the
    direction's code and the items as recorded. table_in names them in a letter's language."""
    found = []
    for hit in hits:
        entry = hit.record
        party = entry.counterparty
        found.append(
            {
                "record": entry.number,
                "on": entry.occurred_on.isoformat(),
                "counterparty": party.name,
                "address": party.address or "",
                "direction": entry.direction,
                "items": entry.items,
            }
        )
    return found


def table_in(records: list[dict], lang: str) -> tuple[list[str], list[list[str]]]:
    """The 別紙 table of the matched records in `lang`: headings, dates ('1 December 2026' /
    令和8年12月1日), directions and data items (desk.provisions.items) in that language."""
    lang = "en" if lang == "en" else "ja"
    rows = []
    for found in records:
        who, address = found.get("counterparty") or "", found.get("address") or ""
        if address:
            who = f"{who} ({address})" if lang == "en" else f"{who}（{address}）"
        direction = LETTER_DIRECTIONS.get(found.get("direction"))
        rows.append(
            [
                format_date(date.fromisoformat(found["on"]), "era", lang),
                who,
                direction[1 if lang == "en" else 0] if direction else str(found.get("direction") or ""),
                items_in(found.get("items"), lang),
            ]
        )
    return list(COLUMNS[lang]), rows


def table_of(hits: list[Hit], lang: str) -> dict:
    """The table stored on the request item: in the case's language for the case page (and
    for the officer to edit, which makes it a table of their own), with the records it was
    built from, so each letter builds it again in its own language."""
    records = records_of(hits)
    columns, rows = table_in(records, lang)
    return {"columns": columns, "rows": rows, "records": records}


def letter_table(disclosed: dict, lang: str) -> tuple[list[str], list[list[str]]] | None:
    """A stored 別紙 table in a letter's language: built again from its records when the
    search made it; None for a table the officer typed (the letter prints it as typed)."""
    records = disclosed.get("records") if isinstance(disclosed, dict) else None
    if not isinstance(records, list):
        return None
    return table_in(records, lang)


def confirm(case, *, actor) -> int:
    """The officer confirms the search: the matches go into the reply as its 別紙 table (or
    none, for "no record"), and the search is noted among the case's searches."""
    require_status(case, SEARCHABLE, "第三者提供記録の照合結果を確定", "confirm the search of the records")
    items = items_of(case)
    if not items:
        raise Refused("第三者提供記録の開示の請求ではありません。", "This case does not ask for the records.")
    waiting = pending_count()
    if waiting:
        raise Refused(
            f"索引を作成中の記録が{waiting}件あります。作成が終わってから確定してください（desk daily でも作成されます）。",
            f"{count_en(waiting, 'record')} {'is' if waiting == 1 else 'are'} still being indexed: confirm once "
            "indexing is done (desk daily also indexes them).",
        )
    hits = hits_for(case)
    lang = case.language or "ja"
    for item in items:
        details = dict(item.details or {})
        details["provision_records"] = [h.record.id for h in hits]
        if hits:
            details["disclosed"] = table_of(hits, lang)
        else:
            details.pop("disclosed", None)
        item.details = details
    numbers = "、".join(h.record.number for h in hits)
    record_search(
        case,
        "第三者提供記録（提供記録・受領記録）",
        f"該当する記録 {len(hits)} 件" + (f"（{numbers}）" if hits else "：記録はありません"),
        actor=actor,
    )
    db.session.flush()
    audit("provisions.disclosure_confirmed", actor=actor, case=case, detail={"records": len(hits)})
    return len(hits)


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(pending_index().subquery())) or 0


def panel_context(case) -> dict:
    relevant = bool(items_of(case))
    if not relevant:
        return {"relevant": False}
    confirmed = next(
        (item.details or {} for item in items_of(case) if "provision_records" in (item.details or {})), None
    )
    return {
        "relevant": True,
        "hits": hits_for(case),
        "confirmed": confirmed,
        "searchable": case.status in SEARCHABLE,
        "form": ConfirmForm(),
        "directions": DIRECTIONS,
        "pending": pending_count(),
    }
