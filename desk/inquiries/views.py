"""Pages of inquiries: the public form お問い合わせ・苦情, staff registration, the queue, one
inquiry with its actions, and the case page's way into an inquiry. Views are thin: parse the
form, call the service, commit, redirect."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user

from desk.auth.models import StaffUser
from desk.auth.permissions import require
from desk.cases.lifecycle import CONVERSIONS, Refused
from desk.cases.service import by_reference as case_by_reference
from desk.clock import today
from desk.extensions import db, limiter
from desk.i18n import current_language, tr
from desk.identity.uploads import ACCEPT_ATTRIBUTE, Limits, UploadRefused, check, total_too_large
from desk.inquiries import forms, queries, service
from desk.inquiries.catalogue import ANSWER_CHANNELS, CATEGORIES, CHANNELS, LINKS, STAFF_CHANNELS, STATES
from desk.inquiries.mail import send_acknowledgement
from desk.inquiries.models import InquiryAttachment
from desk.intake import sends

public = Blueprint("inquiries_public", __name__)
blueprint = Blueprint("inquiries", __name__, url_prefix="/staff/inquiries")
DONE_KEY = "inquiry_done"


def _names():
    return {
        "CATEGORIES": CATEGORIES,
        "INQUIRY_CHANNELS": CHANNELS,
        "ANSWER_CHANNELS": ANSWER_CHANNELS,
        "INQUIRY_STATES": STATES,
        "LINKS": LINKS,
        "STAFF_CHANNELS": STAFF_CHANNELS,
    }


public.context_processor(_names)
blueprint.context_processor(_names)


def _read_files(name: str = "files"):
    """The files sent with a form, each checked by content; (checked, error message)."""
    limits = Limits.from_settings()
    uploads = [f for f in request.files.getlist(name) if f and f.filename]
    if len(uploads) > limits.files:
        return [], tr(
            f"添付できるファイルは{limits.files}個までです。",
            f"At most {limits.files} files can be attached.",
        )
    checked, total = [], 0
    for upload in uploads:
        data = upload.read()
        total += len(data)
        try:
            checked.append(check(data, upload.filename, limits))
        except UploadRefused as refused:
            return [], refused.message()
    too_large = total_too_large(total, limits)
    if too_large:
        return [], too_large.message()
    return checked, None


def _particulars(form, *, channel: str, received_on=None, language=None) -> service.Particulars:
    return service.Particulars(
        category=form.category.data,
        matter=form.matter.data,
        channel=channel,
        received_on=received_on,
        language=language or current_language(),
        name=form.name.data or None,
        email=form.email.data or None,
        phone=form.phone.data or None,
        postal_code=form.postal_code.data or None,
        address=form.address.data or None,
    )


# ----------------------------------------------------------------------------- public form


@public.route("/inquiries/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("INTAKE_RATE_LIMIT", "30 per hour"), methods=["POST"])
def new_inquiry():
    """The public form: no fee, no access code; an acknowledgement e-mail when an address is given."""
    about = request.args.get("about")
    if request.method == "GET":
        form = forms.InquiryForm(formdata=None)
        if about in CATEGORIES and CATEGORIES[about].public:
            form.category.data = about
        form.send_token.data = sends.issue()
        return render_template("public/inquiries/form.html", form=form, **_form_context(about))
    form = forms.InquiryForm()
    files, file_error = _read_files()
    valid = form.validate()
    if not valid or file_error:
        return render_template(
            "public/inquiries/form.html", form=form, file_error=file_error, rejected=True, **_form_context(about)
        ), 400
    token = form.send_token.data or ""
    first = sends.completed(token) if sends.valid(token) else None
    if first is not None:  # a repeated send: the first one's page
        session[DONE_KEY] = first
        return redirect(url_for("inquiries_public.inquiry_done"))
    if not sends.valid(token) or not sends.claim(token):
        session[DONE_KEY] = sends.completed(token) if sends.valid(token) else None
        if session[DONE_KEY] is None:
            form.send_token.data = sends.issue()
            return render_template("public/inquiries/form.html", form=form, expired=True, **_form_context(about)), 400
        return redirect(url_for("inquiries_public.inquiry_done"))
    try:
        inquiry = service.receive(_particulars(form, channel="web"), files, added_by="public")
        completion = {"reference": inquiry.reference, "email_given": bool(inquiry.email), "mailed": False}
        sends.complete(token, completion)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if inquiry.email:
        completion["mailed"] = send_acknowledgement(inquiry, inquiry.email)
    session[DONE_KEY] = completion
    return redirect(url_for("inquiries_public.inquiry_done"))


def _form_context(about):
    return {
        "about": CATEGORIES.get(about) if about in CATEGORIES else None,
        "accept": ACCEPT_ATTRIBUTE,
        "limits": Limits.from_settings(),
        "choices": [(code, c) for code, c in CATEGORIES.items() if c.public],
    }


@public.route("/inquiries/done")
def inquiry_done():
    return render_template("public/inquiries/done.html", result=session.pop(DONE_KEY, None))


# ----------------------------------------------------------------------------- staff


def _inquiry(reference: str):
    inquiry = service.by_reference(reference) if len(reference) <= 20 else None
    if inquiry is None:
        abort(404)
    return inquiry


def _back(inquiry, anchor: str = ""):
    return redirect(url_for("inquiries.show_inquiry", reference=inquiry.reference, _anchor=anchor or None))


@blueprint.route("")
@require("inquiry.view")
def queue():
    filters = queries.Filters.from_args(request.args)
    rows, total = queries.page_of(filters, current_user)
    pages = max(-(-total // queries.PER_PAGE), 1)
    return render_template(
        "staff/inquiries/queue.html",
        filters=filters,
        rows=rows,
        total=total,
        pages=pages,
        counts=queries.counts(),
        staff=_assignable(),
        OPEN=queries.OPEN,
        ALL=queries.ALL,
        today=today(),
    )


def _assignable():
    return list(
        db.session.scalars(
            db.select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_(("officer", "supervisor")))
            .order_by(StaffUser.name)
        )
    )


@blueprint.route("/new", methods=["GET", "POST"])
@require("inquiry.work")
def register_inquiry():
    """Staff record a phone call, a visit at the counter, a letter, a fax or an e-mail."""
    if request.method == "GET":
        form = forms.RegistrationForm(
            formdata=None, received_on=today(), channel=request.args.get("channel") or "phone"
        )
        if request.args.get("category") in CATEGORIES:
            form.category.data = request.args["category"]
        return render_template(
            "staff/inquiries/new.html", form=form, accept=ACCEPT_ATTRIBUTE, deceased=request.args.get("from") == "case"
        )
    form = forms.RegistrationForm()
    files, file_error = _read_files()
    if not form.validate() or file_error:
        return render_template(
            "staff/inquiries/new.html", form=form, accept=ACCEPT_ATTRIBUTE, file_error=file_error, rejected=True
        ), 400
    try:
        inquiry = service.receive(
            _particulars(
                form, channel=form.channel.data, received_on=form.received_on.data, language=form.language.data
            ),
            files,
            actor=current_user,
        )
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
        return render_template("staff/inquiries/new.html", form=form, accept=ACCEPT_ATTRIBUTE, rejected=True), 400
    flash(tr(f"お問い合わせ {inquiry.reference} を登録しました。", f"Inquiry {inquiry.reference} recorded."), "success")
    return _back(inquiry)


@blueprint.route("/<reference>")
@require("inquiry.view")
def show_inquiry(reference: str):
    return _render(_inquiry(reference))


def _render(inquiry, status: int = 200, **forms_given):
    answer_form = forms_given.get("answer_form") or forms.AnswerForm(formdata=None, answered_on=today(), prefix="said")
    if "answer_form" not in forms_given:
        answer_form.channel.data = "phone"
    reply_form = forms_given.get("reply_form") or forms.ReplyLetterForm(
        formdata=None, answer=inquiry.answer, lang=inquiry.language, prefix="reply"
    )
    open_case_form = forms_given.get("open_case_form") or forms.OpenCaseForm(
        formdata=None, arrived_on=inquiry.received_on
    )
    from desk.letters.models import Letter

    letters = list(db.session.scalars(db.select(Letter).where(Letter.inquiry_id == inquiry.id).order_by(Letter.id)))
    return render_template(
        "staff/inquiries/show.html",
        inquiry=inquiry,
        answer_form=answer_form,
        reply_form=reply_form,
        open_case_form=open_case_form,
        plain_form=forms.CloseForm(formdata=None),
        assign_form=forms.AssignForm(formdata=None),
        staff=_assignable(),
        timeline=queries.timeline(inquiry),
        letters=letters,
        disposal_on=service.disposal_date(inquiry),
        accept=ACCEPT_ATTRIBUTE,
        today=today(),
        file_error=forms_given.get("file_error"),
    ), status


def _act(inquiry, action, anchor: str, done_ja: str, done_en: str):
    try:
        action()
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
        return _back(inquiry, anchor)
    flash(tr(done_ja, done_en), "success")
    return _back(inquiry, anchor)


@blueprint.route("/<reference>/assign", methods=["POST"])
@require("inquiry.work")
def assign_inquiry(reference: str):
    inquiry = _inquiry(reference)
    form = forms.AssignForm()
    if not form.validate():
        abort(400)
    value = request.form.get("assignee") or ""
    assignee = current_user if value == "me" else (db.session.get(StaffUser, int(value)) if value.isdigit() else None)
    return _act(
        inquiry,
        lambda: service.assign(inquiry, assignee, actor=current_user),
        "assignee",
        "担当者を設定しました。",
        "Assignee set.",
    )


@blueprint.route("/<reference>/answer", methods=["POST"])
@require("inquiry.work")
def answer_inquiry(reference: str):
    inquiry = _inquiry(reference)
    form = forms.AnswerForm(prefix="said")
    if not form.validate():
        return _render(inquiry, 400, answer_form=form)
    return _act(
        inquiry,
        lambda: service.record_answer(
            inquiry, form.answer.data, form.answered_on.data, form.channel.data, actor=current_user
        ),
        "answer",
        "回答を記録しました。終わったら「終了」にしてください。",
        "Answer recorded. Close the inquiry when nothing more is needed.",
    )


@blueprint.route("/<reference>/reply", methods=["POST"])
@require("inquiry.work")
def reply_inquiry(reference: str):
    inquiry = _inquiry(reference)
    form = forms.ReplyLetterForm(prefix="reply")
    if not form.validate():
        return _render(inquiry, 400, reply_form=form)
    return _act(
        inquiry,
        lambda: service.queue_reply(inquiry, form.answer.data, lang=form.lang.data, actor=current_user),
        "answer",
        "回答書を本日の発送に追加しました。発送済みにすると回答済みになります。",
        "The reply letter is in the print run; once marked sent, the inquiry is answered.",
    )


@blueprint.route("/<reference>/reply.pdf")
@require("inquiry.view")
def reply_pdf(reference: str):
    """The reply letter as it would print today (or the stored copy once sent); audited."""
    from desk.inquiries.letters import render_reply
    from desk.letters.models import Letter
    from desk.letters.service import LetterError, read_stored

    inquiry = _inquiry(reference)
    sent = db.session.scalars(
        db.select(Letter)
        .where(Letter.inquiry_id == inquiry.id, Letter.wrapped_key.is_not(None))
        .order_by(Letter.id.desc())
    ).first()
    try:
        if sent is not None:
            data = read_stored(sent, actor=current_user)
        else:
            data = render_reply(inquiry, request.args.get("lang") or inquiry.language)
            service._audit("inquiry.letter_viewed", inquiry, actor=current_user)
    except LetterError as problem:
        db.session.rollback()
        flash(problem.message(current_language()), "error")
        return _back(inquiry, "answer")
    db.session.commit()
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{inquiry.reference}-reply.pdf"'
    return response


@blueprint.route("/<reference>/close", methods=["POST"])
@require("inquiry.work")
def close_inquiry(reference: str):
    inquiry = _inquiry(reference)
    if not forms.CloseForm().validate():
        abort(400)
    return _act(
        inquiry,
        lambda: service.close(inquiry, actor=current_user),
        "",
        "お問い合わせを終了しました。",
        "Inquiry closed.",
    )


@blueprint.route("/<reference>/reopen", methods=["POST"])
@require("inquiry.work")
def reopen_inquiry(reference: str):
    inquiry = _inquiry(reference)
    if not forms.CloseForm().validate():
        abort(400)
    return _act(
        inquiry, lambda: service.reopen(inquiry, actor=current_user), "", "対応中に戻しました。", "Inquiry reopened."
    )


@blueprint.route("/<reference>/attachments", methods=["POST"])
@require("inquiry.work")
def attach_files(reference: str):
    inquiry = _inquiry(reference)
    if not forms.AttachForm().validate():
        abort(400)
    files, file_error = _read_files()
    if file_error or not files:
        flash(file_error or tr("ファイルを選んでください。", "Choose a file."), "error")
        return _back(inquiry, "attachments")

    def attach_all():
        for checked in files:
            service.attach(inquiry, checked, actor=current_user)

    return _act(inquiry, attach_all, "attachments", "ファイルを添付しました。", "File attached.")


@blueprint.route("/<reference>/attachments/<attachment_id>")
@require("inquiry.view")
def attachment(reference: str, attachment_id: str):
    inquiry = _inquiry(reference)
    row = db.session.get(InquiryAttachment, int(attachment_id)) if attachment_id.isdigit() else None
    if row is None or row.inquiry_id != inquiry.id or row.wrapped_key is None:
        abort(404)
    data = service.read_attachment(row, actor=current_user)
    db.session.commit()
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(row.media_type or "", "bin")
    response = send_file(
        io.BytesIO(data),
        mimetype=row.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=f"{inquiry.reference}-{row.id}.{extension}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@blueprint.route("/<reference>/open-case", methods=["POST"])
@require("case.register")
def open_case(reference: str):
    """The inquiry turned out to be a statutory request: a case opens from it."""
    inquiry = _inquiry(reference)
    form = forms.OpenCaseForm()
    if not form.validate():
        return _render(inquiry, 400, open_case_form=form)
    try:
        submission = service.open_case(inquiry, list(form.kinds.data or []), form.arrived_on.data, actor=current_user)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
        return _back(inquiry, "convert")
    return render_template(
        "staff/intake/registered.html", result=submission, case=submission.case, mailed=False, inquiry=inquiry
    )


@blueprint.route("/from-case/<case_reference>", methods=["POST"])
@require("case.work")
def close_case_as_inquiry(case_reference: str):
    """From the case page: the case is not a statutory request and goes on as an inquiry."""
    case = case_by_reference(case_reference)
    if case is None:
        abort(404)
    form = forms.NotARequestForm()
    if not form.validate():
        abort(400)
    try:
        inquiry = service.close_case_as_inquiry(case, form.category.data or "other", actor=current_user)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
        return redirect(url_for("cases.show_case", reference=case.reference, _anchor="not-a-request"))
    flash(
        tr(
            f"案件 {case.reference} を「法定の請求に当たらない」として終了し、お問い合わせ {inquiry.reference} として引き継ぎました。",
            f"Case {case.reference} is closed as not a statutory request and goes on as inquiry {inquiry.reference}.",
        ),
        "success",
    )
    return _back(inquiry)


def case_panel_summary(case, panel: dict) -> tuple[str, str] | None:
    """The folded line: the inquiry the case is linked to, or that it can close into one."""
    if panel["links"]:
        references = "、".join(link.inquiry.reference for link in panel["links"])
        return (f"問い合わせ {references}", f"Inquiry {references.replace('、', ', ')}")
    if panel["can_close"]:
        return ("法定の請求に当たらない場合に使用", "For a case that is not a statutory request")
    return None


def case_panel_context(case) -> dict:
    """The case page's panel: linked inquiries, and closing the case into one."""
    conversion = CONVERSIONS["case_to_inquiry"]
    return {
        "links": service.links_of_case(case),
        "can_close": case.status in conversion.from_states,
        "form": forms.NotARequestForm(formdata=None, category="deceased"),
        "categories": CATEGORIES,
        "LINKS": LINKS,
    }
