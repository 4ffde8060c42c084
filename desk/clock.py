"""The one clock of desk: every deadline and timestamp asks here, so tests can fix time."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def local_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else os.environ.get("DESK_TIMEZONE", "Asia/Tokyo")
    return ZoneInfo(name)


_travelled_to: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware in UTC (as stored in the database)."""
    return _travelled_to or datetime.now(UTC)


@contextmanager
def travel(moment: datetime):
    """Run as if it were `moment`: the demo uses it to write a believable history.
    (Tests freeze time with time-machine instead, which also covers libraries.)"""
    global _travelled_to
    previous, _travelled_to = _travelled_to, moment.astimezone(UTC)
    try:
        yield
    finally:
        _travelled_to = previous


def today() -> date:
    """Today's date at the business (Asia/Tokyo by default), not at the server."""
    return now().astimezone(local_zone()).date()


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())
