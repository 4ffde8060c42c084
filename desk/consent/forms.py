"""Forms of the consent pages, public and staff (CSRF through DeskForm)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from desk.consent.channels import CHANNELS, METHODS, STAFF_METHODS
from desk.consent.purposes import EVERY_PURPOSE, purposes
from desk.forms import DeskForm
from desk.i18n import label, lazy


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _lazy(entry):
    return lazy(entry.ja, entry.en)


def purpose_choices(with_all: bool = False) -> list[tuple[str, str]]:
    choices = [SelectChoice(code, label(p)) for code, p in purposes().items()]
    return ([SelectChoice(EVERY_PURPOSE.code, label(EVERY_PURPOSE))] if with_all else []) + choices


class SignupForm(DeskForm):
    email = StringField(
        lazy("メールアドレス", "E-mail address"),
        validators=[
            DataRequired(lazy("メールアドレスを入力してください。", "Enter your e-mail address.")),
            Length(max=254),
        ],
    )
    purposes = MultiCheckboxField(lazy("受け取る内容", "What you want to receive"), choices=[], validate_choice=False)
    agree = BooleanField(
        lazy("上記の内容に同意します", "I agree to the above"),
        validators=[DataRequired(lazy("同意いただける場合はチェックを入れてください。", "Tick the box if you agree."))],
    )


class ButtonForm(DeskForm):
    """A form that is only a button (CSRF)."""


class OptOutForm(DeskForm):
    channel = RadioField(
        lazy("停止を希望するもの", "What to stop"),
        choices=[SelectChoice(code, _lazy(CHANNELS[code])) for code in ("post", "phone", "sms")],
        validators=[DataRequired(lazy("停止を希望するものを選んでください。", "Choose what to stop."))],
    )
    purpose = SelectField(lazy("対象", "Which"), choices=[], validate_choice=False)
    name = StringField(lazy("お名前", "Name"), validators=[Optional(), Length(max=100)])
    postal_address = StringField(lazy("ご住所", "Postal address"), validators=[Optional(), Length(max=300)])
    phone = StringField(lazy("電話番号", "Phone number"), validators=[Optional(), Length(max=30)])


class LookupForm(DeskForm):
    email = StringField(lazy("メールアドレス", "E-mail address"), validators=[Optional(), Length(max=254)])
    phone = StringField(lazy("電話番号", "Phone"), validators=[Optional(), Length(max=30)])
    name = StringField(lazy("氏名（郵送）", "Name (post)"), validators=[Optional(), Length(max=100)])
    postal_address = StringField(lazy("住所（郵送）", "Address (post)"), validators=[Optional(), Length(max=300)])


class RecordForm(LookupForm):
    channel = SelectField(lazy("媒体", "Channel"), choices=[SelectChoice(c, _lazy(e)) for c, e in CHANNELS.items()])
    purpose = SelectField(lazy("目的", "Purpose"), choices=[], validate_choice=False)
    action = RadioField(
        lazy("区分", "Record"),
        choices=[
            SelectChoice("given", lazy("同意を得た", "Consent given")),
            SelectChoice("withdrawn", lazy("停止の申出を受けた", "Opt-out received")),
        ],
        default="withdrawn",
    )
    method = SelectField(lazy("方法", "How"), choices=[SelectChoice(c, _lazy(METHODS[c])) for c in STAFF_METHODS])
    occurred_at = StringField(
        lazy("日時", "When"),
        validators=[DataRequired(lazy("日時を入力してください。", "Enter when it happened.")), Length(max=40)],
        description=lazy("例: 2026-12-02 10:30（日本時間）", "e.g. 2026-12-02 10:30 (the business's time zone)"),
    )
    shown_text = TextAreaField(
        lazy("示した文言（同意の場合）", "Text shown (for a consent)"), validators=[Optional(), Length(max=4000)]
    )
    text_version = StringField(lazy("文言の版", "Version of the text"), validators=[Optional(), Length(max=40)])
    source = StringField(
        lazy("申込書の番号・メモ", "Form number or note"),
        validators=[Optional(), Length(max=200)],
        description=lazy("個人を特定する内容は書かないでください。", "Do not write anything that names the person."),
    )


class ImportForm(DeskForm):
    file = FileField(
        lazy("同意の記録（CSV）", "Consent records (CSV)"),
        validators=[FileRequired(lazy("CSV ファイルを選んでください。", "Choose a CSV file."))],
    )
    channel = SelectField(
        lazy("媒体（列がない場合）", "Channel (when the file has no column)"),
        choices=[SelectChoice("", "—")] + [SelectChoice(c, _lazy(e)) for c, e in CHANNELS.items()],
        validators=[Optional()],
    )
    purpose = SelectField(
        lazy("目的（列がない場合）", "Purpose (when the file has no column)"), choices=[], validate_choice=False
    )


class CaseOptOutForm(DeskForm):
    channels = MultiCheckboxField(
        lazy("停止する媒体", "Channels to stop"),
        choices=[SelectChoice(c, _lazy(e)) for c, e in CHANNELS.items()],
        validate_choice=False,
    )
    purpose = SelectField(lazy("対象", "Which"), choices=[], validate_choice=False)
