"""The reply to an inquiry (`inquiry_reply`), in the person's language, through the letters
area's frame and markup: the print run renders it like any other letter."""

from __future__ import annotations

from datetime import date

from desk import settings
from desk.inquiries.catalogue import CATEGORIES
from desk.letters.service import LetterError


def render_reply(inquiry, lang: str | None = None, dated: date | None = None) -> bytes:
    from desk.clock import today
    from desk.letters import markup
    from desk.letters.frame import Addressee, LetterFrame, letter_date

    lang = lang or inquiry.language or "ja"
    if lang not in ("ja", "en"):
        raise LetterError(f"言語は ja 又は en です: {lang}", f"The language must be ja or en, not {lang}")
    if inquiry.status == "disposed":
        raise LetterError("廃棄したお問い合わせです。", "This inquiry has been disposed of.")
    if not (inquiry.name and inquiry.address):
        raise LetterError("宛先（氏名・住所）がありません。", "There is no name and address to write to.")
    if not (inquiry.answer or "").strip():
        raise LetterError("回答の内容がまだありません。", "There is no answer to send yet.")
    dated = dated or today()
    suffix = "_en" if lang == "en" else ""
    ctx = {
        "lang": lang,
        "inquiry": inquiry,
        "category": CATEGORIES[inquiry.category],
        "addressee": Addressee(inquiry.name, inquiry.postal_code, inquiry.address),
        "answer_paragraphs": [p.strip() for p in inquiry.answer.split("\n\n") if p.strip()],
        "single_kind": None,
        "opening": settings.get("letter_opening"),
        "greeting": settings.get("letter_greeting" + suffix),
        "contact": settings.get("letter_contact" + suffix),
        "complaints": settings.get("complaints" + suffix),
        "business_name": settings.get("business_name" + suffix),
        "date": lambda day: letter_date(day, lang) if day else "",
    }
    text = markup.render_markup(f"{lang}/inquiry_reply.txt", ctx)
    frame = LetterFrame.from_settings(
        lang, reference=inquiry.reference, dated=dated, addressee=ctx["addressee"], title_meta=inquiry.reference
    )
    return frame.build(markup.flowables(markup.parse(text, lang), frame, {}))
