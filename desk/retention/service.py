"""Retention: when each case falls due, legal holds, and disposal.

Disposal of one case is one transaction: the wrapped keys of its documents and letters are
shredded, its personal details redacted, the case moved to "disposed" and a line added to
the run's record, all committed together, so an interrupted run never leaves a case
half-redacted. Only then are the ciphertext files deleted; a file whose deletion failed
(or was cut short by a crash) is found again on the next run: a shredded record that still
names a file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import Integer, any_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql

from desk import settings
from desk.audit.service import followed_a_moved_head, head_of_chain, record
from desk.cases import hooks, lifecycle
from desk.cases.models import Case
from desk.cases.service import transition_closed
from desk.clock import now, today
from desk.driver import DriverConnection, Outcome
from desk.extensions import db
from desk.retention.models import DisposalRun, DisposedCase, LegalHold
from desk.retention.schedule import disposal_due
from desk.storage.service import remove_file

#: States a case may be disposed from.
DISPOSABLE = sorted(lifecycle.CLOSED - {"disposed"})
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


@dataclass
class DueCase:
    id: int
    reference: str
    closed_on: date
    due_on: date
    status: str
    held: bool = False
    documents: int = 0


def _closing(until: date, *, include_held: bool) -> list[DueCase]:
    """Closed, undisposed cases whose disposal date is on or before `until`, oldest first."""
    years = retention_years()
    # closed_on <= until - years is a superset (relativedelta clamps 29 Feb); the exact
    # rule is applied in Python with the same function the case page shows.
    query = (
        select(Case.id, Case.reference, Case.closed_on, Case.status, Case.on_hold)
        .where(
            Case.status.in_(DISPOSABLE),
            Case.closed_on.is_not(None),
            Case.closed_on <= until - relativedelta(years=years),
        )
        .order_by(Case.closed_on, Case.id)
    )
    if not include_held:
        query = query.where(Case.on_hold.is_(False))
    rows = []
    for case_id, reference, closed_on, status, held in db.session.execute(query):
        day = disposal_due(closed_on, years)
        if day <= until:
            rows.append(DueCase(case_id, reference, closed_on, day, status, bool(held)))
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
        chunk = ids[start : start + BATCH]
        for model in _file_tables():
            for case_id, count in db.session.execute(
                select(model.case_id, func.count())
                .where(model.case_id.in_(chunk), model.storage_name.is_not(None))
                .group_by(model.case_id)
            ):
                by_id[case_id].documents += count


# --------------------------------------------------------------------------- holds


def active_hold(case: Case) -> LegalHold | None:
    return db.session.scalars(
        select(LegalHold).where(LegalHold.case_id == case.id, LegalHold.released_at.is_(None))
    ).first()


def holds_of(case: Case) -> list[LegalHold]:
    return list(
        db.session.scalars(
            select(LegalHold)
            .where(LegalHold.case_id == case.id)
            .order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())
        )
    )


def current_holds() -> list[LegalHold]:
    return list(
        db.session.scalars(
            select(LegalHold).where(LegalHold.released_at.is_(None)).order_by(LegalHold.placed_at, LegalHold.id)
        )
    )


def _lock(case: Case) -> Case:
    # The disposal job locks the same row: a hold and a disposal never cross.
    return db.session.scalars(
        select(Case).where(Case.id == case.id).with_for_update(of=Case).execution_options(populate_existing=True)
    ).one()


def place_hold(case: Case, reason: str, *, actor) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("保全の理由を入力してください。", "Enter the reason for the hold.")
    if len(reason) > HOLD_REASON_MAX:
        raise RetentionError(
            f"理由は{HOLD_REASON_MAX}文字以内で入力してください。",
            f"Keep the reason within {HOLD_REASON_MAX} characters.",
        )
    case = _lock(case)
    if case.status == "disposed":
        raise RetentionError("廃棄済みの案件は保全できません。", "A disposed case cannot be held.")
    if active_hold(case) is not None:
        raise RetentionError("この案件にはすでに保全がかかっています。", "This case is already on hold.")
    hold = LegalHold(case_id=case.id, reason=reason, placed_at=now(), placed_by_id=getattr(actor, "id", None))
    db.session.add(hold)
    case.on_hold = True
    db.session.flush()
    # The reason stays in the hold row: the audit trail holds codes only.
    record("retention.hold_placed", actor=actor, case=case, detail={"hold_id": hold.id})
    return hold


def release_hold(hold: LegalHold, *, actor) -> LegalHold:
    case = _lock(hold.case)
    db.session.refresh(hold)
    if hold.released_at is not None:
        raise RetentionError("この保全はすでに解除されています。", "This hold has already been released.")
    hold.released_at = now()
    hold.released_by_id = getattr(actor, "id", None)
    case.on_hold = False  # one hold stands at a time (place_hold refuses a second)
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
    #: Inquiries disposed of (or, in a dry run, due) by the same run (desk.inquiries).
    inquiries: list[str] = field(default_factory=list)


def _leftover_files(connection) -> list[tuple[type, int, str]]:
    """Shredded records that still name a file: their deletion failed or was cut short."""
    rows = []
    for model in _file_tables():
        rows += [
            (model, rid, name)
            for rid, name in connection.execute(
                select(model.id, model.storage_name).where(model.wrapped_key.is_(None), model.storage_name.is_not(None))
            )
        ]
    return rows


def _forget_removed(connection, removed: Iterable[tuple[type, int]]) -> None:
    """The files are gone: the records stop naming them (one statement per table and chunk)."""
    by_model: dict[type, list[int]] = {}
    for model, rid in removed:
        by_model.setdefault(model, []).append(rid)
    dialect = connection.dialect.name
    for model, ids in by_model.items():
        forget = update(model.__table__).where(_among_ids(model.id, dialect), model.wrapped_key.is_(None))
        for start in range(0, len(ids), BATCH):
            connection.execute(forget.values(storage_name=None), {"ids": ids[start : start + BATCH]})
    connection.commit()


def _remove(files: list[tuple[type, int, str]], directory: str | None = None) -> tuple[list[tuple[type, int]], int]:
    removed, failed = [], 0
    for model, rid, name in files:
        if remove_file(name, directory=directory):
            removed.append((model, rid))
        else:
            failed += 1
    return removed, failed


def _retry_file_removal(connection) -> tuple[int, int]:
    """Delete the files of shredded records left behind by an earlier run: (removed, still failing)."""
    removed, failed = _remove(_leftover_files(connection))
    if removed:
        _forget_removed(connection, removed)
    connection.commit()
    return len(removed), failed


def _among_ids(column, dialect: str):
    """`column` is one of :ids. PostgreSQL takes the batch as one array parameter: a list
    of 500 placeholders makes a new, long query text that neither SQLAlchemy nor psycopg
    caches, and parsing it each batch cost more than the batch's reads."""
    if dialect == "postgresql":
        return column == any_(bindparam("ids", type_=postgresql.ARRAY(Integer)))
    return column.in_(bindparam("ids", expanding=True))


def _files_of(connection, case_ids: list[int]) -> dict[int, list[tuple[type, int, str]]]:
    files: dict[int, list] = {case_id: [] for case_id in case_ids}
    dialect = connection.dialect.name
    for model in _file_tables():
        for rid, case_id, name in connection.execute(
            select(model.id, model.case_id, model.storage_name).where(
                _among_ids(model.case_id, dialect), model.storage_name.is_not(None)
            ),
            {"ids": case_ids},
        ):
            files[case_id].append((model, rid, name))
    return files


def _personal_data() -> list[hooks.PersonalData]:
    """Every kind of personal data a case holds, as the areas registered it in their
    register(app) (desk.cases.hooks.erase_at_disposal): a table with anything a person
    typed or a key to their files is there."""
    return hooks.of().personal_data


def _file_tables() -> list[type]:
    """Every table holding an encrypted file of a case."""
    return [entry.model for entry in _personal_data() if entry.files]


def _eraser(model, condition, values, cases):
    """The statement erasing one kind of personal data from the cases `cases` selects."""
    where = [cases] + ([condition] if condition is not None else [])
    if values is None:
        return delete(model).where(*where)
    return update(model).where(*where).values(**values)


def _erasers(dialect: str) -> list:
    """(finder, eraser) per kind: the finder lists which of :ids hold it, the eraser erases
    it for :the_case. Built once per dialect (kept with the hooks, rebuilt when an area
    registers more) so that their compiled forms are cached."""
    built = hooks.of().built
    if dialect not in built:
        case_id = bindparam("the_case")
        built[dialect] = [
            (
                select(entry.model.case_id).where(
                    _among_ids(entry.model.case_id, dialect),
                    *([entry.still_there] if entry.still_there is not None else []),
                ),
                _eraser(entry.model, entry.still_there, entry.values, entry.model.case_id == case_id),
            )
            for entry in _personal_data()
        ]
    return built[dialect]


def _erasures_for(connection, case_ids: list[int]) -> dict[int, list]:
    """Per case of the batch, the statements that erase what it holds (one query per kind)."""
    needed: dict[int, list] = {case_id: [] for case_id in case_ids}
    for finder, eraser in _erasers(connection.dialect.name):
        for case_id in set(connection.scalars(finder, {"ids": case_ids})):
            needed[case_id].append(eraser)
    return needed


def _sweep_disposed(connection) -> None:
    """Erase personal data that reached a case after its disposal listed what to erase
    (e.g. a note written in the same instant). One statement per kind; normally a no-op."""
    disposed = select(Case.id).where(Case.status == "disposed").scalar_subquery()
    for entry in _personal_data():
        connection.execute(
            _eraser(entry.model, entry.still_there, entry.values, entry.model.case_id.in_(disposed)),
            {"the_moment": now()},
        )
    connection.commit()


def _prefer_throughput(connection) -> None:
    """Each case commits on its own, and waiting for the disk at every one of 100,000
    commits would take most of the run. SQLite goes to write-ahead logging (persistent, and
    better for a web app's readers anyway) without a sync per commit; PostgreSQL skips the
    flush per commit (the log reaches the disk a fraction of a second later). A crash of
    the machine may then lose the last few commits, never consistency: such a case is
    simply disposed of again by the next run (its files may be gone already, as retention
    requires). These settings belong to this connection only, which is closed rather than
    returned to the pool at the end of the run."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # a no-op while another connection is open
        connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
        # Copy the log into the database every 200 MB rather than every 4: each copy waits
        # for the disk, and a page that many cases change (an index's last page, the head
        # of the audit trail) is copied once per checkpoint. Keep 64 MB of pages at hand
        # rather than 2. The run leaves the log empty again at its end (_restore).
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint=50000")
        connection.exec_driver_sql("PRAGMA cache_size=-65536")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET synchronous_commit TO OFF")
    connection.commit()


def _restore(connection) -> None:
    """After the run: SQLite copies its log back into the database and empties it, so that
    no 200 MB log lingers beside a database the web servers keep open."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _dispose_one(
    driver: DriverConnection,
    due: DueCase,
    files: list,
    erasers: list,
    run_id: int,
    as_of: date,
    actor,
    follows: str,
    pause: Callable[[], None] | None,
) -> tuple[Outcome, str]:
    """One case, one transaction, straight on the driver (SQLAlchemy's own work per
    statement would be most of a 100,000-case run). Nothing waits for the database: the
    transaction's Outcome says later whether it was kept. It is refused whole when the
    case is held or disposed already (see transition_closed) or when its audit event no
    longer follows the head of the chain (`follows`). Returns the Outcome and the hash of
    the case's audit event, which the next case's event follows."""
    event = transition_closed(
        due.id,
        due.reference,
        due.status,
        "disposed",
        actor=actor,
        on=as_of,
        detail={"run_id": run_id, "documents": len(files)},
        values={"disposed_on": as_of, "access_code_hash": None},
        connection=driver,
        follows=follows,
    )
    params = {"the_case": due.id, "the_moment": now()}
    for eraser in erasers:
        driver.execute(eraser, params)
    driver.execute(
        _RECORD_LINE,
        {
            "run_id": run_id,
            "case_id": due.id,
            "reference": due.reference,
            "closed_on": due.closed_on,
            "documents": len(files),
        },
    )
    if pause is not None:  # tests only: widens the window in which a run can be killed mid-case
        driver.send()
        pause()
    return driver.commit(wait=False), event


#: Tries per case before an error that is neither a hold, nor an earlier disposal, nor a
#: moved head of the audit trail stops the run.
TRIES = 3

_STATE = select(Case.status, Case.on_hold).where(Case.id == bindparam("the_case"))


def _read(driver: DriverConnection, read: Callable[[], object]):
    """`read()` in a transaction of its own."""
    value = read()
    driver.commit()
    return value


def _dispose_batch(
    driver: DriverConnection,
    batch: list[DueCase],
    files: dict,
    erasers: dict,
    run_id: int,
    as_of: date,
    actor,
    pause,
    *,
    disposed: Callable[[DueCase], None],
    refused: Callable[[DueCase], None],
) -> None:
    """Dispose of each case of `batch` in a transaction of its own, sent one after another
    without waiting. Each case's audit event follows the one before, taken on trust; if a
    case fails, the cases sent after it fail too (their events no longer follow the head),
    so the run waits for them all, learns the head again, and sends again those still
    disposable. A held case, or one disposed meanwhile by another run, is `refused`."""
    to_send: deque[DueCase] = deque(batch)
    sent: deque[tuple[DueCase, Outcome]] = deque()
    tries: dict[int, int] = {}
    follows: str | None = None
    while to_send or sent:
        if to_send:
            if follows is None:
                follows = _read(driver, lambda: head_of_chain(driver))
            due = to_send.popleft()
            outcome, follows = _dispose_one(
                driver, due, files[due.id], erasers[due.id], run_id, as_of, actor, follows, pause
            )
            sent.append((due, outcome))
            driver.poll()
        else:
            driver.settle()
        failed: list[tuple[DueCase, Exception]] = []
        while sent and (sent[0][1].settled or failed):
            if not sent[0][1].settled:
                driver.settle()  # everything after a failure: it failed too, or was kept
            due, outcome = sent.popleft()
            if outcome.error is None:
                disposed(due)
            else:
                failed.append((due, outcome.error))
        if not failed:
            continue
        follows = None
        # The first failure has a cause of its own; the others followed its audit event. A
        # head moved by another server's append is no fault of the case: only other causes
        # count towards TRIES.
        first, cause = failed[0]
        if not followed_a_moved_head(cause):
            tries[first.id] = tries.get(first.id, 0) + 1
        for due, error in reversed(failed):
            status, on_hold = _read(driver, lambda due=due: driver.execute(_STATE, {"the_case": due.id}).first())
            if on_hold or status != due.status:
                refused(due)
            elif tries.get(due.id, 0) >= TRIES:
                raise error
            else:
                to_send.appendleft(due)


@dataclass(frozen=True)
class _Actor:
    id: int


_RECORD_LINE = insert(DisposedCase.__table__)


def dispose(
    as_of: date | None = None,
    *,
    actor=None,
    actor_kind: str = "cli",
    dry_run: bool = False,
    progress: Callable[[DueCase, bool], None] | None = None,
    pause: Callable[[], None] | None = None,
) -> DisposalReport:
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

    # The run works on a connection of its own: the session would hand its connection back
    # to the pool (and ping it on the way out again) at every one of 100,000 commits. The
    # session is left without a transaction, and the actor is known by id alone, so nothing
    # reads through the session (and holds a lock) while the run writes.
    actor = _Actor(actor.id) if actor is not None else None
    db.session.commit()
    connection = db.engine.connect()
    driver = DriverConnection(connection)
    # Files are deleted on a thread of their own (the system calls let go of the GIL), so
    # that on two cores the deletions overlap the next cases' work.
    deleting, directory = (
        ThreadPoolExecutor(1, thread_name_prefix="desk-dispose-files"),
        current_app.config["DOCUMENT_DIR"],
    )
    try:
        _prefer_throughput(connection)
        report.files_retried, report.files_left = _retry_file_removal(connection)
        run_id = connection.execute(
            insert(DisposalRun.__table__).values(
                as_of=as_of,
                started_at=now(),
                actor_kind="staff" if actor is not None else actor_kind,
                actor_id=getattr(actor, "id", None),
                case_count=0,
                document_count=0,
            )
        ).inserted_primary_key[0]
        connection.commit()
        for start in range(0, len(report.cases), BATCH):
            batch = report.cases[start : start + BATCH]
            ids = [due.id for due in batch]
            files, erasers = _files_of(connection, ids), _erasures_for(connection, ids)
            connection.rollback()  # end the read; each case opens its own transaction
            removals: list[Future] = []

            def disposed(due: DueCase, files=files, removals=removals) -> None:
                report.disposed.append(due.reference)
                due.documents = len(files[due.id])
                report.documents += due.documents
                # Committed: the keys are gone. Now the ciphertext, on the deleting thread.
                if files[due.id]:
                    removals.append(deleting.submit(_remove, files[due.id], directory))
                if progress is not None:
                    progress(due, True)

            def refused(due: DueCase) -> None:
                if progress is not None:
                    progress(due, False)

            with driver.direct():
                _dispose_batch(
                    driver, batch, files, erasers, run_id, as_of, actor, pause, disposed=disposed, refused=refused
                )
            removed: list[tuple[type, int]] = []
            for removal in removals:
                done, failed = removal.result()
                removed += done
                report.files_left += failed
            if removed:
                _forget_removed(connection, removed)
        _sweep_disposed(connection)
        _restore(connection)
    finally:
        deleting.shutdown()  # a file of a committed case is deleted even if the run failed
        connection.invalidate()  # its settings (no sync per commit) must not serve anyone else
        connection.close()

    run = db.session.get(DisposalRun, run_id)
    run.case_count = len(report.disposed)
    run.document_count = report.documents
    run.finished_at = now()
    record(
        "retention.disposal_run",
        actor=actor,
        actor_kind=None if actor is not None else "system",
        detail={"run_id": run_id, "cases": run.case_count, "documents": run.document_count, "as_of": as_of.isoformat()},
    )
    db.session.commit()
    report.run = run
    return report


# --------------------------------------------------------------------------- record


def runs(limit: int = 50) -> list[DisposalRun]:
    return list(
        db.session.scalars(
            select(DisposalRun).order_by(DisposalRun.started_at.desc(), DisposalRun.id.desc()).limit(limit)
        )
    )


def lines_of(run: DisposalRun) -> list[DisposedCase]:
    return list(db.session.scalars(select(DisposedCase).where(DisposedCase.run_id == run.id).order_by(DisposedCase.id)))


def run_totals(run: DisposalRun) -> tuple[int, int]:
    """(cases, documents) from the run's lines: right even for a run that was interrupted."""
    cases, documents = db.session.execute(
        select(func.count(DisposedCase.id), func.coalesce(func.sum(DisposedCase.documents), 0)).where(
            DisposedCase.run_id == run.id
        )
    ).one()
    return int(cases), int(documents)
