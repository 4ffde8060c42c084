"""Configuration: defaults, then DESK_* environment variables, then an explicit mapping (tests)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _secret_file(path: Path, nbytes: int = 32) -> str:
    """Read a generated secret, creating it once with mode 0600 (never world-readable)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def load(overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    env = os.environ
    instance = Path(overrides.get("INSTANCE_DIR") or env.get("DESK_INSTANCE_DIR") or PROJECT_ROOT / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    config: dict = {
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": env.get("DESK_DATABASE_URL") or f"sqlite:///{instance / 'desk.sqlite3'}",
        "DOCUMENT_DIR": env.get("DESK_DOCUMENT_DIR") or str(instance / "documents"),
        "TIMEZONE": env.get("DESK_TIMEZONE", "Asia/Tokyo"),
        "LETTER_FONT_DIR": env.get("DESK_LETTER_FONT_DIR"),
        "SMTP_HOST": env.get("DESK_SMTP_HOST"),
        "SMTP_PORT": int(env.get("DESK_SMTP_PORT", "25")),
        "SMTP_USER": env.get("DESK_SMTP_USER"),
        "SMTP_PASSWORD": env.get("DESK_SMTP_PASSWORD"),
        "SMTP_FROM": env.get("DESK_SMTP_FROM", "desk@localhost"),
        "SMTP_STARTTLS": env.get("DESK_SMTP_STARTTLS", "0") == "1",
        # desk-db:// keeps the counters in desk's own database (desk.throttle): shared by every
        # worker and app server without a server of its own.
        "RATELIMIT_STORAGE_URI": env.get("DESK_RATELIMIT_STORAGE_URI", "desk-db://"),
        # Submissions of the request form, and of the API's POST /api/v1/requests, per address.
        "INTAKE_RATE_LIMIT": env.get("DESK_INTAKE_RATE_LIMIT", "30 per hour"),
        # Lookups on the status page per address (desk.intake.views).
        "STATUS_RATE_LIMIT": env.get("DESK_STATUS_RATE_LIMIT", "10 per minute;40 per hour"),
        # POSTs of the public consent pages (sign-up, opt-out, confirm, unsubscribe) per address.
        "CONSENT_RATE_LIMIT": env.get("DESK_CONSENT_RATE_LIMIT", "20 per hour"),
        "SESSION_COOKIE_SECURE": env.get("DESK_COOKIE_SECURE", "0") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": int(env.get("DESK_MAX_REQUEST_BYTES", str(40 * 1024 * 1024))),
        # Seconds a request body may take to arrive before desk answers 408 (desk.bodies).
        "BODY_TIMEOUT": float(env.get("DESK_BODY_TIMEOUT", "30")),
        # Threads of a worker that run the application at once, once their body has arrived (desk.admission).
        "ACTIVE_THREADS": int(env.get("DESK_ACTIVE_THREADS", "4")),
        "BABEL_DEFAULT_LOCALE": "ja",
        # hide_parameters: a failing statement's values (names, addresses) never reach a log.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = env.get("DESK_SECRET_KEY") or _secret_file(instance / "secret_key")
    if "MASTER_KEY" not in config:
        config["MASTER_KEY"] = env.get("DESK_MASTER_KEY") or _secret_file(instance / "master_key")
    return config
