"""Forms of the case page. Every POST form is a FlaskForm (CSRF); labels are ja/en pairs."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import DateField as _DateField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from desk import catalogue
from desk.forms import DeskForm
from desk.i18n import label, lazy

REQUIRED = lazy("入力してください。", "This field is required.")
BAD_DATE = lazy("日付を YYYY-MM-DD の形で入力してください。", "Enter a date as YYYY-MM-DD.")


try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms

    def SelectChoice(value, label):  # noqa: N802
        return (value, label)


def choices(pairs) -> list:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, text) for value, text in pairs]


class DateField(_DateField):
    """A date typed as YYYY-MM-DD (the browser's date picker sends that), with our message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(BAD_DATE)) from None


class ActionForm(DeskForm):
    """A button that needs nothing but the CSRF token (confirm, approve, submit…)."""


class AssignForm(DeskForm):
    assignee = SelectField(lazy("担当者", "Assignee"), coerce=str, validators=[Optional()], validate_choice=False)


class NoteForm(DeskForm):
    body = TextAreaField(lazy("メモ", "Note"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class AddressForm(DeskForm):
    document_address = TextAreaField(
        lazy("本人確認書類の住所", "Address on the identity document"), validators=[Optional(), Length(max=300)]
    )
    records_address = TextAreaField(
        lazy("当社の記録上の住所", "Address in our records"), validators=[Optional(), Length(max=300)]
    )


class QuickIdentityForm(DeskForm):
    """The identity check in one step when everything agrees: the documents seen as
    acceptable, the two addresses, and the confirmation."""

    accept = None  # set below, once MultiCheckboxField exists
    document_address = TextAreaField(
        lazy("本人確認書類の住所", "Address on the identity document"), validators=[Optional(), Length(max=300)]
    )
    records_address = TextAreaField(
        lazy("当社の記録上の住所", "Address in our records"), validators=[Optional(), Length(max=300)]
    )


class ReviewForm(DeskForm):
    review = SelectField(
        lazy("確認結果", "Review"),
        choices=choices(
            [
                ("received", lazy("受領（未確認）", "Received (not checked)")),
                ("acceptable", lazy("適", "Acceptable")),
                ("deficient", lazy("不備あり", "Deficient")),
            ]
        ),
    )
    deficiency = StringField(lazy("不備の内容", "What is deficient"), validators=[Optional(), Length(max=500)])
    issued_on = DateField(lazy("発行日", "Issued on"), validators=[Optional()], format="%Y-%m-%d")


class PaymentForm(DeskForm):
    amount = IntegerField(
        lazy("金額（円）", "Amount (yen)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                min=1,
                max=1_000_000,
                message=lazy("1円以上の金額を入力してください。", "Enter an amount of at least 1 yen."),
            ),
        ],
    )
    method = SelectField(lazy("支払方法", "Method"), choices=[])
    received_on = DateField(lazy("受領日", "Received on"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = choices(
            (code, label(catalogue.PAYMENT_METHODS[code])) for code in catalogue.PAYING_METHODS
        )


class ShortfallForm(DeskForm):
    due_on = DateField(lazy("納付期限", "Pay by"), validators=[Optional()], format="%Y-%m-%d")


class AskForm(DeskForm):
    what = SelectField(
        lazy("照会の種類", "Ask for"),
        choices=choices(
            [("documents", lazy("書類の提出", "Documents")), ("clarification", lazy("請求内容の確認", "Clarification"))]
        ),
    )
    due_on = DateField(lazy("提出期限", "Due by"), validators=[Optional()], format="%Y-%m-%d")
    body = TextAreaField(lazy("依頼する内容", "What we asked"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class ReplyForm(DeskForm):
    received_on = DateField(
        lazy("回答の受領日", "Reply received on"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d"
    )


class SearchForm(DeskForm):
    systems = TextAreaField(
        lazy("調査したシステム・台帳", "Systems searched"), validators=[DataRequired(REQUIRED), Length(max=2000)]
    )
    findings = TextAreaField(lazy("調査結果", "What was found"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class TableForm(DeskForm):
    item_id = HiddenField(validators=[Length(max=20)])
    table = TextAreaField(
        lazy(
            "開示するデータ（1行目に項目名。表計算ソフトから貼り付けできます）",
            "Data to disclose (first line: column names; paste from a spreadsheet)",
        ),
        validators=[Optional(), Length(max=100_000)],
    )


class AttachForm(DeskForm):
    file = FileField(
        lazy("開示データのファイル（PDF・PNG・JPEG）", "File of disclosed data (PDF, PNG, JPEG)"),
        validators=[FileRequired(lazy("ファイルを選んでください。", "Choose a file."))],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DecisionForm(DeskForm):
    item_id = HiddenField(validators=[Length(max=20)])
    outcome = RadioField(
        lazy("決定", "Outcome"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(lazy("決定を選んでください。", "Choose an outcome."))],
    )
    # The catalogue decides which outcomes and grounds apply (desk.decisions.service), with its own messages.
    grounds = MultiCheckboxField(lazy("理由", "Grounds"), choices=[], validate_choice=False)
    explanation = TextAreaField(
        lazy("理由の説明（不開示・一部開示等では必須）", "Explanation (required for refusals and partial outcomes)"),
        validators=[Optional(), Length(max=4000)],
    )
    withheld = TextAreaField(
        lazy("開示しない項目（1行に1項目）", "Items withheld (one per line)"), validators=[Optional(), Length(max=4000)]
    )
    corrected = TextAreaField(lazy("訂正等の内容", "What was corrected"), validators=[Optional(), Length(max=4000)])
    alternative_measure = TextAreaField(
        lazy("代替措置の内容", "Alternative measure taken"), validators=[Optional(), Length(max=4000)]
    )
    # Offered for a cessation request only (the template shows it there); checked by the service.
    measures = MultiCheckboxField(lazy("実施した措置", "What was done"), choices=[], validate_choice=False)
    paper_instead = BooleanField(lazy("電磁的記録ではなく書面で交付する", "Deliver on paper instead of electronically"))
    fallback_to_paper_reason = TextAreaField(
        lazy("書面で交付する理由", "Why on paper"), validators=[Optional(), Length(max=2000)]
    )


class ExtendForm(DeskForm):
    business_days = IntegerField(
        lazy("延長する営業日数", "Business days added"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=60, message=lazy("1〜60の日数を入力してください。", "Enter 1 to 60 days.")),
        ],
    )
    reason = TextAreaField(
        lazy("延長の理由（依頼者に通知します）", "Reason (told to the requester)"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
    )


class ReturnForm(DeskForm):
    """Returning a decision to its drafter: always with the reason."""

    comment = TextAreaField(
        lazy("差し戻す理由（起案者に表示されます）", "Reason for returning it (the drafter sees it)"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
    )


class LapseReturnForm(DeskForm):
    due_on = DateField(
        lazy("依頼者の新しい期限", "New due date for the requester"),
        validators=[InputRequired(BAD_DATE)],
        format="%Y-%m-%d",
    )


class WithdrawForm(DeskForm):
    channel = SelectField(lazy("取下げの連絡方法", "Withdrawal received by"), choices=[])
    received_on = DateField(
        lazy("連絡を受けた日", "Received on"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = choices(
            (code, label(entry)) for code, entry in catalogue.CHANNELS.items() if code != "api"
        )


class MaskForm(DeskForm):
    rectangles = HiddenField(
        validators=[
            DataRequired(lazy("塗りつぶす範囲をドラッグで指定してください。", "Drag over the areas to mask first.")),
            Length(max=200_000),
        ]
    )


QuickIdentityForm.accept = MultiCheckboxField(
    lazy("「適」と確認した本人確認書類", "Identity documents seen and acceptable"), coerce=int, validate_choice=False
)
