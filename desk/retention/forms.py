"""Forms for legal holds."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from desk.forms import DeskForm
from desk.i18n import lazy
from desk.retention.service import HOLD_REASON_MAX


class HoldForm(DeskForm):
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


class ReleaseForm(DeskForm):
    """CSRF only: releasing needs no more than the click."""
