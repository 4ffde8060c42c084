"""The forms of inquiries: the public form, staff registration, and the actions on one inquiry."""

from __future__ import annotations

from wtforms import DateField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from desk import catalogue as desk_catalogue
from desk.cases.models import Requester
from desk.clock import today
from desk.forms import DeskForm, fits
from desk.i18n import label, lazy, tr
from desk.inquiries.catalogue import ANSWER_CHANNELS, CATEGORIES, STAFF_CHANNELS
from desk.inquiries.models import Inquiry
from desk.intake.forms import _clean, _email, _strip
from desk.text import addresses, phones

BAD_DATE = lazy("日付を YYYY-MM-DD の形式で入力してください。", "Enter the date as YYYY-MM-DD.")


class InquiryForm(DeskForm):
    """The public form お問い合わせ・苦情: only the matter is required."""

    category = RadioField(
        lazy("お問い合わせの種類", "What it is about"), choices=list(CATEGORIES), validate_choice=False
    )
    matter = TextAreaField(
        lazy("お問い合わせの内容", "Your message"),
        filters=[_strip],
        validators=[
            InputRequired(lazy("お問い合わせの内容を入力してください。", "Write your message.")),
            Length(max=4000, message=lazy("4000文字以内で入力してください。", "At most 4,000 characters.")),
        ],
    )
    name = StringField(
        lazy("お名前（任意）", "Your name (optional)"), filters=[_strip], validators=[fits(Inquiry.name)]
    )
    email = StringField(
        lazy("メールアドレス（任意）", "E-mail (optional)"),
        filters=[_strip],
        validators=[
            Length(max=254),
            _clean(_email, lazy("メールアドレスの形式が正しくありません。", "This is not a valid e-mail address.")),
        ],
    )
    phone = StringField(
        lazy("電話番号（任意）", "Phone (optional)"),
        filters=[_strip],
        validators=[
            Length(max=100),
            _clean(
                phones.phone_number,
                lazy(
                    "電話番号を数字で入力してください（例: 03-1234-5678）。",
                    "Enter a phone number in digits, e.g. 03-1234-5678.",
                ),
            ),
            fits(Inquiry.phone),
        ],
    )
    postal_code = StringField(
        lazy("郵便番号（任意）", "Postal code (optional)"),
        filters=[_strip],
        validators=[
            Length(max=40),
            _clean(
                addresses.postal_code,
                lazy(
                    "郵便番号は7桁の数字で入力してください（例: 150-0001）。",
                    "Enter the 7-digit postal code, e.g. 150-0001.",
                ),
            ),
        ],
    )
    address = StringField(
        lazy("住所（任意・書面での回答をご希望の場合）", "Address (optional; for an answer by post)"),
        filters=[_strip],
        validators=[fits(Requester.address)],
    )
    send_token = HiddenField(validators=[Length(max=64)])

    #: Categories this form offers.
    public_only = True

    def category_choices(self):
        return [(code, c) for code, c in CATEGORIES.items() if c.public or not self.public_only]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.category.data not in dict(self.category_choices()):
            self.category.errors = list(self.category.errors) + [
                tr("お問い合わせの種類を選んでください。", "Choose what it is about.")
            ]
            ok = False
        return ok


class RegistrationForm(InquiryForm):
    """Staff recording a call, a visit at the counter or a letter."""

    public_only = False
    matter = TextAreaField(
        lazy("お問い合わせの内容（要旨）", "The matter (summary)"),
        filters=[_strip],
        validators=[
            InputRequired(lazy("内容を入力してください。", "Write what it is about.")),
            Length(max=4000, message=lazy("4000文字以内で入力してください。", "At most 4,000 characters.")),
        ],
    )
    name = StringField(lazy("氏名（任意）", "Name (optional)"), filters=[_strip], validators=[fits(Inquiry.name)])
    address = StringField(
        lazy("住所（任意）", "Address (optional)"), filters=[_strip], validators=[fits(Requester.address)]
    )
    channel = SelectField(lazy("受付経路", "Channel"), choices=list(STAFF_CHANNELS), validate_choice=False)
    received_on = DateField(lazy("受付日", "Received on"), validators=[InputRequired(BAD_DATE)])
    language = SelectField(lazy("回答の言語", "Language"), choices=["ja", "en"], default="ja", validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.channel.data not in STAFF_CHANNELS:
            self.channel.errors = list(self.channel.errors) + [tr("受付経路を選んでください。", "Choose the channel.")]
            ok = False
        if self.language.data not in ("ja", "en"):
            self.language.data = "ja"
        if self.received_on.data and self.received_on.data > today():
            self.received_on.errors = list(self.received_on.errors) + [
                tr("受付日に未来の日付は指定できません。", "The date received cannot be in the future.")
            ]
            ok = False
        return ok


class AnswerForm(DeskForm):
    answer = TextAreaField(
        lazy("回答の内容", "The answer"),
        filters=[_strip],
        validators=[
            InputRequired(lazy("回答の内容を入力してください。", "Write the answer.")),
            Length(max=8000, message=lazy("8000文字以内で入力してください。", "At most 8,000 characters.")),
        ],
    )
    channel = SelectField(
        lazy("回答の方法", "Answered by"), choices=[c for c in ANSWER_CHANNELS if c != "letter"], validate_choice=False
    )
    answered_on = DateField(lazy("回答日", "Answered on"), validators=[InputRequired(BAD_DATE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [SelectChoice(c, label(ANSWER_CHANNELS[c])) for c in ANSWER_CHANNELS if c != "letter"]


class ReplyLetterForm(DeskForm):
    answer = AnswerForm.answer
    lang = SelectField(
        lazy("回答書の言語", "Language of the letter"),
        choices=[SelectChoice("ja", lazy("日本語", "Japanese")), SelectChoice("en", lazy("英語", "English"))],
        validate_choice=False,
    )


class AssignForm(DeskForm):
    assignee = SelectField(lazy("担当者", "Assignee"), choices=[], validate_choice=False)


class CloseForm(DeskForm):
    pass


class AttachForm(DeskForm):
    pass


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OpenCaseForm(DeskForm):
    kinds = MultiCheckboxField(
        lazy("請求の種類", "Kinds requested"), choices=list(desk_catalogue.REQUEST_KINDS), validate_choice=False
    )
    arrived_on = DateField(lazy("請求の到達日", "Request arrived on"), validators=[InputRequired(BAD_DATE)])


class NotARequestForm(DeskForm):
    category = SelectField(
        lazy("お問い合わせとしての種類", "What the inquiry is about"),
        choices=[code for code, c in CATEGORIES.items()],
        validate_choice=False,
        validators=[Optional()],
    )
