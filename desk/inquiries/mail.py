"""The acknowledgement e-mail of an inquiry: the reference and nothing personal, through the
intake area's one sender (DESK_SMTP_*)."""

from __future__ import annotations

from desk import settings
from desk.intake.service import send_mail


def acknowledgement_text(reference: str, lang: str, days: int) -> tuple[str, str]:
    desk_name = settings.get("desk_name_en" if lang == "en" else "desk_name")
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    if lang == "en":
        subject = f"We have received your message (reference {reference})"
        body = (
            f"Thank you for contacting us. We have received your message.\n\n"
            f"Reference number: {reference}\n\n"
            f"We aim to answer within {days} business days. Please quote the reference number if you contact us about it.\n\n"
            f"If you did not write to us, please let us know.\n\n"
            f"{business}\n{desk_name}  {settings.get('desk_phone')}\n"
        )
    else:
        subject = f"お問い合わせを受け付けました（受付番号 {reference}）"
        body = (
            f"お問い合わせいただき、ありがとうございます。以下の受付番号で承りました。\n\n"
            f"受付番号：{reference}\n\n"
            f"{days}営業日以内を目安にご回答いたします。お問い合わせの際は受付番号をお知らせください。\n\n"
            f"このメールにお心当たりのない場合は、お手数ですが下記までご連絡ください。\n\n"
            f"{business}\n{desk_name}　電話 {settings.get('desk_phone')}\n"
        )
    return subject, body


def send_acknowledgement(inquiry, to_address: str) -> bool:
    subject, body = acknowledgement_text(inquiry.reference, inquiry.language, int(settings.get("inquiry_answer_days")))
    return send_mail(inquiry, to_address, subject, body, what="inquiry acknowledgement")
