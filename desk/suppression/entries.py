"""The register's entries: added by hand or by a completed case, found by what an officer types, shown on the case page."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import func, or_, select

from desk import catalogue
from desk.audit.service import record
from desk.clock import today
from desk.extensions import db
from desk.suppression.errors import SuppressionError
from desk.suppression.keys import Hasher, PersonKeys, hashed, mask_name, matching_key, person_keys
from desk.suppression.models import SCOPES, SuppressionEntry
from desk.text import addresses, dates, names, phones

#: request kind -> the scope its entry gets.
SCOPE_OF_KIND = {"stop_provision": "third_party_provision", "cessation": "all_use"}
#: Outcomes that put the principal on the register (see README: why alternative_measure does).
SUPPRESSING_OUTCOMES = {"done": "decision", "alternative_measure": "alternative_measure"}


def new_entry(
    keys: PersonKeys,
    display_name: str,
    *,
    scope: str,
    origin: str,
    hasher: Hasher,
    source_case=None,
    source_reference: str | None = None,
    added_on: date | None = None,
    actor=None,
    line: int | None = None,
) -> SuppressionEntry:
    """An entry of these keys, not yet added to the session; refuses an unknown scope, and a
    person with nothing but a name to match by."""
    if scope not in SCOPES:
        raise SuppressionError(
            f"範囲「{scope}」は使えません（third_party_provision または all_use）。",
            f"Unknown scope {scope!r} (third_party_provision or all_use).",
            line=line,
            field="scope",
        )
    if not keys.name:
        raise SuppressionError("氏名を入力してください。", "A name is required.", line=line, field="name")
    if not (keys.birth_date or keys.phone or keys.address):
        raise SuppressionError(
            "生年月日・電話番号・住所のいずれかが必要です（氏名だけでは照合しません）。",
            "A date of birth, phone number or address is required (a name alone is never matched).",
            line=line,
            field="birth_date",
        )
    values = hashed(keys, hasher)
    return SuppressionEntry(
        name_hash=values["name"],
        kana_hash=values["kana"],
        birth_date_hash=values["birth_date"],
        phone_hash=values["phone"],
        address_hash=values["address"],
        display_name=display_name,
        scope=scope,
        origin=origin,
        source_case_id=getattr(source_case, "id", None),
        source_reference=(source_case.reference if source_case is not None else source_reference) or None,
        added_on=added_on or today(),
        added_by_id=getattr(actor, "id", None),
    )


def add_entry(
    *,
    name: str,
    kana: str | None = None,
    birth_date=None,
    phone: str | None = None,
    address: str | None = None,
    scope: str,
    origin: str = "manual",
    source_case=None,
    source_reference: str | None = None,
    actor=None,
    on: date | None = None,
) -> SuppressionEntry:
    """Put one person on the register (the caller commits)."""
    keys = person_keys(name, kana, birth_date, phone, address)
    entry = new_entry(
        keys,
        mask_name(name),
        scope=scope,
        origin=origin,
        hasher=Hasher(matching_key()),
        source_case=source_case,
        source_reference=source_reference,
        added_on=on,
        actor=actor,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "suppression.added",
        actor=actor,
        case=source_case,
        detail={"entry_id": entry.id, "scope": scope, "origin": origin},
    )
    return entry


def on_case_completed(case, actor=None, on: date | None = None) -> SuppressionEntry | None:
    """Lifecycle hook: a completed case whose stop_provision or cessation item was carried
    out (done or by an alternative measure) puts its principal on the register."""
    scopes, origins = set(), set()
    for item in case.items:
        kind = catalogue.REQUEST_KINDS.get(item.kind)
        if kind is not None and kind.suppresses and item.outcome in SUPPRESSING_OUTCOMES:
            scopes.add(SCOPE_OF_KIND[item.kind])
            origins.add(SUPPRESSING_OUTCOMES[item.outcome])
    if not scopes:
        return None
    if db.session.scalar(select(SuppressionEntry.id).where(SuppressionEntry.source_case_id == case.id)):
        return None  # already on the register from this case
    principal = case.principal
    scope = "all_use" if "all_use" in scopes else "third_party_provision"
    origin = "decision" if "decision" in origins else "alternative_measure"
    if principal is None:
        record("suppression.not_added", actor=actor, case=case, detail={"reason": "no_principal"})
        return None
    address = " ".join(p for p in (principal.postal_code, principal.address) if p) or None
    try:
        return add_entry(
            name=principal.name,
            kana=principal.furigana,
            birth_date=principal.birth_date,
            phone=principal.phone,
            address=address,
            scope=scope,
            origin=origin,
            source_case=case,
            actor=actor,
            on=on,
        )
    except SuppressionError:
        record("suppression.not_added", actor=actor, case=case, detail={"reason": "no_matching_details"})
        return None


def panel_context(case) -> dict:
    """For the case page: whether the case can put its principal on the register, and the entries it did."""
    relevant = any(
        catalogue.REQUEST_KINDS[item.kind].suppresses for item in case.items if item.kind in catalogue.REQUEST_KINDS
    )
    entries = (
        list(
            db.session.scalars(
                select(SuppressionEntry).where(SuppressionEntry.source_case_id == case.id).order_by(SuppressionEntry.id)
            )
        )
        if relevant
        else []
    )
    return {"relevant": relevant, "entries": entries, "scopes": SCOPES}


def register_size() -> int:
    return db.session.scalar(select(func.count()).select_from(SuppressionEntry)) or 0


def entries_page(page: int = 1, per_page: int = 50):
    return db.paginate(
        select(SuppressionEntry).order_by(SuppressionEntry.id.desc()), page=page, per_page=per_page, error_out=False
    )


_ENTRY_NUMBER = re.compile(r"^[sS]-?0*([0-9]{1,9})$")
_CASE_REFERENCE = re.compile(r"^[0-9]{4}-[0-9]{6}$")


def search(query: str, limit: int = 100) -> list[SuppressionEntry]:
    """Find entries by what an officer types: a name, reading, phone, address or date of
    birth (hashed the same way, never compared in clear), an entry number or a case reference."""
    query = (query or "").strip()
    if not query:
        return []
    statement = select(SuppressionEntry).order_by(SuppressionEntry.id.desc()).limit(limit)
    number = _ENTRY_NUMBER.match(unicodedata.normalize("NFKC", query))
    if number:
        return list(db.session.scalars(statement.where(SuppressionEntry.id == int(number.group(1)))))
    if _CASE_REFERENCE.match(unicodedata.normalize("NFKC", query)):
        return list(
            db.session.scalars(
                statement.where(SuppressionEntry.source_reference == unicodedata.normalize("NFKC", query))
            )
        )
    hasher = Hasher(matching_key())
    conditions = []
    for column, field_name, key in (
        (SuppressionEntry.name_hash, "name", names.name_key(query)),
        (SuppressionEntry.kana_hash, "kana", names.kana_key(query)),
        (SuppressionEntry.birth_date_hash, "birth_date", dates.date_key(query)),
        (SuppressionEntry.phone_hash, "phone", phones.phone_key(query)),
        (SuppressionEntry.address_hash, "address", addresses.address_key(query)),
    ):
        if key:
            conditions.append(column == hasher(field_name, key).hex())
    if not conditions:
        return []
    return list(db.session.scalars(statement.where(or_(*conditions))))
