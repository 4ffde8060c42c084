"""Retention: when each case falls due, legal holds, and disposal.

Disposal of one case is one transaction: the wrapped keys of its documents and letters are
shredded, its personal details redacted, the case moved to "disposed" and a line added to
the run's record, all committed together, so an interrupted run never leaves a case
half-redacted. Only then are the ciphertext files deleted; a file whose deletion failed
(or was cut short by a crash) is found again on the next run: a shredded record that still
names a file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Iterable

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, bindparam, cast, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.orm import lazyload

from desk import settings
from desk.audit.service import record
from desk.cases import lifecycle
from desk.cases.models import Case, CaseExtension, CaseNote, RequestItem, Requester
from desk.cases.service import transition
from desk.clock import now, today
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.models import Document
from desk.letters.models import Letter
from desk.retention.models import DisposalRun, DisposedCase, LegalHold
from desk.retention.schedule import disposal_due
from desk.storage.service import remove_file
from desk.types import UTCDateTime

#: States a case may be disposed from.
DISPOSABLE = sorted(lifecycle.CLOSED - {"disposed"})
#: Every table holding an encrypted file of a case.
FILE_TABLES = (Document, Letter)
#: Cases read and their files removed per batch; each case still commits on its own.
BATCH = 500
HOLD_REASON_MAX = 1000


class RetentionError(Exception):
    """A hold that cannot be placed or released; the message is for the supervisor."""

    def __init__(self, ja: str, en: str):
        self.ja, self.en = ja, en
        super().__init__(en)

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


# --------------------------------------------------------------------------- schedule

def retention_years() -> int:
    return int(settings.get("retention_years"))


def due_on(case: Case) -> date | None:
    """The first day the case may be disposed of; None while open or once disposed."""
    if case.status not in DISPOSABLE:
        return None
    return disposal_due(case.closed_on, retention_years())


def _active_hold_exists():
    return exists().where(LegalHold.case_id == Case.id, LegalHold.released_at.is_(None))


@dataclass
class DueCase:
    id: int
    reference: str
    closed_on: date
    due_on: date
    held: bool = False
    documents: int = 0


def _closing(until: date, *, include_held: bool) -> list[DueCase]:
    """Closed, undisposed cases whose disposal date is on or before `until`, oldest first."""
    years = retention_years()
    # closed_on <= until - years is a superset (relativedelta clamps 29 Feb); the exact
    # rule is applied in Python with the same function the case page shows.
    query = (select(Case.id, Case.reference, Case.closed_on, _active_hold_exists().label("held"))
             .where(Case.status.in_(DISPOSABLE), Case.closed_on.is_not(None),
                    Case.closed_on <= until - relativedelta(years=years))
             .order_by(Case.closed_on, Case.id))
    if not include_held:
        query = query.where(~_active_hold_exists())
    rows = []
    for case_id, reference, closed_on, held in db.session.execute(query):
        day = disposal_due(closed_on, years)
        if day <= until:
            rows.append(DueCase(case_id, reference, closed_on, day, bool(held)))
    return rows


def due_cases(as_of: date) -> list[DueCase]:
    """The cases a run on `as_of` disposes of: due, and not under a legal hold."""
    return _closing(as_of, include_held=False)


def upcoming(as_of: date, days: int = 30, limit: int = 500) -> tuple[list[DueCase], int]:
    """Cases due now or within `days`, held ones included (flagged), for the staff page:
    the first `limit` of them with their file counts, and how many there are in all."""
    rows = _closing(as_of + timedelta(days=days), include_held=True)
    shown = rows[:limit]
    _count_files(shown)
    return shown, len(rows)


def _count_files(rows: list[DueCase]) -> None:
    by_id = {row.id: row for row in rows}
    ids = list(by_id)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        for model in FILE_TABLES:
            for case_id, count in db.session.execute(
                    select(model.case_id, func.count()).where(model.case_id.in_(chunk), model.storage_name.is_not(None))
                    .group_by(model.case_id)):
                by_id[case_id].documents += count


# --------------------------------------------------------------------------- holds

def active_hold(case: Case) -> LegalHold | None:
    return db.session.scalars(select(LegalHold).where(
        LegalHold.case_id == case.id, LegalHold.released_at.is_(None))).first()


def holds_of(case: Case) -> list[LegalHold]:
    return list(db.session.scalars(select(LegalHold).where(LegalHold.case_id == case.id)
                                   .order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())))


def current_holds() -> list[LegalHold]:
    return list(db.session.scalars(select(LegalHold).where(LegalHold.released_at.is_(None))
                                   .order_by(LegalHold.placed_at, LegalHold.id)))


def _lock(case: Case) -> Case:
    # The disposal job locks the same row: a hold and a disposal never cross.
    return db.session.scalars(select(Case).where(Case.id == case.id).with_for_update(of=Case)
                              .execution_options(populate_existing=True)).one()


def place_hold(case: Case, reason: str, *, actor) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("保全の理由を入力してください。", "Enter the reason for the hold.")
    if len(reason) > HOLD_REASON_MAX:
        raise RetentionError(f"理由は{HOLD_REASON_MAX}文字以内で入力してください。",
                             f"Keep the reason within {HOLD_REASON_MAX} characters.")
    case = _lock(case)
    if case.status == "disposed":
        raise RetentionError("廃棄済みの案件は保全できません。", "A disposed case cannot be held.")
    if active_hold(case) is not None:
        raise RetentionError("この案件にはすでに保全がかかっています。", "This case is already on hold.")
    hold = LegalHold(case_id=case.id, reason=reason, placed_at=now(), placed_by_id=getattr(actor, "id", None))
    db.session.add(hold)
    db.session.flush()
    # The reason stays in the hold row: the audit trail holds codes only.
    record("retention.hold_placed", actor=actor, case=case, detail={"hold_id": hold.id})
    return hold


def release_hold(hold: LegalHold, *, actor) -> LegalHold:
    _lock(hold.case)
    db.session.refresh(hold)
    if hold.released_at is not None:
        raise RetentionError("この保全はすでに解除されています。", "This hold has already been released.")
    hold.released_at = now()
    hold.released_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("retention.hold_released", actor=actor, case=hold.case, detail={"hold_id": hold.id})
    return hold


# --------------------------------------------------------------------------- disposal

@dataclass
class DisposalReport:
    as_of: date
    dry_run: bool
    cases: list[DueCase] = field(default_factory=list)
    #: References disposed in this run (not in a dry run).
    disposed: list[str] = field(default_factory=list)
    documents: int = 0
    #: Files of earlier runs whose deletion had failed and now succeeded.
    files_retried: int = 0
    #: Files that could not be deleted this time (retried next run).
    files_left: int = 0
    run: DisposalRun | None = None


def _leftover_files() -> list[tuple[type, int, str]]:
    """Shredded records that still name a file: their deletion failed or was cut short."""
    rows = []
    for model in FILE_TABLES:
        rows += [(model, rid, name) for rid, name in db.session.execute(
            select(model.id, model.storage_name).where(model.wrapped_key.is_(None), model.storage_name.is_not(None)))]
    return rows


def _forget_removed(removed: Iterable[tuple[type, int]]) -> None:
    """The files are gone: the records stop naming them (one statement per table and chunk)."""
    by_model: dict[type, list[int]] = {}
    for model, rid in removed:
        by_model.setdefault(model, []).append(rid)
    for model, ids in by_model.items():
        for start in range(0, len(ids), BATCH):
            db.session.execute(update(model).where(model.id.in_(ids[start:start + BATCH]), model.wrapped_key.is_(None))
                               .values(storage_name=None).execution_options(synchronize_session=False))
    db.session.commit()


def _remove(files: list[tuple[type, int, str]]) -> tuple[list[tuple[type, int]], int]:
    removed, failed = [], 0
    for model, rid, name in files:
        if remove_file(name):
            removed.append((model, rid))
        else:
            failed += 1
    return removed, failed


def retry_file_removal() -> tuple[int, int]:
    """Delete the files of shredded records left behind by an earlier run: (removed, still failing)."""
    removed, failed = _remove(_leftover_files())
    if removed:
        _forget_removed(removed)
    return len(removed), failed


def _files_of(case_ids: list[int]) -> dict[int, list[tuple[type, int, str]]]:
    files: dict[int, list] = {case_id: [] for case_id in case_ids}
    for model in FILE_TABLES:
        for rid, case_id, name in db.session.execute(
                select(model.id, model.case_id, model.storage_name)
                .where(model.case_id.in_(case_ids), model.storage_name.is_not(None))):
            files[case_id].append((model, rid, name))
    return files


#: Personal data other areas keep per case, registered with erase_at_disposal().
_REGISTERED: list[tuple] = []


def erase_at_disposal(model, still_there=None, values: dict | None = None) -> None:
    """Let an area add a table of its own to what disposal erases: `model` has a `case_id`;
    `values` erases the columns (None deletes the rows); `still_there` is a condition true
    while something is left to erase (None: any row). Call once at import of the area."""
    global _ERASERS
    if not any(entry[0] is model for entry in _REGISTERED):
        _REGISTERED.append((model, still_there, values))
        _ERASERS = None


def _personal_data():
    """Every kind of personal data a case holds: (model, condition that it is still there,
    values that erase it, or None to delete the rows). Keep this list whole: a table with
    anything a person typed or a key to their files belongs here."""
    moment = bindparam("the_moment", type_=UTCDateTime())
    return _REGISTERED + [
        (Document, or_(Document.wrapped_key.is_not(None), Document.deficiency.is_not(None)),
         {"wrapped_key": None, "deficiency": None, "destroyed_at": func.coalesce(Document.destroyed_at, moment)}),
        (Letter, Letter.wrapped_key.is_not(None), {"wrapped_key": None, "destroyed_at": moment}),
        (Requester, None, None),
        (CaseNote, None, None),
        (RequestItem, or_(RequestItem.particulars.is_not(None), RequestItem.explanation.is_not(None),
                          cast(RequestItem.details, String) != "{}"),
         {"particulars": None, "explanation": None, "details": {}}),
        (FeePayment, FeePayment.note.is_not(None), {"note": None}),
        (CaseExtension, CaseExtension.reason != "", {"reason": ""}),
    ]


def _eraser(model, condition, values, cases):
    """The statement erasing one kind of personal data from the cases `cases` selects."""
    where = [cases] + ([condition] if condition is not None else [])
    if values is None:
        return delete(model).where(*where)
    return update(model).where(*where).values(**values)


_ERASERS: list | None = None


def _erasers() -> list:
    """(finder, eraser) per kind: the finder lists which of :ids hold it, the eraser erases
    it for :case_id. Built once, so their compiled forms are cached."""
    global _ERASERS
    if _ERASERS is None:
        ids, case_id = bindparam("ids", expanding=True), bindparam("the_case")
        _ERASERS = [
            (select(model.case_id).where(model.case_id.in_(ids), *([condition] if condition is not None else [])),
             _eraser(model, condition, values, model.case_id == case_id))
            for model, condition, values in _personal_data()]
    return _ERASERS


_PLAIN = {"synchronize_session": False}


def _erasures_for(case_ids: list[int]) -> dict[int, list]:
    """Per case of the batch, the statements that erase what it holds (one query per kind)."""
    needed: dict[int, list] = {case_id: [] for case_id in case_ids}
    for finder, eraser in _erasers():
        for case_id in set(db.session.scalars(finder, {"ids": case_ids})):
            needed[case_id].append(eraser)
    return needed


def _sweep_disposed() -> None:
    """Erase personal data that reached a case after its disposal listed what to erase
    (e.g. a note written in the same instant). One statement per kind; normally a no-op."""
    disposed = select(Case.id).where(Case.status == "disposed").scalar_subquery()
    for model, condition, values in _personal_data():
        db.session.execute(_eraser(model, condition, values, model.case_id.in_(disposed)), {"the_moment": now()},
                           execution_options=_PLAIN)
    db.session.commit()


def _prefer_throughput() -> None:
    """Each case commits on its own, and waiting for the disk at every one of 100,000
    commits would take most of the run. SQLite goes to write-ahead logging (persistent, and
    better for a web app's readers anyway) and PostgreSQL skips the flush per commit. A
    crash may then lose the last few commits, never consistency: such a case is simply
    disposed of again by the next run (its files may be gone already, as retention requires)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("PRAGMA journal_mode=WAL"))  # a no-op while another connection is open
        db.session.commit()


def _dispose_one(due: DueCase, files: list, erasers: list, run_id: int, as_of: date, actor,
                 pause: Callable[[], None] | None) -> bool:
    """One case, one transaction. False when it is no longer disposable (held or changed
    since it was listed): nothing is touched then."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_ASYNC_COMMIT)
    elif connection.dialect.name == "sqlite":
        connection.execute(_NORMAL_SYNC)
    row = db.session.execute(_LOCK_CASE, {"the_case": due.id}).first()
    if row is None or row.held or row.Case.status not in DISPOSABLE or due_on(row.Case) > as_of:
        db.session.rollback()
        return False
    case = row.Case
    params = {"the_case": case.id, "the_moment": now()}
    for eraser in erasers:
        connection.execute(eraser, params)
    case.access_code_hash = None
    case.disposed_on = as_of
    # Its look-ups (pauses, extensions, audit head) read nothing this case has pending, so
    # flushing the case before each of them would only repeat the unit of work.
    with db.session.no_autoflush:
        transition(case, "disposed", actor=actor, on=as_of, detail={"run_id": run_id, "documents": len(files)})
    connection.execute(_RECORD_LINE, {"run_id": run_id, "case_id": case.id, "reference": case.reference,
                                      "closed_on": case.closed_on, "documents": len(files)})
    if pause is not None:
        pause()  # tests only: widens the window in which a run can be killed mid-case
    db.session.commit()
    return True


import desk.models  # noqa: E402,F401  (every mapper known before the statements below are built)

_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
_NORMAL_SYNC = text("PRAGMA synchronous=NORMAL")
#: The case, locked against a concurrent hold, and whether a hold stands.
_LOCK_CASE = (select(Case, exists().where(LegalHold.case_id == Case.id, LegalHold.released_at.is_(None)).label("held"))
              .options(lazyload(Case.assignee)).where(Case.id == bindparam("the_case")).with_for_update(of=Case))
_RECORD_LINE = insert(DisposedCase.__table__)


def dispose(as_of: date | None = None, *, actor=None, actor_kind: str = "cli", dry_run: bool = False,
            progress: Callable[[DueCase, bool], None] | None = None,
            pause: Callable[[], None] | None = None) -> DisposalReport:
    """Dispose of every case due on `as_of` that no legal hold protects.

    `progress(case, disposed)` is called after each case. A dry run lists and changes
    nothing, files included."""
    as_of = as_of or today()
    report = DisposalReport(as_of=as_of, dry_run=dry_run)
    report.cases = due_cases(as_of)
    if dry_run:
        _count_files(report.cases)
        db.session.rollback()
        return report

    _prefer_throughput()
    report.files_retried, report.files_left = retry_file_removal()
    run = DisposalRun(as_of=as_of, started_at=now(), actor_kind="staff" if actor is not None else actor_kind,
                      actor_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.commit()
    report.run = run
    run_id = run.id

    for start in range(0, len(report.cases), BATCH):
        batch = report.cases[start:start + BATCH]
        ids = [due.id for due in batch]
        files, erasers = _files_of(ids), _erasures_for(ids)
        db.session.rollback()  # end the read; each case opens its own transaction
        to_remove = []
        for due in batch:
            done = _dispose_one(due, files[due.id], erasers[due.id], run_id, as_of, actor, pause)
            if done:
                report.disposed.append(due.reference)
                due.documents = len(files[due.id])
                report.documents += due.documents
                # Committed: the keys are gone. Now the ciphertext.
                for entry in files[due.id]:
                    if remove_file(entry[2]):
                        to_remove.append(entry[:2])
                    else:
                        report.files_left += 1
            if progress is not None:
                progress(due, done)
        if to_remove:
            _forget_removed(to_remove)
    _sweep_disposed()

    run = db.session.get(DisposalRun, run_id)
    run.case_count = len(report.disposed)
    run.document_count = report.documents
    run.finished_at = now()
    record("retention.disposal_run", actor=actor, actor_kind=None if actor is not None else "system",
           detail={"run_id": run_id, "cases": run.case_count, "documents": run.document_count,
                   "as_of": as_of.isoformat()})
    db.session.commit()
    report.run = run
    return report


# --------------------------------------------------------------------------- record

def runs(limit: int = 50) -> list[DisposalRun]:
    return list(db.session.scalars(select(DisposalRun).order_by(DisposalRun.started_at.desc(), DisposalRun.id.desc())
                                   .limit(limit)))


def lines_of(run: DisposalRun) -> list[DisposedCase]:
    return list(db.session.scalars(select(DisposedCase).where(DisposedCase.run_id == run.id)
                                   .order_by(DisposedCase.id)))


def run_totals(run: DisposalRun) -> tuple[int, int]:
    """(cases, documents) from the run's lines: right even for a run that was interrupted."""
    cases, documents = db.session.execute(
        select(func.count(DisposedCase.id), func.coalesce(func.sum(DisposedCase.documents), 0))
        .where(DisposedCase.run_id == run.id)).one()
    return int(cases), int(documents)
