"""Staff pages for letters: preview/download from the case page, the print run, calibration."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from desk.auth.permissions import require
from desk.cases.lifecycle import Refused
from desk.cases.service import by_reference
from desk.clock import local, today
from desk.extensions import db
from desk.i18n import count_en, current_language, tr
from desk.letters import service
from desk.letters.forms import MarkSentForm, QueueLetterForm
from desk.letters.models import Letter

blueprint = Blueprint("letters", __name__, url_prefix="/staff")


def _pdf(data: bytes, filename: str, download: bool):
    disposition = "attachment" if download else "inline"
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _case_or_404(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    return case


@blueprint.route("/cases/<reference>/letters/<kind>.pdf")
@require("case.view")
def letter_pdf(reference: str, kind: str):
    """Preview (inline) or download (?download=1) one letter rendered from the case."""
    case = _case_or_404(reference)
    lang = request.args.get("lang") or case.language or "ja"
    if kind not in service.LETTER_KINDS or lang not in service.LANGUAGES:
        abort(404)
    try:
        data = service.preview(case, kind, lang, actor=current_user)
    except service.LetterError as error:
        db.session.rollback()
        flash(error.message(current_language()), "error")
        return redirect(url_for("cases.show_case", reference=reference))
    db.session.commit()
    return _pdf(data, f"{case.reference}-{kind}-{lang}.pdf", request.args.get("download") == "1")


@blueprint.route("/cases/<reference>/letters/stored/<letter_id>.pdf")
@require("case.view")
def stored_letter_pdf(reference: str, letter_id: str):
    """The copy kept of a letter as it was sent."""
    case = _case_or_404(reference)
    letter = db.session.get(Letter, int(letter_id)) if letter_id.isdigit() else None
    if letter is None or letter.case_id != case.id or letter.wrapped_key is None:
        abort(404)
    data = service.read_stored(letter, actor=current_user)
    db.session.commit()
    return _pdf(
        data,
        f"{case.reference}-{letter.kind}-{letter.dispatched_on or 'sent'}.pdf",
        request.args.get("download") == "1",
    )


@blueprint.route("/cases/<reference>/letters/queue", methods=["POST"])
@require("letters.print")
def queue_letter(reference: str):
    case = _case_or_404(reference)
    form = QueueLetterForm()
    if not form.validate_on_submit():
        flash(tr("文書の種類又は言語が不正です。", "Unknown letter kind or language."), "error")
        return redirect(url_for("cases.show_case", reference=reference))
    try:
        service.queue(case, form.kind.data, lang=form.lang.data, actor=current_user)
    except service.LetterError as error:
        db.session.rollback()
        flash(error.message(current_language()), "error")
        return redirect(url_for("cases.show_case", reference=reference))
    db.session.commit()
    flash(tr("印刷待ちに追加しました。", "Added to the print run."), "success")
    return redirect(url_for("cases.show_case", reference=reference))


def sent_message(sent) -> str:
    """What marking sent did: the letters, and the cases whose reply completed them (what
    the officer would otherwise have to open each case to learn)."""
    completed = sorted(
        {
            letter.case.reference
            for letter in sent
            if letter.kind == "reply" and letter.case_id and letter.case.status == "completed"
        }
    )
    ja = f"{len(sent)}通を発送済みにしました。"
    en = f"{count_en(len(sent), 'letter')} marked as sent."
    if completed:
        ja += f"回答書を発送した{len(completed)}件の案件（{'、'.join(completed)}）は完了しました。"
        their = "its reply" if len(completed) == 1 else "their replies"
        en += f" {count_en(len(completed), 'case')} completed by {their} ({', '.join(completed)})."
    return tr(ja, en)


@blueprint.route("/letters/print-run", methods=["GET", "POST"])
@require("letters.print")
def print_run():
    """Letters waiting to be sent: one PDF to print, one step to mark them sent."""
    letters = service.queued_letters()
    form = MarkSentForm(letters, current_language())
    if request.method == "GET":
        form.letter_ids.data = [letter.id for letter in letters]
        form.sent_on.data = today()
    elif form.validate_on_submit():
        try:
            sent = service.mark_sent(
                form.letter_ids.data, on=form.sent_on.data, method=form.method.data, actor=current_user
            )
        except Refused as error:
            db.session.rollback()
            flash(error.message(current_language()), "error")
        else:
            db.session.commit()
            flash(sent_message(sent), "success")
            return redirect(url_for("letters.print_run"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "staff/letters/print_run.html",
        letters=letters,
        form=form,
        kinds=service.LETTER_KINDS,
        waited={letter.id: (today() - local(letter.created_at).date()).days for letter in letters},
    ), status


@blueprint.route("/letters/print-run.pdf", methods=["GET", "POST"])
@require("letters.print")
def print_run_pdf():
    """The ticked letters (POST from the print run's form), or those named by ?id=, as one PDF."""
    if request.method == "POST":
        form = MarkSentForm(service.queued_letters(), current_language())
        form.validate_on_submit()  # only the CSRF token and the ticks matter here
        if "csrf_token" in form.errors:
            abort(400)
        ids = form.letter_ids.data or []
        if not ids:
            flash(tr("印刷する文書を1通以上選んでください。", "Choose at least one letter to print."), "error")
            return redirect(url_for("letters.print_run"))
    else:
        ids = request.args.getlist("id", type=int) or None
    try:
        _, data = service.print_run(ids, actor=current_user)
    except service.LetterError as error:
        db.session.rollback()
        flash(error.message(current_language()), "error")
        return redirect(url_for("letters.print_run"))
    db.session.commit()
    return _pdf(data, f"print-run-{today().isoformat()}.pdf", request.args.get("download") == "1")


@blueprint.post("/letters/<letter_id>/withdraw")
@require("letters.print")
def withdraw_letter(letter_id: str):
    """Take one letter out of the print run by hand, unsent (audited)."""
    form = MarkSentForm(service.queued_letters(), current_language())
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    letter = db.session.get(Letter, int(letter_id)) if letter_id.isdigit() else None
    if letter is None:
        abort(404)
    try:
        service.withdraw(letter, "by_hand", actor=current_user)
    except service.LetterError as error:
        db.session.rollback()
        flash(error.message(current_language()), "error")
    else:
        db.session.commit()
        flash(
            tr(
                f"{letter.reference} の文書を発送待ちから外しました（発送しません）。",
                f"The letter for {letter.reference} is out of the print run and will not be sent.",
            ),
            "success",
        )
    return redirect(url_for("letters.print_run"))


@blueprint.route("/letters/calibration.pdf")
@require("letters.print")
def calibration_pdf():
    return _pdf(service.calibration_sheet(lang=current_language()), "calibration.pdf", False)
