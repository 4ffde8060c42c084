"""The daily job: all time-driven work, in order, each step reporting what it did."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk.cases import lifecycle
from desk.cases.models import Case
from desk.decisions.service import propose_lapses
from desk.extensions import db
from desk.intake.staging import purge_stale
from desk.retention import commands as retention
from desk.suppression.runs import purge_results


def overdue_count(as_of: date) -> int:
    return db.session.scalar(select(func.count()).select_from(Case).where(Case.overdue_on(as_of))) or 0


def horizon_passed_count(as_of: date) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.status.in_(sorted(lifecycle.OPEN)), Case.statutory_horizon_on < as_of)
        )
        or 0
    )


def run(as_of: date, echo=print) -> dict:
    report: dict = {}
    report["lapse_proposed"] = propose_lapses(as_of)
    echo(
        f"lapse: {len(report['lapse_proposed'])} case(s) past the requester's due date sent to a supervisor "
        f"to treat as not made" + (f" ({', '.join(report['lapse_proposed'])})" if report["lapse_proposed"] else "")
    )
    report["overdue"] = overdue_count(as_of)
    report["horizon_passed"] = horizon_passed_count(as_of)
    echo(
        f"overdue: {report['overdue']} open case(s) past their binding date; "
        f"{report['horizon_passed']} past the statutory horizon"
    )
    report["staging_purged"] = purge_stale()
    echo(f"intake: {report['staging_purged']} abandoned upload(s) removed from staging")
    report["screening_files_shredded"] = purge_results(as_of)
    db.session.commit()
    echo(f"suppression: {report['screening_files_shredded']} screened list file(s) shredded")
    report["disposed"] = retention.dispose(as_of, actor_kind="system", echo=echo).disposed
    return report
