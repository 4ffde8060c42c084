"""`flask --app wsgi desk …`: thin commands that call services.

Every command exits 0 on success, non-zero with a one-line reason on stderr otherwise.
"""
from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup

from desk.extensions import db

desk_cli = AppGroup("desk", help="desk: operator commands.")


def fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def parse_date(value: str | None) -> date:
    from desk.clock import today

    if value is None:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of must be a date as YYYY-MM-DD, not {value!r}", 2)


@desk_cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, help="officer, supervisor, admin or auditor")
@click.option("--name", help="display name")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def create_user_command(email, role, name, password_stdin):
    """Create a staff account."""
    from desk.auth.service import StaffError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, role, password, name=name)
    except StaffError as error:
        db.session.rollback()
        fail(str(error))
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@desk_cli.command("demo")
@click.option("--cases", "count", default=60, show_default=True, help="how many cases to create")
@click.option("--if-empty", is_flag=True, help="do nothing when the database already has cases")
def demo_command(count, if_empty):
    """Fill the database with realistic demo cases in every state."""
    from desk import demo

    if count < 1:
        fail("--cases must be at least 1", 2)
    if if_empty and demo.has_cases():
        click.echo("demo: the database already has cases; nothing added")
    else:
        made = demo.load(count)
        click.echo(f"demo: {made} cases created")
    for email, role in demo.DEMO_STAFF_LOGINS:
        click.echo(f"  staff login: {email} / {demo.DEMO_PASSWORD} ({role})")


@desk_cli.command("daily")
@click.option("--as-of", "as_of", help="run as if today were YYYY-MM-DD")
def daily_command(as_of):
    """All time-driven work: lapse, overdue, retention."""
    from desk import daily

    daily.run(parse_date(as_of), echo=click.echo)


@desk_cli.command("audit-verify")
def audit_verify_command():
    """Check the audit trail's hash chain; non-zero exit naming the first bad event."""
    from desk.audit.service import verify

    result = verify()
    if not result.ok:
        fail(f"audit trail broken at event {result.bad_event_id}: {result.reason} "
             f"({result.checked} events verified before it)")
    click.echo(f"audit trail intact: {result.checked} events verified")


@desk_cli.command("dispose")
@click.option("--as-of", "as_of", help="count retention as if today were YYYY-MM-DD")
@click.option("--dry-run", is_flag=True, help="list what would be disposed of and change nothing")
@click.option("--pause-per-case", type=float, default=0.0, hidden=True,
              help="tests only: seconds to wait inside each case's transaction")
def dispose_command(as_of, dry_run, pause_per_case):
    """Retention: destroy the documents of cases past their retention date and redact them."""
    from desk.retention import commands

    commands.dispose(parse_date(as_of), dry_run=dry_run, actor_kind="cli", pause_per_case=pause_per_case)
