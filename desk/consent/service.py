"""Recording consent and its withdrawal (append-only), the current state screening reads, history, and disposal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, delete, func, select, update

from desk import settings
from desk.audit.service import record as audit
from desk.cases.lifecycle import Refused
from desk.clock import local_zone, now
from desk.consent.channels import ACTIONS, ALL_PURPOSES, CHANNELS, METHODS
from desk.consent.keys import Address, Keyring, address_for
from desk.consent.models import ConsentDroppedPurpose, ConsentRecord, ConsentSignup, ConsentState
from desk.consent.purposes import purposes
from desk.extensions import db

#: Methods that can carry a consent (an unsubscribe link or the opt-out page never gives one).
_GIVING_METHODS = ("web_form", "email_confirmation", "paper_form", "phone", "counter", "import")


def check_purpose(purpose: str, action: str) -> None:
    if purpose == ALL_PURPOSES and action == "withdrawn":
        return
    if purpose not in purposes():
        raise Refused("配信の目的を選んでください。", "Choose a purpose.")


def add(
    address: Address,
    *,
    purpose: str,
    action: str,
    method: str,
    occurred_at: datetime | None = None,
    shown_text: str | None = None,
    text_version: str | None = None,
    actor=None,
    case=None,
    signup: ConsentSignup | None = None,
    source: str | None = None,
    keyring: Keyring | None = None,
    audited: bool = True,
) -> ConsentRecord:
    """Append one record and move the address's state for the purpose; a withdrawal from
    every purpose withdraws each purpose the address has a state for, and later ones too."""
    if action not in ACTIONS or method not in METHODS:
        raise Refused("記録の種類が不正です。", "Unknown kind of record.")
    check_purpose(purpose, action)
    if action == "given" and method not in _GIVING_METHODS:
        raise Refused("この方法では同意を記録できません。", "Consent cannot be recorded by this method.")
    keyring = keyring or Keyring()
    moment = occurred_at or now()
    if moment.tzinfo is None:
        raise Refused("日時にはタイムゾーンが必要です。", "A time needs its time zone.")
    entry = ConsentRecord(
        channel=address.channel,
        purpose=purpose,
        action=action,
        key_hash=address.digest(keyring),
        address_masked=address.masked,
        occurred_at=moment,
        recorded_at=now(),
        method=method,
        shown_text=shown_text,
        text_version=text_version,
        staff_id=getattr(actor, "id", None),
        case_id=getattr(case, "id", None),
        signup_id=getattr(signup, "id", None),
        source=(source or None) and source[:200],
    )
    db.session.add(entry)
    db.session.flush()
    if action != "requested":
        _move_state(entry, address.name_digest(keyring))
    if audited:
        audit(
            f"consent.{action}",
            actor=actor,
            case=case,
            detail={"record": entry.id, "channel": entry.channel, "purpose": purpose, "method": method},
        )
    return entry


def _move_state(entry: ConsentRecord, name_hash: bytes | None) -> None:
    where = and_(ConsentState.channel == entry.channel, ConsentState.key_hash == entry.key_hash)
    values = {"state": entry.action, "record_id": entry.id, "sequence": entry.id, "changed_at": entry.occurred_at}
    if entry.purpose == ALL_PURPOSES:
        db.session.execute(update(ConsentState).where(where).values(**values))
    state = db.session.scalar(select(ConsentState).where(where, ConsentState.purpose == entry.purpose))
    if state is None:
        db.session.add(
            ConsentState(
                channel=entry.channel, purpose=entry.purpose, key_hash=entry.key_hash, name_hash=name_hash, **values
            )
        )
    else:
        for key, value in values.items():
            setattr(state, key, value)
        state.name_hash = state.name_hash or name_hash
    db.session.flush()


def state_of(channel: str, key_hash: bytes, purpose: str) -> str | None:
    """ "given", "withdrawn" or None (never asked) for one address and purpose."""
    rows = dict(
        db.session.execute(
            select(ConsentState.purpose, ConsentState.state).where(
                ConsentState.channel == channel,
                ConsentState.key_hash == key_hash,
                ConsentState.purpose.in_((purpose, ALL_PURPOSES)),
            )
        ).all()
    )
    if rows.get(purpose) == "given":
        return "given"
    return "withdrawn" if "withdrawn" in rows.values() else None


def withdraw(address: Address, purpose: str, *, method: str, keyring: Keyring | None = None, **kwargs):
    """A withdrawal, unless the address has already withdrawn (an unsubscribe POSTed twice
    by a mail client makes one record). Returns the new record or None."""
    keyring = keyring or Keyring()
    if state_of(address.channel, address.digest(keyring), purpose) == "withdrawn" and purpose != ALL_PURPOSES:
        return None
    return add(address, purpose=purpose, action="withdrawn", method=method, keyring=keyring, **kwargs)


# ----------------------------------------------------------------------------- reading


def history(digests: Iterable[tuple[str, bytes]]) -> list[ConsentRecord]:
    """Every record still kept of the given (channel, digest) pairs, oldest first."""
    pairs = list(dict.fromkeys(digests))
    if not pairs:
        return []
    conditions = [and_(ConsentRecord.channel == c, ConsentRecord.key_hash == d) for c, d in pairs]
    from sqlalchemy import or_

    return list(
        db.session.scalars(
            select(ConsentRecord).where(or_(*conditions)).order_by(ConsentRecord.occurred_at, ConsentRecord.id)
        )
    )


def current_states(digests: Iterable[tuple[str, bytes]]) -> list[ConsentState]:
    pairs = list(dict.fromkeys(digests))
    if not pairs:
        return []
    from sqlalchemy import or_

    conditions = [and_(ConsentState.channel == c, ConsentState.key_hash == d) for c, d in pairs]
    return list(
        db.session.scalars(
            select(ConsentState).where(or_(*conditions)).order_by(ConsentState.channel, ConsentState.purpose)
        )
    )


def person_addresses(*, email=None, phone=None, name=None, postal_address=None) -> list[Address]:
    """Every channel's address of one person that can be read from what is known of them."""
    found = []
    for channel in CHANNELS:
        try:
            found.append(address_for(channel, email=email, phone=phone, name=name, postal_address=postal_address))
        except Refused:
            continue
    return found


def digests_of(addresses: Iterable[Address], keyring: Keyring | None = None) -> list[tuple[str, bytes]]:
    keyring = keyring or Keyring()
    return [(a.channel, a.digest(keyring)) for a in addresses]


def log_page(page: int = 1, per_page: int = 50):
    return db.paginate(
        select(ConsentRecord).order_by(ConsentRecord.id.desc()), page=page, per_page=per_page, error_out=False
    )


def figures(months: int = 12) -> list[dict]:
    """Opt-ins and opt-outs per month per channel (by the moment they happened, in local
    time), newest first: counted by the database. The local months' edges are worked out
    here (in UTC, so a zone with summer time is right too) and the database sorts each
    record into its month with one CASE, on SQLite and PostgreSQL alike."""
    counted = ConsentRecord.action.in_(("given", "withdrawn"))
    first, last = db.session.execute(
        select(func.min(ConsentRecord.occurred_at), func.max(ConsentRecord.occurred_at)).where(counted)
    ).one()
    if first is None:
        return []
    edges = _month_edges(_as_utc(first), _as_utc(last))
    month = case(*((ConsentRecord.occurred_at >= start, label) for label, start in reversed(edges)), else_=None)
    each = select(month.label("month"), ConsentRecord.channel, ConsentRecord.action).where(counted).subquery()
    rows = db.session.execute(
        select(each.c.month, each.c.channel, each.c.action, func.count()).group_by(
            each.c.month, each.c.channel, each.c.action
        )
    ).all()
    counts: dict[str, dict] = {}
    for label, channel, action, count in rows:
        if label is None:
            continue
        row = counts.setdefault(
            label, {"month": label, **{f"{c}_{a}": 0 for c in CHANNELS for a in ("given", "withdrawn")}}
        )
        row[f"{channel}_{action}"] = count
    return [counts[m] for m in sorted(counts, reverse=True)[:months]]


def _as_utc(moment: datetime) -> datetime:
    """A moment read by an aggregate (which skips the column type: SQLite gives a string)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _month_edges(first: datetime, last: datetime) -> list[tuple[str, datetime]]:
    """("YYYY-MM", the UTC instant that local month starts) from first's month to last's, oldest first."""
    zone = local_zone()
    local = first.astimezone(zone)
    year, month = local.year, local.month
    end = last.astimezone(zone)
    edges = []
    while (year, month) <= (end.year, end.month):
        start = datetime(year, month, 1, tzinfo=zone).astimezone(UTC)
        edges.append((f"{year:04d}-{month:02d}", start))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return edges


def count_records() -> int:
    return db.session.scalar(select(func.count(ConsentRecord.id))) or 0


# ----------------------------------------------------------------------------- keeping records


def dispose(as_of: date, *, dry_run: bool = False) -> dict:
    """The records kept `consent_keep_days` after a withdrawal are disposed of: the history of
    that address and purpose deleted; for e-mail and SMS the state goes too (without an
    opt-in nothing is sent), for post and phone the opt-out stays as a key, still honoured.
    Unconfirmed sign-ups lose their address once the link has expired, and their
    'requested' records go after the same keeping period."""
    keep = int(settings.get("consent_keep_days"))
    zone = local_zone()
    cutoff = datetime.combine(as_of - timedelta(days=keep), time.min, tzinfo=zone)
    stale = db.session.execute(
        select(
            ConsentState.id, ConsentState.channel, ConsentState.purpose, ConsentState.key_hash, ConsentState.sequence
        ).where(
            ConsentState.state == "withdrawn", ConsentState.record_id.is_not(None), ConsentState.changed_at < cutoff
        )
    ).all()
    records = 0
    for state_id, channel, purpose, key_hash, sequence in stale:
        doomed = select(ConsentRecord.id).where(
            ConsentRecord.channel == channel,
            ConsentRecord.key_hash == key_hash,
            ConsentRecord.purpose == purpose,
            ConsentRecord.id <= sequence,
        )
        records += len(db.session.scalars(doomed).all())
        if dry_run:
            continue
        if CHANNELS[channel].opt_in_required:
            db.session.execute(delete(ConsentState).where(ConsentState.id == state_id))
        else:
            db.session.execute(update(ConsentState).where(ConsentState.id == state_id).values(record_id=None))
        db.session.execute(update(ConsentState).where(ConsentState.record_id.in_(doomed)).values(record_id=None))
        db.session.execute(delete(ConsentRecord).where(ConsentRecord.id.in_(doomed)))
    # Sign-ups never confirmed: the address goes when the link expires; the 'requested'
    # records after the keeping period.
    expiry = now() - timedelta(hours=int(settings.get("consent_confirm_hours")))
    expired = db.session.scalars(
        select(ConsentSignup.id).where(
            ConsentSignup.confirmed_at.is_(None), ConsentSignup.erased_at.is_(None), ConsentSignup.requested_at < expiry
        )
    ).all()
    unconfirmed = select(ConsentSignup.id).where(ConsentSignup.confirmed_at.is_(None))
    old_requests = select(ConsentRecord.id).where(
        ConsentRecord.action == "requested",
        ConsentRecord.occurred_at < cutoff,
        ConsentRecord.signup_id.in_(unconfirmed),
    )
    requested = len(db.session.scalars(old_requests).all())
    dropped = _dispose_dropped_purposes(cutoff, dry_run=dry_run)
    records += dropped["records"]
    if not dry_run:
        if expired:
            db.session.execute(
                update(ConsentSignup).where(ConsentSignup.id.in_(expired)).values(email=None, erased_at=now())
            )
        db.session.execute(delete(ConsentRecord).where(ConsentRecord.id.in_(old_requests)))
        if records or requested or expired:
            detail = {"records": records + requested, "signups_erased": len(expired)}
            if dropped["purposes"]:
                detail["dropped_purposes"] = dropped["purposes"]
            audit("consent.disposed", actor_kind="system", detail=detail)
        db.session.flush()
    return {"records": records + requested, "signups_erased": len(expired), "dropped_purposes": dropped["purposes"]}


def note_dropped_purposes() -> None:
    """Note each purpose that has records or states but is no longer in the setting (from
    now: the period never starts before desk saw it gone), and forget a purpose that came
    back."""
    current = set(purposes())
    used = set(db.session.scalars(select(ConsentRecord.purpose).distinct())) | set(
        db.session.scalars(select(ConsentState.purpose).distinct())
    )
    used.discard(ALL_PURPOSES)
    known = {row.purpose: row for row in db.session.scalars(select(ConsentDroppedPurpose))}
    for code, row in known.items():
        if code in current:
            db.session.delete(row)
    for code in sorted(used - current - set(known)):
        db.session.add(ConsentDroppedPurpose(purpose=code, dropped_at=now()))
    db.session.flush()


def _dispose_dropped_purposes(cutoff: datetime, *, dry_run: bool) -> dict:
    """A purpose dropped from the setting before the cutoff: every record of it goes, with
    the states (nothing can be sent for it); for post and phone an opt-out stays as a key,
    honoured again if the purpose ever comes back. A dry run notes nothing (a purpose first
    seen gone now is not due anyway)."""
    if not dry_run:
        note_dropped_purposes()
    due = list(
        db.session.scalars(
            select(ConsentDroppedPurpose).where(
                ConsentDroppedPurpose.dropped_at < cutoff, ConsentDroppedPurpose.disposed_at.is_(None)
            )
        )
    )
    records, codes = 0, []
    for row in due:
        doomed = select(ConsentRecord.id).where(ConsentRecord.purpose == row.purpose)
        found = len(db.session.scalars(doomed).all())
        records += found
        codes.append(row.purpose)
        if dry_run:
            continue
        opt_in = [code for code, channel in CHANNELS.items() if channel.opt_in_required]
        of_purpose = ConsentState.purpose == row.purpose
        db.session.execute(
            delete(ConsentState).where(
                of_purpose, (ConsentState.channel.in_(opt_in)) | (ConsentState.state != "withdrawn")
            )
        )
        db.session.execute(update(ConsentState).where(ConsentState.record_id.in_(doomed)).values(record_id=None))
        db.session.execute(delete(ConsentRecord).where(ConsentRecord.id.in_(doomed)))
        row.disposed_at = now()
    return {"records": records, "purposes": codes}
