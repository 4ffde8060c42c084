"""The mails of a sign-up: the confirmation link, and the welcome message that carries the unsubscribe headers."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from desk import settings
from desk.i18n import tr

log = logging.getLogger(__name__)


def send(to_address: str, subject: str, body: str, headers: list[tuple[str, str]] = (), *, what: str) -> bool:
    """One message through DESK_SMTP_*; False (logged without the address) when none is configured or it fails."""
    config = current_app.config
    if not config.get("SMTP_HOST") or not to_address:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["SMTP_FROM"]
    message["To"] = to_address
    message["Message-ID"] = make_msgid(domain="desk.local")
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=15) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("consent %s e-mail not sent: %s", what, type(error).__name__)
        return False
    return True


def _signature(lang: str) -> str:
    en = lang == "en"
    business = settings.get("business_name_en" if en else "business_name")
    address = settings.get("business_address_en" if en else "business_address") or settings.get("business_address")
    desk_name = settings.get("desk_name_en" if en else "desk_name")
    return f"{business}\n{address}\n{desk_name}  {tr('電話', 'Phone', lang)} {settings.get('desk_phone')}\n"


def confirmation(link: str, purpose_labels: list[str], lang: str) -> tuple[str, str]:
    hours = int(settings.get("consent_confirm_hours"))
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    if lang == "en":
        return (
            f"Please confirm your sign-up ({business})",
            f"We have received a sign-up for: {', '.join(purpose_labels)}.\n\n"
            f"Open this link and press “Confirm” to complete it (valid for {hours} hours):\n{link}\n\n"
            f"If you did not sign up, simply ignore this e-mail: nothing will be sent to you.\n\n" + _signature(lang),
        )
    return (
        f"【{business}】メール配信のご登録の確認",
        f"次の配信へのご登録のお申込みを受け付けました：{'、'.join(purpose_labels)}\n\n"
        f"下記のリンクを開き、「登録を確定する」を押すと登録が完了します（{hours}時間有効）。\n{link}\n\n"
        f"お心当たりのない場合は、このメールを破棄してください。配信が始まることはありません。\n\n" + _signature(lang),
    )


def welcome(purpose_label: str, unsubscribe: str, lang: str) -> tuple[str, str]:
    """Every marketing e-mail must say how to opt out (the Specified Electronic Mail Act): this one too."""
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    if lang == "en":
        return (
            f"You are signed up: {purpose_label} ({business})",
            f"Thank you: your sign-up for “{purpose_label}” is complete.\n\n"
            f"To stop these e-mails at any time, open this link:\n{unsubscribe}\n\n" + _signature(lang),
        )
    return (
        f"【{business}】「{purpose_label}」のご登録が完了しました",
        f"「{purpose_label}」へのご登録ありがとうございます。登録が完了しました。\n\n"
        f"配信の停止は、次のリンクからいつでもできます。\n{unsubscribe}\n\n" + _signature(lang),
    )
