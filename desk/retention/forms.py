"""Forms for legal holds."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from desk.i18n import lazy
from desk.retention.service import HOLD_REASON_MAX


class HoldForm(FlaskForm):
    reason = TextAreaField(
        lazy("保全の理由", "Reason for the hold"),
        validators=[
            DataRequired(lazy("保全の理由を入力してください。", "Enter the reason for the hold.")),
            Length(
                max=HOLD_REASON_MAX,
                message=lazy(
                    f"{HOLD_REASON_MAX}文字以内で入力してください。", f"Keep it within {HOLD_REASON_MAX} characters."
                ),
            ),
        ],
    )


class ReleaseForm(FlaskForm):
    """CSRF only: releasing needs no more than the click."""
