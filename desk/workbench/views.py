"""The officer's actions on one case. Each view: parse the form, call one service, commit,
redirect back to the case page (or show it again with the form's errors)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from desk.audit.service import record
from desk.auth.models import StaffUser
from desk.auth.permissions import can, require
from desk.cases import service as cases
from desk.cases.lifecycle import Refused
from desk.cases.models import RequestItem
from desk.cases.service import by_reference
from desk.decisions import data as decision_data
from desk.decisions import service as decisions
from desk.extensions import db
from desk.fees import service as fees
from desk.i18n import current_language, tr
from desk.identity import forms as identity_forms
from desk.identity import service as identity
from desk.identity.forms import AddDocumentForm
from desk.identity.models import Document
from desk.intake import asking
from desk.letters import service as letters
from desk.letters.forms import DispatchForm
from desk.storage.service import StorageError
from desk.workbench import forms, guide, masking
from desk.workbench.case_page import render_case
from desk.workbench.panels import decision_form_choices

blueprint = Blueprint("workbench", __name__, url_prefix="/staff/cases/<reference>")


def _case(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    return case


def _back(case, anchor: str):
    """Back to the case, or to the approvals inbox when the action was taken there."""
    if request.args.get("from") == "approvals":
        return redirect(url_for("approvals.inbox"))
    # The panel acted in stays open on the page the officer comes back to.
    return redirect(url_for("cases.show_case", reference=case.reference, open=anchor, _anchor=anchor))


#: What an action's message says last when the case has no next step (it is closed): the
#: open states take theirs from the guide, the same words the page's next step shows.
CLOSED_OUTCOME: dict[str, tuple[str, str]] = {
    "dispatched": ("発送済みです。", "The reply has been sent."),
    "completed": ("案件は完了しました。", "The case is complete."),
    "withdrawn": ("案件は取下げで終了しました。", "The case is closed as withdrawn."),
    "lapsed": ("案件は請求なしとして終了しました。", "The case is closed as treated as not made."),
}


def _outcome_message(case, done_ja: str, done_en: str) -> str:
    """What was done, the state the case is in now, and what happens next: the page's own
    next step (desk.workbench.guide), so the message and the page never disagree."""
    state = case.state
    step = guide.next_step(case, can_approve=can(current_user, "decision.approve"))
    if step:
        next_ja, next_en = f"次の作業：{step.ja}", f"Next: {step.en}"
    else:
        next_ja, next_en = CLOSED_OUTCOME.get(case.status, ("", ""))
    return tr(
        f"{done_ja}現在の状態：{state.ja}。{next_ja}",
        f"{done_en} Now: {state.en}. {next_en}".strip(),
    )


def _act(
    reference: str,
    form_class,
    name: str,
    action,
    done_ja,
    done_en: str = "",
    anchor: str | None = None,
    take: bool = True,
):
    """The shape of every action: a valid form → the service → commit → back to the page.
    `done_ja` may be a function of the case after the action, giving the (ja, en) pair.
    The first piece of work on an unassigned case assigns it to the actor (`take`; not for
    a supervisor's approval, which is no work on the case)."""
    case = _case(reference)
    form = form_class()
    if not form.validate_on_submit():
        g.workbench_forms = {name: form}
        return render_case(case, status=400)
    try:
        action(case, form)
        taken = take and cases.take_if_unassigned(case, actor=current_user)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message(current_language()), "error")
    except decisions.DecisionInvalid as invalid:
        db.session.rollback()
        for field, (ja, en) in invalid.errors.items():
            getattr(form, field).errors = list(getattr(form, field).errors) + [tr(ja, en)]
        g.workbench_forms = {name: form}
        case = _case(reference)
        return render_case(case, status=400)
    else:
        if callable(done_ja):
            done_ja, done_en = done_ja(case)
        message = _outcome_message(case, done_ja, done_en)
        if taken:
            message += tr("（この案件の担当になりました。）", " (You are now assigned this case.)")
        flash(message, "success")
    return _back(case, anchor or name)


# --------------------------------------------------------------------------- header, notes


@blueprint.post("/assign")
@require("case.work")
def assign_case(reference):
    def action(case, form):
        value = form.assignee.data or ""
        if value == "me":
            assignee = current_user
        elif value.isdigit():
            assignee = db.session.get(StaffUser, int(value))
            if assignee is None:
                raise Refused("その職員は見つかりません。", "No such staff member.")
        else:
            assignee = None
        cases.assign(case, assignee, actor=current_user)

    return _act(
        reference, forms.AssignForm, "assign", action, "担当者を変更しました。", "Assignee changed.", "top", take=False
    )


@blueprint.post("/notes")
@require("case.work")
def add_note(reference):
    return _act(
        reference,
        forms.NoteForm,
        "note",
        lambda case, form: cases.add_note(case, form.body.data, actor=current_user),
        "メモを追加しました。",
        "Note added.",
        "timeline",
    )


# --------------------------------------------------------------------------- identity and proxy


@blueprint.post("/identity/addresses")
@require("case.work")
def record_addresses(reference):
    return _act(
        reference,
        forms.AddressForm,
        "addresses",
        lambda case, form: identity.record_addresses(
            case, form.document_address.data or "", form.records_address.data or "", actor=current_user
        ),
        "住所を記録しました。",
        "Addresses recorded.",
        "identity",
    )


@blueprint.post("/identity/confirm")
@require("case.work")
def confirm_identity(reference):
    return _act(
        reference,
        forms.ActionForm,
        "identity",
        lambda case, form: identity.confirm_identity(case, actor=current_user),
        "本人確認を完了しました。",
        "Identity confirmed.",
    )


@blueprint.post("/identity/quick")
@require("case.work")
def quick_identity(reference):
    """Documents acceptable, addresses compared and identity confirmed in one step."""
    blocked = []

    def action(case, form):
        blocker = identity.review_and_confirm(
            case,
            list(form.accept.data or []),
            form.document_address.data or "",
            form.records_address.data or "",
            actor=current_user,
        )
        if blocker:
            blocked.append(blocker)

    def done(case):
        if blocked:
            ja, en = blocked[0]
            return (
                f"書類と住所を記録しました。本人確認はまだ完了していません：{ja}",
                f"Documents and addresses recorded; identity not confirmed yet: {en}",
            )
        return (
            "書類を「適」とし、住所が一致したので本人確認を完了しました。",
            "Documents accepted, addresses agree: identity confirmed.",
        )

    return _act(reference, forms.QuickIdentityForm, "quick", action, done, anchor="identity")


@blueprint.post("/identity/unidentified")
@require("case.work")
def record_unidentified(reference):
    return _act(
        reference,
        forms.ActionForm,
        "identity",
        lambda case, form: decisions.refuse_unidentified(case, actor=current_user),
        "本人確認ができないと記録し、不開示等の決定を起案しました。",
        "Recorded as unidentified; a refusal has been drafted.",
        "decision",
    )


@blueprint.post("/identity/counter")
@require("case.work")
def record_counter_check(reference):
    return _act(
        reference,
        identity_forms.CounterCheckForm,
        "counter",
        lambda case, form: identity.record_counter_check(
            case, list(form.kinds.data or []), form.number_tail.data or "", actor=current_user
        ),
        "窓口での確認を記録しました。",
        "Counter check recorded.",
        "identity",
    )


@blueprint.post("/identity/link")
@require("case.work")
def link_addresses(reference):
    def action(case, form):
        value = form.document_id.data or ""
        identity.link_addresses(case, int(value) if value.isdigit() else None, actor=current_user)

    return _act(
        reference,
        identity_forms.LinkForm,
        "link",
        action,
        "住所のつながりを示す書類を記録しました。",
        "Linking document recorded.",
        "identity",
    )


@blueprint.post("/documents/add")
@require("case.work")
def add_document(reference):
    """A document that arrived later, checked by content like the public form's."""
    case = _case(reference)
    form = AddDocumentForm(case)
    files = form.checked_files() if form.validate_on_submit() else []
    if not files:
        g.workbench_forms = {"add_document": form}
        return render_case(case, status=400)
    party, kind = form.chosen()
    try:
        for file in files:
            identity.add_document(case, party, kind, file, actor=current_user)
        cases.take_if_unassigned(case, actor=current_user)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message(current_language()), "error")
    else:
        flash(tr("書類を追加しました。内容を確認してください。", "Document added: review it below."), "success")
    return _back(case, "documents")


@blueprint.post("/documents/<document_id>/review")
@require("case.work")
def review_document(reference, document_id):
    def action(case, form):
        document = _document(case, document_id)
        identity.review_document(
            document, form.review.data, form.deficiency.data or "", form.issued_on.data, actor=current_user
        )

    return _act(
        reference,
        forms.ReviewForm,
        f"review-{document_id}",
        action,
        "書類の確認結果を記録しました。",
        "Review recorded.",
        f"document-{document_id}",
    )


@blueprint.post("/proxy/confirm")
@require("case.work")
def confirm_proxy(reference):
    return _act(
        reference,
        forms.ActionForm,
        "proxy",
        lambda case, form: identity.confirm_proxy(case, actor=current_user),
        "代理権を確認しました。",
        "The proxy's authority is confirmed.",
    )


@blueprint.post("/proxy/unconfirmed")
@require("case.work")
def record_proxy_unconfirmed(reference):
    return _act(
        reference,
        forms.ActionForm,
        "proxy",
        lambda case, form: decisions.refuse_proxy_unconfirmed(case, actor=current_user),
        "代理権が確認できないとして、不開示等の決定を起案しました。",
        "Recorded as unconfirmed; a refusal has been drafted.",
        "decision",
    )


# --------------------------------------------------------------------------- fees, requests to the requester


@blueprint.post("/fees/payments")
@require("case.work")
def record_payment(reference):
    return _act(
        reference,
        forms.PaymentForm,
        "payment",
        lambda case, form: fees.record_payment(
            case, form.amount.data, form.method.data, form.received_on.data, actor=current_user
        ),
        "入金を記録しました。",
        "Payment recorded.",
        "fees",
    )


@blueprint.post("/fees/shortfall")
@require("case.work")
def send_shortfall(reference):
    return _act(
        reference,
        forms.ShortfallForm,
        "shortfall",
        lambda case, form: fees.ask_for_fee(case, form.due_on.data, actor=current_user),
        "手数料の不足のお知らせを本日の発送に入れました。",
        "The fee shortfall notice is in the print run.",
        "fees",
    )


@blueprint.post("/ask")
@require("case.work")
def ask_requester(reference):
    return _act(
        reference,
        forms.AskForm,
        "ask",
        lambda case, form: asking.ask_requester(
            case, form.what.data, form.due_on.data, form.body.data, actor=current_user
        ),
        "依頼者へのお願いを記録し、そのお知らせを本日の発送に入れました。",
        "Request to the requester recorded; the letter is in the print run.",
        "requests",
    )


@blueprint.post("/reply")
@require("case.work")
def reply_received(reference):
    return _act(
        reference,
        forms.ReplyForm,
        "reply",
        lambda case, form: asking.reply_received(case, form.received_on.data, actor=current_user),
        "回答の受領を記録し、期限の計算を再開しました。",
        "Reply recorded; the clock runs again.",
        "requests",
    )


# --------------------------------------------------------------------------- locating the data


@blueprint.post("/data/searches")
@require("case.work")
def record_search(reference):
    return _act(
        reference,
        forms.SearchForm,
        "search",
        lambda case, form: decision_data.record_search(case, form.systems.data, form.findings.data, actor=current_user),
        "調査結果を記録しました。",
        "Search recorded.",
        "data",
    )


def _item(case, item_id) -> RequestItem:
    item = next((i for i in case.items if str(i.id) == str(item_id)), None)
    if item is None:
        abort(404)
    return item


def _number(value) -> int:
    """Ids in URLs are plain strings (every staff route is probed with placeholders); bad ones are 404."""
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(404)


def _document(case, document_id) -> Document:
    document_id = _number(document_id)
    document = next((d for d in case.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return document


@blueprint.post("/data/table")
@require("case.work")
def record_table(reference):
    def action(case, form):
        decision_data.set_disclosed_table(_item(case, form.item_id.data), form.table.data or "", actor=current_user)

    return _act(
        reference,
        forms.TableForm,
        f"table-{request.form.get('item_id', '')}",
        action,
        "開示するデータを記録しました。",
        "Disclosed data recorded.",
        "data",
    )


@blueprint.post("/data/files")
@require("case.work")
def attach_file(reference):
    def action(case, form):
        decision_data.attach_disclosed_file(case, form.file.data.read(), actor=current_user)

    return _act(reference, forms.AttachForm, "attach", action, "ファイルを添付しました。", "File attached.", "data")


# --------------------------------------------------------------------------- decision, approval, dispatch


@blueprint.post("/items/<item_id>/decision")
@require("case.work")
def decide_item(reference, item_id):
    case = _case(reference)
    item = _item(case, item_id)

    def form_class():
        form = forms.DecisionForm()
        decision_form_choices(form, item)
        return form

    def action(case, form):
        draft = decisions.Draft(
            outcome=form.outcome.data,
            grounds=list(form.grounds.data or []),
            explanation=form.explanation.data or "",
            withheld=[line.strip() for line in (form.withheld.data or "").splitlines() if line.strip()],
            corrected=form.corrected.data or "",
            alternative_measure=form.alternative_measure.data or "",
            measures=list(form.measures.data or []),
            paper_instead=bool(form.paper_instead.data),
            fallback_to_paper_reason=form.fallback_to_paper_reason.data or "",
        )
        decisions.decide(_item(case, item_id), draft, actor=current_user)

    return _act(
        reference,
        form_class,
        f"decision-{item_id}",
        action,
        "決定を起案しました。",
        "Decision drafted.",
        f"item-{item_id}",
    )


@blueprint.post("/decision/submit")
@require("case.work")
def submit_decision(reference):
    return _act(
        reference,
        forms.ActionForm,
        "submit",
        lambda case, form: decisions.submit(case, actor=current_user),
        lambda case: (
            ("決定を責任者の承認に回しました。", "Decision sent to a supervisor for approval.")
            if case.status == "awaiting_approval"
            else ("決定を確定しました（承認は不要です）。", "Decision final (no approval needed).")
        ),
        None,
        "decision",
    )


@blueprint.post("/decision/reopen")
@require("case.work")
def reopen_decision(reference):
    return _act(
        reference,
        forms.ActionForm,
        "submit",
        lambda case, form: decisions.reopen(case, actor=current_user),
        "起案を取り消しました。",
        "Draft reopened.",
        "decision",
    )


@blueprint.post("/approval/approve")
@require("decision.approve")
def approve(reference):
    return _act(
        reference,
        forms.ActionForm,
        "approval",
        lambda case, form: decisions.approve(case, actor=current_user),
        lambda case: (
            (
                "決定を承認しました。回答書は依頼者のページで提供します。",
                "Decision approved; the reply goes to the requester's page.",
            )
            if letters.replies_electronically(case)
            else (
                "決定を承認しました。回答書は本日の発送に入りました。",
                "Decision approved; the reply is in the print run.",
            )
        ),
        None,
        "approval",
        take=False,
    )


@blueprint.post("/approval/return")
@require("decision.approve")
def return_decision(reference):
    return _act(
        reference,
        forms.ReturnForm,
        "return",
        lambda case, form: decisions.return_for_revision(case, form.comment.data or "", actor=current_user),
        "決定を理由とともに起案者に差し戻しました。起案者が修正して、もう一度承認に回します。",
        "Returned to the drafter with your reason: they revise the decision and submit it again.",
        "approval",
        take=False,
    )


@blueprint.post("/approval/lapse/approve")
@require("decision.approve")
def approve_lapse(reference):
    return _act(
        reference,
        forms.ActionForm,
        "lapse",
        lambda case, form: decisions.approve_lapse(case, actor=current_user),
        "請求がなかったものとして扱い、その旨のお知らせを本日の発送に入れました。",
        "The request is treated as not made; the notice is in the print run.",
        "approval",
        take=False,
    )


@blueprint.post("/approval/lapse/return")
@require("decision.approve")
def return_lapse(reference):
    return _act(
        reference,
        forms.LapseReturnForm,
        "lapse",
        lambda case, form: decisions.return_lapse(case, form.due_on.data, actor=current_user),
        "終了せず、依頼者に新しい期限を与えました。",
        "Not lapsed: the requester has a new due date.",
        "approval",
        take=False,
    )


@blueprint.post("/extend")
@require("case.work")
def extend(reference):
    return _act(
        reference,
        forms.ExtendForm,
        "extend",
        lambda case, form: cases.extend(case, form.business_days.data, form.reason.data, actor=current_user),
        "期限を延長し、延長の通知を本日の発送に入れました。",
        "Deadline extended; the notice is in the print run.",
        "procedures",
    )


@blueprint.post("/dispatch")
@require("case.work")
def dispatch(reference):
    return _act(
        reference,
        DispatchForm,
        "dispatch",
        lambda case, form: letters.dispatch_reply(case, form.sent_on.data, form.method.data, actor=current_user),
        "発送を記録しました。",
        "Dispatch recorded.",
        "letters",
    )


@blueprint.post("/withdraw")
@require("case.work")
def withdraw(reference):
    return _act(
        reference,
        forms.WithdrawForm,
        "withdraw",
        lambda case, form: cases.withdraw(case, form.channel.data, form.received_on.data, actor=current_user),
        "取下げを記録しました。",
        "Withdrawal recorded.",
        "procedures",
    )


# --------------------------------------------------------------------------- document pages and masking


@blueprint.get("/documents/<document_id>/pages/<page>.png")
@require("document.view")
def document_page(reference, document_id, page):
    """A page of a document as an image, never the file itself; every view is audited."""
    case = _case(reference)
    document = _document(case, document_id)
    page = _number(page)
    try:
        png = masking.page_png(document, page)
    except (IndexError, StorageError):
        abort(404)
    record("document.viewed", actor=current_user, case=case, detail={"document_id": document.id, "page": page})
    db.session.commit()
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["Content-Disposition"] = "inline; filename=page.png"
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/documents/<document_id>/mask", methods=["GET", "POST"])
@require("document.mask")
def mask_document(reference, document_id):
    case = _case(reference)
    document = _document(case, document_id)
    if document.wrapped_key is None:
        abort(404)
    form = forms.MaskForm()
    status = 200
    if form.validate_on_submit():
        try:
            rectangles = masking.parse_rectangles(json.loads(form.rectangles.data))
            masking.mask(document, rectangles, actor=current_user)
            db.session.commit()
        except (Refused, ValueError) as refusal:
            db.session.rollback()
            message = (
                refusal.message(current_language())
                if isinstance(refusal, Refused)
                else tr("塗りつぶす範囲を読み取れませんでした。", "The masked areas could not be read.")
            )
            form.rectangles.errors = [message]
            status = 400
        else:
            flash(
                tr(
                    "塗りつぶしを書類に焼き込みました。元の画像は残っていません。",
                    "The mask is burnt into the document; the unmasked original is gone.",
                ),
                "success",
            )
            return _back(case, f"document-{document.id}")
    elif request.method == "POST":
        status = 400
    pages = masking.page_count(document)
    return render_template("staff/cases/mask.html", case=case, document=document, form=form, pages=range(pages)), status
