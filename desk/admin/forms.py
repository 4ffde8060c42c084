"""Forms of the staff administration pages."""

from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from desk.auth.models import StaffUser
from desk.catalogue import ROLES
from desk.forms import DeskForm, fits
from desk.i18n import label, lazy


def _role_choices():
    return [(code, label(entry)) for code, entry in ROLES.items()]


class AddStaffForm(DeskForm):
    email = EmailField(
        lazy("メールアドレス", "E-mail"),
        validators=[
            DataRequired(lazy("メールアドレスを入力してください。", "Enter an e-mail address.")),
            Email(lazy("メールアドレスの形式が正しくありません。", "That is not a valid e-mail address.")),
            fits(StaffUser.email),
        ],
    )
    name = StringField(
        lazy("氏名（表示名）", "Name (as shown)"),
        validators=[DataRequired(lazy("氏名を入力してください。", "Enter a name.")), fits(StaffUser.name)],
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


class RoleForm(DeskForm):
    role = SelectField(lazy("役割", "Role"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class ActiveForm(DeskForm):
    #: "1" to reactivate, "0" to deactivate.
    active = HiddenField(validators=[Length(max=1)])


class PasswordResetForm(DeskForm):
    password = PasswordField(
        lazy("新しい仮パスワード", "New temporary password"),
        validators=[
            DataRequired(lazy("仮パスワードを入力してください。", "Enter a temporary password.")),
            Length(max=200),
        ],
    )
