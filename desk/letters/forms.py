"""Forms of the letters area (CSRF on every POST)."""

from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, Length

from desk.catalogue import DISPATCH_METHODS
from desk.forms import DeskForm
from desk.i18n import label, lazy
from desk.letters.service import LANGUAGES, LETTER_KINDS


class QueueLetterForm(DeskForm):
    kind = HiddenField(validators=[InputRequired(), Length(max=16)])
    lang = HiddenField(validators=[InputRequired(), Length(max=2)])

    def validate_kind(self, field):
        from wtforms import ValidationError

        if field.data not in LETTER_KINDS:
            raise ValidationError(str(lazy("文書の種類が不正です。", "Unknown letter kind.")))

    def validate_lang(self, field):
        from wtforms import ValidationError

        if field.data not in LANGUAGES:
            raise ValidationError(str(lazy("言語が不正です。", "Unknown language.")))


class MarkSentForm(DeskForm):
    letter_ids = SelectMultipleField(
        lazy("発送した文書", "Letters sent"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(message=lazy("文書を1通以上選んでください。", "Choose at least one letter."))],
    )
    sent_on = DateField(
        lazy("発送日", "Date sent"),
        validators=[InputRequired(message=lazy("発送日を入力してください。", "Enter the date sent."))],
    )
    method = SelectField(lazy("発送方法", "Method"), validators=[InputRequired()])

    def __init__(self, letters, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter_ids.choices = [(letter.id, str(letter.id)) for letter in letters]
        self.method.choices = [(code, e.en if lang == "en" else e.ja) for code, e in DISPATCH_METHODS.items()]


class DispatchForm(DeskForm):
    """The reply of one case sent, from its case page (the print run marks many at once)."""

    sent_on = DateField(
        lazy("発送日", "Sent on"),
        validators=[
            InputRequired(message=lazy("日付を YYYY-MM-DD の形で入力してください。", "Enter a date as YYYY-MM-DD."))
        ],
        format="%Y-%m-%d",
    )
    method = SelectField(lazy("発送方法", "Method"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = [(code, label(entry)) for code, entry in DISPATCH_METHODS.items()]
