"""SQLite's connections: the threads of one process take turns to write, in the process.

SQLite lets one connection write at a time. A second writer is told "busy" and SQLite's busy
handler puts it to sleep, for longer each time (1, 2, 5, 10 … 100 ms), however soon the
first writer commits. With gthread workers (gunicorn.conf.py: 8 threads) the threads of a
worker wrote in turns of sleeps: with 8 clients at once the API's submit fell from 29 to 12
requests/s and its p95 rose past 2 s, while the database was idle most of that time
(benchmarks/intake.py; py-spy showed the threads asleep in the throttle's and the send
claim's first write).

So each connection here, at the statement that opens its write transaction (the first
INSERT, UPDATE, DELETE or REPLACE, where Python's sqlite3 begins the transaction), first
takes a lock shared by every connection of the process to the same database file, and
gives it back when the transaction ends (commit, rollback, close). A thread waiting for it
is woken the moment the writer before it finishes. Other processes on the same file still
meet SQLite's own locking and busy timeout; several app servers belong on PostgreSQL.
Reads never wait for the lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading

#: Statements before which Python's sqlite3 opens a transaction (its "legacy" isolation).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(database) -> threading.Lock | None:
    """The lock of a database file; None for an in-memory or temporary database, which is
    each connection's own."""
    name = os.fsdecode(database)
    if name in ("", ":memory:") or (name.startswith("file:") and "mode=memory" in name):
        return None
    key = name if name.startswith("file:") else os.path.realpath(name)
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _opens_write(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITES)


class Connection(sqlite3.Connection):
    """sqlite3's connection, whose write transactions take the process's turn first."""

    #: Seconds to wait for the turn before answering "database is locked" (desk sets it to
    #: SQLite's own busy timeout, so the caller sees the same error after the same wait).
    wait_seconds = 30.0

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._turn = _lock_for(database)
        self._holding = False

    def cursor(self, factory=None):
        return super().cursor(factory or Cursor)

    # The shortcuts on the connection would make a plain cursor in C, past cursor() above.
    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script, /):
        return self.cursor().executescript(script)

    def _before(self, sql: str) -> None:
        if self._turn is not None and not self._holding and not self.in_transaction and _opens_write(sql):
            if not self._turn.acquire(timeout=self.wait_seconds):
                raise sqlite3.OperationalError("database is locked")
            self._holding = True

    def _after(self) -> None:
        if self._holding and not self.in_transaction:
            self._give_back()

    def _in_turn(self, sql: str, run, *args):
        """`run(*args)` for the statement `sql`, the turn taken first if it opens a write."""
        self._before(sql)
        try:
            return run(*args)
        finally:
            self._after()  # a write refused before its transaction began gives the turn back

    def commit(self):
        try:
            super().commit()
        finally:
            self._after()  # a commit that failed leaves the transaction open: the rollback gives the turn back

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._after()

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)  # commits or rolls back in C, past commit() above
        finally:
            self._after()

    @property
    def isolation_level(self):
        return sqlite3.Connection.isolation_level.__get__(self)

    @isolation_level.setter
    def isolation_level(self, value):
        # Autocommit (None), as SQLAlchemy sets it for an AUTOCOMMIT connection, commits
        # what was open first.
        sqlite3.Connection.isolation_level.__set__(self, value)
        self._after()

    def _give_back(self) -> None:
        if getattr(self, "_holding", False):
            self._holding = False
            self._turn.release()

    def close(self):
        try:
            super().close()
        finally:
            self._give_back()

    def __del__(self):
        self._give_back()  # a connection dropped without close() must not keep the turn


class Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        return self.connection._in_turn(sql, super().execute, sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.connection._in_turn(sql, super().executemany, sql, parameters)

    def executescript(self, script, /):
        try:
            return super().executescript(script)
        finally:
            self.connection._after()  # executescript commits what was open first
