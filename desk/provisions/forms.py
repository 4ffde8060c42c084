"""Forms of the provision records: counterparties, a manual record, holds, the case panel's confirmation."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from desk.forms import DeskForm, fits
from desk.i18n import lazy
from desk.provisions.bases import BASES, DIRECTIONS
from desk.provisions.models import Counterparty

REQUIRED = lazy("入力してください。", "This field is required.")


class CounterpartyForm(DeskForm):
    code = StringField(
        lazy("相手方コード", "Code"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=32),
            Regexp(
                r"^[A-Za-z0-9_.-]+$",
                message=lazy("半角英数字と - _ . で入力してください。", "Use letters, digits, - _ and . only."),
            ),
        ],
        description=lazy(
            "コマンドの --to / --from に使う短い名前（例: broker-a）", "Used by --to / --from (e.g. broker-a)"
        ),
    )
    name = StringField(lazy("名称・氏名", "Name"), validators=[DataRequired(REQUIRED), fits(Counterparty.name)])
    address = StringField(lazy("住所", "Address"), validators=[Optional(), fits(Counterparty.address)])
    representative = StringField(
        lazy("代表者の氏名（法人の場合）", "Representative (for a corporation)"),
        validators=[Optional(), fits(Counterparty.representative)],
    )
    optout_published_on = DateField(
        lazy("オプトアウト届出の公表日", "Opt-out notification published on"),
        validators=[Optional()],
        format="%Y-%m-%d",
        description=lazy(
            "相手方がオプトアウトにより提供する場合：個人情報保護委員会による公表の日",
            "Where the counterparty provides by opt-out: the date the Commission published its notification",
        ),
    )
    optout_reference = StringField(
        lazy("オプトアウト届出の番号・参照先", "Opt-out notification reference"),
        validators=[Optional(), fits(Counterparty.optout_reference)],
    )
    contact = StringField(lazy("連絡先", "Contact"), validators=[Optional(), fits(Counterparty.contact)])
    active = BooleanField(lazy("取引中", "Active"), default=True)


def _direction_choices():
    return [SelectChoice(code, lazy(*labels)) for code, labels in DIRECTIONS.items()]


def _basis_choices():
    return [SelectChoice(b.code, lazy(b.ja, b.en)) for b in BASES.values()]


class RecordForm(DeskForm):
    direction = SelectField(
        lazy("区分", "Direction"), choices=_direction_choices(), validators=[DataRequired(REQUIRED)]
    )
    counterparty = SelectField(
        lazy("相手方", "Counterparty"), choices=[], validate_choice=False, validators=[DataRequired(REQUIRED)]
    )
    occurred_on = DateField(
        lazy("提供・受領の年月日", "Date of provision or receipt"),
        validators=[DataRequired(lazy("日付を YYYY-MM-DD の形で入力してください。", "Enter a date as YYYY-MM-DD."))],
        format="%Y-%m-%d",
    )
    basis = SelectField(lazy("根拠", "Basis"), choices=_basis_choices(), validators=[DataRequired(REQUIRED)])
    items = StringField(
        lazy("個人データの項目", "Data items"),
        validators=[DataRequired(REQUIRED), Length(max=500)],
        description=lazy("例: 氏名、住所、電話番号", "e.g. name, address, phone"),
    )
    acquisition = TextAreaField(
        lazy(
            "提供元による取得の経緯（受領の場合は必須）", "How the provider acquired the data (required for a receipt)"
        ),
        validators=[Optional(), Length(max=2000)],
        description=lazy(
            "提供元から示された取得の経緯を確認し、その内容を記録します。",
            "Confirm the provider's statement of how it acquired the data, and record it.",
        ),
    )
    people = TextAreaField(
        lazy(
            "本人（1行に1人：氏名, 生年月日, 住所, 電話番号）",
            "Principals (one per line: name, date of birth, address, phone)",
        ),
        validators=[DataRequired(REQUIRED), Length(max=20000)],
    )


class HoldForm(DeskForm):
    reason = TextAreaField(
        lazy("保全の理由", "Reason for the hold"), validators=[DataRequired(REQUIRED), Length(max=2000)]
    )


class ConfirmForm(DeskForm):
    """CSRF only: the officer confirms the search shown."""
