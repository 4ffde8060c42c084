"""Data for the workbench's panels on the case page (registered in desk.workbench.register).

A form that failed validation is kept in g.workbench_forms under its name, so the page
shows it again with the officer's input and the messages beside the fields."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from sqlalchemy import select

from desk import catalogue, settings
from desk.audit.actions import ACTIONS
from desk.auth.models import StaffUser
from desk.cases import lifecycle
from desk.cases.models import Case
from desk.cases.service import pauses_of
from desk.clock import today
from desk.decisions import data as decision_data
from desk.decisions import service as decisions
from desk.decisions.models import Approval
from desk.extensions import db
from desk.fees import service as fees
from desk.formatting import format_date
from desk.i18n import current_language, label
from desk.identity import addresses
from desk.identity import forms as identity_forms
from desk.identity import service as identity_checks
from desk.intake import service as intake_service
from desk.workbench import forms
from desk.workbench.queries import assignable_staff, timeline


def _form(name: str, factory):
    kept = getattr(g, "workbench_forms", {}).get(name)
    form = kept if kept is not None else factory()
    # Many forms share one page: ids (and the labels pointing at them) carry the form's name.
    for f in form:
        f.id = f.label.field_id = f"{name}-{f.name}"
    return form


def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))).all())


def header(case: Case) -> dict:
    form = _form("assign", lambda: forms.AssignForm(formdata=None, assignee=str(case.assignee_id or "")))
    form.assignee.choices = forms.choices([("", "—")] + [(str(u.id), u.name) for u in assignable_staff()])
    return {"assign_form": form, "duplicates": intake_service.duplicates_of(case)}


def identity(case: Case) -> dict:
    check = identity_checks.verification_of(case)
    assessment = identity_checks.assess_identity(case)
    address_form = _form(
        "addresses",
        lambda: forms.AddressForm(
            formdata=None,
            document_address=check.document_address if check else "",
            records_address=check.records_address if check else "",
        ),
    )
    counter_form = _form(
        "counter",
        lambda: identity_forms.CounterCheckForm(formdata=None, kinds=list(check.counter_kinds or []) if check else []),
    )
    unreviewed = [d for d in identity_checks.identity_documents(case) if d.review == "received" and d.wrapped_key]
    quick_form = _form(
        "quick",
        lambda: forms.QuickIdentityForm(
            formdata=None,
            document_address=check.document_address if check else "",
            records_address=check.records_address if check else "",
        ),
    )
    quick_form.accept.choices = forms.choices((d.id, _document_name(d)) for d in unreviewed)
    link_form = _form("link", lambda: identity_forms.LinkForm(formdata=None))
    link_form.document_id.choices = forms.choices(
        [("", "—")] + [(str(d.id), _document_name(d)) for d in assessment.linkable]
    )
    documents = identity_checks.identity_documents(case) + identity_checks.linking_documents(case)
    return {
        "check": check,
        "assessment": assessment,
        "address_form": address_form,
        "counter_form": counter_form,
        "link_form": link_form,
        "quick_form": quick_form,
        "unreviewed": unreviewed,
        "action_form": forms.ActionForm(formdata=None),
        "documents": [_document_entry(d) for d in documents],
        "rules": catalogue.IDENTITY_RULES,
        "differences": addresses.DIFFERENCES,
        "accept_linking": bool(settings.get("identity_accept_linking_document")),
        "record_tail": bool(settings.get("identity_record_number_tail")),
        "names": _names([check.identity_by_id, check.counter_by_id, check.linked_by_id] if check else []),
        "whose": identity_checks.whose_label(assessment.party),
    }


def _document_name(document) -> str:
    return identity_checks.document_name(document, current_language())


def _document_entry(document) -> dict:
    return {
        "document": document,
        "kind": catalogue.DOCUMENT_KINDS.get(document.kind),
        "name": _document_name(document),
        "too_old": identity_checks.certificate_too_old(document),
        "form": _form(
            f"review-{document.id}",
            lambda: forms.ReviewForm(
                formdata=None, review=document.review, deficiency=document.deficiency, issued_on=document.issued_on
            ),
        ),
        "viewable": document.wrapped_key is not None
        and document.media_type in ("application/pdf", "image/png", "image/jpeg"),
    }


def review_panel(case: Case, document_id: str) -> str | None:
    """The panel whose row reviews document `document_id` (identity, proxy or data), so the
    page an officer comes back to after a review or a mask has that row open."""
    document = next((d for d in case.documents if str(d.id) == document_id), None)
    if document is None:
        return None
    if document.kind == "disclosed_data":
        return "data"
    if case.proxy_kind and document in identity_checks.proxy_documents(case):
        return "proxy"
    if document in identity_checks.identity_documents(case) + identity_checks.linking_documents(case):
        return "identity"
    return "documents"


def proxy(case: Case) -> dict:
    if not case.proxy_kind:
        return {"applies": False}
    kind = catalogue.PROXY_KINDS[case.proxy_kind]
    documents = identity_checks.proxy_documents(case)
    checklist = []
    for required in kind.required_documents():
        entries = [_document_entry(d) for d in documents if d.kind == required.code]
        checklist.append(
            {
                "kind": required,
                "entries": entries,
                "acceptable": any(e["document"].review == "acceptable" and not e["too_old"] for e in entries),
            }
        )
    acceptable = {c["kind"].code for c in checklist if c["acceptable"]}
    check = identity_checks.verification_of(case)
    return {
        "applies": True,
        "kind": kind,
        "checklist": checklist,
        "satisfied": kind.satisfied_by(acceptable),
        "missing": identity_checks.missing_text(identity_checks.authority_missing(case)),
        "check": check,
        "action_form": forms.ActionForm(formdata=None),
        "alternatives": [[catalogue.PROXY_DOCUMENTS[c] for c in alt] for alt in kind.requirements],
    }


def fee(case: Case) -> dict:
    due = fees.fee_due(case)
    payments = fees.payments_of(case)
    default_due = today() + timedelta(days=int(settings.get("requester_due_days")))
    balance = fees.balance(case)
    return {
        "due": due,
        "payments": payments,
        "paid": sum(p.amount for p in payments),
        "balance": balance,
        # What is still owed is what usually arrives next (the whole fee when nothing has).
        "payment_form": _form(
            "payment",
            lambda: forms.PaymentForm(formdata=None, received_on=today(), amount=balance if balance > 0 else None),
        ),
        "shortfall_form": _form("shortfall", lambda: forms.ShortfallForm(formdata=None, due_on=default_due)),
    }


def requests(case: Case) -> dict:
    default_due = today() + timedelta(days=int(settings.get("requester_due_days")))
    return {
        "pauses": pauses_of(case),
        "ask_form": _form("ask", lambda: forms.AskForm(formdata=None, due_on=default_due)),
        "reply_form": _form("reply", lambda: forms.ReplyForm(formdata=None, received_on=today())),
    }


def _table_text(item) -> str:
    table = (item.details or {}).get("disclosed")
    if not table:
        return ""
    return "\n".join("\t".join(row) for row in [table["columns"], *table["rows"]])


def data(case: Case) -> dict:
    disclosure_items = [i for i in case.items if catalogue.REQUEST_KINDS[i.kind].disclosure]
    searches = decision_data.searches_of(case)
    return {
        "searches": searches,
        "names": _names(s.recorded_by_id for s in searches),
        "search_form": _form("search", lambda: forms.SearchForm(formdata=None)),
        "tables": [
            {
                "item": item,
                "form": _form(
                    f"table-{item.id}",
                    lambda item=item: forms.TableForm(formdata=None, item_id=str(item.id), table=_table_text(item)),
                ),
            }
            for item in disclosure_items
        ],
        "files": [_document_entry(d) for d in case.documents if d.kind == "disclosed_data"],
        "attach_form": _form("attach", lambda: forms.AttachForm(formdata=None)),
    }


def decision_form_choices(form, item) -> None:
    form.outcome.choices = forms.choices((o.code, label(o)) for o in decisions.outcomes_offered(item))
    form.grounds.choices = forms.choices((g_.code, label(g_)) for g_ in decisions.grounds_offered(item))
    form.measures.choices = (
        forms.choices((m.code, label(m)) for m in catalogue.CESSATION_MEASURES.values())
        if item.kind == "cessation"
        else []
    )


def article_ja(article: str) -> str:
    """ "35(1),(5); 27(2)" as Japanese statute references: 第35条第1項・第5項、第27条第2項."""
    import re

    parts = []
    for ref in article.split(";"):
        match = re.match(r"\s*(\d+)(.*)", ref)
        if not match:
            continue
        paragraphs = re.findall(r"\((\d+)\)", match.group(2))
        parts.append(f"第{match.group(1)}条" + "・".join(f"第{p}項" for p in paragraphs))
    return "、".join(parts)


def decision(case: Case) -> dict:
    entries = []
    for item in case.items:
        details = item.details or {}

        def factory(item=item, details=details):
            form = forms.DecisionForm(
                formdata=None,
                item_id=str(item.id),
                outcome=item.outcome,
                grounds=list(item.grounds or []),
                explanation=item.explanation,
                withheld="\n".join(details.get("withheld", [])),
                corrected=details.get("corrected"),
                alternative_measure=details.get("alternative_measure"),
                measures=list(details.get("measures") or []),
                paper_instead=bool(details.get("fallback_to_paper_reason")),
                fallback_to_paper_reason=details.get("fallback_to_paper_reason"),
            )
            return form

        form = _form(f"decision-{item.id}", factory)
        decision_form_choices(form, item)
        entries.append(
            {
                "item": item,
                "kind": catalogue.REQUEST_KINDS[item.kind],
                "form": form,
                "details": details,
                "article_ja": article_ja(catalogue.REQUEST_KINDS[item.kind].article),
                "outcome": catalogue.OUTCOMES.get(item.outcome) if item.outcome else None,
            }
        )
    return {
        "entries": entries,
        "names": _names(i.decided_by_id for i in case.items),
        "editable": case.status in decisions.DECIDABLE,
        "action_form": forms.ActionForm(formdata=None),
        "needs_approval": decisions.needs_approval(case),
        "all_decided": all(i.outcome for i in case.items),
    }


def approval(case: Case) -> dict:
    approvals = list(db.session.scalars(select(Approval).where(Approval.case_id == case.id).order_by(Approval.id)))
    return {
        "approvals": approvals,
        "names": _names([a.drafter_id for a in approvals] + [a.approver_id for a in approvals]),
        "drafters": decisions.drafters(case),
        "action_form": forms.ActionForm(formdata=None),
        "lapse": decisions.pending_lapse(case),
        "lapse_form": _form("lapse", lambda: forms.LapseReturnForm(formdata=None, due_on=today() + timedelta(days=14))),
        "return_form": _form("return", lambda: forms.ReturnForm(formdata=None)),
        "returned": decisions.last_return(case),
    }


def procedures(case: Case) -> dict:
    from desk.cases.models import CaseExtension

    extensions = list(
        db.session.scalars(select(CaseExtension).where(CaseExtension.case_id == case.id).order_by(CaseExtension.id))
    )
    return {
        "extensions": extensions,
        "extend_form": _form("extend", lambda: forms.ExtendForm(formdata=None)),
        "withdraw_form": _form("withdraw", lambda: forms.WithdrawForm(formdata=None, received_on=today())),
        "withdrawable": case.status in lifecycle.WITHDRAWABLE,
    }


def notes(case: Case) -> dict:
    return {"note_form": _form("note", lambda: forms.NoteForm(formdata=None))}


def timeline_panel(case: Case) -> dict:
    return {"timeline": timeline(case), "actions": ACTIONS}


# --------------------------------------------------------------------------- one-line summaries
# What each folded panel says on its one line: (ja, en), worked out from the panel's context.


def _days(day) -> tuple[str, str]:
    return format_date(day, "short", "ja"), format_date(day, "short", "en")


def people_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    roles = [p.role for p in case.requesters]
    if not roles:
        return ("個人情報は廃棄済み", "Personal details disposed of")
    if case.proxy_kind:
        kind = catalogue.PROXY_KINDS[case.proxy_kind]
        return (f"代理人（{kind.ja}）による請求", f"Asked by a proxy ({kind.en})")
    return ("本人による請求", "Asked by the principal")


def identity_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    check = panel.get("check")
    if check and check.identity_result == "identified":
        ja, en = _days(check.identity_at)
        return (f"確認済 {ja}", f"Identified {en}")
    if check and check.identity_result == "unidentified":
        return ("本人確認できず", "Cannot be identified")
    assessment = panel.get("assessment")
    if assessment and not assessment.blockers:
        return ("確認できます（未完了）", "Ready to confirm")
    return ("未確認", "Not checked yet")


def proxy_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    if not panel.get("applies"):
        return None
    check = panel.get("check")
    if check and check.proxy_result == "confirmed":
        return ("代理権を確認済", "Authority confirmed")
    if check and check.proxy_result == "unconfirmed":
        return ("代理権を確認できず", "Authority not confirmed")
    return (
        ("書類がそろっています（未確認）", "Documents complete, not confirmed")
        if panel.get("satisfied")
        else (
            "書類が不足しています",
            "Documents missing",
        )
    )


def fee_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    if not panel["due"] and not panel["payments"]:
        return ("手数料なし", "No fee")
    if panel["balance"]:
        owed_ja, owed_en = f"{panel['balance']:,}円", f"¥{panel['balance']:,}"
        if case.status == "awaiting_fee" and case.requester_due_on:
            ja, en = _days(case.requester_due_on)
            return (f"{owed_ja}不足・期限 {ja}", f"{owed_en} owed, due {en}")
        return (f"{owed_ja}不足", f"{owed_en} owed")
    return (f"納付済 {panel['paid']:,}円", f"Paid ¥{panel['paid']:,}")


def requests_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    pauses = panel["pauses"]
    if not pauses:
        return ("照会なし", "Nothing asked")
    open_ = [p for p in pauses if not p.ended_on]
    if open_:
        ja, en = _days(open_[-1].due_on)
        return (f"回答待ち・期限 {ja}", f"Waiting for a reply, due {en}")
    return (
        f"照会 {len(pauses)}件（回答済）",
        f"{len(pauses)} asked, answered" if len(pauses) != 1 else "1 asked, answered",
    )


def data_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    searches = len(panel["searches"])
    tables = sum(1 for t in panel["tables"] if (t["item"].details or {}).get("disclosed"))
    if not searches and not tables:
        return ("未調査", "Not located yet")
    parts_ja = [f"調査 {searches}件"] if searches else []
    parts_en = [f"{searches} search{'es' if searches != 1 else ''}"] if searches else []
    if tables:
        parts_ja.append("開示データあり")
        parts_en.append("data to disclose saved")
    return ("・".join(parts_ja), ", ".join(parts_en))


def decision_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    entries = panel["entries"]
    decided = [e for e in entries if e["outcome"]]
    if not decided:
        return ("未決定", "Not decided yet")
    if len(decided) < len(entries):
        return (f"{len(entries)}件中{len(decided)}件決定", f"{len(decided)} of {len(entries)} decided")
    return (
        "・".join(e["outcome"].ja for e in entries),
        ", ".join(e["outcome"].en for e in entries),
    )


def approval_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    if case.status == "awaiting_approval":
        return ("承認待ち", "Awaiting approval")
    if panel.get("returned") and case.status == "decision_drafted":
        return ("差戻し（理由あり）", "Returned with a reason")
    approved = [a for a in panel["approvals"] if a.result == "approved"]
    if approved:
        ja, en = _days(approved[-1].decided_at)
        return (f"承認済 {ja}", f"Approved {en}")
    return None


def procedures_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    extensions = panel["extensions"]
    if extensions:
        days = sum(x.business_days for x in extensions)
        return (f"{days}営業日延長", f"Extended by {days} business day{'s' if days != 1 else ''}")
    return ("延長なし", "Not extended")


def timeline_summary(case: Case, panel: dict) -> tuple[str, str] | None:
    count = len(panel["timeline"])
    return (f"{count}件", f"{count} entr{'ies' if count != 1 else 'y'}")
