"""Settings: policy numbers and business details, stored in the database with defaults."""

from __future__ import annotations

import re

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import select

from desk.catalogue import REQUEST_KINDS
from desk.extensions import db
from desk.forms import CONTROL_MESSAGE, unstorable_character
from desk.settings.definitions import SETTINGS, SettingDef


class SettingError(ValueError):
    def __init__(self, key: str, ja: str, en: str):
        self.key, self.ja, self.en = key, ja, en
        super().__init__(f"{key}: {en}")

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


def _cache() -> dict:
    if not has_app_context():
        return {}
    if "_desk_settings" not in g:
        from desk.settings.models import Setting

        # Read once per request (another worker may have changed one since), as plain rows:
        # two columns, no objects to build and track in the session.
        table = Setting.__table__
        rows = db.session.connection().execute(select(table.c.key, table.c.value))
        g._desk_settings = dict(rows.all())
    return g._desk_settings


def get(key: str):
    definition = SETTINGS[key]
    stored = _cache()
    return stored.get(key, definition.default)


def all_values() -> dict:
    stored = _cache()
    return {key: stored.get(key, d.default) for key, d in SETTINGS.items()}


def validate(definition: SettingDef, value):
    """Coerce a value typed by an administrator (or given in code) to its type, or refuse."""
    key = definition.key
    for typed in [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []:
        if isinstance(typed, str) and unstorable_character(typed, multiline=True):
            raise SettingError(key, str(CONTROL_MESSAGE.ja), str(CONTROL_MESSAGE.en))
    if definition.type == "int":
        try:
            number = int(str(value).strip().replace(",", ""))
        except ValueError:
            raise SettingError(key, "整数で入力してください。", "Enter a whole number.") from None
        if (
            definition.minimum is not None
            and number < definition.minimum
            or definition.maximum is not None
            and number > definition.maximum
        ):
            raise SettingError(
                key,
                f"{definition.minimum}〜{definition.maximum}の範囲で入力してください。",
                f"Enter a number from {definition.minimum} to {definition.maximum}.",
            )
        return number
    if definition.type == "bool":
        return value in (True, "1", "true", "on", "y", "yes")
    if definition.type == "kinds":
        codes = list(value)
        for code in codes:
            if code not in REQUEST_KINDS:
                raise SettingError(key, f"不明な請求の種類です: {code}", f"Unknown request kind: {code}")
            if key == "fee_kinds" and not REQUEST_KINDS[code].fee_allowed:
                raise SettingError(
                    key,
                    f"「{REQUEST_KINDS[code].ja}」は法律上手数料を徴収できません。",
                    f"The law does not allow a fee for “{REQUEST_KINDS[code].en}”.",
                )
        return codes
    if definition.type == "methods":
        from desk.catalogue import PAYING_METHODS

        codes = [code for code in PAYING_METHODS if code in set(value)]  # the catalogue's order
        unknown = [code for code in value if code not in PAYING_METHODS]
        if unknown:
            raise SettingError(
                key, f"不明な支払方法です: {', '.join(unknown)}", f"Unknown payment method: {', '.join(unknown)}"
            )
        if not codes:
            raise SettingError(key, "支払方法を1つ以上選んでください。", "Choose at least one payment method.")
        return codes
    if definition.type == "weekdays":
        days = sorted({int(v) for v in value})
        if any(d < 0 or d > 6 for d in days):
            raise SettingError(key, "曜日の指定が不正です。", "Invalid weekday.")
        return days
    if definition.type == "lines":
        lines = [line.strip() for line in (value.splitlines() if isinstance(value, str) else value)]
        lines = [line for line in lines if line]
        if key == "closed_periods":
            from desk.business_calendar import ClosedDays

            try:
                ClosedDays.parse([], lines)
            except ValueError:
                raise SettingError(
                    key,
                    "MM-DD/MM-DD の形式で1行に1期間ずつ入力してください。",
                    "Enter one period per line as MM-DD/MM-DD.",
                ) from None
        if key == "consent_purposes":
            codes = [line.partition("|")[0].strip() for line in lines]
            wrong = [c for c in codes if not re.fullmatch(r"[a-z0-9_]{1,40}", c) or c == "all"]
            if wrong or len(set(codes)) != len(codes):
                raise SettingError(
                    key,
                    "1行に「コード|日本語|English」で、コードは英小文字・数字・_（all 以外、重複なし）にしてください。",
                    "One code|日本語|English a line; codes of lower-case letters, digits and _ (not all, no repeats).",
                )
        return lines
    if definition.type == "choice":
        if value not in {c[0] for c in definition.choices}:
            raise SettingError(key, "選択肢から選んでください。", "Choose one of the options.")
        return value
    text = str(value).strip() if value is not None else ""
    if definition.type == "str" and len(text) > 300:
        raise SettingError(key, "300文字以内で入力してください。", "Enter at most 300 characters.")
    return text


def update(values: dict, actor=None) -> list[str]:
    """Validate every value first, then store them all (nothing half-saved); returns the
    keys that changed. The caller commits."""
    from desk.audit.service import record
    from desk.settings.models import Setting

    clean = {key: validate(SETTINGS[key], value) for key, value in values.items()}
    current = all_values()
    changed = [key for key, value in clean.items() if current.get(key) != value]
    for key in changed:
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=clean[key], updated_by_id=getattr(actor, "id", None)))
        else:
            row.value = clean[key]
            row.updated_by_id = getattr(actor, "id", None)
    if changed:
        record("settings.updated", actor=actor, detail={"keys": changed})
    if has_app_context():
        g.pop("_desk_settings", None)
        listeners = current_app.extensions.get(_LISTENERS, {})
        if any(key in listeners for key in changed):
            db.session.flush()  # the listeners read the new values
            for key in changed:
                for listener in listeners.get(key, ()):
                    listener()
    return changed


_LISTENERS = "desk_settings_listeners"


def when_changed(app: Flask, key: str, listener) -> None:
    """Call `listener()` in the same transaction whenever setting `key` is changed: an area
    above settings acts on a change at once (consent notes a purpose dropped from
    consent_purposes the moment it goes, not at the next daily run)."""
    app.extensions.setdefault(_LISTENERS, {}).setdefault(key, []).append(listener)


def closed_days():
    from desk.business_calendar import ClosedDays

    return ClosedDays.parse(get("closed_weekdays"), get("closed_periods"))


def fee_due(kinds) -> int:
    """The fee owed for an application with these kinds: once per application, if any kind carries one."""
    fee_kinds = set(get("fee_kinds"))
    return int(get("fee_amount")) if any(k in fee_kinds for k in kinds) else 0


def register(app) -> None:
    """The administrator's settings page."""
    from desk.settings.views import blueprint

    app.register_blueprint(blueprint)
