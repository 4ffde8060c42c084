"""Input hygiene, in one place: the base of every form, which refuses what no database stores.

Every form of desk derives from `DeskForm` (a FlaskForm: CSRF) or, for a group of fields
inside one, `DeskSubform`. Their binding gives every field that takes text a first check
(`refuse_control_characters`) and a Japanese/English message to every `Length` that lacks
one. A field stored in a column says so with `fits(Model.column)`: the bound is read from
the model, and derived keys stored beside the value (the NFKC search keys) must fit too.
tests/test_forms.py walks every form and every String column to keep it so.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import Length, StopValidation, ValidationError

from desk.i18n import lazy, tr

#: Bidirectional embeddings, overrides and isolates: they make a name read differently on
#: the staff's screen from how it is stored ("Trojan source"). The marks (U+200E/U+200F)
#: that right-to-left names need stay allowed.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Line breaks a text area may hold; a one-line field holds none.
_MULTILINE = frozenset("\t\n\r")
#: What a text area keeps as a line break of its own; the letters' line markup counts lines
#: by "\n" only (desk/letters/markup.py), so the Unicode separators become "\n" first.
_LINE_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n"})

CONTROL_MESSAGE = lazy(
    "使用できない制御文字（NUL など）が含まれています。削除してもう一度入力してください。",
    "This contains a control character (such as NUL) that cannot be stored. Remove it and try again.",
)


def unstorable_character(text: str, multiline: bool = False) -> str | None:
    """The first character of text that no field may hold, or None.

    NUL and the other C0/C1 controls (PostgreSQL refuses NUL in any text; the rest are
    invisible), lone surrogates, non-characters, bidirectional overrides, and in a one-line
    field also tabs, line breaks and the Unicode line and paragraph separators."""
    for ch in text:
        if multiline and ch in _MULTILINE:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS:
            return ch
        code = ord(ch)
        if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
            return ch
    return None


def refuse_control_characters(form, field) -> None:
    """The first check of every field: each submitted string is something a column can hold."""
    multiline = isinstance(field, TextAreaField)
    for raw in field.raw_data or ():
        if multiline and isinstance(raw, str):
            raw = raw.translate(_LINE_SEPARATORS)  # what the text area's filter keeps of them
        if isinstance(raw, str) and unstorable_character(raw, multiline) is not None:
            field.errors = []  # a conversion's complaint about the same input says less
            raise StopValidation(str(CONTROL_MESSAGE))


def _line_separators_as_newlines(value):
    return value.translate(_LINE_SEPARATORS) if isinstance(value, str) else value


def length_message(maximum: int) -> str:
    return tr(f"{maximum}文字以内で入力してください。", f"Use at most {maximum:,} characters.")


class _LengthWithMessage(Length):
    """A Length given no message of its own says it in both languages."""

    def __call__(self, form, field):
        length = len(field.data) if field.data else 0
        if length < self.min or (self.max != -1 and length > self.max):
            if self.max != -1 and length > self.max:
                raise ValidationError(length_message(self.max))
            raise ValidationError(tr(f"{self.min}文字以上で入力してください。", f"Use at least {self.min} characters."))


def column_length(column) -> int:
    """The length of a String column (a model attribute such as `Requester.name`)."""
    length = getattr(column.type, "length", None)
    if not length:
        raise TypeError(f"{column} is not a String column with a length")
    return length


class fits:  # noqa: N801  (a validator, named like WTForms' own)
    """The value fits its column, and so does every key derived from it and stored beside it.

    `fits(Requester.name, (Requester.name_key, name_key))`: a name of 100 characters whose
    NFKC form is longer (㍿ is four characters folded) fails here, not at the INSERT."""

    def __init__(self, column, *derived: tuple[object, Callable[[str], str | None]]):
        self.column = column
        self.derived = derived
        self.max = column_length(column)

    def __call__(self, form, field):
        value = field.data
        if not isinstance(value, str) or not value:
            return
        if len(value) > self.max:
            raise ValidationError(length_message(self.max))
        for key_column, derive in self.derived:
            key = derive(value)
            if key is not None and len(key) > column_length(key_column):
                raise ValidationError(length_message(self.max))


def field_maximum(field) -> int | None:
    """The most characters a field accepts (its Length or fits), or None when unbounded."""
    bounds = [v.max for v in field.validators if isinstance(v, Length | fits) and v.max not in (None, -1)]
    return min(bounds) if bounds else None


class _HygieneMeta:
    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        validators = [
            _LengthWithMessage(v.min, v.max) if type(v) is Length and v.message is None else v for v in field.validators
        ]
        field.validators = [refuse_control_characters, *validators]
        if isinstance(field, TextAreaField):
            field.filters = (_line_separators_as_newlines, *field.filters)
        return field


@functools.cache
def _wtforms_translations(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class DeskForm(FlaskForm):
    """The base of every form: CSRF (FlaskForm) and text a database can store."""

    class Meta(_HygieneMeta, FlaskForm.Meta):
        def get_translations(self, form):
            # WTForms' own messages in the request's language, as Flask-WTF gives them, but
            # read from disk once per language and process: Flask-WTF parses the catalogue
            # again for every request (about 0.5 ms of each API submission).
            if not has_request_context() or not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_translations(str(get_locale()))


class DeskSubform(Form):
    """A group of fields inside a DeskForm (FormField), with the same checks."""

    class Meta(_HygieneMeta, Form.Meta):
        pass
