"""`flask --app wsgi desk …`: thin commands that call services.

Every command exits 0 on success, non-zero with a one-line reason on stderr otherwise.
"""

from __future__ import annotations

import os
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


def rehearsal_only(as_of: date, dry_run: bool) -> None:
    """A day still to come can be rehearsed, never acted on: what it would do depends on
    what happens before it (a payment, a hold), and proposals dated today would cite a
    deadline that has not come."""
    from desk.clock import today

    if as_of > today() and not dry_run:
        fail(f"--as-of {as_of.isoformat()} is later than today: add --dry-run to rehearse it (nothing changes)")


@desk_cli.command("daily")
@click.option("--as-of", "as_of", help="run as if today were YYYY-MM-DD (a later date needs --dry-run)")
@click.option("--dry-run", is_flag=True, help="say what would be done and change nothing")
def daily_command(as_of, dry_run):
    """All time-driven work: lapse, overdue, retention."""
    from desk import daily

    day = parse_date(as_of)
    rehearsal_only(day, dry_run)
    daily.run(day, echo=click.echo, dry_run=dry_run)


@desk_cli.command("audit-verify")
@click.option(
    "--head",
    "head_file",
    type=click.File("r", encoding="utf-8"),
    help="a head exported earlier with `audit-head`: the trail must still lead to it",
)
def audit_verify_command(head_file):
    """Check the audit trail's keyed chain; non-zero exit naming the first bad event."""
    from desk.audit.service import HeadRefused, read_head, verify

    head = None
    if head_file is not None:
        try:
            head = read_head(head_file.read())
        except HeadRefused as error:
            fail(f"{head_file.name}: {error}")
    result = verify(head=head)
    if not result.ok:
        fail(
            f"audit trail broken at event {result.bad_event_id}: {result.reason} "
            f"({result.checked} events verified before it)"
        )
    for note in result.notes:
        click.echo(f"note: {note}")
    reached = f"; it reaches the exported head (event {head['last_id']})" if head else ""
    click.echo(f"audit trail intact: {result.checked} events verified{reached}")


@desk_cli.command("audit-head")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="the file to write; keep it outside the database's reach (an auditor's own storage)",
)
def audit_head_command(output):
    """Export the signed head of the audit trail, for `audit-verify --head`."""
    import json

    from desk.audit.service import export_head, verify

    head = export_head()
    result = verify(head=head)  # a head is exported only for a trail that holds
    if not result.ok:
        fail(f"audit trail broken at event {result.bad_event_id}: {result.reason}; no head exported")
    with open(output, "w", encoding="utf-8") as out:
        json.dump(head, out, indent=2)
        out.write("\n")
    click.echo(f"audit head exported: event {head['last_id']} of {head['events']} to {output}")


def csv_export(command):
    """The options every CSV export for an audit takes: where to write it and in which language."""
    command = click.option(
        "--lang",
        type=click.Choice(["ja", "en"]),
        default="ja",
        show_default=True,
        help="language of the header and labels",
    )(command)
    return click.option(
        "-o",
        "--output",
        "output",
        required=True,
        type=click.Path(dir_okay=False, writable=True),
        help="the CSV file to write (UTF-8 with BOM, CRLF)",
    )(command)


@desk_cli.command("export-register")
@csv_export
def export_register_command(output, lang):
    """The register of requests as CSV, one row per case and kind, for audits."""
    from desk.audit.service import record
    from desk.reports import request_register as register

    try:
        count = register.write(output, lang=lang)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    record("register.exported", detail={"lang": lang, "via": "cli", "rows": count})
    db.session.commit()
    click.echo(f"register: {count} row(s) written to {output}")


@desk_cli.command("export-inquiries")
@csv_export
def export_inquiries_command(output, lang):
    """Inquiries and complaints as CSV, one row per inquiry (codes and dates, no names)."""
    from desk.audit.service import record
    from desk.reports import inquiries

    try:
        count = inquiries.write(output, lang=lang)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    record("inquiries.exported", detail={"lang": lang, "via": "cli", "rows": count})
    db.session.commit()
    click.echo(f"inquiries: {count} row(s) written to {output}")


@desk_cli.command("letter")
@click.argument("reference", required=False)
@click.argument("kind", required=False)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="the PDF file to write",
)
@click.option("--lang", type=click.Choice(["ja", "en"]), help="language (default: the case's)")
@click.option("--calibration", is_flag=True, help="write the envelope calibration sheet instead of a letter")
def letter_command(reference, kind, output, lang, calibration):
    """Render one letter of a case (KIND: ack, shortfall, extension, reply, lapse), or --calibration."""
    from desk.cases.service import by_reference
    from desk.letters import service

    if calibration:
        if reference or kind:
            fail("--calibration takes no REF or KIND", 2)
        data = service.calibration_sheet(lang=lang or "ja")
    else:
        if not reference or not kind:
            fail("give REF and KIND (ack, shortfall, extension, reply or lapse), or --calibration", 2)
        if kind not in service.LETTER_KINDS:
            fail(f"unknown letter kind {kind!r}: use one of {', '.join(service.LETTER_KINDS)}", 2)
        case = by_reference(reference)
        if case is None:
            fail(f"no case with reference {reference!r}")
        sent = service.sent_copy(case, kind, lang or case.language or "ja")
        if sent is not None:
            # Sent already: the copy as it went out, not a new rendering with today's date.
            data = service.read_stored(sent)
            click.echo(f"{reference}: the {kind} letter as sent on {sent.dispatched_on.isoformat()} (stored copy)")
        else:
            try:
                data = service.render(case, kind, lang)
            except service.LetterError as error:
                fail(f"{reference}: {error.en}")
            from desk.audit.service import record

            record("letter.rendered", case=case, detail={"kind": kind, "lang": lang or case.language})
            click.echo(f"{reference}: a draft of the {kind} letter, dated today")
        db.session.commit()
    try:
        with open(output, "wb") as fh:
            fh.write(data)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}")
    click.echo(f"wrote {output} ({len(data):,} bytes)")


@desk_cli.command("screen")
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="the screened list")
@click.option("--report", type=click.Path(dir_okay=False), help="the report (default: OUTPUT.report.csv beside it)")
@click.option(
    "--direction",
    type=click.Choice(["acquired", "delivery"]),
    default="delivery",
    show_default=True,
    help="a list the business acquired, or one it is about to deliver",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="map a column: name, kana, address, phone, birth_date (repeat; address may take several)",
)
@click.option(
    "--to",
    "recipient",
    metavar="COUNTERPARTY",
    help="record the delivery of the screened list to this counterparty (Art. 29)",
)
@click.option(
    "--from", "provider", metavar="COUNTERPARTY", help="record the receipt of the list from this counterparty (Art. 30)"
)
@click.option(
    "--basis",
    type=click.Choice(["consent", "consent_goods", "optout", "other"]),
    default="optout",
    show_default=True,
    help="with --to/--from: the basis of the provision",
)
@click.option(
    "--acquired-how",
    "acquisition",
    metavar="TEXT",
    help="with --from (required): the provider's statement of how it acquired the list, as confirmed",
)
@click.option(
    "--channel",
    type=click.Choice(["email", "post", "phone", "sms"]),
    help="a marketing list: e-mail and SMS keep only opted-in addresses, every channel removes its opt-outs",
)
@click.option("--purpose", metavar="PURPOSE", help="with --channel: the purpose (setting consent_purposes)")
def screen_command(
    input_file, output, report, direction, columns, recipient, provider, basis, acquisition, channel, purpose
):
    """Screen a CSV list against the suppression register (and record its provision or receipt)."""
    import getpass
    from pathlib import Path

    from desk.suppression.csv_input import parse_column_options
    from desk.suppression.errors import SuppressionError
    from desk.suppression.runs import default_report_path, screen_file

    recorded = None
    consent = _consent_filter(channel, purpose)
    try:
        if recipient or provider:
            run, recorded, listed = _screen_and_record(
                input_file, output, report, direction, columns, recipient, provider, basis, acquisition, consent
            )
        else:
            run = screen_file(
                Path(input_file),
                Path(output),
                Path(report) if report else None,
                direction=direction,
                overrides=parse_column_options(columns),
                operator=getpass.getuser(),
                consent=consent,
            )
    except SuppressionError as error:
        db.session.rollback()
        fail(f"{input_file}: {error.message('en')}")
    except OSError as error:
        db.session.rollback()
        fail(f"{error.filename or input_file}: {error.strerror}")
    db.session.commit()
    click.echo(
        f"screened {run.rows_in} rows against {run.register_size} register entries: "
        f"{run.rows_removed} removed, {run.rows_in - run.rows_removed} written to {output}; "
        f"report: {report or default_report_path(Path(output))} (log #{run.id}, {run.direction})"
    )
    if consent is not None:
        click.echo(f"{run.consent_removed} of the removed rows by {channel} consent for {purpose}")
    if recorded is not None:
        from desk.provisions.screening import index_screened

        index_screened(recorded, listed)
        click.echo(
            f"recorded {recorded.number}: {recorded.direction} of {recorded.person_count} people, "
            f"{'to' if recorded.direction == 'provision' else 'from'} {recorded.counterparty.code}, "
            f"basis {recorded.basis}, kept until {recorded.keep_until.isoformat()}"
        )


def _consent_filter(channel, purpose):
    """`desk screen --channel C --purpose P`: the consent register of that channel and purpose."""
    if not channel and not purpose:
        return None
    if not (channel and purpose):
        fail("give --channel and --purpose together", 2)
    from desk.cases.lifecycle import Refused
    from desk.consent.screening import ChannelFilter

    try:
        return ChannelFilter.from_database(channel, purpose)
    except Refused as refused:
        fail(refused.message("en"), 2)


def _screen_and_record(
    input_file, output, report, direction, columns, recipient, provider, basis, acquisition, consent=None
):
    """`desk screen --to/--from`: the record is checked before the list is screened."""
    import getpass
    from pathlib import Path

    from desk.cases.lifecycle import Refused
    from desk.provisions.screening import screen_file_and_record
    from desk.suppression.csv_input import parse_column_options

    if recipient and provider:
        fail("give --to (a delivery) or --from (a receipt), not both", 2)
    if recipient and direction != "delivery":
        fail("--to records a delivery: use it with --direction delivery", 2)
    if provider and direction != "acquired":
        fail("--from records a receipt: use it with --direction acquired", 2)
    try:
        return screen_file_and_record(
            Path(input_file),
            Path(output),
            Path(report) if report else None,
            direction=direction,
            counterparty=recipient or provider,
            basis=basis,
            acquisition=acquisition,
            overrides=parse_column_options(columns),
            operator=getpass.getuser(),
            consent=consent,
        )
    except Refused as refused:
        db.session.rollback()
        fail(f"{input_file}: {refused.message('en')}; nothing was screened or recorded")


@desk_cli.command("export-provisions")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write the CSV here (default: standard output)")
def export_provisions_command(output):
    """The records of provision and receipt for an audit: codes, dates and counts, no names."""
    import contextlib
    import csv

    from desk.audit.service import record
    from desk.provisions.service import EXPORT_HEADER, export_rows

    rows = list(export_rows())
    with open(output, "w", newline="", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)
    record("provisions.exported", actor_kind="cli", detail={"records": len(rows)})
    db.session.commit()
    if output:
        click.echo(f"wrote {len(rows)} record(s) to {output}")


@desk_cli.command("suppression-import")
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--scope",
    type=click.Choice(["third_party_provision", "all_use"]),
    default="third_party_provision",
    show_default=True,
    help="scope for rows without a scope column",
)
@click.option("--reference", help="source reference for rows without one (e.g. the old register's name)")
@click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER", help="as for screen")
def suppression_import_command(input_file, scope, reference, columns):
    """Add the people in a CSV file to the suppression register (all rows or none)."""
    from desk.suppression.csv_input import parse_column_options
    from desk.suppression.errors import SuppressionError
    from desk.suppression.imports import import_register

    try:
        with open(input_file, "rb") as source:
            count = import_register(
                source, default_scope=scope, reference=reference, overrides=parse_column_options(columns)
            )
    except SuppressionError as error:
        db.session.rollback()
        fail(f"{input_file}: {error.message('en')}; nothing was imported")
    db.session.commit()
    click.echo(f"imported {count} entries into the suppression register")


@desk_cli.command("dispose")
@click.option("--as-of", "as_of", help="count retention as if today were YYYY-MM-DD (a later date needs --dry-run)")
@click.option("--dry-run", is_flag=True, help="list what would be disposed of and change nothing")
@click.option(
    "--pause-per-case",
    type=float,
    default=0.0,
    hidden=True,
    help="tests only: seconds to wait inside each case's transaction",
)
def dispose_command(as_of, dry_run, pause_per_case):
    """Retention: destroy the documents of cases past their retention date and redact them."""
    from desk.retention import commands

    day = parse_date(as_of)
    rehearsal_only(day, dry_run)
    commands.dispose(day, dry_run=dry_run, actor_kind="cli", pause_per_case=pause_per_case)


@desk_cli.command("consent-headers")
@click.argument("email")
@click.argument("purpose")
def consent_headers_command(email, purpose):
    """Print List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) for one address and purpose."""
    from desk.cases.lifecycle import Refused
    from desk.consent import links, service
    from desk.consent.keys import Keyring, address_for

    try:
        service.check_purpose(purpose, "given")
        digest = address_for("email", email=email).digest(Keyring())
        headers = links.list_unsubscribe_headers(digest, purpose)
    except Refused as refused:
        fail(refused.message("en"), 2)
    for name, value in headers:
        click.echo(f"{name}: {value}")


@desk_cli.command("consent-import")
@click.argument("input_file", type=click.File("rb"))
@click.option("--channel", type=click.Choice(["email", "post", "phone", "sms"]), help="for rows that name none")
@click.option("--purpose", metavar="PURPOSE", help="for rows that name none")
def consent_import_command(input_file, channel, purpose):
    """Import consent records (given or withdrawn) from another system: every row, or none."""
    from desk.consent.imports import import_records
    from desk.suppression.errors import SuppressionError

    try:
        count = import_records(
            input_file, source_name=os.path.basename(input_file.name), channel=channel, purpose=purpose
        )
    except SuppressionError as error:
        db.session.rollback()
        fail(f"{input_file.name}: {error.message('en')}; nothing was imported")
    db.session.commit()
    click.echo(f"imported {count} consent record(s) from {input_file.name}")


@desk_cli.command("export-consents")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write the CSV here (default: standard output)")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
def export_consents_command(output, lang):
    """The consent log for an audit: UTF-8 with BOM, no address in clear."""
    from desk.consent.export import write_log

    if output:
        with open(output, "wb") as fh:
            count = write_log(fh, lang, actor=None)
    else:
        count = write_log(sys.stdout.buffer, lang, actor=None)
    db.session.commit()
    if output:
        click.echo(f"wrote {count} consent record(s) to {output}")


@desk_cli.group("api-key")
def api_key_cli():
    """API keys for the systems around the desk (/api/v1/)."""


@api_key_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help="cases:read, cases:documents, cases:write, suppression:screen",
)
@click.option("--expires", "expires", required=True, help="last day the key works, YYYY-MM-DD")
def api_key_create(name, scopes, expires):
    """Make a key; it is printed once, only its hash is kept."""
    from desk.api import keys
    from desk.cases.lifecycle import Refused

    try:
        expires_on = date.fromisoformat(expires)
    except ValueError:
        fail(f"--expires must be a date as YYYY-MM-DD, not {expires!r}", 2)
    try:
        key, secret = keys.create_key(name, list(scopes), expires_on, actor_kind="cli")
    except Refused as refusal:
        db.session.rollback()
        fail(refusal.en, 2)
    db.session.commit()
    click.echo(f"key {key.id} ({key.name}): {' '.join(key.scopes)}, until {expires_on.isoformat()}", err=True)
    click.echo("shown once; keep it now:", err=True)
    click.echo(secret)


@api_key_cli.command("list")
def api_key_list():
    """Every key: id, prefix, state, scopes, expiry, last use (never the key)."""
    from desk.api import keys
    from desk.clock import now

    at = now()
    for key in keys.all_keys():
        used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "never"
        click.echo(
            f"{key.id}\t{key.prefix}…\t{key.state(at)}\t{','.join(key.scopes)}\t"
            f"until {key.expires_at.isoformat(timespec='minutes')}\tlast used {used}\t{key.name}"
        )


@api_key_cli.command("revoke")
@click.argument("key_id", type=int)
def api_key_revoke(key_id):
    """Stop a key at once."""
    from desk.api import keys

    key = keys.by_id(key_id)
    if key is None:
        fail(f"no API key {key_id}")
    changed = keys.revoke(key, actor_kind="cli")
    db.session.commit()
    click.echo(f"key {key.id} revoked" if changed else f"key {key.id} was already revoked")
