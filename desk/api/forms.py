"""The forms the API validates: the very forms of the pages, read from a multipart body
without a CSRF token (the API authenticates by key, or not at all, never by cookie)."""

from __future__ import annotations

from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired

from desk import catalogue
from desk.api.models import ApiKey
from desk.forms import DeskForm, fits
from desk.i18n import label, lazy
from desk.intake.forms import CHANNEL_CHOICES, MultiCheckboxField, RegistrationForm, RequestForm

#: The channels a key with cases:write may register: those of staff registration, and
#: "api" for a request taken by the calling system itself (a call centre, a CRM).
API_CHANNELS = [*CHANNEL_CHOICES, "api"]


class ApiRequestForm(RequestForm):
    """The public request form, as the API receives it."""

    class Meta(RequestForm.Meta):
        csrf = False


class ApiRegistrationForm(RegistrationForm):
    """Staff registration, as a key with cases:write sends it."""

    channels = API_CHANNELS

    class Meta(RegistrationForm.Meta):
        csrf = False


class NewKeyForm(DeskForm):
    """An administrator making a key: what it is for, what it may do, until when."""

    name = StringField(
        lazy("名前（用途）", "Name (what it is for)"),
        validators=[DataRequired(lazy("名前を入力してください。", "Enter a name.")), fits(ApiKey.name)],
    )
    scopes = MultiCheckboxField(lazy("権限（スコープ）", "Scopes"), choices=[], validate_choice=False)
    expires_on = DateField(
        lazy("有効期限", "Expires on"),
        validators=[InputRequired(lazy("有効期限を入力してください。", "Enter the expiry date."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(code, label(entry)) for code, entry in catalogue.API_SCOPES.items()]


class RevokeKeyForm(DeskForm):
    """The revoke button (CSRF only)."""
