"""desk: a privacy-rights request desk for businesses that hold personal data in Japan."""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3

from flask import Flask, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from desk import config as desk_config
from desk.extensions import babel, csrf, db, limiter, login_manager, migrate

__version__ = "0.1.0"


# How long an SQLite connection waits for another's write to finish before giving up; after
# that the request is answered 503 ("busy, try again"), not 500 (_register_error_pages).
SQLITE_BUSY_TIMEOUT_MS = 30000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite leaves foreign keys off unless asked. Write-ahead logging (persistent in the
    # file once set) lets readers work while one writes, and a commit is one append and one
    # sync of the log instead of a rollback journal written, synced and deleted: on this
    # project's machine 3 ms rather than 22 ms per commit, and the write lock is held for
    # that long (benchmarks/intake.py). synchronous stays FULL: an acknowledged request
    # survives a power cut.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
        # Refused while another connection holds the file in its old mode: the next tries again.
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def create_app(config: dict | None = None) -> Flask:
    settings = desk_config.load(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_DIR"],
        template_folder=str(desk_config.PROJECT_ROOT / "templates"),
        static_folder=str(desk_config.PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    _take_turns_writing_sqlite(app)

    db.init_app(app)
    # Batch mode lets later migrations alter tables on SQLite too.
    migrate.init_app(
        app, db, directory=str(desk_config.PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    from desk import throttle  # noqa: F401  (registers the desk-db:// storage before the limiter looks for it)

    limiter.init_app(app)
    login_manager.init_app(app)
    from desk.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)

    from desk import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)

    # Each area wires itself up: its pages, its case-page panel, what it does when a case
    # enters a state, what disposal erases of it. Read these to know what happens when.
    for area in _areas():
        area.register(app)
    _register_request_start(app)
    _register_template_helpers(app)
    _register_security_headers(app)
    _register_error_pages(app)

    from desk.cli import desk_cli

    app.cli.add_command(desk_cli)
    logging.getLogger("werkzeug").addFilter(_NoQueryStrings())
    from desk.admission import Admission
    from desk.bodies import BodyDeadline

    # The body is read first (a slow client holds a thread, not a turn), then the request
    # waits for its turn to run the application (desk.admission says why).
    app.wsgi_app = BodyDeadline(
        Admission(app.wsgi_app, app.config["ACTIVE_THREADS"]),
        app.config["BODY_TIMEOUT"],
        app.config["MAX_CONTENT_LENGTH"],
    )
    return app


def _take_turns_writing_sqlite(app: Flask) -> None:
    """On SQLite, the threads of a worker take turns to write in the process instead of
    sleeping in SQLite's busy handler (desk.sqlite says why)."""
    if not str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        return
    from desk.sqlite import Connection

    Connection.wait_seconds = SQLITE_BUSY_TIMEOUT_MS / 1000
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = {"factory": Connection, **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _areas() -> list:
    """Every area, from the ground up: an area's hooks run after those of the areas below it."""
    from desk import (
        admin,
        api,
        audit,
        auth,
        cases,
        consent,
        decisions,
        delivery,
        fees,
        identity,
        inquiries,
        intake,
        letters,
        provisions,
        public,
        reports,
        retention,
        settings,
        suppression,
        workbench,
    )

    return [
        auth,
        audit,
        settings,
        cases,
        identity,
        fees,
        intake,
        decisions,
        letters,
        delivery,
        retention,
        suppression,
        provisions,
        consent,
        inquiries,
        workbench,
        public,
        admin,
        reports,
        api,
    ]


def _register_request_start(app: Flask) -> None:
    from flask import g
    from flask_babel import refresh

    def fresh_request_state():
        # Every request starts from its own cookie and the stored settings, even when an
        # application context outlives one request (tests, scripts driving the app).
        g.pop("_desk_settings", None)
        g.pop("_login_user", None)
        refresh()

    # First of all the hooks: the limiter's (registered earlier) reads the settings too, and
    # the view then reuses what it read instead of reading them again.
    app.before_request_funcs.setdefault(None, []).insert(0, fresh_request_state)


def _register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from desk import catalogue, settings
    from desk.audit.actions import action_label
    from desk.auth.permissions import can
    from desk.cases import lifecycle
    from desk.fees.payment import ways_to_pay
    from desk.formatting import format_date, format_datetime, format_postal, format_yen, mark_japanese
    from desk.i18n import current_language, label, tr
    from desk.navigation import staff_navigation

    app.jinja_env.globals.update(
        tr=tr,
        label=label,
        lang=current_language,
        catalogue=catalogue,
        lifecycle=lifecycle,
        setting=settings.get,
        ways_to_pay=ways_to_pay,
        staff_navigation=staff_navigation,
        can=lambda permission: can(current_user, permission),
        action_label=lambda code: action_label(code, current_language()),
    )
    app.jinja_env.filters.update(
        date=format_date, datetime=format_datetime, yen=format_yen, postal=format_postal, ja_terms=mark_japanese
    )


def _register_security_headers(app: Flask) -> None:
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):  # DESK_COOKIE_SECURE=1: served over HTTPS only
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith("/staff") or request.path.startswith("/requests"):
            # Pages with personal data are never kept by the browser or a proxy.
            response.headers["Cache-Control"] = "no-store"
        return response


def _register_error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def page(code: int):
        def handler(error):
            # An area may answer its own addresses' errors in its own format (the API: problem+json).
            for applies, respond in app.extensions.get("desk_error_formats", ()):
                if applies():
                    return respond(error, code)
            return render_template("errors/error.html", code=code), code

        return handler

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, page(code))

    from sqlalchemy.exc import OperationalError

    def database_busy(error: OperationalError):
        # SQLite stayed locked past its busy_timeout: nothing was saved; say "try again".
        if "database is locked" not in str(error.orig):
            raise error
        from werkzeug.exceptions import ServiceUnavailable

        db.session.rollback()
        for applies, respond in app.extensions.get("desk_error_formats", ()):
            if applies():
                response = app.make_response(respond(ServiceUnavailable(), 503))
                break
        else:
            response = app.make_response((render_template("errors/busy.html"), 503))
        response.headers["Retry-After"] = "30"
        return response

    app.register_error_handler(OperationalError, database_busy)
    app.register_error_handler(CSRFError, lambda e: (render_template("errors/error.html", code="csrf"), 400))


class _NoQueryStrings(logging.Filter):
    """Access logs keep the path only: a query string could carry a name or a code."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (re.sub(r"\?\S*", "", record.args[0], count=1),) + record.args[1:]
        return True
