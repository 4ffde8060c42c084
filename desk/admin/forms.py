"""Forms of the staff administration pages."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from desk.catalogue import ROLES
from desk.i18n import label, lazy


def _role_choices():
    return [(code, label(entry)) for code, entry in ROLES.items()]


class AddStaffForm(FlaskForm):
    email = EmailField(
        lazy("メールアドレス", "E-mail"),
        validators=[
            DataRequired(lazy("メールアドレスを入力してください。", "Enter an e-mail address.")),
            Email(lazy("メールアドレスの形式が正しくありません。", "That is not a valid e-mail address.")),
            Length(max=254),
        ],
    )
    name = StringField(
        lazy("氏名（表示名）", "Name (as shown)"),
        validators=[DataRequired(lazy("氏名を入力してください。", "Enter a name.")), Length(max=100)],
    )
    role = SelectField(lazy("役割", "Role"), validators=[DataRequired()])
    password = PasswordField(
        lazy("仮パスワード", "Temporary password"),
        validators=[
            DataRequired(lazy("仮パスワードを入力してください。", "Enter a temporary password.")),
            Length(max=200),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class RoleForm(FlaskForm):
    role = SelectField(lazy("役割", "Role"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class ActiveForm(FlaskForm):
    #: "1" to reactivate, "0" to deactivate.
    active = HiddenField()


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        lazy("新しい仮パスワード", "New temporary password"),
        validators=[
            DataRequired(lazy("仮パスワードを入力してください。", "Enter a temporary password.")),
            Length(max=200),
        ],
    )
