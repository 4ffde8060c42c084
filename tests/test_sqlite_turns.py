"""SQLite: the threads of one process take turns to write (desk.sqlite), instead of
sleeping in SQLite's busy handler. A writer that meets another waits for the turn and
writes the moment the other commits; readers never wait; a rollback, a failed statement or
a closed connection gives the turn back."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from desk.extensions import db
from desk.sqlite import Connection


@pytest.fixture
def path(tmp_path):
    file = tmp_path / "turns.sqlite3"
    with sqlite3.connect(file) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER UNIQUE)")
    return file


def _connect(path, busy_ms=0):
    # busy_timeout 0: SQLite itself would refuse a second writer at once ("database is locked").
    connection = sqlite3.connect(path, factory=Connection, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={busy_ms}")
    return connection


def _write_in_thread(connection, value):
    done, failed = threading.Event(), []

    def write():
        try:
            connection.execute("INSERT INTO t VALUES (?)", (value,))
            connection.commit()
        except sqlite3.Error as error:
            failed.append(error)
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, done, failed


def test_a_second_writer_waits_for_the_turn_and_writes_after_the_commit(path):
    first, second = _connect(path), _connect(path)
    first.execute("INSERT INTO t VALUES (1)")  # holds SQLite's write lock and the turn
    thread, done, failed = _write_in_thread(second, 2)
    assert not done.wait(0.3)  # waiting for the turn, not refused by SQLite (busy_timeout is 0)
    first.commit()
    thread.join(10)
    assert done.is_set() and failed == []
    assert [n for (n,) in first.execute("SELECT n FROM t ORDER BY n")] == [1, 2]


def test_without_the_turn_sqlite_refuses_the_second_writer_at_once(path):
    """What desk.sqlite avoids: the plain connection meets the lock and, with no busy
    timeout, is refused (with one, it would sleep in growing steps)."""
    first = _connect(path)
    plain = sqlite3.connect(path, check_same_thread=False)
    plain.execute("PRAGMA busy_timeout=0")
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        plain.execute("INSERT INTO t VALUES (2)")
    first.rollback()


def test_readers_do_not_wait(path):
    first, reader = _connect(path), _connect(path)
    first.execute("INSERT INTO t VALUES (1)")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # the committed state, at once
    first.commit()


@pytest.mark.parametrize("ending", ["rollback", "failed statement", "close"])
def test_every_end_of_a_transaction_gives_the_turn_back(path, ending):
    first, second = _connect(path), _connect(path)
    first.execute("INSERT INTO t VALUES (1)")
    first.commit()
    if ending == "failed statement":
        # The unique value fails inside the transaction the statement opened; the rollback
        # that follows (as SQLAlchemy does) ends it.
        with pytest.raises(sqlite3.IntegrityError):
            first.execute("INSERT INTO t VALUES (1)")
        first.rollback()
    else:
        first.execute("INSERT INTO t VALUES (3)")
        first.rollback() if ending == "rollback" else first.close()
    thread, done, failed = _write_in_thread(second, 2)
    thread.join(10)
    assert done.is_set() and failed == []


def test_the_wait_for_the_turn_ends_as_a_busy_database(path, monkeypatch):
    """Past the wait, the writer hears "database is locked", which desk answers with its
    503 page (nothing was saved), as after SQLite's own busy timeout."""
    monkeypatch.setattr(Connection, "wait_seconds", 0.2)
    first, second = _connect(path), _connect(path)
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        second.execute("INSERT INTO t VALUES (2)")
    first.commit()
    second.execute("INSERT INTO t VALUES (2)")  # the turn is free again
    second.commit()


@pytest.mark.sqlite_only
def test_the_apps_sqlite_connections_take_turns(app):
    raw = db.engine.raw_connection()
    try:
        assert isinstance(raw.driver_connection, Connection)
        # and the pragmas still apply to them
        assert raw.driver_connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert raw.driver_connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


@pytest.mark.parametrize("ending", ["with block", "autocommit", "dropped"])
def test_the_turn_comes_back_however_the_transaction_ends(path, ending):
    """A `with connection:` block and a switch to autocommit commit in C, past commit();
    a connection dropped without close() is gone: each gives the turn back."""
    import gc

    first, second = _connect(path), _connect(path)
    if ending == "with block":
        with first:
            first.execute("INSERT INTO t VALUES (1)")
    elif ending == "autocommit":
        first.execute("INSERT INTO t VALUES (1)")
        first.isolation_level = None
        assert first.isolation_level is None
    else:
        first.execute("INSERT INTO t VALUES (1)")
        first.rollback()
        first.execute("INSERT INTO t VALUES (1)")
        del first
        gc.collect()
    thread, done, failed = _write_in_thread(second, 2)
    thread.join(10)
    assert done.is_set() and failed == []


def test_in_memory_databases_take_no_turn(tmp_path):
    """Each in-memory database is its connection's own: two of them never wait for each other."""
    one, two = (sqlite3.connect(":memory:", factory=Connection) for _ in range(2))
    for connection in (one, two):
        connection.execute("CREATE TABLE t (n INTEGER)")
    one.execute("INSERT INTO t VALUES (1)")
    two.execute("INSERT INTO t VALUES (2)")  # would wait for one's turn if they shared a lock
    one.commit()
    two.commit()
