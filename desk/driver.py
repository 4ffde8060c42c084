"""Core statements run straight on the database driver, for loops of many small transactions.

The disposal job commits 100,000 cases one by one, about ten statements each. Through
SQLAlchemy and psycopg each statement costs about 150 µs of Python besides the database's
own work, which made the run four times too slow. Here each statement is compiled once by
SQLAlchemy (same SQL, same type conversions) and handed to the driver directly:

- SQLite runs in the process: the sqlite3 cursor executes each statement at once.
- PostgreSQL: each statement is prepared on the server once (PREPARE), and the EXECUTEs
  of a transaction are queued and sent together, as one multi-statement text bound on the
  client by psycopg's ClientCursor (which quotes every value itself), when the caller
  first reads a result and at commit. A transaction then costs two round trips and two
  driver calls rather than ten of each, and the server plans nothing again.

Only what such loops need: no Python-side column defaults (give every value), no expanding
IN parameters, no ORM. Everything else goes through the SQLAlchemy connection as usual.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

#: A bind in SQL compiled for psycopg ("pyformat"); "%%" is a literal percent sign, kept.
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")


@dataclass
class _Prepared:
    #: Held so that its id, the cache key, is never reused by another statement.
    statement: Any
    sql: str
    #: (parameter key the caller gives, name in the SQL, default value, type processor or None)
    binds: list[tuple[str, str, Any, Callable | None]]
    positional: bool
    #: PostgreSQL: the name it is prepared under on the server, once it is.
    server_name: str | None = None
    #: PostgreSQL: its EXECUTE for the n-th place in a multi-statement text.
    placed: dict[int, str] = field(default_factory=dict)

    def server_text(self) -> str:
        """The SQL with $1, $2 ... for PREPARE (sent unbound, so "%%" is a plain "%")."""
        number = {bind[1]: k for k, bind in enumerate(self.binds, start=1)}
        return _PLACEHOLDER.sub(lambda m: "%" if m.group(1) is None else f"${number[m.group(1)]}", self.sql)

    def at(self, n: int) -> str:
        if n not in self.placed:
            arguments = ", ".join(f"%(s{n}_{bind[1]})s" for bind in self.binds)
            self.placed[n] = f"EXECUTE {self.server_name}({arguments})" if arguments else f"EXECUTE {self.server_name}"
        return self.placed[n]


class DriverResult:
    """The outcome of one statement: rowcount, first(), scalar(), scalar_one(). On
    PostgreSQL reading it sends what is queued and waits for the database."""

    __slots__ = ("_owner", "_rowcount", "_rows", "_done")

    def __init__(self, owner: DriverConnection | None = None, cursor=None):
        self._owner, self._done = owner, cursor is not None
        if cursor is not None:
            self._take(cursor)

    def _take(self, cursor) -> None:
        self._rowcount = cursor.rowcount
        self._rows = cursor.fetchall() if cursor.description is not None else []
        self._done = True

    def _ready(self) -> DriverResult:
        if not self._done:
            self._owner._send()
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

    def scalar_one(self):
        row = self.first()
        if row is None:
            raise LookupError("the statement returned no row")
        return row[0]


class DriverConnection:
    """The driver connection under an open SQLAlchemy `connection`. Statements run only
    inside `with driver.direct():`, with no transaction of the SQLAlchemy connection open
    and that connection unused meanwhile; a transaction begins with the first statement
    and ends with commit() or rollback().

    commit(wait=False) lets the COMMIT travel with the next transaction's first statements
    (PostgreSQL; SQLite commits at once): `confirmed` counts the commits the database has
    carried out, `requested` those asked for, and flush() sends whatever waits."""

    def __init__(self, connection):
        self.dialect = connection.dialect
        self.raw = connection.connection.driver_connection
        self._postgres = self.dialect.name == "postgresql"
        self._prepared: dict[tuple, _Prepared] = {}
        self._active = False
        self._cursor = None
        #: PostgreSQL: what waits to be sent: (prepared, values, result), or a bare
        #: "BEGIN" / "COMMIT" / "ROLLBACK".
        self._queue: list = []
        self._in_transaction = False
        #: Where the open transaction's BEGIN waits in the queue; None once it is sent.
        self._begin_at: int | None = None
        self.requested = self.confirmed = 0

    @contextmanager
    def direct(self):
        if self._active:
            raise RuntimeError("already inside direct()")
        if self._postgres:
            import psycopg

            # Transactions are then spelled out in the text (BEGIN ... COMMIT), so that
            # psycopg sends no BEGIN of its own, a round trip each.
            self.raw.autocommit = True
            self._cursor = psycopg.ClientCursor(self.raw)
        self._active = True
        try:
            yield self
        finally:
            self._active = False
            self.rollback()  # a transaction left open by an error; earlier commits still go
            self.flush()
            if self._postgres:
                self._cursor.close()
                self.raw.autocommit = False

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

    def execute(self, statement, params: dict | None = None) -> DriverResult:
        if not self._active:
            raise RuntimeError("run statements inside `with driver.direct():`")
        params = params or {}
        prepared = self._prepare(statement, tuple(params))
        values = []
        for key, _name, default, processor in prepared.binds:
            value = params[key] if key in params else default
            values.append(processor(value) if processor is not None else value)
        if not self._postgres:
            cursor = self.raw.cursor()
            if prepared.positional:
                cursor.execute(prepared.sql, values)
            else:
                cursor.execute(prepared.sql, {bind[1]: value for bind, value in zip(prepared.binds, values)})
            return DriverResult(cursor=cursor)
        if prepared.server_name is None:
            # Once per statement and connection, in a call of its own (PREPARE is not
            # transactional: it may go while a transaction is open, and outlives it).
            prepared.server_name = f"desk_direct_{len(self._prepared)}_{id(self) % 10_000}"
            self._cursor.execute(f"PREPARE {prepared.server_name} AS {prepared.server_text()}")
        if not self._in_transaction:
            self._in_transaction, self._begin_at = True, len(self._queue)
            self._queue.append("BEGIN")
        result = DriverResult(self)
        self._queue.append((prepared, values, result))
        return result

    def _send(self) -> None:
        """PostgreSQL: run what is queued, in one text."""
        if not self._queue:
            return
        parts, params, results, commits = [], {}, [], 0
        for n, entry in enumerate(self._queue):
            if isinstance(entry, str):
                parts.append(entry)
                results.append(None)
                commits += entry == "COMMIT"
                continue
            prepared, values, result = entry
            parts.append(prepared.at(n))
            params.update((f"s{n}_{bind[1]}", value) for bind, value in zip(prepared.binds, values))
            results.append(result)
        self._queue.clear()
        self._begin_at = None
        cursor = self._cursor
        cursor.execute(";\n".join(parts), params)
        self.confirmed += commits
        for n, result in enumerate(results):
            if n:
                cursor.nextset()
            if result is not None:
                result._take(cursor)

    def commit(self, *, wait: bool = True) -> None:
        """Counted in `requested` and `confirmed` only when a transaction was open."""
        if not self._postgres:
            if self.raw.in_transaction:
                self.requested += 1
                self.raw.commit()
                self.confirmed += 1
            return
        if self._in_transaction:
            self.requested += 1
            self._queue.append("COMMIT")
            self._in_transaction = False
        if wait:
            self._send()

    def rollback(self) -> None:
        if not self._postgres:
            self.raw.rollback()
            return
        if not self._in_transaction:
            return
        self._in_transaction = False
        if self._begin_at is not None:
            del self._queue[self._begin_at:]  # never sent: nothing to undo
            self._begin_at = None
        else:
            self._queue.append("ROLLBACK")
            self._send()

    def flush(self) -> None:
        """Send what waits (the last commit(wait=False))."""
        if self._postgres:
            self._send()
