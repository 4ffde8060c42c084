"""Records of provision and receipt: counterparties, recording (from a screening or by hand),
the refusals the law asks for, holds, disposal after the basis's period, and the figures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select

from desk import settings
from desk.audit.service import record as audit
from desk.cases.lifecycle import Refused
from desk.clock import now
from desk.extensions import db
from desk.provisions.bases import BASES, DIRECTIONS, RECORDED
from desk.provisions.index import IndexBuilder, gather, write_index
from desk.provisions.models import Counterparty, ProvisionRecord, RecordBucket
from desk.storage import service as storage
from desk.suppression.errors import SuppressionError

COUNTERPARTY_FIELDS = (
    "code",
    "name",
    "address",
    "representative",
    "optout_published_on",
    "optout_reference",
    "contact",
    "active",
)


# Counterparties ---------------------------------------------------------------------------


def counterparties(active_only: bool = False) -> list[Counterparty]:
    query = select(Counterparty).order_by(Counterparty.code)
    if active_only:
        query = query.where(Counterparty.active.is_(True))
    return list(db.session.scalars(query))


def counterparty_by_code(code: str) -> Counterparty:
    found = db.session.scalar(select(Counterparty).where(Counterparty.code == (code or "").strip()))
    if found is None:
        raise Refused(f"相手方コード「{code}」は登録されていません。", f"No counterparty has the code {code!r}.")
    if not found.active:
        raise Refused(
            f"相手方「{found.code}」は取引停止として登録されています。",
            f"The counterparty {found.code} is marked as no longer active.",
        )
    return found


def save_counterparty(counterparty: Counterparty | None, values: dict, *, actor) -> Counterparty:
    """Add a counterparty (None) or change one; codes are unique."""
    code = (values.get("code") or "").strip()
    clash = db.session.scalar(select(Counterparty).where(Counterparty.code == code))
    if clash is not None and clash is not counterparty:
        raise Refused(f"相手方コード「{code}」は既に使われています。", f"The code {code} is already in use.")
    if bool(values.get("optout_reference")) != bool(values.get("optout_published_on")):
        raise Refused(
            "オプトアウト届出は、公表日と番号（公表事項の参照先）の両方を入力してください。",
            "Give both the date and the reference of the opt-out notification, or neither.",
        )
    added = counterparty is None
    counterparty = counterparty or Counterparty()
    for name in COUNTERPARTY_FIELDS:
        if name in values:
            value = values[name]
            setattr(counterparty, name, value.strip() or None if isinstance(value, str) and name != "code" else value)
    counterparty.code = code
    db.session.add(counterparty)
    db.session.flush()
    audit(
        "provisions.counterparty_added" if added else "provisions.counterparty_changed",
        actor=actor,
        detail={"counterparty_id": counterparty.id},
    )
    return counterparty


# Recording ----------------------------------------------------------------------------------


@dataclass
class Particulars:
    """What the law asks a record to say, apart from the list itself."""

    direction: str
    counterparty: Counterparty
    basis: str
    items: str
    occurred_on: date
    acquisition: str | None = None


def check(particulars: Particulars) -> None:
    """Refuse a record the law does not allow or does not ask for."""
    if particulars.direction not in DIRECTIONS:
        raise Refused("提供か受領かを選んでください。", "Choose provision or receipt.")
    basis = BASES.get(particulars.basis)
    if basis is None:
        raise Refused("提供の根拠を選んでください。", "Choose the basis of the provision.")
    if not basis.needs_record:
        raise Refused(
            f"「{basis.ja}」による提供は第三者提供に当たらないか記録が不要なため、記録は作成しません。",
            f"A provision on the basis “{basis.en}” needs no record (Arts. 27(1), 27(5)); none is made.",
        )
    if not (particulars.items or "").strip():
        raise Refused("提供・受領した個人データの項目を入力してください。", "Give the data items.")
    if particulars.direction == "receipt":
        if not (particulars.acquisition or "").strip():
            raise Refused(
                "提供元が個人データを取得した経緯を確認し、その内容を入力してください。確認せずに受領することはできません（法第30条第1項）。",
                "Confirm how the provider acquired the data and enter its statement: data may not be received without that confirmation (Art. 30(1)).",
            )
        if particulars.basis == "optout" and not particulars.counterparty.provides_by_optout:
            raise Refused(
                "提供元の個人情報保護委員会へのオプトアウト届出（公表日・番号）が登録されていません。相手方の情報に登録してから受領してください。",
                "The provider's opt-out notification to the Commission (date and reference) is not on file: add it to the counterparty first.",
            )


def keep_until(basis: str, occurred_on: date) -> date:
    return occurred_on + relativedelta(years=int(settings.get(RECORDED[basis].years_setting)))


def record_list(
    particulars: Particulars,
    data: storage.Content,
    *,
    list_name: str,
    via: str,
    actor=None,
    operator: str | None = None,
    screening_run_id: int | None = None,
    overrides: dict[str, list[str]] | None = None,
    index_now: bool = True,
    matcher=None,
    index: IndexBuilder | None = None,
) -> ProvisionRecord:
    """Record a provision or receipt of the CSV list `data` (its bytes, or the file that holds
    them): the list stored encrypted, its
    people indexed by keyed hashes — now, or (index_now=False) by index_record once the
    caller has committed. `index`: the list's people as a screening gathered them (the list
    is not read again). Refused (nothing saved) when the law does not allow it."""
    check(particulars)
    entry = ProvisionRecord(
        direction=particulars.direction,
        occurred_on=particulars.occurred_on,
        counterparty_id=particulars.counterparty.id,
        basis=particulars.basis,
        items=particulars.items.strip(),
        acquisition=(particulars.acquisition or "").strip() or None,
        list_name=(list_name or "list.csv")[:200],
        via=via,
        screening_run_id=screening_run_id,
        recorded_by_id=getattr(actor, "id", None),
        operator=operator,
        keep_until=keep_until(particulars.basis, particulars.occurred_on),
    )
    if particulars.direction == "receipt" and particulars.counterparty.provides_by_optout:
        entry.optout_published_on = particulars.counterparty.optout_published_on
        entry.optout_reference = particulars.counterparty.optout_reference
    entry.column_overrides = overrides or None
    db.session.add(entry)
    db.session.flush()
    if index is None and index_now:
        index = _gathered(data, overrides, matcher)
    # Stored first: the index is sealed under a key derived from the stored list's own.
    keep_list(entry, data, index)
    if index_now:
        index_record(entry, data, builder=index)
    db.session.flush()
    audit(
        "provisions.recorded",
        actor=actor,
        actor_kind=None if actor is not None else "system",
        detail={
            "record_id": entry.id,
            "direction": entry.direction,
            "basis": entry.basis,
            "counterparty_id": entry.counterparty_id,
            "people": entry.person_count,
            "via": via,
        },
    )
    return entry


def index_record(entry: ProvisionRecord, data: storage.Content | None = None, *, matcher=None, builder=None) -> int:
    """Build the index of a record's list: as a screening gathered it (`builder`), or from
    `data` (or the stored file) read again; `matcher`: a screening's, whose digests of the
    list's names are reused. The list is stored again if its pieces are not where the index
    needs them (a list stored before it was indexed, or under an older layout)."""
    if data is None:
        data = storage.read(entry)
    if builder is None:
        builder = _gathered(data, entry.column_overrides, matcher)
    keep_list(entry, data, builder)
    write_index(entry, builder)
    entry.person_count = entry.indexed_count = builder.people
    entry.indexed_at = now()
    db.session.flush()
    return entry.person_count


def _gathered(data: storage.Content, overrides, matcher) -> IndexBuilder:
    try:
        return gather(storage.content_bytes(data), overrides, matcher)
    except SuppressionError as error:
        raise Refused(error.message("ja"), error.message("en")) from None


def keep_list(entry: ProvisionRecord, data: storage.Content, builder: IndexBuilder | None) -> None:
    """The list stored encrypted, in the pieces its index reads (whole when it has no index
    yet); stored again under a new key when it is kept in other pieces."""
    cuts, piece_rows = builder.layout(data) if builder is not None else ([], None)
    if entry.storage_name is None:
        storage.store(entry, data, "text/csv", cuts=cuts)
    elif storage.Pieces(entry).cuts != cuts:
        db.session.execute(delete(RecordBucket).where(RecordBucket.record_id == entry.id))  # sealed under the old key
        storage.replace_content(entry, data, "text/csv", cuts=cuts)
    entry.list_encoding = builder.encoding if builder is not None else None
    entry.piece_rows = piece_rows


def pending_index():
    """Records whose list is kept but not indexed yet (a screening interrupted before it indexed)."""
    return select(ProvisionRecord).where(
        ProvisionRecord.indexed_at.is_(None),
        ProvisionRecord.disposed_on.is_(None),
        ProvisionRecord.wrapped_key.is_not(None),
    )


def index_pending() -> list[str]:
    """The daily job's catch-up: index every record still waiting, one transaction each."""
    done = []
    for record_id in db.session.scalars(pending_index().with_only_columns(ProvisionRecord.id)).all():
        entry = db.session.get(ProvisionRecord, record_id)
        index_record(entry)
        db.session.commit()
        done.append(entry.number)
    return done


MANUAL_HEADER = ["氏名", "生年月日", "住所", "電話番号"]


def people_as_csv(lines: str) -> bytes:
    """The principals of a manual record, one a line as 「氏名, 生年月日, 住所, 電話番号」 (tabs
    or commas; later fields optional), as the CSV list a screening would store."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MANUAL_HEADER)
    count = 0
    for line in (lines or "").splitlines():
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else ","
        fields = [f.strip() for f in line.split(separator)]
        if len(fields) > 4:  # an address with commas in it: everything between the date and the phone
            fields = [fields[0], fields[1], separator.join(fields[2:-1]), fields[-1]]
        writer.writerow((fields + ["", "", "", ""])[:4])
        count += 1
    if not count:
        raise Refused(
            "記録の対象となる本人を1行に1人ずつ入力してください。", "Enter the principals concerned, one per line."
        )
    return out.getvalue().encode("utf-8")


# Holds, disposal ------------------------------------------------------------------------------


def set_hold(entry: ProvisionRecord, reason: str | None, *, actor) -> None:
    """A hold (reason given) suspends disposal; releasing it (None) lets the next run dispose."""
    if entry.disposed_on is not None:
        raise Refused("廃棄済みの記録です。", "This record has been disposed of.")
    if reason is not None and not reason.strip():
        raise Refused("保留の理由を入力してください。", "Give the reason for the hold.")
    entry.on_hold = reason is not None
    entry.hold_reason = reason.strip() if reason else None
    db.session.flush()
    audit("provisions.held" if reason else "provisions.released", actor=actor, detail={"record_id": entry.id})


def due_for_disposal(as_of: date):
    return select(ProvisionRecord).where(
        ProvisionRecord.keep_until < as_of,
        ProvisionRecord.disposed_on.is_(None),
        ProvisionRecord.on_hold.is_(False),
    )


def dispose(as_of: date, *, dry_run: bool = False, actor_kind: str = "system") -> list[str]:
    """Dispose of the records past their period: the list shredded, its index deleted, the
    skeleton (date, counterparty, basis, counts) kept. Returns the record numbers."""
    done = []
    for entry in db.session.scalars(due_for_disposal(as_of).order_by(ProvisionRecord.id)).all():
        done.append(entry.number)
        if dry_run:
            continue
        db.session.execute(delete(RecordBucket).where(RecordBucket.record_id == entry.id))
        if entry.wrapped_key is not None:
            name = entry.storage_name
            storage.shred_key(entry)
            db.session.info.setdefault("desk_remove_after_commit", []).append(name)
        entry.indexed_count = 0
        entry.piece_rows = None
        entry.disposed_on = as_of
        db.session.flush()
        audit("provisions.disposed", actor_kind=actor_kind, detail={"record_id": entry.id})
    return done


# Reading -------------------------------------------------------------------------------------


def records_page(direction: str | None = None, page: int = 1, per_page: int = 50):
    query = select(ProvisionRecord).order_by(ProvisionRecord.occurred_on.desc(), ProvisionRecord.id.desc())
    if direction in DIRECTIONS:
        query = query.where(ProvisionRecord.direction == direction)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def figures(months: int = 12) -> dict:
    """Records per month (by direction) and per counterparty, for the dashboard."""
    month = func.substr(func.cast(ProvisionRecord.occurred_on, db.String), 1, 7)
    per_month = db.session.execute(
        select(month, ProvisionRecord.direction, func.count(), func.sum(ProvisionRecord.person_count))
        .group_by(month, ProvisionRecord.direction)
        .order_by(month.desc())
    ).all()
    months_seen: dict[str, dict] = {}
    for key, direction, count, people in per_month:
        row = months_seen.setdefault(key, {"month": key, "provision": 0, "receipt": 0, "people": 0})
        row[direction] = count
        row["people"] += people or 0
    per_counterparty = db.session.execute(
        select(Counterparty.code, Counterparty.name, ProvisionRecord.direction, func.count())
        .join(Counterparty, Counterparty.id == ProvisionRecord.counterparty_id)
        .group_by(Counterparty.code, Counterparty.name, ProvisionRecord.direction)
        .order_by(Counterparty.code)
    ).all()
    parties: dict[str, dict] = {}
    for code, name, direction, count in per_counterparty:
        row = parties.setdefault(code, {"code": code, "name": name, "provision": 0, "receipt": 0})
        row[direction] = count
    return {"months": list(months_seen.values())[:months], "counterparties": list(parties.values())}


EXPORT_HEADER = [
    "record",
    "direction",
    "occurred_on",
    "counterparty",
    "basis",
    "via",
    "people",
    "keep_until",
    "on_hold",
    "disposed_on",
]


def export_rows():
    """For an audit: codes, dates and counts, never a name."""
    rows = db.session.execute(
        select(
            ProvisionRecord.id,
            ProvisionRecord.direction,
            ProvisionRecord.occurred_on,
            Counterparty.code,
            ProvisionRecord.basis,
            ProvisionRecord.via,
            ProvisionRecord.person_count,
            ProvisionRecord.keep_until,
            ProvisionRecord.on_hold,
            ProvisionRecord.disposed_on,
        )
        .join(Counterparty, Counterparty.id == ProvisionRecord.counterparty_id)
        .order_by(ProvisionRecord.id)
    )
    for rid, direction, occurred, code, basis, via, people, keep, hold, disposed in rows:
        yield [
            f"{'P' if direction == 'provision' else 'R'}-{rid:06d}",
            direction,
            occurred.isoformat(),
            code,
            basis,
            via,
            people,
            keep.isoformat(),
            "1" if hold else "0",
            disposed.isoformat() if disposed else "",
        ]
