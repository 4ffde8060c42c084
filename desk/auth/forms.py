"""Sign-in form."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from desk.i18n import lazy


class LoginForm(FlaskForm):
    email = EmailField(lazy("メールアドレス", "E-mail"),
                       validators=[DataRequired(lazy("メールアドレスを入力してください。", "Enter your e-mail address.")),
                                   Length(max=254)])
    password = PasswordField(lazy("パスワード", "Password"),
                             validators=[DataRequired(lazy("パスワードを入力してください。", "Enter your password.")),
                                         Length(max=200)])
