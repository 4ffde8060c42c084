"""The disposal step as the command line shows it: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from datetime import date

import click

from desk.retention import service


def dispose(
    as_of: date, *, dry_run: bool = False, actor_kind: str = "cli", pause_per_case: float = 0.0, echo=click.echo
) -> service.DisposalReport:
    if dry_run:
        report = service.dispose(as_of, dry_run=True)
        for due in report.cases:
            echo(
                f"would dispose {due.reference} (closed {due.closed_on.isoformat()}, "
                f"due {due.due_on.isoformat()}, {due.documents} file(s))"
            )
        echo(f"dry run: {len(report.cases)} case(s) due on {as_of.isoformat()}; nothing changed")
        report.inquiries = _inquiries(as_of, dry_run=True, actor_kind=actor_kind, echo=echo)
        return report

    pause = (lambda: time.sleep(pause_per_case)) if pause_per_case > 0 else None
    interactive = sys.stdout.isatty()
    bar = None

    def progress(due, done):
        if bar is not None:
            bar.update(1)
        elif done:
            echo(f"disposed {due.reference} ({due.documents} file(s))")
        else:
            echo(f"skipped {due.reference} (held or changed since listed)")

    if interactive:
        count = len(service.due_cases(as_of))
        with click.progressbar(length=count, label="disposing", show_pos=True) as bar:
            report = service.dispose(as_of, actor_kind=actor_kind, progress=progress, pause=pause)
    else:
        report = service.dispose(as_of, actor_kind=actor_kind, progress=progress, pause=pause)
    if report.files_retried:
        echo(f"removed {report.files_retried} file(s) left over by an earlier run")
    echo(
        f"disposed: {len(report.disposed)} case(s), {report.documents} file(s) destroyed "
        f"(run {report.run.id}, as of {as_of.isoformat()})"
    )
    if report.files_left:
        click.echo(
            f"warning: {report.files_left} file(s) could not be deleted; their keys are shredded "
            f"and the next run retries them",
            err=True,
        )
    report.inquiries = _inquiries(as_of, dry_run=False, actor_kind=actor_kind, echo=echo)
    return report


def _inquiries(as_of: date, *, dry_run: bool, actor_kind: str, echo) -> list[str]:
    """Inquiries and complaints past `inquiry_retention_years` after closing, in the same run."""
    from desk.inquiries.service import dispose as dispose_inquiries

    done = dispose_inquiries(as_of, dry_run=dry_run, actor_kind=actor_kind)
    echo(
        f"inquiries: {len(done)} inquiry record(s) {'would be ' if dry_run else ''}disposed of "
        f"(person, matter, answer and files destroyed; skeleton kept)" + (f": {', '.join(done)}" if done else "")
    )
    return done
