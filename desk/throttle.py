"""Throttle counters kept in desk's own database, shared by every worker and app server.

Flask-Limiter's default store is a dictionary in each process: with three gunicorn workers
a "10 per minute" limit lets thirty through. This module gives the `limits` library a
storage (`desk-db://`, the default of DESK_RATELIMIT_STORAGE_URI) backed by one table, and
the status page its own counters on the same table. Each count is one atomic statement
(INSERT … ON CONFLICT DO UPDATE … RETURNING) on a connection of its own, committed at once,
so it neither waits for nor is undone with the request's transaction.

Keys are stored as keyed hashes (HMAC under a key derived from the master key): the table
holds no address or reference in the clear. Expired rows are deleted by `desk daily`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from limits.storage import Storage
from sqlalchemy import Float, Integer, String, bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db

SCHEME = "desk-db"


class ThrottleCounter(db.Model):
    """One counter: how many hits since its window began, and when the window ends."""

    __tablename__ = "throttle_counters"

    #: HMAC-SHA256 of the counter's name, hex.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    #: Seconds since the epoch (time.time(), as the limits library counts).
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def _hashed(name: str) -> str:
    app = current_app._get_current_object()
    key = app.extensions.get("desk_throttle_key")
    if key is None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"desk: throttle counters").derive(
            app.config["MASTER_KEY"].encode()
        )
        app.extensions["desk_throttle_key"] = key
    return hmac.new(key, name.encode(), hashlib.sha256).hexdigest()


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(ThrottleCounter)


@functools.cache
def _hit_statement(dialect: str):
    """The one statement of a hit, built once per dialect (it runs on every throttled request)."""
    table = ThrottleCounter.__table__
    amount = bindparam("amount", type_=Integer)
    at, until = bindparam("at", type_=Float), bindparam("until", type_=Float)
    fresh = table.c.expires_at <= at
    return (
        _insert(dialect)
        .values(key=bindparam("key", type_=String(64)), count=amount, expires_at=until)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((fresh, amount), else_=table.c.count + amount),
                "expires_at": case((fresh, until), else_=table.c.expires_at),
            },
        )
        .returning(table.c.count)
    )


@contextlib.contextmanager
def _one_statement():
    """A connection for one statement that commits by itself. On PostgreSQL in autocommit:
    a single statement is its own transaction, so BEGIN and COMMIT would be two more round
    trips on every throttled request. SQLite keeps an explicit transaction: its writers
    take turns by transaction (desk.sqlite)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")
    else:
        with db.engine.begin() as connection:
            yield connection


def hit(name: str, window: float, amount: int = 1) -> int:
    """Count `amount` more on the counter `name`; a counter whose window has ended starts
    again from `amount` with a new window of `window` seconds. Returns the new count."""
    at = time.time()
    with _one_statement() as connection:
        statement = _hit_statement(connection.dialect.name)
        parameters = {"key": _hashed(name), "amount": amount, "at": at, "until": at + window}
        return int(connection.execute(statement, parameters).scalar_one())


def hold(name: str, seconds: float) -> None:
    """Make the counter `name` live at least `seconds` from now (a wait to be kept)."""
    at = time.time()
    table = ThrottleCounter.__table__
    with db.engine.begin() as connection:
        statement = _insert(connection.dialect.name).values(key=_hashed(name), count=1, expires_at=at + seconds)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"expires_at": case((table.c.expires_at < at + seconds, at + seconds), else_=table.c.expires_at)},
        )
        connection.execute(statement)


def peek(name: str) -> tuple[int, float]:
    """(count, expires_at) of a live counter; (0, 0.0) when there is none or it has expired."""
    with db.engine.connect() as connection:
        row = connection.execute(
            select(ThrottleCounter.count, ThrottleCounter.expires_at).where(ThrottleCounter.key == _hashed(name))
        ).first()
    if row is None or row.expires_at <= time.time():
        return 0, 0.0
    return int(row.count), float(row.expires_at)


def forget(name: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(delete(ThrottleCounter).where(ThrottleCounter.key == _hashed(name)))


def sweep() -> int:
    """Delete every expired counter (the daily job). Returns how many went."""
    with db.engine.begin() as connection:
        return connection.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at <= time.time())).rowcount


class DatabaseStorage(Storage):
    """`limits` storage on desk's database: `desk-db://` (fixed and fixed-window strategies).

    It uses the engine of the Flask app handling the request, so it needs no server of its
    own and is shared by every worker and every app server on the same database."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        from sqlalchemy.exc import SQLAlchemyError

        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return hit(key, expiry, amount)

    def get(self, key: str) -> int:
        return peek(key)[0]

    def get_expiry(self, key: str) -> float:
        expires_at = peek(key)[1]
        return expires_at or time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(select(1))
            return True
        except Exception:
            return False

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(ThrottleCounter)).rowcount

    def clear(self, key: str) -> None:
        forget(key)
