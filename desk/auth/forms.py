"""Sign-in and account forms."""

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from desk.auth.models import StaffUser
from desk.auth.passwords import MAX_LENGTH
from desk.forms import DeskForm, fits
from desk.i18n import lazy


class LoginForm(DeskForm):
    email = EmailField(
        lazy("メールアドレス", "E-mail"),
        validators=[
            DataRequired(lazy("メールアドレスを入力してください。", "Enter your e-mail address.")),
            fits(StaffUser.email),
        ],
    )
    password = PasswordField(
        lazy("パスワード", "Password"),
        validators=[
            DataRequired(lazy("パスワードを入力してください。", "Enter your password.")),
            Length(max=MAX_LENGTH),
        ],
    )


class CodeForm(DeskForm):
    code = StringField(
        lazy("確認コード（6桁）または回復コード", "Code (six digits) or a recovery code"),
        validators=[DataRequired(lazy("コードを入力してください。", "Enter the code.")), Length(max=40)],
    )


class ChangePasswordForm(DeskForm):
    current = PasswordField(
        lazy("今のパスワード", "Current password"),
        validators=[
            DataRequired(lazy("今のパスワードを入力してください。", "Enter your current password.")),
            Length(max=MAX_LENGTH),
        ],
    )
    password = PasswordField(
        lazy("新しいパスワード（12文字以上）", "New password (12 characters or more)"),
        validators=[
            DataRequired(lazy("新しいパスワードを入力してください。", "Enter a new password.")),
            Length(max=MAX_LENGTH),
        ],
    )
    confirm = PasswordField(
        lazy("新しいパスワード（確認）", "New password again"),
        validators=[
            DataRequired(lazy("確認のためもう一度入力してください。", "Enter it again to confirm.")),
            EqualTo("password", lazy("確認用のパスワードが一致しません。", "The two new passwords differ.")),
            Length(max=MAX_LENGTH),
        ],
    )


class EnableTotpForm(DeskForm):
    code = StringField(
        lazy("アプリに表示された6桁のコード", "The six-digit code the app shows"),
        validators=[DataRequired(lazy("コードを入力してください。", "Enter the code.")), Length(max=20)],
    )


class PasswordConfirmForm(DeskForm):
    password = PasswordField(
        lazy("パスワード（本人確認のため）", "Your password (to confirm it is you)"),
        validators=[
            DataRequired(lazy("パスワードを入力してください。", "Enter your password.")),
            Length(max=MAX_LENGTH),
        ],
    )
