"""Letters: what each kind says about a case, rendering to PDF, the print queue, and the
encrypted copy kept of what was sent.

- render(case, kind, lang) -> PDF bytes, rendered from the case data on demand.
- queue(case, kind) is the one way a letter joins the print run: a Letter row without a
  stored file and without dispatched_on. The letters area queues the notices itself when
  a case enters a state that calls for one (see desk.letters.register).
- mark_sent() renders, stores (encrypted) and dates each queued letter; a reply goes
  through dispatch_reply(), the one dispatch of a case's reply, which every path (the case
  page, the print run) calls: the case moves to "dispatched" and then "completed".
- On entering "dispatched", the case's reply letter is stored (the row created if missing).
"""

from __future__ import annotations

import io
import logging
from datetime import date

from sqlalchemy import select

from desk import settings
from desk.audit.service import record
from desk.cases import lifecycle
from desk.cases.lifecycle import Refused
from desk.cases.models import CaseExtension
from desk.cases.service import pauses_of, require_day, require_status, transition
from desk.catalogue import (
    CESSATION_MEASURES,
    DELIVERY_METHODS,
    DISPATCH_METHODS,
    DOCUMENT_KINDS,
    OUTCOMES,
    PROXY_KINDS,
    REFUSAL_GROUNDS,
    REQUEST_KINDS,
    Entry,
)
from desk.clock import now, today
from desk.extensions import db
from desk.fees.payment import ways_to_pay
from desk.fees.service import amount_paid, balance, kinds_at_stake
from desk.fees.service import fee_due as fees_due
from desk.formatting import format_yen
from desk.identity.service import documents_still_needed
from desk.letters.models import Letter
from desk.provisions.disclosure import letter_table
from desk.storage.service import read, store

log = logging.getLogger(__name__)


LETTER_KINDS: dict[str, Entry] = {
    k.code: k
    for k in [
        Entry("ack", "受付のお知らせ", "Acknowledgement of receipt"),
        Entry("shortfall", "手数料・書類・ご確認のお願い", "Request for the fee, documents or an answer"),
        Entry("extension", "回答期限延長のお知らせ", "Extension of the response date"),
        Entry("reply", "回答書", "Reply (decision)"),
        Entry("lapse", "請求がなかったものとして取り扱う旨のお知らせ", "Request treated as not made"),
        Entry("access_code", "アクセスコード再発行のお知らせ", "New access code"),
        # The answer to an inquiry (desk.inquiries), not to a case.
        Entry("inquiry_reply", "お問い合わせへのご回答", "Reply to an inquiry"),
    ]
}
LANGUAGES = ("ja", "en")


class LetterError(Refused):
    """A letter that cannot be made for this case; the message is for staff."""


# ---------------------------------------------------------------------------- case facts


#: What a case can wait for from the requester (CasePause.reason).
PAUSE_REASONS = ("fee", "documents", "clarification")


def _pauses(case, reasons=("fee", "documents")):
    return [p for p in pauses_of(case) if p.reason in reasons]


def _extensions(case):
    return list(
        db.session.scalars(
            select(CaseExtension)
            .where(CaseExtension.case_id == case.id)
            .order_by(CaseExtension.decided_on, CaseExtension.id)
        )
    )


def _undecided(case) -> list:
    return [item for item in case.items if not item.outcome]


def why_not(case, kind: str) -> LetterError | None:
    """None when the letter of this kind can be made for the case, else the reason."""
    if kind not in LETTER_KINDS:
        return LetterError(
            f"不明な文書の種類です: {kind}", f"Unknown letter kind: {kind} (use {', '.join(LETTER_KINDS)})"
        )
    if kind in INQUIRY_KINDS:
        return LetterError(
            "お問い合わせへの回答書は、お問い合わせの画面から作成します。",
            "A reply to an inquiry is made from the inquiry's page.",
        )
    if case.disposed_on or case.status == "disposed":
        return LetterError(
            "保存期間が満了し個人情報を消去した案件のため、文書を作成できません。",
            "The case has been disposed of; its personal data is gone.",
        )
    if case.addressee is None:
        return LetterError("宛先（請求者）が登録されていません。", "The case has no requester to address.")
    if kind == "shortfall" and not (_pauses(case, PAUSE_REASONS) or case.status in lifecycle.WAITING):
        return LetterError(
            "手数料、書類又はご回答をお願いしていない案件です。",
            "Nothing (fee, documents or an answer) has been asked of the requester.",
        )
    if kind == "extension" and not _extensions(case):
        return LetterError("回答期限を延長していない案件です。", "The case has not been extended.")
    if kind == "reply":
        if case.status in ("withdrawn", "lapsed"):
            return LetterError(
                "取下げ又は請求なしとして終了した案件には回答書を作成しません。",
                "A withdrawn or lapsed case gets no reply letter.",
            )
        undecided = _undecided(case)
        if undecided or not case.items:
            names = "、".join(REQUEST_KINDS[i.kind].ja for i in undecided)
            return LetterError(
                f"まだ決定していない請求があります: {names}",
                "Not every request has a decision yet: " + ", ".join(REQUEST_KINDS[i.kind].en for i in undecided),
            )
    if kind == "lapse" and not lapsed_items(case):
        return LetterError(
            "請求がなかったものとして終了した案件ではありません。", "The case has not lapsed (treated as not made)."
        )
    return None


def lapsed_items(case) -> list:
    """The kinds treated as not made: all of a lapsed case, or those of an unpaid fee."""
    return [item for item in case.items if item.outcome == "lapsed"]


#: Letters made only on the requester's word, never offered on the case page.
ON_REQUEST_ONLY = frozenset({"access_code"})
#: Letters about an inquiry, never about a case.
INQUIRY_KINDS = frozenset({"inquiry_reply"})


def applicable_kinds(case) -> list[str]:
    return [
        kind for kind in LETTER_KINDS if kind not in ON_REQUEST_ONLY | INQUIRY_KINDS and why_not(case, kind) is None
    ]


def _attachment_table(details: dict, lang: str) -> tuple[list[str], list[list[str]]] | None:
    """The item's 別紙 table in the letter's language: a table the records search made is
    built again from its records (desk.provisions.disclosure); one typed is printed as typed."""
    disclosed = (details or {}).get("disclosed")
    if not isinstance(disclosed, dict):
        return None
    rebuilt = letter_table(disclosed, lang)
    if rebuilt is not None:
        return rebuilt
    columns = [str(c) for c in disclosed.get("columns") or []]
    rows = [[("" if v is None else str(v)) for v in row] for row in disclosed.get("rows") or []]
    if not columns:
        return None
    return columns, rows


def context(case, kind: str, lang: str, dated: date) -> tuple[dict, dict]:
    """The template context and the attachment tables for one letter."""
    suffix = "_en" if lang == "en" else ""
    addressee, principal, proxy = case.addressee, case.principal, case.proxy
    fee_due = fees_due(case)
    paid = amount_paid(case)
    # An unpaid fee ends only the kinds that carry one: the fee notice warns of those only.
    fee_kinds, free_kinds = kinds_at_stake(case)
    items, tables, attachment_number = [], {}, 0
    for number, item in enumerate(case.items, start=1):
        outcome = OUTCOMES.get(item.outcome) if item.outcome else None
        details = item.details or {}
        attachment = None
        if item.outcome in ("disclosed", "partly_disclosed"):
            table = _attachment_table(details, lang)
            if table:
                attachment_number += 1
                key = f"a{attachment_number}"
                tables[key] = table
                attachment = {"key": key, "number": attachment_number, "rows": len(table[1])}
        kind_entry = REQUEST_KINDS[item.kind]
        grounds = [REFUSAL_GROUNDS[g] for g in (item.grounds or []) if g in REFUSAL_GROUNDS]
        explanation = (item.explanation or "").strip()
        if explanation in {ground.letter(lang).strip() for ground in grounds}:
            explanation = ""  # a refusal drafted from a failed check says its ground once, not twice
        items.append(
            {
                "number": number,
                "kind": kind_entry,
                "code": item.outcome,
                "outcome": outcome,
                "grounds": grounds,
                "explanation": explanation,
                "particulars": (item.particulars or "").strip(),
                "withheld": [str(w) for w in details.get("withheld") or []],
                "corrected": str(details.get("corrected") or "").strip(),
                "alternative_measure": str(details.get("alternative_measure") or "").strip(),
                "measures": [m for m in details.get("measures") or [] if m in CESSATION_MEASURES],
                "fallback_reason": str(details.get("fallback_to_paper_reason") or "").strip(),
                "attachment": attachment,
                # Only where a fee was paid: nothing is "not refunded" to someone who paid nothing.
                "fee_note": bool(fee_due)
                and paid > 0
                and kind_entry.fee_allowed
                and item.outcome in ("not_disclosed", "not_notified"),
            }
        )
    pauses = _pauses(case, PAUSE_REASONS)
    # The notice speaks of the request the case waits on now, or else the last one made.
    pause = next((p for p in pauses if p.ended_on is None), pauses[-1] if pauses else None)
    extensions = _extensions(case) if kind == "extension" else []
    owed = balance(case) if fee_due else 0
    if case.status in lifecycle.WAITING:
        shortfall_reason = case.status.removeprefix("awaiting_")
    else:
        shortfall_reason = pause.reason if pause else ("fee" if owed else "documents")
    opening = settings.get("letter_opening")
    ctx = {
        "lang": lang,
        "case": case,
        "kind": kind,
        "dated": dated,
        "addressee": addressee,
        "principal": principal,
        "proxy": proxy,
        "items": items,
        "kinds": [REQUEST_KINDS[k] for k in case.kinds],
        "single_kind": REQUEST_KINDS[case.kinds[0]] if len(case.kinds) == 1 else None,
        "opening": opening,
        "greeting": settings.get("letter_greeting" + suffix),
        "contact": settings.get("letter_contact" + suffix),
        "complaints": settings.get("complaints" + suffix),
        "purposes": [line for line in str(settings.get("purposes_of_use" + suffix)).splitlines() if line.strip()],
        "business_name": settings.get("business_name" + suffix),
        "delivery": DELIVERY_METHODS.get(case.delivery_method, None),
        "paper": DELIVERY_METHODS["paper"],
        "fee_due": fee_due,
        "fee_paid": amount_paid(case) if fee_due else 0,
        # What the lapsed kinds owed and was never paid (fee_due no longer counts them).
        "unpaid_at_lapse": max(settings.fee_due(case.kinds) - amount_paid(case), 0) if kind == "lapse" else 0,
        "balance": owed,
        "ways_to_pay": ways_to_pay(owed, case.channel, case.reference),
        "shortfall_reason": shortfall_reason,
        "asked": (pause.message or "").strip() if pause else "",
        "lapsed_kinds": [REQUEST_KINDS[item.kind] for item in lapsed_items(case)],
        "going_on_kinds": [REQUEST_KINDS[item.kind] for item in case.items if item.outcome != "lapsed"],
        "fee_kinds": fee_kinds,
        "free_kinds": free_kinds,
        "needed_documents": documents_still_needed(case) if kind in ("shortfall", "lapse") else [],
        "proxy_alternatives": (
            [[DOCUMENT_KINDS[c] for c in alternative] for alternative in PROXY_KINDS[case.proxy_kind].requirements]
            if case.proxy_kind in PROXY_KINDS
            else []
        ),
        "pause": pause,
        "last_pause": pauses[-1] if pauses else None,
        "due_on": case.requester_due_on or (pause.due_on if pause else None),
        "extension": extensions[-1] if extensions else None,
        "target": case.internal_target_on,
        "date": lambda day: _letter_date(day, lang) if day else "",
        "yen": lambda amount: format_yen(amount, lang),
    }
    return ctx, tables


# ---------------------------------------------------------------------------- rendering


def _letter_date(day, lang: str) -> str:
    from desk.letters.frame import letter_date

    return letter_date(day, lang)


def calibration_sheet(lang: str = "ja") -> bytes:
    # reportlab is imported when a PDF is made, not when the app starts: every worker
    # would otherwise carry it.
    from desk.letters.frame import calibration_sheet as build

    return build(lang=lang)


def _addressee(case, lang: str):
    from desk.letters.frame import Addressee

    to = case.addressee
    principal = case.principal
    on_behalf = principal.name if case.proxy is not None and principal is not None else None
    return Addressee(to.name, to.postal_code, to.address, on_behalf)


def render(case, kind: str, lang: str | None = None, dated: date | None = None, letter: Letter | None = None) -> bytes:
    """The PDF of one letter of the case, or LetterError saying why it cannot be made."""
    lang = lang or case.language or "ja"
    if kind in ON_REQUEST_ONLY and letter is None:
        raise LetterError(
            "この文書は、ご本人のお申出により印刷待ちに入ったものだけを作成します。",
            "This letter is made only from the one queued at the requester's request.",
        )
    if lang not in LANGUAGES:
        raise LetterError(f"言語は ja 又は en です: {lang}", f"The language must be ja or en, not {lang}")
    problem = why_not(case, kind)
    if problem:
        raise problem
    dated = dated or today()
    ctx, tables = context(case, kind, lang, dated)
    if kind == "access_code":
        from flask import has_request_context, url_for

        from desk.intake.codes import letter_code

        ctx["access_code"] = letter_code(case.reference, letter.id)
        ctx["status_page"] = url_for("intake.status", _external=True) if has_request_context() else ""
    from desk.letters import markup
    from desk.letters.frame import LetterFrame

    text = markup.render_markup(f"{lang}/{kind}.txt", ctx)
    frame = LetterFrame.from_settings(
        lang, reference=case.reference, dated=dated, addressee=_addressee(case, lang), title_meta=case.reference
    )
    return frame.build(markup.flowables(markup.parse(text, lang), frame, tables))


def render_letter(letter: Letter, dated: date | None = None) -> bytes:
    if letter.inquiry_id is not None:
        from desk.inquiries.letters import render_reply

        return render_reply(letter.inquiry, letter.language, dated or letter.dated_on)
    return render(letter.case, letter.kind, letter.language, dated or letter.dated_on, letter=letter)


def combine(pdfs: list[bytes]) -> bytes:
    """One PDF of several (the print run), pages in order."""
    import pypdfium2 as pdfium

    combined = pdfium.PdfDocument.new()
    for data in pdfs:
        source = pdfium.PdfDocument(data)
        combined.import_pages(source)
        source.close()
    out = io.BytesIO()
    combined.save(out)
    combined.close()
    return out.getvalue()


# ---------------------------------------------------------------------------- queue and store


def queued_letters() -> list[Letter]:
    """Letters waiting to be printed, in queue order (oldest first); never a withdrawn one,
    nor the reply of a case that goes to the requester's page instead of the post."""
    waiting = db.session.scalars(select(Letter).where(Letter.waiting()).order_by(Letter.created_at, Letter.id))
    return [letter for letter in waiting if not (letter.kind == "reply" and replies_electronically(letter.case))]


def replies_electronically(case) -> bool:
    """The reply goes as an electronic record on the requester's page, not by post: the
    principal chose it, the business offers it, and data is disclosed without a reason
    recorded for paper (Art. 33(2)). Such a reply is dispatched from the case page."""
    return (
        case is not None
        and case.delivery_method == "electronic"
        and bool(settings.get("electronic_delivery"))
        and bool(_disclosed_without_paper_reason(case))
    )


def stored_letters(case) -> list[Letter]:
    return list(
        db.session.scalars(
            select(Letter)
            .where(Letter.case_id == case.id, Letter.wrapped_key.is_not(None))
            .order_by(Letter.dispatched_on, Letter.id)
        )
    )


def queue(case, kind: str, *, lang: str | None = None, actor=None, on: date | None = None) -> Letter:
    """Queue a letter for the print run (one queued letter per case and kind)."""
    problem = why_not(case, kind)
    if problem:
        raise problem
    lang = lang or case.language or "ja"
    existing = db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == kind, Letter.waiting())
    ).first()
    if existing is not None:
        existing.language = lang
        return existing
    letter = Letter(
        case_id=case.id, kind=kind, language=lang, dated_on=on or today(), created_by_id=getattr(actor, "id", None)
    )
    db.session.add(letter)
    db.session.flush()
    record("letter.queued", actor=actor, case=case, detail={"kind": kind, "letter_id": letter.id})
    return letter


def still_called_for(case, kind: str) -> bool:
    """Whether the case still calls for a letter of this kind that waits to be sent: a
    shortfall notice only while the case waits for what it asks, a reply only while the
    case is approved (or being dispatched), a lapse notice only for a lapsed case, anything
    else only while the case is open."""
    if why_not(case, kind) is not None:
        return False
    if kind == "shortfall":
        return case.status in lifecycle.WAITING
    if kind == "reply":
        # At "dispatched" the reply is about to be stored as sent (store_reply_on_dispatch).
        return case.status in ("approved", "dispatched")
    if kind == "lapse":
        return bool(lapsed_items(case)) and case.status not in ("withdrawn", "disposed")
    if kind == "access_code":
        return True  # until sent or disposed of (why_not above), whatever the case's state
    return case.is_open and case.status != "dispatched"


def withdraw(letter: Letter, reason: str, *, actor=None) -> None:
    """Take a waiting letter out of the print run, unsent (audited)."""
    if letter.dispatched_on is not None or letter.storage_name is not None or letter.withdrawn_at is not None:
        raise LetterError("この文書は発送待ちではありません。", "This letter is not waiting to be sent.")
    letter.withdrawn_at, letter.withdrawn_reason = now(), reason
    letter.withdrawn_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        "letter.withdrawn",
        actor=actor,
        **letter.audit_subject(),
        detail={"kind": letter.kind, "letter_id": letter.id, "reason": reason},
    )


def withdraw_stale(case, *, actor=None, on: date | None = None) -> None:
    """On every move of a case: a waiting letter whose reason has gone (the fee was paid,
    the case closed or went back to drafting) is withdrawn by itself, never printed."""
    for letter in db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.waiting())):
        if not still_called_for(case, letter.kind):
            withdraw(letter, "reason_gone", actor=actor)


def dispatch(letter: Letter, *, on: date, method: str | None, actor=None) -> None:
    """Render the letter as sent, store it encrypted and date it."""
    if method is not None and method not in DISPATCH_METHODS:
        raise LetterError(f"不明な発送方法です: {method}", f"Unknown dispatch method: {method}")
    letter.dated_on = on
    store(letter, render_letter(letter, on), "application/pdf")
    letter.dispatched_on = on
    letter.dispatch_method = method or letter.dispatch_method
    record(
        "letter.dispatched",
        actor=actor,
        **letter.audit_subject(),
        detail={"kind": letter.kind, "letter_id": letter.id, "method": letter.dispatch_method},
    )


def mark_sent(letter_ids: list[int], *, on: date, method: str, actor=None) -> list[Letter]:
    """Mark the given queued letters sent in one step (the caller commits). A reply goes
    through dispatch_reply(), so the case completes as it does from the case page."""
    if method not in DISPATCH_METHODS:
        raise LetterError("発送方法を選んでください。", "Choose a dispatch method.")
    ids = set(letter_ids)
    letters = [letter for letter in queued_letters() if letter.id in ids]
    if not letters:
        raise LetterError("発送済みにする文書がありません。", "There are no queued letters to mark as sent.")
    for letter in letters:
        if letter.inquiry_id is not None:
            if on < letter.inquiry.received_on or on > today():
                raise LetterError(
                    "発送日は、お問い合わせの受付日から今日までの日付にしてください。",
                    "The dispatch date must lie between the inquiry's arrival and today.",
                )
        else:
            require_day(letter.case, on, "発送日", "dispatch date")
    for letter in letters:
        if letter.inquiry_id is not None:
            from desk.inquiries.service import letter_sent

            dispatch(letter, on=on, method=method, actor=actor)
            letter_sent(letter, on, actor=actor)
        elif letter.kind == "reply" and letter.case.status == "approved":
            dispatch_reply(letter.case, on, method, actor=actor)
        else:
            dispatch(letter, on=on, method=method, actor=actor)
    return letters


def dispatch_reply(case, sent_on: date, method: str, *, actor) -> Letter:
    """The reply went out: the reply letter is dated, stored as sent and marked with the
    method; the case moves to "dispatched" and then "completed" (whose hooks fill the
    suppression register and start the retention clock). The one dispatch of a reply."""
    require_status(case, {"approved"}, "発送を記録", "record the dispatch")
    if method not in DISPATCH_METHODS:
        raise LetterError("発送方法を選んでください。", "Choose how the reply was sent.")
    require_day(case, sent_on, "発送日", "dispatch date")
    letter = queue(case, "reply", actor=actor)
    letter.dispatch_method = method
    # Entering "dispatched" stores the reply as sent (store_reply_on_dispatch).
    transition(case, "dispatched", actor=actor, on=sent_on, detail={"method": method, "letter_id": letter.id})
    if method == "electronic":
        _deliver_electronically(case, letter, actor=actor)
    elif case.delivery_method == "electronic" and _disclosed_without_paper_reason(case):
        raise LetterError(
            "ご本人は電磁的記録による提供を選んでいます。書面で送る場合は、決定の画面で書面とする理由を記録してください（法第33条第2項）。",
            "The principal chose an electronic record. To send paper, record on the decision why paper is used (Art. 33(2)).",
        )
    transition(case, "completed", actor=actor, on=sent_on)
    return letter


def _disclosed_without_paper_reason(case) -> list:
    return [
        item
        for item in case.items
        if item.outcome in ("disclosed", "partly_disclosed")
        and not str((item.details or {}).get("fallback_to_paper_reason") or "").strip()
    ]


def _deliver_electronically(case, letter: Letter, *, actor) -> None:
    """The requester chose an electronic record: the reply as sent and the disclosed data
    go to their page as one package (desk.delivery)."""
    from desk.delivery.service import publish

    if case.delivery_method != "electronic":
        raise LetterError(
            "ご本人は電磁的記録による提供を選んでいないため、電子的な方法では送れません。",
            "The principal did not choose an electronic record, so the reply cannot be sent electronically.",
        )
    if not settings.get("electronic_delivery"):
        raise LetterError(
            "電磁的記録による提供は設定で無効になっています。",
            "Delivery as an electronic record is turned off in the settings.",
        )
    stored = db.session.scalars(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.kind == "reply", Letter.wrapped_key.is_not(None))
        .order_by(Letter.id.desc())
    ).first()
    publish(case, stored or letter, actor=actor)


def store_reply_on_dispatch(case, actor=None, on: date | None = None) -> None:
    """on_enter("dispatched"): keep the reply exactly as sent, unless already stored."""
    replies = list(
        db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "reply").order_by(Letter.id))
    )
    if any(r.storage_name and r.dispatched_on for r in replies):
        return  # stored already (marked sent in the print run)
    problem = why_not(case, "reply")
    if problem:
        log.warning("reply letter of case %s not stored at dispatch: %s", case.id, problem.en)
        record("letter.not_stored", actor=actor, case=case, detail={"kind": "reply"})
        return
    letter = next((r for r in reversed(replies) if not r.storage_name), None)
    if letter is None:
        letter = Letter(
            case_id=case.id,
            kind="reply",
            language=case.language or "ja",
            dated_on=on or today(),
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(letter)
        db.session.flush()
    dispatch(letter, on=on or today(), method=letter.dispatch_method, actor=actor)


def queue_on_entering(kind: str):
    """A hook that queues the letter of `kind` when a case enters the state calling for it."""

    def hook(case, *, actor=None, on: date | None = None) -> None:
        problem = why_not(case, kind)
        if problem is None:
            queue(case, kind, actor=actor)
        else:  # a case moved by hand (a test, a script) before it could have its letter
            log.warning("%s letter of case %s not queued: %s", kind, case.id, problem.en)

    hook.__name__ = hook.__qualname__ = f"queue_{kind}"
    return hook


def queue_extension_notice(case, extension, *, actor=None) -> None:
    """The requester is told in writing that the response date moved, and why."""
    queue(case, "extension", actor=actor)


def panel_context(case) -> dict:
    """What the case page's letters panel shows."""
    disposed = bool(case.disposed_on or case.status == "disposed")
    letters = list(db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)))
    return {
        "letter_kinds": LETTER_KINDS,
        "letters": letters,
        "applicable": [] if disposed else applicable_kinds(case),
        "stored": [letter for letter in letters if letter.wrapped_key is not None and not disposed],
        "queued": [
            letter
            for letter in letters
            if letter.storage_name is None and letter.dispatched_on is None and letter.withdrawn_at is None
        ],
        "case_language": case.language or "ja",
        "electronic": replies_electronically(case),
    }


# ---------------------------------------------------------------------------- reading, audited


def preview(case, kind: str, lang: str, actor=None) -> bytes:
    data = render(case, kind, lang)
    record("letter.viewed", actor=actor, case=case, detail={"kind": kind, "lang": lang})
    return data


def sent_copy(case, kind: str, lang: str) -> Letter | None:
    """The stored copy of the last letter of this kind sent in this language, if any: a
    letter that has been sent is shown again only as it was sent, never re-rendered with
    today's facts."""
    return db.session.scalars(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.kind == kind, Letter.language == lang, Letter.wrapped_key.is_not(None))
        .order_by(Letter.dispatched_on.desc(), Letter.id.desc())
    ).first()


def read_stored(letter: Letter, actor=None) -> bytes:
    data = read(letter)
    record("letter.read", actor=actor, **letter.audit_subject(), detail={"kind": letter.kind, "letter_id": letter.id})
    return data


def print_run(letter_ids: list[int] | None = None, actor=None, on: date | None = None) -> tuple[list[Letter], bytes]:
    """All queued letters (or the given ones) in queue order, as one PDF dated `on`."""
    letters = [letter for letter in queued_letters() if letter_ids is None or letter.id in set(letter_ids)]
    if not letters:
        raise LetterError("印刷を待っている文書はありません。", "No letters are waiting to be printed.")
    pdf = combine([render_letter(letter, on or today()) for letter in letters])
    record("letter.print_run", actor=actor, detail={"letters": [letter.id for letter in letters]})
    return letters, pdf
