"""What the requester does on their own page, after the reference and the access code:
answer a question in text, withdraw the request, download an electronically delivered
reply; and, before it, ask for a new access code when the old one was lost.

The services (answer, withdraw_request, request_new_code) take plain values, so the JSON
API calls them as the page does; the views below are thin."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_limiter.util import get_remote_address
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from desk import throttle
from desk.audit.service import record
from desk.cases import lifecycle
from desk.cases import service as cases
from desk.cases.lifecycle import Refused
from desk.cases.models import CaseNote
from desk.clock import today
from desk.extensions import db, limiter
from desk.forms import DeskForm
from desk.i18n import lazy, tr
from desk.intake import codes
from desk.intake.status_documents import _limit, _status_form, remember, remembered_case

blueprint = Blueprint("status_actions", __name__)

#: The longest answer the page takes (a letter's worth).
ANSWER_MAX = 4000
#: New codes one reference may be sent in a day, and asks one address may make in a day.
CODES_PER_REFERENCE, ASKS_PER_ADDRESS = 3, 10
DAY = 86400


class AnswerForm(DeskForm):
    answer = TextAreaField(
        lazy("ご回答", "Your answer"),
        validators=[
            InputRequired(lazy("ご回答を入力してください。", "Write your answer.")),
            Length(
                max=ANSWER_MAX,
                message=lazy(f"{ANSWER_MAX}字以内でご記入ください。", f"At most {ANSWER_MAX} characters."),
            ),
        ],
    )


class WithdrawForm(DeskForm):
    confirm = BooleanField(lazy("このご請求を取り下げます", "I withdraw this request"))


class NewCodeForm(DeskForm):
    reference = StringField(
        lazy("受付番号", "Reference number"),
        validators=[InputRequired(lazy("受付番号を入力してください。", "Enter the reference number.")), Length(max=40)],
    )


def answer_form(case, formdata=None):
    if case.status != "awaiting_clarification":
        return None
    return AnswerForm(formdata=formdata)


# ----------------------------------------------------------------------------- services


def answer(case, text: str) -> CaseNote:
    """The requester's answer to the desk's question, kept on the case's timeline where the
    officer reads it; the clock starts again when the officer records that the answer came."""
    if case.status != "awaiting_clarification":
        raise Refused("現在、お尋ねへのご回答はお願いしていません。", "We are not waiting for an answer from you.")
    body = (text or "").strip()
    if not body:
        raise Refused("ご回答を入力してください。", "Write your answer.")
    if len(body) > ANSWER_MAX:
        raise Refused(f"{ANSWER_MAX}字以内でご記入ください。", f"At most {ANSWER_MAX} characters.")
    note = CaseNote(
        case_id=case.id,
        author_id=None,
        body=tr("【ご本人からの回答（確認ページ）】\n", "[Answer from the requester's page]\n") + body,
    )
    db.session.add(note)
    db.session.flush()
    record("requester.answered", actor=None, case=case, detail={"note_id": note.id, "chars": len(body)})
    return note


def withdraw_request(case) -> None:
    """The requester withdrew the request from their page (audited as from the web)."""
    cases.withdraw(case, "web", today(), actor=None)
    record("requester.withdrew", actor=None, case=case, detail={"from": "status page"})


def request_new_code(reference: str, address: str) -> str:
    """Send a new access code to the e-mail address the case holds, or else by a letter to
    its postal address (the print run), never to one typed now; the old code stops working.
    Returns what happened ("sent", "posted", "no_address", "throttled", "unknown"); the page says the same to all but "throttled", so it tells nobody whether a
    reference exists."""
    from desk.intake.service import send_mail
    from desk.intake.status import clean_reference

    reference = clean_reference(reference)
    if throttle.hit(f"newcode-from:{address}", DAY) > ASKS_PER_ADDRESS:
        return "throttled"
    case = cases.by_reference(reference)
    if case is None or not case.is_open and case.status == "disposed":
        return "unknown"
    if throttle.hit(f"newcode:{reference}", DAY) > CODES_PER_REFERENCE:
        record("access_code.reissue_refused", actor=None, case=case, detail={"why": "throttled"})
        return "throttled"
    addressee = case.addressee
    if addressee is not None and addressee.email:
        code = codes.new_code()
        subject, body = new_code_text(reference, code, case.language or "ja")
        if send_mail(case, addressee.email, subject, body, what="new-code"):
            case.access_code_hash = codes.code_hash(case.reference, code)
            record("access_code.reissued", actor=None, case=case, detail={"to": "e-mail on file"})
            return "sent"
    if addressee is not None and addressee.address:
        return _by_post(case)
    record("access_code.reissue_refused", actor=None, case=case, detail={"why": "no address on file"})
    return "no_address"


def _by_post(case) -> str:
    """A letter with the new code to the postal address the case holds, through the print
    run; the code is derived from the letter, so only its hash is kept, and the old code
    stops working now."""
    from desk.letters import service as letters

    try:
        letter = letters.queue(case, "access_code", actor=None)
    except Refused:
        record("access_code.reissue_refused", actor=None, case=case, detail={"why": "no letter can be made"})
        return "no_address"
    case.access_code_hash = codes.code_hash(case.reference, codes.letter_code(case.reference, letter.id))
    record(
        "access_code.reissued", actor=None, case=case, detail={"to": "postal address on file", "letter_id": letter.id}
    )
    return "posted"


def new_code_text(reference: str, code: str, lang: str) -> tuple[str, str]:
    from flask import url_for

    from desk import settings

    page = url_for("intake.status", _external=True)
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    desk_name = settings.get("desk_name_en" if lang == "en" else "desk_name")
    if lang == "en":
        return (
            f"Your new access code (reference {reference})",
            f"As asked on our status page, here is a new access code for reference number {reference}:\n\n"
            f"    {code}\n\nThe previous code no longer works. Open {page} with the reference number and this "
            f"code. If you did not ask for it, please contact us.\n\n{business}\n{desk_name}  {settings.get('desk_phone')}\n",
        )
    return (
        f"新しいアクセスコードのお知らせ（受付番号 {reference}）",
        f"確認ページでのお申出により、受付番号 {reference} の新しいアクセスコードをお知らせします。\n\n"
        f"    {code}\n\nこれまでのアクセスコードは使えなくなりました。{page} で受付番号とこのコードを入力してください。"
        f"お心当たりがない場合は、下記までご連絡ください。\n\n{business}\n{desk_name}　電話 {settings.get('desk_phone')}\n",
    )


# ----------------------------------------------------------------------------- views


def _page(case, status=200, **flags):
    from desk.intake.status import view_of

    view = view_of(case)
    return render_template("public/intake/status.html", form=None, view=view, **flags), status


def _expired():
    return render_template("public/intake/status.html", form=_status_form(), expired=True), 400


@blueprint.post("/requests/status/answer")
@limiter.limit(_limit)
def send_answer():
    case = remembered_case()
    if case is None:
        return _expired()
    form = AnswerForm()
    if not form.validate_on_submit():
        page, status = _page(case, 400)
        return page, status
    try:
        answer(case, form.answer.data)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        return _page(cases.by_reference(case.reference), 400, refused=tr(refusal.ja, refusal.en))
    remember(case)
    return _page(case, answered=True)


@blueprint.post("/requests/status/withdraw")
@limiter.limit(_limit)
def withdraw():
    case = remembered_case()
    if case is None:
        return _expired()
    form = WithdrawForm()
    if not form.validate_on_submit() or case.status not in lifecycle.WITHDRAWABLE:
        return _page(case, 400)
    if not form.confirm.data:
        # The first press asks again, in plain words, before anything happens.
        return render_template("public/intake/status_withdraw.html", form=form, reference=case.reference)
    try:
        withdraw_request(case)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        return _page(cases.by_reference(case.reference), 400, refused=tr(refusal.ja, refusal.en))
    return _page(case, withdrawn=True)


@blueprint.post("/requests/status/download")
@limiter.limit(_limit)
def download():
    from desk.delivery.service import download as take

    case = remembered_case()
    if case is None:
        return _expired()
    if not DeskForm().validate_on_submit():
        return _page(case, 400)
    try:
        name, data = take(case)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        return _page(cases.by_reference(case.reference), 410, refused=tr(refusal.ja, refusal.en))
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.route("/requests/status/new-code", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def new_code():
    form = NewCodeForm()
    if request.method == "POST" and form.validate_on_submit():
        outcome = request_new_code(form.reference.data, get_remote_address())
        db.session.commit()
        return render_template("public/intake/status_new_code.html", form=None, outcome=outcome)
    return render_template("public/intake/status_new_code.html", form=form, outcome=None)
