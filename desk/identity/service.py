"""Identity and proxy checks: the three addresses, the review of each submitted document,
and whether the principal is identified and the proxy's authority confirmed.

A verification belongs to one case and is never copied (a duplicate or resubmitted request
starts unverified). Each action checks the case's state, audits, and flushes; the request
commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from desk import catalogue, settings
from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.cases.models import Case
from desk.cases.service import move_to, require_status
from desk.clock import now, today
from desk.extensions import db
from desk.i18n import tr
from desk.identity import addresses
from desk.identity.models import Document, Verification
from desk.identity.uploads import CheckedFile
from desk.storage import service as storage

#: States in which documents and addresses can still be checked.
CHECKABLE = {"received", "verifying", "in_progress", "awaiting_documents", "awaiting_clarification"}
#: States in which identity and authority can be decided.
DECIDABLE = {"received", "verifying", "in_progress"}
REVIEWS = ("received", "acceptable", "deficient")


def verification_of(case: Case, create: bool = False) -> Verification | None:
    found = db.session.scalars(select(Verification).where(Verification.case_id == case.id)).first()
    if found is None and create:
        found = Verification(case_id=case.id)
        db.session.add(found)
    return found


def working_state(case: Case) -> str:
    """Where work resumes after a pause: verification until identity (and a proxy's
    authority) is confirmed, the search for the data after."""
    check = verification_of(case)
    identified = check is not None and check.identity_result == "identified"
    authorised = case.proxy_kind is None or (check is not None and check.proxy_result == "confirmed")
    return "in_progress" if identified and authorised else "verifying"


def record_addresses(case: Case, document_address: str, records_address: str, *, actor) -> Verification:
    require_status(case, CHECKABLE, "住所を記録", "record addresses")
    check = verification_of(case, create=True)
    check.document_address = document_address.strip() or None
    check.records_address = records_address.strip() or None
    db.session.flush()
    record("identity.addresses_recorded", actor=actor, case=case)
    return check


@dataclass
class IdentityAssessment:
    """What the identity check of a case rests on, worked out from its documents, its
    counter check and its addresses: the one place that says whether "identified" is
    possible and, if not, why."""

    #: Whose identity is checked: the principal's, or the proxy's where a proxy asks.
    party: str
    #: Identity-document kinds reviewed as acceptable (and seen at the counter).
    kinds: set[str]
    #: The catalogue rule those documents satisfy, or None.
    rule: catalogue.IdentityRule | None
    #: Each address comparison: (key, title ja/en, left label, right label, compare_pair()).
    comparisons: list[dict]
    #: The reviewed document linking disagreeing addresses, where one is recorded and still acceptable.
    linking_document: Document | None
    #: Linking documents of the case reviewed as acceptable, that could be named.
    linkable: list[Document] = field(default_factory=list)
    #: Why "identified" is not possible yet: (ja, en) pairs, most important first.
    blockers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def addresses_entered(self) -> bool:
        return all(c["pair"]["entered"] for c in self.comparisons)

    @property
    def mismatch(self) -> bool:
        return any(c["pair"]["entered"] and not c["pair"]["agrees"] for c in self.comparisons)

    @property
    def can_confirm(self) -> bool:
        return not self.blockers

    def missing_documents(self) -> tuple[str, str] | None:
        """What the documents still lack, in words (None when a rule is met)."""
        if self.rule is not None:
            return None
        photo_only = [k for k in self.kinds if catalogue.IDENTITY_DOCUMENTS[k].photo]
        if photo_only:  # a photo document without the address, e.g. a passport
            return (
                "住所の記載のない顔写真付き書類（パスポートなど）だけでは足りません。現住所の記載がある書類（住民票の写しなど）がもう1点必要です。",
                "A photo document without an address (such as a passport) is not enough: one more document showing "
                "the current address (such as a copy of the resident record) is needed.",
            )
        if self.kinds:
            return (
                "顔写真のない書類は、別の種類のものが2点（うち1点は現住所の記載があるもの）必要です。",
                "Documents without a photo are needed two of different kinds, one of them showing the current address.",
            )
        return (
            "「適」と確認した本人確認書類がありません。書類を確認するか、窓口での確認を記録してください。",
            "No identity document has been reviewed as acceptable. Review one, or record a check at the counter.",
        )


#: The comparisons of each kind of case: (key, title, left, right).
_PRINCIPAL_COMPARISONS = (
    (
        "document",
        ("申請書の住所と本人確認書類の住所", "Application and identity document"),
        ("申請書", "Application"),
        ("本人確認書類", "Identity document"),
    ),
    (
        "records",
        ("申請書の住所と当社の記録", "Application and our records"),
        ("申請書", "Application"),
        ("当社の記録", "Our records"),
    ),
)
_PROXY_COMPARISONS = (
    (
        "document",
        ("代理人の住所（申請書）と代理人の本人確認書類", "The proxy: application and identity document"),
        ("申請書（代理人）", "Application (proxy)"),
        ("代理人の本人確認書類", "Proxy's identity document"),
    ),
    (
        "records",
        ("本人の住所（申請書）と当社の記録", "The principal: application and our records"),
        ("申請書（本人）", "Application (principal)"),
        ("当社の記録", "Our records"),
    ),
)


def identity_party(case: Case) -> str:
    """Whose identity documents prove who is asking: the proxy's where a proxy asks."""
    return "proxy" if case.proxy_kind else "principal"


def identity_documents(case: Case) -> list[Document]:
    party = identity_party(case)
    return [d for d in case.documents if d.kind in catalogue.IDENTITY_DOCUMENTS and (d.party or "principal") == party]


def linking_documents(case: Case) -> list[Document]:
    return [d for d in case.documents if d.kind in catalogue.LINKING_DOCUMENTS]


def _usable(document: Document) -> bool:
    return document.review == "acceptable" and document.destroyed_at is None and not certificate_too_old(document)


def assess_identity(case: Case) -> IdentityAssessment:
    check = verification_of(case)
    party = identity_party(case)
    kinds = {d.kind for d in identity_documents(case) if _usable(d)}
    kinds |= set((check.counter_kinds or []) if check else [])
    rule = catalogue.identity_proven_by(kinds)
    building_counts = bool(settings.get("identity_building_missing_counts"))
    asking = case.proxy if party == "proxy" else case.principal
    principal = case.principal
    document_address = check.document_address if check else None
    records_address = check.records_address if check else None
    comparisons = []
    for (key, title, left, right), (reference, other) in zip(
        _PROXY_COMPARISONS if party == "proxy" else _PRINCIPAL_COMPARISONS,
        (
            (asking.address if asking else None, document_address),
            (principal.address if principal else None, records_address),
        ),
        strict=True,
    ):
        comparisons.append(
            {
                "key": key,
                "title": title,
                "left": left,
                "right": right,
                "pair": addresses.compare_pair(reference, other, building_counts=building_counts),
            }
        )
    linkable = [d for d in linking_documents(case) if _usable(d)]
    linked = None
    if check is not None and check.linking_document_id is not None:
        linked = next((d for d in linkable if d.id == check.linking_document_id), None)
    assessment = IdentityAssessment(party, kinds, rule, comparisons, linked, linkable)
    missing = assessment.missing_documents()
    if missing:
        assessment.blockers.append(missing)
    if not assessment.addresses_entered:
        assessment.blockers.append(
            (
                "本人確認書類の住所と当社の記録上の住所を入力して照合してください。",
                "Enter the address on the identity document and the address in our records, and compare them.",
            )
        )
    elif assessment.mismatch and linked is None:
        if settings.get("identity_accept_linking_document"):
            assessment.blockers.append(
                (
                    "住所が一致しません。住所のつながりを示す書類（住民票の除票、戸籍の附票など）を「適」と確認し、"
                    "その書類を指定するまで本人確認はできません。",
                    "The addresses disagree. Identity cannot be confirmed until a document linking them (a removed "
                    "resident record, the family register annex) has been reviewed as acceptable and named here.",
                )
            )
        else:
            assessment.blockers.append(
                (
                    "住所が一致しないため、当社の方針では本人確認ができないものとして扱います。"
                    "「本人確認ができない」を選ぶか、住所のつながりを示す書類の提出を依頼してください。",
                    "The addresses disagree: under our policy the person cannot be identified. Choose “Cannot be "
                    "identified”, or ask the requester for a document that links the addresses.",
                )
            )
    return assessment


def confirm_identity(case: Case, *, actor) -> None:
    """The principal (or the asking proxy) is identified: only on evidence (desk.catalogue's
    IDENTITY_RULES met by reviewed documents or a counter check) and agreeing addresses, or
    disagreeing ones linked by a reviewed document where the business accepts that."""
    require_status(case, DECIDABLE, "本人確認を完了", "confirm identity")
    assessment = assess_identity(case)
    if assessment.blockers:
        raise Refused(*assessment.blockers[0])
    check = verification_of(case, create=True)
    check.identity_result, check.identity_by_id, check.identity_at = "identified", actor.id, now()
    db.session.flush()
    record(
        "identity.confirmed",
        actor=actor,
        case=case,
        detail={
            "rule": assessment.rule.code,
            "kinds": sorted(assessment.kinds),
            "linking_document_id": assessment.linking_document.id if assessment.linking_document else None,
        },
    )
    move_to(case, working_state(case), actor=actor)


def review_and_confirm(
    case: Case, acceptable_ids: list[int], document_address: str, records_address: str, *, actor
) -> tuple[str, str] | None:
    """The identity check in one step: the listed identity documents reviewed as acceptable,
    the addresses recorded and compared, and the identity confirmed when nothing blocks it.
    What is recorded stays; if something still blocks the confirmation, its reason (ja, en)
    is returned and the officer sees the comparison on the page."""
    documents = {d.id: d for d in identity_documents(case)}
    for document_id in acceptable_ids:
        document = documents.get(document_id)
        if document is None:
            raise Refused("その本人確認書類はこの案件にありません。", "No such identity document on this case.")
        if document.review != "acceptable":
            review_document(document, "acceptable", "", document.issued_on, actor=actor)
    record_addresses(case, document_address, records_address, actor=actor)
    assessment = assess_identity(case)
    if assessment.blockers:
        return assessment.blockers[0]
    confirm_identity(case, actor=actor)
    return None


_TAIL = re.compile(r"^[0-9A-Za-z]{1,4}$")


def record_counter_check(case: Case, kinds: list[str], number_tail: str, *, actor) -> Verification:
    """An officer saw the original identity documents at the counter: which kinds, who, when,
    and the last digits of the number only where the business records them."""
    require_status(case, CHECKABLE, "窓口での確認を記録", "record a counter check")
    kinds = [k for k in dict.fromkeys(kinds) if k]
    if not kinds or any(k not in catalogue.IDENTITY_DOCUMENTS for k in kinds):
        raise Refused("窓口で確認した書類を選んでください。", "Choose the documents you checked at the counter.")
    tail = (number_tail or "").strip()
    if tail and not settings.get("identity_record_number_tail"):
        raise Refused(
            "当社の方針では書類の番号を記録しません。番号の欄は空のままにしてください。",
            "Our policy is not to record document numbers: leave the number empty.",
        )
    if tail and not _TAIL.match(tail):
        raise Refused("番号は下4桁までの英数字で入力してください。", "Enter at most the last four letters or digits.")
    check = verification_of(case, create=True)
    check.counter_kinds = kinds
    check.counter_by_id, check.counter_at = actor.id, now()
    check.counter_number_tail = tail or None
    db.session.flush()
    record("identity.counter_checked", actor=actor, case=case, detail={"kinds": kinds})
    return check


def link_addresses(case: Case, document_id: int | None, *, actor) -> None:
    """Name the reviewed document that links disagreeing addresses (a removed resident
    record, the family register annex), where the business accepts one. Never a typed
    reason: the document must be on the case and reviewed as acceptable."""
    require_status(case, CHECKABLE, "住所のつながりを記録", "link the addresses")
    if not settings.get("identity_accept_linking_document"):
        raise Refused(
            "当社の方針では、住所が一致しない場合に書類で住所のつながりを認めていません。",
            "Our policy does not accept a document linking disagreeing addresses.",
        )
    document = next((d for d in linking_documents(case) if d.id == document_id), None)
    if document is None or not _usable(document):
        raise Refused(
            "住所のつながりを示す書類を選んでください（この案件の書類で「適」と確認したものに限ります）。",
            "Choose the document that links the addresses: one of this case's documents, reviewed as acceptable.",
        )
    check = verification_of(case, create=True)
    check.linking_document_id, check.linked_by_id, check.linked_at = document.id, actor.id, now()
    db.session.flush()
    record(
        "identity.addresses_linked", actor=actor, case=case, detail={"document_id": document.id, "kind": document.kind}
    )


def addable_kinds(case: Case) -> list[tuple[str, str, catalogue.DocumentKind]]:
    """(party, code, kind) of every document that may be added to this case later."""
    kinds = []
    parties = ("proxy", "principal") if case.proxy_kind else ("principal",)
    if case.proxy_kind:
        kinds += [("proxy", d.code, d) for d in catalogue.PROXY_KINDS[case.proxy_kind].required_documents()]
    for party in parties:
        kinds += [(party, code, d) for code, d in catalogue.IDENTITY_DOCUMENTS.items()]
    kinds += [(parties[-1], code, d) for code, d in catalogue.LINKING_DOCUMENTS.items()]
    return kinds


#: States in which the requester may send documents from the status page.
REQUESTER_MAY_SEND = {"awaiting_documents"}


def add_document(case: Case, party: str, kind: str, file: CheckedFile, *, actor=None, by_requester=False) -> Document:
    """A document that arrived after the application: stored encrypted like every upload,
    audited, and reviewed like the others. The clock is not touched: it resumes when the
    officer records that the requested documents arrived."""
    if by_requester:
        if case.status not in REQUESTER_MAY_SEND:
            raise Refused(
                "現在、書類のご提出はお願いしていません。",
                "We are not waiting for documents from you at the moment.",
            )
    else:
        require_status(case, CHECKABLE, "書類を追加", "add documents")
    if (party, kind) not in {(p, c) for p, c, _ in addable_kinds(case)}:
        raise Refused("書類の種類を選んでください。", "Choose what kind of document it is.")
    same = [d for d in case.documents if d.kind == kind and d.party == party]
    short = catalogue.DOCUMENT_KINDS[kind].ja.split("（")[0]  # without "(issued within 3 months)"
    document = Document(
        case=case,
        party=party,
        kind=kind,
        label=f"{short}（追加 {len(same) + 1}）" if same else f"{short}（追加）",
        origin="requester" if by_requester else "staff",
    )
    storage.store(document, file.data, file.media_type)
    db.session.add(document)
    db.session.flush()
    record(
        "document.sent_by_requester" if by_requester else "document.added",
        actor=actor,
        case=case,
        detail={"document_id": document.id, "kind": kind, "party": party, "pages": file.pages},
    )
    return document


_POSITION = re.compile(r"\s(\d+)/(\d+)$")
_ADDED = re.compile(r"（追加(?:\s(\d+))?）$")


def document_name(document: Document, lang: str) -> str:
    """What a document is, from the catalogue in the reader's language: the label stored at
    upload is Japanese (「運転免許証 2/3」, 「委任状（追加 2）」), so only its page or its
    number among later additions is taken from it."""
    kind = catalogue.DOCUMENT_KINDS.get(document.kind)
    if kind is not None:
        name = kind.label(lang)
    else:
        name = {"enclosure": ("同封書類", "Enclosure"), "application": ("請求書", "Application form")}.get(
            document.kind, (document.kind, document.kind)
        )[1 if lang == "en" else 0]
    stored = document.label or ""
    if position := _POSITION.search(stored):
        return f"{name} {position.group(1)}/{position.group(2)}"
    if added := _ADDED.search(stored):
        number = added.group(1)
        if lang == "en":
            return f"{name} (added{' ' + number if number else ''})"
        return f"{name}（追加{' ' + number if number else ''}）"
    return name


def whose_label(party: str) -> str:
    return tr("代理人", "Proxy") if party == "proxy" else tr("本人", "Principal")


def record_unidentified(case: Case, *, actor) -> None:
    """The principal cannot be identified. The refusal that follows is drafted by the
    decisions area (desk.decisions.service.refuse_unidentified)."""
    require_status(case, DECIDABLE, "本人確認の結果を記録", "record the identity check")
    check = verification_of(case, create=True)
    check.identity_result, check.identity_by_id, check.identity_at = "unidentified", actor.id, now()
    db.session.flush()
    record("identity.unidentified", actor=actor, case=case)


def certificate_too_old(document: Document, as_of: date | None = None) -> bool:
    kind = catalogue.DOCUMENT_KINDS.get(document.kind)
    if kind is None or not kind.dated or document.issued_on is None:
        return False
    return document.issued_on < (as_of or today()) - relativedelta(months=catalogue.CERTIFICATE_MAX_AGE_MONTHS)


def review_document(document: Document, review: str, deficiency: str, issued_on: date | None, *, actor) -> None:
    case = document.case
    require_status(case, CHECKABLE, "書類を確認", "review documents")
    if review not in REVIEWS:
        raise Refused("確認結果を選んでください。", "Choose a review result.")
    if review == "deficient" and not deficiency.strip():
        raise Refused("不備の内容を入力してください。", "Say what is deficient.")
    document.review = review
    document.deficiency = deficiency.strip() or None if review == "deficient" else None
    document.issued_on = issued_on
    if review == "acceptable" and certificate_too_old(document):
        months = catalogue.CERTIFICATE_MAX_AGE_MONTHS
        raise Refused(
            f"発行から{months}か月を超えた証明書は「適」にできません。",
            f"A certificate issued more than {months} months ago cannot be accepted.",
        )
    db.session.flush()
    record("document.reviewed", actor=actor, case=case, detail={"document_id": document.id, "review": review})


def proxy_documents(case: Case) -> list[Document]:
    return [d for d in case.documents if d.kind in catalogue.PROXY_DOCUMENTS]


def acceptable_authority(case: Case) -> set[str]:
    """Kinds of the proxy's authority documents reviewed as acceptable and still recent."""
    return {d.kind for d in proxy_documents(case) if _usable(d)}


def authority_missing(case: Case) -> list[list[catalogue.DocumentKind]]:
    """What the proxy kind's checklist still lacks, as alternatives (any one would do), each
    the documents of it not yet reviewed as acceptable; [] once the authority is proven."""
    if not case.proxy_kind:
        return []
    kind = catalogue.PROXY_KINDS[case.proxy_kind]
    acceptable = acceptable_authority(case)
    if kind.satisfied_by(acceptable):
        return []
    return [[catalogue.PROXY_DOCUMENTS[c] for c in alt if c not in acceptable] for alt in kind.requirements]


def missing_text(alternatives: list[list[catalogue.DocumentKind]]) -> str:
    """「委任状と印鑑登録証明書」, 「戸籍謄本 または 健康保険証」: what is missing, in the page's language."""
    return tr(" または ", " or ").join(tr("と", " and ").join(tr(d.ja, d.en) for d in alt) for alt in alternatives)


def confirm_proxy(case: Case, *, actor) -> None:
    require_status(case, DECIDABLE, "代理権を確認", "confirm the proxy's authority")
    if not case.proxy_kind:
        raise Refused("この案件に代理人はいません。", "No proxy acts in this case.")
    missing = authority_missing(case)
    if missing:
        raise Refused(
            "代理権を証明する書類がそろっていません。まだ「適」になっていない書類: "
            + " または ".join("と".join(d.ja for d in alt) for alt in missing),
            "The documents proving the authority are not complete. Not yet acceptable: "
            + " or ".join(" and ".join(d.en for d in alt) for alt in missing),
        )
    check = verification_of(case, create=True)
    check.proxy_result, check.proxy_by_id, check.proxy_at = "confirmed", actor.id, now()
    db.session.flush()
    record("proxy.confirmed", actor=actor, case=case, detail={"proxy_kind": case.proxy_kind})
    move_to(case, working_state(case), actor=actor)


def record_proxy_unconfirmed(case: Case, *, actor) -> None:
    """The proxy's authority cannot be confirmed; the decisions area drafts the refusal
    (desk.decisions.service.refuse_proxy_unconfirmed)."""
    require_status(case, DECIDABLE, "代理権の確認結果を記録", "record the proxy check")
    if not case.proxy_kind:
        raise Refused("この案件に代理人はいません。", "No proxy acts in this case.")
    check = verification_of(case, create=True)
    check.proxy_result, check.proxy_by_id, check.proxy_at = "unconfirmed", actor.id, now()
    db.session.flush()
    record("proxy.unconfirmed", actor=actor, case=case, detail={"proxy_kind": case.proxy_kind})


@dataclass(frozen=True)
class NeededDocument:
    """One thing the requester still has to send: a document kind (or a choice of kinds),
    with the officer's note where a document sent was deficient."""

    ja: str
    en: str
    note: str = ""

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


def documents_still_needed(case: Case) -> list[NeededDocument]:
    """What the requester must still send, and only that: each document reviewed as
    deficient (with the officer's note), each document of the proxy's checklist not yet
    sent, and proof of identity while none is in hand. A document received and not yet
    reviewed is in hand: it is never asked for again. The notice asking for documents and
    the notice closing the request for want of them print this list."""
    documents = [d for d in case.documents if d.destroyed_at is None]
    needed = [
        NeededDocument(
            kind.ja if (kind := catalogue.DOCUMENT_KINDS.get(d.kind)) else (d.label or "書類"),
            kind.en if kind else (d.label or "A document"),
            (d.deficiency or "").strip(),
        )
        for d in documents
        if d.review == "deficient"
    ]
    in_hand = {d.kind for d in documents if d.review in ("received", "acceptable") and not certificate_too_old(d)}
    asked = {d.kind for d in documents if d.review == "deficient"}
    missing = authority_missing(case)
    if missing and not any(all(d.code in in_hand for d in alternative) for alternative in missing):
        still = [[d for d in alternative if d.code not in in_hand and d.code not in asked] for alternative in missing]
        if len(still) == 1:
            needed += [NeededDocument(d.ja, d.en) for d in still[0]]
        elif all(still):
            needed.append(
                NeededDocument(
                    "、又は".join("及び".join(d.ja for d in alt) for alt in still),
                    "; or ".join(" and ".join(d.en for d in alt) for alt in still),
                )
            )
    check = verification_of(case)
    identified = check is not None and check.identity_result == "identified"
    party = identity_party(case)
    identity_kinds = {d.kind for d in identity_documents(case)}
    if not identified and assess_identity(case).rule is None and not (identity_kinds & (in_hand | asked)):
        proxy = party == "proxy"
        needed.append(
            NeededDocument(
                ("代理人の" if proxy else "")
                + "本人確認書類（運転免許証など顔写真付きのもの1点、又は顔写真のないもの2点）",
                ("The proxy's proof of identity" if proxy else "Proof of identity")
                + ": one document with a photo (such as a driver's licence), or two without",
            )
        )
    return needed
