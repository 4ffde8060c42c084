"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started from Debian's binaries in a temporary directory, once per
test session (per xdist worker), and each test gets an empty schema by truncation. SQLite
tests copy a prepared template file. With CI=true a missing PostgreSQL or Chromium fails
the run instead of skipping.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desk import create_app
from desk.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("DESK_CHROMIUM", "/usr/bin/chromium")
TEST_MASTER_KEY = "test-master-key-not-secret-0123456789abcdef"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "MASTER_KEY": TEST_MASTER_KEY,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # Cheap argon2 in tests only; production keeps the library defaults.
    "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


def require_tool(what: str, available: bool) -> None:
    """Skip on a developer machine that lacks the tool; in CI, fail: nothing may skip."""
    if not available:
        if IN_CI:
            pytest.fail(f"{what} is required when CI=true but is not installed")
        pytest.skip(f"{what} is not installed")


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server as the postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + args
    return args


@pytest.fixture(scope="session")
def postgres_server():
    bin_dir = _pg_bin()
    require_tool("PostgreSQL (postgresql package)", bin_dir is not None)
    base = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", _free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        f"-c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


def _create_schema(url: str) -> None:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": tempfile.mkdtemp(prefix="desk-schema-")}
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_server):
    """One database per test session with the schema; tests empty it by truncation."""
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE desk_test"))
    admin.dispose()
    url = f"{postgres_server}/desk_test"
    _create_schema(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    _create_schema(f"sqlite:///{path}")
    return path


def _truncate_all(url: str) -> None:
    from desk import models  # noqa: F401

    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite" or request.node.get_closest_marker("sqlite_only"):
        if request.param == "postgresql":
            pytest.skip("marked sqlite_only")
        target = tmp_path / "desk.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("postgres_database")
    _truncate_all(url)
    return url


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """The configuration of the test app; a test may change it before `app` is built."""
    return {
        **TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DOCUMENT_DIR": str(tmp_path / "documents"),
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser(browser_type, browser_type_launch_args):
    require_tool(f"Chromium ({CHROMIUM})", os.path.exists(CHROMIUM))
    browser = browser_type.launch(**browser_type_launch_args)
    yield browser
    browser.close()


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app):
    """The test app served over HTTP for the browser. Data a test creates must be
    committed before the browser can see it."""
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Japanese user's browser; tests switch to English with ?lang=en where they mean to.
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}
