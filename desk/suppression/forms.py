"""Forms of the suppression pages (CSRF through FlaskForm)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from desk.forms import DeskForm, fits
from desk.i18n import lazy
from desk.suppression.models import SuppressionEntry
from desk.text import dates, phones


class SearchForm(DeskForm):
    q = StringField(
        lazy(
            "氏名・フリガナ・電話番号・住所・生年月日・登録番号・受付番号で検索",
            "Search by name, reading, phone, address, date of birth, entry number or case reference",
        ),
        validators=[Length(max=300)],
    )


def _scope_choices():
    return [
        SelectChoice("third_party_provision", lazy("第三者提供の停止", "No provision to third parties")),
        SelectChoice("all_use", lazy("利用停止（全利用）", "No use at all")),
    ]


class EntryForm(DeskForm):
    name = StringField(
        lazy("氏名", "Name"),
        validators=[DataRequired(lazy("氏名を入力してください。", "Enter the name.")), Length(max=100)],
    )
    kana = StringField(lazy("フリガナ", "Reading (kana)"), validators=[Optional(), Length(max=100)])
    birth_date = StringField(
        lazy("生年月日", "Date of birth"),
        validators=[Optional(), Length(max=30)],
        description=lazy("例: 1980-04-01、昭和55年4月1日", "e.g. 1980-04-01"),
    )
    phone = StringField(lazy("電話番号", "Phone"), validators=[Optional(), Length(max=30)])
    address = StringField(
        lazy("住所", "Address"),
        validators=[Optional(), Length(max=300)],
        description=lazy("郵便番号を含めても構いません。", "A postal code may be included."),
    )
    scope = RadioField(
        lazy("範囲", "Scope"),
        choices=_scope_choices(),
        default="third_party_provision",
        validators=[DataRequired(lazy("範囲を選んでください。", "Choose a scope."))],
    )
    source_reference = StringField(
        lazy("受付番号・出典", "Case reference or source"),
        validators=[Optional(), fits(SuppressionEntry.source_reference)],
    )

    def validate_birth_date(self, field):
        if field.data and dates.date_key(field.data) is None:
            raise ValidationError(
                str(lazy("日付として読めません（例: 1980-04-01）。", "Not a date (e.g. 1980-04-01)."))
            )

    def validate_phone(self, field):
        if field.data and phones.phone_key(field.data) is None:
            raise ValidationError(str(lazy("電話番号として読めません。", "Not a phone number.")))


class ScreenForm(DeskForm):
    file = FileField(
        lazy("名簿（CSV）", "List (CSV)"),
        validators=[FileRequired(lazy("CSV ファイルを選んでください。", "Choose a CSV file."))],
    )
    direction = RadioField(
        lazy("名簿の種類", "Which list"),
        choices=[
            SelectChoice("acquired", lazy("取得した名簿（受入時の照合）", "A list we acquired (screen on arrival)")),
            SelectChoice(
                "delivery",
                lazy("提供する名簿（提供前の照合）", "A list we are about to deliver (screen before delivery)"),
            ),
        ],
        validators=[DataRequired(lazy("名簿の種類を選んでください。", "Choose which list this is."))],
    )


class RecordingFields(DeskForm):
    """The screening page's record of the list's provision or receipt (Arts. 29, 30): a
    counterparty makes the screening record it."""

    counterparty = SelectField(
        lazy("提供先・提供元（記録する場合）", "Recipient or provider (to record it)"),
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )
    basis = SelectField(
        lazy("提供の根拠", "Basis of the provision"),
        choices=[
            SelectChoice("optout", lazy("オプトアウトによる提供（法第27条第2項）", "Opt-out provision (Art. 27(2))")),
            SelectChoice("consent", lazy("本人の同意", "The principal's consent")),
            SelectChoice(
                "consent_goods", lazy("本人の同意（契約書等で記録に代えるもの）", "Consent (a contract stands in)")
            ),
            SelectChoice("other", lazy("その他記録を要する提供", "Another provision that needs a record")),
        ],
        default="optout",
    )
    acquisition = TextAreaField(
        lazy(
            "提供元による取得の経緯（取得した名簿は必須）",
            "How the provider acquired the list (required for an acquired list)",
        ),
        validators=[Optional(), Length(max=2000)],
        description=lazy(
            "提供元から示された取得の経緯を確認し、その内容を記録します。確認できない名簿は受領できません。",
            "Confirm the provider's statement of how it acquired the list and record it; a list whose origin is not confirmed may not be received.",
        ),
    )


class ScreenAndRecordForm(ScreenForm, RecordingFields):
    """The screening page: the list, which way, and whom it goes to or comes from."""
