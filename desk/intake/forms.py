"""The request form (public) and the registration form (staff), with their checks.

Text fields are WTForms fields; the file slots are read by the view through
`read_uploads`, which checks every file by content and the slots' rules.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms import (
    DateField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from desk import catalogue
from desk.cases.models import Requester
from desk.cases.search import email_key, kana_key, name_key, phone_key
from desk.clock import today
from desk.forms import DeskForm, DeskSubform, fits
from desk.i18n import lazy, tr
from desk.intake.slots import WHO
from desk.text import addresses, dates, kana, phones
from desk.text.characters import nfkc
from desk.text.names import tidy_name


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _clean(converter, message):
    """A validator that replaces the field's data with the normalised value, or explains."""

    def check(form, field):
        if field.data in (None, ""):
            return
        try:
            field.data = converter(field.data)
        except ValueError:
            raise ValidationError(str(message)) from None

    return check


def _birth(value):
    return dates.birth_date(value, today())


def _email(value):
    try:
        return validate_email(nfkc(value), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("email") from None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PersonForm(DeskSubform):
    """One person's details; which are required depends on their role (see RequestForm)."""

    name = StringField(
        lazy("氏名", "Full name"),
        filters=[_strip, tidy_name],
        validators=[fits(Requester.name, (Requester.name_key, name_key))],
    )
    furigana = StringField(
        lazy("フリガナ", "Name in katakana (furigana)"),
        filters=[_strip],
        validators=[
            _clean(
                kana.furigana,
                lazy("カタカナ（またはひらがな）で入力してください。", "Write the reading in katakana or hiragana."),
            ),
            fits(Requester.furigana, (Requester.kana_key, kana_key)),
        ],
    )
    birth_date = StringField(
        lazy("生年月日", "Date of birth"),
        filters=[_strip],
        validators=[
            Length(max=40),
            _clean(
                _birth,
                lazy(
                    "生年月日を「1980年4月1日」「昭和55年4月1日」のように入力してください。",
                    "Enter the date of birth like 1980-04-01 or 1 April 1980 as 1980/4/1.",
                ),
            ),
        ],
    )
    postal_code = StringField(
        lazy("郵便番号", "Postal code"),
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
            fits(Requester.postal_code),
        ],
    )
    address = StringField(
        lazy("住所", "Address"),
        filters=[_strip],
        validators=[fits(Requester.address)],
    )
    phone = StringField(
        lazy("電話番号", "Phone number"),
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
            fits(Requester.phone, (Requester.phone_key, phone_key)),
        ],
    )
    email = StringField(
        lazy("メールアドレス（任意）", "E-mail (optional)"),
        filters=[_strip],
        validators=[
            Length(max=254),
            _clean(_email, lazy("メールアドレスの形式が正しくありません。", "This is not a valid e-mail address.")),
            fits(Requester.email, (Requester.email_key, email_key)),
        ],
    )
    known_as = StringField(
        lazy("当社とのご関係（任意）", "How we know you (optional)"),
        filters=[_strip],
        validators=[fits(Requester.known_as)],
    )


_REQUIRED = {
    "name": lazy("氏名を入力してください。", "Enter the full name."),
    "furigana": lazy("フリガナを入力してください。", "Enter the reading of the name."),
    "birth_date": lazy("生年月日を入力してください。", "Enter the date of birth."),
    "postal_code": lazy("郵便番号を入力してください。", "Enter the postal code."),
    "address": lazy("住所を入力してください。", "Enter the address."),
    "phone": lazy("電話番号を入力してください。", "Enter a phone number."),
}


def _has_japanese(text: str | None) -> bool:
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text or ""
    )


def kind_choices():
    return list(catalogue.REQUEST_KINDS)


class RequestForm(DeskForm):
    who = HiddenField(validators=[Length(max=20)])
    kinds = MultiCheckboxField(
        lazy("ご請求の種類", "What you are asking for"), choices=kind_choices(), validate_choice=False
    )
    particulars = TextAreaField(
        lazy("ご請求の内容（任意）", "Details of your request (optional)"),
        filters=[_strip],
        validators=[Length(max=2000)],
    )
    delivery_method = RadioField(
        lazy("開示の方法", "How you want the disclosure"),
        choices=list(catalogue.DELIVERY_METHODS),
        validate_choice=False,
    )
    principal = FormField(PersonForm)
    proxy = FormField(PersonForm)

    @property
    def who_value(self) -> str:
        return self.who.data if self.who.data in WHO else "principal"

    @property
    def is_proxy(self) -> bool:
        return self.who_value in catalogue.PROXY_KINDS

    @property
    def wants_disclosure(self) -> bool:
        return any(code in catalogue.DISCLOSURE_KINDS for code in (self.kinds.data or []))

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.is_proxy:
            for field in self.proxy.form:
                field.errors = []
        kinds = [k for k in (self.kinds.data or []) if k in catalogue.REQUEST_KINDS]
        if not kinds:
            self.kinds.errors = list(self.kinds.errors) + [
                tr("ご請求の種類を1つ以上選んでください。", "Choose at least one thing you are asking for.")
            ]
        self.kinds.data = kinds
        if self.wants_disclosure:
            from desk.delivery.service import offered_methods

            if self.delivery_method.data not in offered_methods():
                self.delivery_method.errors = list(self.delivery_method.errors) + [
                    tr("開示の方法を選んでください。", "Choose how you want the disclosure.")
                ]
        else:
            self.delivery_method.data = None
        self._require_people()
        return not self.has_errors()

    def _required_fields(self) -> dict[str, tuple[str, ...]]:
        if self.is_proxy:
            return {
                "principal": ("name", "furigana", "birth_date", "postal_code", "address"),
                "proxy": ("name", "furigana", "postal_code", "address", "phone"),
            }
        return {"principal": ("name", "furigana", "birth_date", "postal_code", "address", "phone")}

    def required(self, person: str, name: str) -> bool:
        return name in self._required_fields().get(person, ())

    def _require_people(self) -> None:
        for person, names in self._required_fields().items():
            form = getattr(self, person).form
            for name in names:
                field = form[name]
                if name == "furigana" and not _has_japanese(form["name"].data):
                    continue  # a name written in Latin letters has no furigana
                if not field.errors and not field.data:
                    field.errors = list(field.errors) + [str(_REQUIRED[name])]

    def has_errors(self) -> bool:
        for name, field in self._fields.items():
            if name == "proxy" and not self.is_proxy:
                continue
            if isinstance(field, FormField):
                if any(sub.errors for sub in field.form):
                    return True
            elif field.errors:
                return True
        return False

    def error_list(self) -> list[tuple[str, str, str]]:
        """(input id, label, message) for the summary at the top of a rejected form."""
        found = []
        for name, field in self._fields.items():
            if name == "proxy" and not self.is_proxy:
                continue
            subfields = list(field.form) if isinstance(field, FormField) else [field]
            for sub in subfields:
                anchor = {"kinds": "kinds-fieldset", "delivery_method": "delivery-fieldset"}.get(sub.id, sub.id)
                for message in sub.errors:
                    found.append((anchor, str(sub.label.text), str(message)))
        return found

    def values(self) -> list[tuple[str, str]]:
        """Every entered value as (input name, value) pairs, for the hidden fields that carry
        them across the confirmation page."""
        pairs: list[tuple[str, str]] = [("who", self.who_value)]
        pairs += [("kinds", k) for k in self.kinds.data or []]
        for name in ("particulars", "delivery_method"):
            if self[name].data:
                pairs.append((name, self[name].data))
        for person in ("principal", "proxy") if self.is_proxy else ("principal",):
            for field in getattr(self, person).form:
                if field.data:
                    pairs.append((field.name, str(field.raw_data[0] if field.raw_data else field.data)))
        return pairs


CHANNEL_CHOICES = [c for c in catalogue.CHANNELS if c not in ("web", "api", "phone")]


class RegistrationForm(RequestForm):
    """Staff registering a paper, fax, e-mail or counter application."""

    #: The channels this form registers.
    channels = CHANNEL_CHOICES

    channel = SelectField(lazy("受付経路", "Channel"), choices=list(CHANNEL_CHOICES), validate_choice=False)
    arrived_on = DateField(
        lazy("到達日", "Date of arrival"),
        validators=[InputRequired(lazy("到達日を入力してください。", "Enter the date of arrival."))],
    )
    language = SelectField(
        lazy("回答の言語", "Language of letters"), choices=["ja", "en"], default="ja", validate_choice=False
    )
    stamps_enclosed = IntegerField(
        lazy("同封された郵便切手（円）", "Postage stamps enclosed (yen)"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=1_000_000, message=lazy("0以上の金額を入力してください。", "Enter an amount of 0 or more.")
            ),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.channel.data not in self.channels:
            self.channel.errors = list(self.channel.errors) + [tr("受付経路を選んでください。", "Choose the channel.")]
            ok = False
        if self.language.data not in ("ja", "en"):
            self.language.data = "ja"
        if self.arrived_on.data and self.arrived_on.data > today():
            self.arrived_on.errors = list(self.arrived_on.errors) + [
                tr("到達日に未来の日付は指定できません。", "The date of arrival cannot be in the future.")
            ]
            ok = False
        return ok and not self.has_errors()

    def _required_fields(self) -> dict[str, tuple[str, ...]]:
        # A paper application is registered as it came; the officer asks for what is missing.
        if self.is_proxy:
            return {"principal": ("name",), "proxy": ("name", "address")}
        return {"principal": ("name", "address")}
