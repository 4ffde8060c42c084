"""Core statements run straight on the database driver, for loops of many small transactions.

The disposal job commits 100,000 cases one by one, about ten statements each. Through
SQLAlchemy and psycopg each statement costs about 150 µs of Python besides the database's
own work, which made the run four times too slow. Here each statement is compiled once by
SQLAlchemy (same SQL, same type conversions) and handed to the driver directly:

- SQLite runs in the process: the sqlite3 cursor executes each statement at once.
- PostgreSQL runs in libpq's pipeline mode. Each statement is prepared on the server
  once; a transaction's statements go at commit() as Bind/Execute messages of the
  prepared statements (values bound as text by psycopg's own dumpers), followed by a
  Sync, at which the server commits them, or rolls them all back if one failed. Python
  does not wait for the answer: it builds the next transaction while the server carries
  out this one, and reads outcomes later. The application's work and the database's then
  overlap instead of taking turns, which on a 2-core machine nearly halves a long run.

The same behaviour on both: an error inside a transaction aborts it, its later statements
are skipped, and the transaction's Outcome carries the error (reading one of its results
raises it). Only what such loops need: no Python-side column defaults (give every value),
no expanding IN parameters, no ORM. Everything else goes through SQLAlchemy as usual.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

#: A bind in SQL compiled for psycopg ("pyformat"); "%%" is a literal percent sign, kept.
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")

#: Transactions that may be on their way before commit() waits for the oldest: enough for
#: the server never to run dry, few enough that their results fit the socket's buffers.
DEPTH = 32


@dataclass
class _Prepared:
    #: Held so that its id, the cache key, is never reused by another statement.
    statement: Any
    sql: str
    #: (parameter key the caller gives, name in the SQL, default value, type processor or None)
    binds: list[tuple[str, str, Any, Callable | None]]
    positional: bool
    #: PostgreSQL: the name it is prepared under on the server, once it is.
    server_name: bytes | None = None

    def server_text(self) -> str:
        """The SQL with $1, $2 ... for the server to prepare ("%%" is a plain "%" there)."""
        number = {bind[1]: k for k, bind in enumerate(self.binds, start=1)}
        return _PLACEHOLDER.sub(lambda m: "%" if m.group(1) is None else f"${number[m.group(1)]}", self.sql)


class Outcome:
    """How a transaction ended: once `settled`, `error` is None if it was committed, or the
    first error that aborted it (nothing of it was kept)."""

    __slots__ = ("settled", "error")

    def __init__(self):
        self.settled, self.error = False, None

    @property
    def committed(self) -> bool:
        return self.settled and self.error is None


class DriverResult:
    """The outcome of one statement: rowcount, first(), scalar(). On
    PostgreSQL reading it sends the transaction so far and waits for this statement."""

    __slots__ = ("_owner", "_outcome", "_rowcount", "_rows", "_error", "_done")

    def __init__(self, owner: DriverConnection, outcome: Outcome):
        self._owner, self._outcome = owner, outcome
        self._rowcount, self._rows, self._error, self._done = -1, [], None, False

    def _take(self, rowcount: int, rows: list) -> None:
        self._rowcount, self._rows, self._done = rowcount, rows, True

    def _fail(self, error: BaseException) -> None:
        self._error, self._done = error, True

    def _ready(self) -> DriverResult:
        if not self._done:
            self._owner._wait_for(self)
        if self._error is not None:
            raise self._error
        return self

    @property
    def rowcount(self) -> int:
        return self._ready()._rowcount

    def first(self):
        rows = self._ready()._rows
        return rows[0] if rows else None

    def scalar(self):
        row = self.first()
        return None if row is None else row[0]


class Skipped(Exception):
    """A statement that did not run because an earlier one of its transaction failed."""


class DriverConnection:
    """The driver connection under an open SQLAlchemy `connection`. Statements run only
    inside `with driver.direct():`, with no transaction of the SQLAlchemy connection open
    and that connection unused meanwhile; a transaction begins with the first statement
    and ends with commit() or rollback().

    commit(wait=False) returns the transaction's Outcome at once; on PostgreSQL it is
    settled later, in order, when commit() finds more than DEPTH transactions unsettled,
    or by settle()."""

    def __init__(self, connection, depth: int = DEPTH):
        self._connection = connection
        self.dialect = connection.dialect
        self.raw = connection.connection.driver_connection
        self.depth = depth
        self._postgres = self.dialect.name == "postgresql"
        self._prepared: dict[tuple, _Prepared] = {}
        self._active = False
        #: The open transaction's Outcome, None between transactions.
        self._open: Outcome | None = None
        #: PostgreSQL: the open transaction's statements not yet sent: (prepared, values, result).
        self._unsent: list[tuple[_Prepared, list, DriverResult]] = []
        #: PostgreSQL: whether some of the open transaction went already (a result was read).
        self._partly_sent = False
        #: PostgreSQL: what the server will answer, in order: ("parse", prepared),
        #: ("result", result) or ("sync", outcome, None after a segment of prepares).
        self._expected: deque = deque()
        #: PostgreSQL: the Outcomes sent and not yet settled, oldest first.
        self._unsettled: deque[Outcome] = deque()
        self._names = 0

    # ------------------------------------------------------------------ life cycle

    @contextmanager
    def direct(self):
        if self._active:
            raise RuntimeError("already inside direct()")
        if self._postgres:
            from psycopg.adapt import Transformer

            # Transactions are delimited by Sync messages alone, so psycopg must not send
            # a BEGIN of its own.
            self.raw.autocommit = True
            self._transformer = Transformer(self.raw)
            self.raw.pgconn.enter_pipeline_mode()
        self._active, failed = True, False
        try:
            yield self
        except BaseException:
            failed = True
            raise
        finally:
            self._active = False
            try:
                self.rollback()  # a transaction left open by an error; earlier commits still go
                self.settle()
                if self._postgres:
                    self.raw.pgconn.exit_pipeline_mode()
                    self.raw.autocommit = False
            except Exception:
                # Interrupted half-way through an answer, the connection cannot be trusted
                # again: the pool closes it rather than hand it out (the server then rolls
                # back whatever was open).
                self._connection.invalidate()
                if not failed:
                    raise

    def _prepare(self, statement, keys: tuple[str, ...]) -> _Prepared:
        cache_key = (id(statement), keys)
        prepared = self._prepared.get(cache_key)
        if prepared is None:
            compiled = statement.compile(dialect=self.dialect, column_keys=list(keys))
            for attribute in ("insert_prefetch", "update_prefetch"):
                missing = getattr(compiled, attribute, None)
                if missing:
                    raise ValueError(f"give a value for {[c.key for c in missing]}: Python defaults are not run here")
            binds = {}
            for bind, name in compiled.bind_names.items():
                if bind.expanding:
                    raise ValueError("expanding IN parameters are not supported here")
                processor = bind.type.dialect_impl(self.dialect).bind_processor(self.dialect)
                binds[name] = (bind.key, name, None if bind.required else bind.effective_value, processor)
            order = compiled.positiontup if compiled.positional else list(binds)
            prepared = _Prepared(statement, str(compiled), [binds[name] for name in order], compiled.positional)
            self._prepared[cache_key] = prepared
        return prepared

    # ------------------------------------------------------------------ statements

    def execute(self, statement, params: dict | None = None) -> DriverResult:
        if not self._active:
            raise RuntimeError("run statements inside `with driver.direct():`")
        params = params or {}
        prepared = self._prepare(statement, tuple(params))
        values = []
        for key, _name, default, processor in prepared.binds:
            value = params.get(key, default)
            values.append(processor(value) if processor is not None else value)
        if self._open is None:
            self._open = Outcome()
        result = DriverResult(self, self._open)
        if self._postgres:
            self._unsent.append((prepared, values, result))
        else:
            self._run_sqlite(prepared, values, result)
        return result

    def _run_sqlite(self, prepared: _Prepared, values: list, result: DriverResult) -> None:
        import sqlite3

        outcome = self._open
        if outcome.error is not None:
            result._fail(Skipped(str(outcome.error)))
            return
        cursor = self.raw.cursor()
        try:
            if prepared.positional:
                cursor.execute(prepared.sql, values)
            else:
                cursor.execute(
                    prepared.sql, {bind[1]: value for bind, value in zip(prepared.binds, values, strict=True)}
                )
        except sqlite3.Error as error:
            self.raw.rollback()
            outcome.error = error
            result._fail(error)
            return
        result._take(cursor.rowcount, cursor.fetchall() if cursor.description is not None else [])

    # ------------------------------------------------------------------ transactions

    def commit(self, *, wait: bool = True) -> Outcome | None:
        """End the open transaction (None if none was open). With wait, its error, if it
        failed, is raised; without, the Outcome says so once settled."""
        outcome, self._open = self._open, None
        if outcome is None:
            return None
        if self._postgres:
            self._send(sync=True, outcome=outcome)
            self._unsettled.append(outcome)
            if wait:
                self._settle_until(outcome)
            elif len(self._unsettled) > self.depth:
                self._settle_until(self._unsettled[0])
        else:
            if outcome.error is None:
                try:
                    self.raw.commit()
                except Exception as error:  # e.g. "database is locked": nothing was kept
                    self.raw.rollback()
                    outcome.error = error
            outcome.settled = True
        if wait and outcome.error is not None:
            raise outcome.error
        return outcome

    def rollback(self) -> None:
        """Abandon the open transaction: nothing of it is kept."""
        outcome, self._open = self._open, None
        if outcome is None:
            return
        outcome.error = outcome.error or Skipped("rolled back")
        if not self._postgres:
            self.raw.rollback()
            outcome.settled = True
            return
        for _prepared, _values, result in self._unsent:
            result._fail(Skipped("rolled back"))
        self._unsent.clear()
        if self._partly_sent:
            # The server ran part of it in the implicit transaction that the next Sync
            # closes; a ROLLBACK there undoes it (the server logs that no BEGIN was seen).
            self.raw.pgconn.send_query_params(b"ROLLBACK", None)
            self._expected.append(("result", DriverResult(self, outcome)))
            self._send(sync=True, outcome=outcome)
            self._settle_until(outcome)
        outcome.settled = True

    def send(self) -> None:
        """Have the database run the open transaction's statements so far, without ending
        it or waiting (PostgreSQL; SQLite has run them already)."""
        if self._postgres and self._unsent:
            self._send(sync=False)

    def poll(self) -> None:
        """Take in the answers that have arrived, without waiting for more (PostgreSQL):
        the Outcomes they complete are settled."""
        if not self._postgres:
            return
        pgconn = self.raw.pgconn
        pgconn.consume_input()
        while self._expected and not pgconn.is_busy():
            self._read_next()

    def settle(self) -> None:
        """Wait until every transaction sent is settled."""
        if self._postgres and self._unsettled:
            self._settle_until(self._unsettled[-1])

    @property
    def unsettled(self) -> int:
        return len(self._unsettled)

    # ------------------------------------------------------------------ PostgreSQL wire

    def _send(self, *, sync: bool, outcome: Outcome | None = None) -> None:
        """Send the open transaction's statements so far; with sync, end it (the Sync
        commits it, or rolls it back if a statement failed)."""
        pgconn = self.raw.pgconn
        if not self._partly_sent:
            # New statements are prepared in a segment of their own, ahead of the
            # transaction: a failure inside a transaction would skip its Parse too, and
            # every transaction sent after it under that name would fail for nothing.
            new = {id(p): p for p, _values, _result in self._unsent if p.server_name is None}
            for prepared in new.values():
                self._names += 1
                prepared.server_name = f"desk_direct_{id(self):x}_{self._names}".encode()
                pgconn.send_prepare(prepared.server_name, prepared.server_text().encode(), None)
                self._expected.append(("parse", prepared))
            if new:
                pgconn.pipeline_sync()
                self._expected.append(("sync", None))
        for prepared, values, result in self._unsent:
            if prepared.server_name is None:
                # First used in the middle of a transaction already under way: parsed for
                # this once only (unnamed), and prepared at its next use.
                pgconn.send_query_params(prepared.server_text().encode(), self._dump(values), None, None, 0)
            else:
                pgconn.send_query_prepared(prepared.server_name, self._dump(values), None, 0)
            self._expected.append(("result", result))
        self._unsent.clear()
        if sync:
            pgconn.pipeline_sync()
            self._expected.append(("sync", outcome))
            self._partly_sent = False
        else:
            pgconn.send_flush_request()
            pgconn.flush()
            self._partly_sent = True

    def _dump(self, values: list) -> list:
        from psycopg.adapt import PyFormat

        return self._transformer.dump_sequence(values, [PyFormat.TEXT] * len(values))

    def _wait_for(self, result: DriverResult) -> None:
        """Make `result` known: send what of its transaction is not sent, then read."""
        if any(entry[2] is result for entry in self._unsent):
            self._send(sync=False)
        while not result._done:
            self._read_next()

    def _settle_until(self, outcome: Outcome) -> None:
        while not outcome.settled:
            self._read_next()

    def _read_next(self) -> None:
        from psycopg import errors, pq

        kind, subject = self._expected.popleft()
        pgconn = self.raw.pgconn
        answer = pgconn.get_result()
        if kind == "sync":
            if answer is None or answer.status != pq.ExecStatus.PIPELINE_SYNC:
                raise RuntimeError("desk.driver lost its place in the pipeline")
            if subject is not None:  # None: the end of a segment of prepares
                subject.settled = True
                if self._unsettled and self._unsettled[0] is subject:  # a rollback's is not listed
                    self._unsettled.popleft()
            return
        pgconn.get_result()  # the None that closes each statement's answers
        status = answer.status
        if kind == "parse":
            if status != pq.ExecStatus.COMMAND_OK:
                raise self._error(answer)  # our own SQL is wrong: no transaction to blame
            return
        outcome = subject._outcome
        if status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
            rows = []
            if answer.ntuples:
                from psycopg.rows import tuple_row

                self._transformer.set_pgresult(answer)
                rows = self._transformer.load_rows(0, answer.ntuples, tuple_row(None))
            subject._take(answer.command_tuples if answer.command_tuples is not None else -1, rows)
        elif status == pq.ExecStatus.PIPELINE_ABORTED:
            subject._fail(Skipped(str(outcome.error)) if outcome.error is not None else errors.PipelineAborted())
        else:
            error = self._error(answer)
            if outcome.error is None:
                outcome.error = error
            subject._fail(error)

    def _error(self, answer) -> Exception:
        """The psycopg exception for a failed answer (UniqueViolation, CheckViolation, ...)."""
        from psycopg import errors, pq

        state = answer.error_field(pq.DiagnosticField.SQLSTATE)
        message = (answer.error_message or b"").decode("utf-8", "replace").strip()
        try:
            kind = errors.lookup(state.decode()) if state else errors.DatabaseError
        except KeyError:
            kind = errors.DatabaseError
        return kind(message, info=answer, encoding="utf-8")
