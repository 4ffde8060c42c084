"""The consent tests: the loopback SMTP server, and builders."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from desk import settings
from desk.extensions import db
from desk.settings.models import Setting
from tests.intake.test_email import smtp  # noqa: F401  (the loopback SMTP server fixture)


@pytest.fixture
def app_config(app_config, smtp):  # noqa: F811
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp[0], "SMTP_FROM": "desk@example.jp"}


def set_setting(key: str, value) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.commit()
    from flask import g

    g.pop("_desk_settings", None)
    assert settings.get(key) == value


def messages(inbox):
    return [message_from_bytes(raw, policy=policy.default) for _, raw in inbox.messages]


def link_in(message, path: str) -> str:
    return re.search(r"https?://\S+" + re.escape(path) + r"\S+", message.get_content()).group(0)


def write_csv(path, rows, encoding="utf-8", newline="\r\n"):
    path.write_bytes((newline.join(",".join(row) for row in rows) + newline).encode(encoding))
    return path
