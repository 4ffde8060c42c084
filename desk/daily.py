"""The daily job: all time-driven work, in order, each step reporting what it did."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk.cases import lifecycle
from desk.cases.models import Case
from desk.consent import service as consent
from desk.decisions.service import propose_lapses
from desk.delivery.service import expire as expire_packages
from desk.extensions import db
from desk.intake.staging import purge_stale
from desk.provisions import service as provisions
from desk.retention import commands as retention
from desk.storage.service import sweep_orphans
from desk.suppression.runs import purge_results
from desk.throttle import sweep as sweep_throttles


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


def run(as_of: date, echo=print, *, dry_run: bool = False) -> dict:
    """Each step in order. With `dry_run` (a rehearsal, e.g. of a date still to come)
    nothing is written: the steps say what they would do."""
    report: dict = {}
    would = "would be " if dry_run else ""
    lapses = propose_lapses(as_of, dry_run=dry_run)
    report["lapse_proposed"], report["notice_not_sent"] = lapses.proposed, lapses.notice_not_sent
    echo(
        f"lapse: {len(lapses.proposed)} case(s) past the requester's due date {would}sent to a supervisor "
        f"to treat as not made" + (f" ({', '.join(lapses.proposed)})" if lapses.proposed else "")
    )
    if lapses.notice_not_sent:
        echo(
            f"lapse: {len(lapses.notice_not_sent)} case(s) past the due date but the notice not yet sent, "
            f"so not proposed: {', '.join(lapses.notice_not_sent)}"
        )
    report["overdue"] = overdue_count(as_of)
    report["horizon_passed"] = horizon_passed_count(as_of)
    echo(
        f"overdue: {report['overdue']} open case(s) past their binding date; "
        f"{report['horizon_passed']} past the statutory horizon"
    )
    if dry_run:
        echo(
            "intake, storage, suppression: abandoned uploads, orphaned files and old screening results are left alone in a dry run"
        )
        rehearsal = retention.dispose(as_of, dry_run=True, echo=echo)
        report["disposed"] = [due.reference for due in rehearsal.cases]
        report["inquiries_disposed"] = rehearsal.inquiries
        report["provision_records_disposed"] = _dispose_provision_records(as_of, echo, dry_run=True)
        report["consent_disposed"] = _dispose_consent(as_of, echo, dry_run=True)
        return report
    report["staging_purged"] = purge_stale()
    echo(f"intake: {report['staging_purged']} abandoned upload(s) removed from staging")
    report["orphans_removed"] = sweep_orphans()
    echo(f"storage: {report['orphans_removed']} file(s) that no record names removed (left by an interrupted write)")
    report["screening_files_shredded"] = purge_results(as_of)
    db.session.commit()
    echo(f"suppression: {report['screening_files_shredded']} screened list file(s) shredded")
    report["packages_shredded"] = expire_packages()
    db.session.commit()
    echo(
        f"delivery: {report['packages_shredded']} electronically delivered package(s) shredded at the end of their period"
    )
    report["throttles_swept"] = sweep_throttles()
    echo(f"throttle: {report['throttles_swept']} expired counter(s) removed")
    disposal = retention.dispose(as_of, actor_kind="system", echo=echo)
    report["disposed"] = disposal.disposed
    report["inquiries_disposed"] = disposal.inquiries
    report["provision_records_indexed"] = provisions.index_pending()
    echo(f"provisions: {len(report['provision_records_indexed'])} record(s) whose list was still to be indexed indexed")
    report["provision_records_disposed"] = _dispose_provision_records(as_of, echo)
    report["consent_disposed"] = _dispose_consent(as_of, echo)
    return report


def _dispose_consent(as_of: date, echo, *, dry_run: bool = False) -> dict:
    """Consent records past consent_keep_days after a withdrawal; unconfirmed sign-ups' addresses once their link expired."""
    done = consent.dispose(as_of, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    echo(
        f"consent: {done['records']} record(s) {'would be ' if dry_run else ''}disposed of after their keeping period; "
        f"{done['signups_erased']} unconfirmed sign-up address(es) {'would be ' if dry_run else ''}erased"
    )
    return done


def _dispose_provision_records(as_of: date, echo, *, dry_run: bool = False) -> list[str]:
    """Records of provision and receipt past their basis's period (not held): list shredded, skeleton kept."""
    done = provisions.dispose(as_of, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    echo(
        f"provisions: {len(done)} record(s) of provision or receipt {'would be ' if dry_run else ''}disposed of "
        f"(list shredded, skeleton kept)" + (f": {', '.join(done)}" if done else "")
    )
    return done
