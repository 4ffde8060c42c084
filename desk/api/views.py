"""/api/v1/: the public endpoints (a request with its documents, its status) and the
integration endpoints (cases, registration from another channel, screening), thin over
the services of intake, cases and suppression. Every operation is declared with
desk.api.spec.api_operation, which also writes it into the OpenAPI document."""

from __future__ import annotations

import io
import re

from flask import Blueprint, current_app, g, render_template, request, send_file, session, url_for
from flask_babel import force_locale
from flask_limiter.util import get_remote_address
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from desk import catalogue, settings
from desk.api import schemas
from desk.api.forms import API_CHANNELS, ApiRegistrationForm, ApiRequestForm
from desk.api.problems import Problem, field_error
from desk.api.spec import API_VERSION, api_operation, as_json, document
from desk.audit.service import record
from desk.cases import lifecycle
from desk.cases.lifecycle import Refused
from desk.cases.models import Case
from desk.cases.service import by_reference
from desk.consent import keys as consent_keys
from desk.consent import service as consent_service
from desk.consent.purposes import purposes as consent_purposes
from desk.consent.screening import decide_one
from desk.extensions import db
from desk.forms import field_maximum
from desk.i18n import current_language
from desk.identity.models import Document
from desk.identity.uploads import Limits
from desk.intake import sends
from desk.intake import status as status_service
from desk.intake.files import read_slots, uploads_from
from desk.intake.service import send_acknowledgement, submit
from desk.intake.slots import WHO, slots_for
from desk.intake.views import application_from
from desk.storage import service as storage
from desk.suppression.lookup import Person as ScreenPerson
from desk.suppression.lookup import screen_people
from desk.suppression.models import SCOPES as SUPPRESSION_SCOPES

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,200}$")


def _label(table: dict, code: str | None) -> schemas.Label | None:
    if code is None:
        return None
    entry = table.get(code)
    return schemas.Label(code=code, ja=entry.ja if entry else code, en=entry.en if entry else code)


def _pair_label(code: str, pair: tuple[str, str]) -> schemas.Label:
    return schemas.Label(code=code, ja=pair[0], en=pair[1])


# ----------------------------------------------------------------------------- the description


@blueprint.get("/")
def index():
    return as_json(
        schemas.ApiIndex(
            name="desk",
            version=API_VERSION,
            openapi=url_for("api.openapi"),
            reference=url_for("api.reference"),
        )
    )


@blueprint.get("/openapi.json")
def openapi():
    return current_app.response_class(
        current_app.json.dumps(document(), ensure_ascii=False), mimetype="application/json"
    )


@blueprint.get("/docs")
def reference():
    """The readable reference, rendered on the server from the same document (no CDN, no script)."""
    spec = document()
    operations = []
    for path, methods in spec["paths"].items():
        for method, entry in methods.items():
            operations.append((path, method.upper(), entry))
    response = current_app.make_response(
        render_template(
            "api/reference.html",
            spec=spec,
            operations=operations,
            schemas=spec["components"]["schemas"],
            scopes=catalogue.API_SCOPES,
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


# ----------------------------------------------------------------------------- reading the forms


def _form_errors(form, reading) -> list[tuple[str, str]]:
    """(field, message) of a rejected form and its files, in the current language."""
    found = [(anchor.removesuffix("-fieldset"), message) for anchor, _label, message in form.error_list()]
    for slot, message in reading.errors.items():
        found.append(("files" if slot == "_all" else f"{slot}-files", str(message)))
    return [(("delivery_method" if f == "delivery" else f), m) for f, m in found]


def _read(form_class, slots):
    form = form_class(formdata=request.form)
    valid = form.validate()
    reading = read_slots(slots, request.form, request.files, set())
    return form, valid and reading.ok, reading


def _rewind_files() -> None:
    for upload in request.files.values():
        upload.stream.seek(0)
    for name in request.files:
        for upload in request.files.getlist(name):
            upload.stream.seek(0)


def _read_both_languages(form_class, slots):
    """The form read as the pages read it; when it is refused, its messages in Japanese and
    in English (read once more in the other language: refusals are rare and cheap)."""
    form, ok, reading = _read(form_class, slots)
    if ok:
        return form, reading
    lang = current_language()
    first = _form_errors(form, reading)
    _rewind_files()
    with force_locale("en" if lang == "ja" else "ja"):
        other_form, _, other_reading = _read(form_class, slots)
        second = _form_errors(other_form, other_reading)
    ja, en = (first, second) if lang == "ja" else (second, first)
    errors = [field_error(field, ja_message, en_by[1]) for (field, ja_message), en_by in zip(ja, en, strict=False)]
    raise Problem(422, errors=errors)


def _who() -> str:
    who = request.form.get("who") or "principal"
    if who not in WHO:
        raise Problem(
            422,
            errors=[
                field_error(
                    "who",
                    f"who は {', '.join(WHO)} のいずれかにしてください。",
                    f"who must be one of {', '.join(WHO)}.",
                )
            ],
        )
    return who


def _idempotency_token(prefix: str) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.match(key):
        raise Problem(
            400,
            (
                "Idempotency-Key は8〜200文字の印字可能なASCII文字にしてください。",
                "Idempotency-Key must be 8 to 200 printable ASCII characters.",
            ),
        )
    return f"api:{prefix}:{key}"


def _replayed(token: str | None) -> dict | None:
    """The first result of a repeated Idempotency-Key; a 409 while that one is still being made."""
    if token is None:
        return None
    # Claimed first: a new key (nearly every call) then costs no read of a row that is not
    # there; a repeated one finds its row taken and reads the first result.
    if sends.claim(token):
        return None
    first = sends.completed(token)
    if first is None:
        raise Problem(409)
    return first


def _require_multipart() -> None:
    if request.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise Problem(415, ("本文は multipart/form-data で送ってください。", "Send the body as multipart/form-data."))


# ----------------------------------------------------------------------------- public


def _field_schema(field) -> dict:
    schema: dict = {"type": "string"}
    maximum = field_maximum(field)
    if maximum:
        schema["maxLength"] = maximum
    label = field.label.text
    schema["description"] = f"{label.ja} / {label.en}" if hasattr(label, "ja") else str(label)
    return schema


def _form_schema(form_class, staff: bool) -> tuple[dict, dict]:
    """The multipart body of a form: its fields, the people's fields (principal-name, …),
    and every document slot any requester may have (<slot>-kind, <slot>-files)."""
    form = form_class(formdata=None)
    properties: dict[str, dict] = {
        "who": {
            "type": "string",
            "enum": list(WHO),
            "default": "principal",
            "description": "本人（principal）または代理人の種類 / the principal, or the kind of proxy",
        },
        "kinds": {
            "type": "array",
            "items": {"type": "string", "enum": list(catalogue.REQUEST_KINDS)},
            "description": "請求の種類（1つ以上） / what is asked (one or more)",
        },
        "particulars": _field_schema(form.particulars),
        "delivery_method": {
            "type": "string",
            "enum": list(catalogue.DELIVERY_METHODS),
            "description": "開示の方法（開示の請求のとき） / how a disclosure is wanted",
        },
    }
    for person in ("principal", "proxy"):
        for field in getattr(form, person).form:
            properties[field.name] = _field_schema(field)
    if staff:
        properties["channel"] = {"type": "string", "enum": API_CHANNELS, "description": "受付経路 / channel"}
        properties["arrived_on"] = {"type": "string", "format": "date", "description": "到達日 / date of arrival"}
        properties["language"] = {"type": "string", "enum": ["ja", "en"], "default": "ja"}
        properties["stamps_enclosed"] = {"type": "integer", "minimum": 0, "maximum": 1_000_000}
    encoding = {}
    slots = {}
    for who in WHO:
        for slot in slots_for(who, staff=staff):
            slots.setdefault(slot.name, slot)
    limits = Limits.from_settings()
    for slot in slots.values():
        if slot.choice:
            properties[f"{slot.name}-kind"] = {
                "type": "string",
                "enum": list(slot.kinds),
                "description": f"{slot.title_ja}の種類 / which {slot.title_en.lower()}",
            }
        properties[f"{slot.name}-files"] = {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "maxItems": limits.files,
            "description": f"{slot.title_ja} / {slot.title_en} (PDF, JPEG, PNG, HEIC)",
        }
        encoding[f"{slot.name}-files"] = {"contentType": "application/pdf, image/jpeg, image/png, image/heic"}
    required = ["kinds"] if not staff else ["kinds", "channel", "arrived_on"]
    return {"type": "object", "properties": properties, "required": required}, encoding


def _submitted(completion: dict, repeated: bool) -> schemas.Submitted:
    return schemas.Submitted(
        reference=completion["reference"],
        access_code=completion["code"],
        fee_due=completion["fee"],
        kinds=[_label(catalogue.REQUEST_KINDS, k) for k in completion["kinds"]],
        status_url=url_for("intake.status", _external=True),
        repeated=repeated,
    )


def _intake_limit() -> str:
    return current_app.config.get("INTAKE_RATE_LIMIT", "30 per hour")


@api_operation(
    blueprint,
    "/requests",
    "POST",
    operation_id="submit_request",
    summary=("請求を送信する", "Send a request"),
    description=(
        "ウェブの請求フォームと同じ項目・同じ書類の確認（内容の検査、暗号化して保存）で請求を受け付けます。"
        "フィールド名はフォームと同じです（principal-name、principal_id-kind、principal_id-files など）。"
        "受付番号とアクセスコードを返します。アクセスコードは二度と表示されません。",
        "Takes a request with the same fields and the same document checks as the web form (content checked, "
        "stored encrypted). Field names are the form's (principal-name, principal_id-kind, principal_id-files, …). "
        "Returns the reference and the access code, which is never shown again.",
    ),
    tag="public",
    form=lambda: _form_schema(ApiRequestForm, staff=False),
    responses={
        201: (schemas.Submitted, ("受け付けた", "Received")),
        200: (schemas.Submitted, ("同じ Idempotency-Key の最初の結果", "The first result of this Idempotency-Key")),
        503: (None, ("混雑", "Busy")),
    },
    idempotent=True,
    limit=_intake_limit,
)
def submit_request():
    _require_multipart()
    token = _idempotency_token("request")
    who = _who()
    slots = slots_for(who)
    form, reading = _read_both_languages(ApiRequestForm, slots)
    first = _replayed(token)
    if first is not None:
        return as_json(_submitted(first, repeated=True), 200)
    application = application_from(form, uploads_from(slots, reading.kinds, reading.new), channel="api")
    addressee = application.proxy if application.proxy else application.principal
    try:
        result = submit(application)
        completion = {
            "reference": result.case.reference,
            "code": result.access_code,
            "fee": settings.fee_due(application.kinds),
            "kinds": application.kinds,
        }
        if token is not None:
            sends.complete(token, completion)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if addressee.email:
        send_acknowledgement(result.case, addressee.email)
    return as_json(_submitted(completion, repeated=False), 201)


def _status_limit() -> str:
    return current_app.config.get("STATUS_RATE_LIMIT", "10 per minute;40 per hour")


@api_operation(
    blueprint,
    "/requests/status",
    "POST",
    operation_id="read_status",
    summary=("請求の状況を確認する", "Read a request's status"),
    description=(
        "受付番号とアクセスコードで、状況確認ページと同じ内容を返します。誤ったコードが続くと、"
        "その送信元だけが待たされます（ページと同じ制限）。",
        "With the reference and the access code, what the status page shows. Wrong codes make only their "
        "sender wait (the same limits as the page).",
    ),
    tag="public",
    body=schemas.StatusAsk,
    responses={
        200: (schemas.Status, ("請求の状況", "The request's status")),
        404: (None, ("受付番号とアクセスコードの組み合わせが見つからない", "No such reference and access code")),
    },
    limit=_status_limit,
)
def read_status(body: schemas.StatusAsk):
    found = status_service.attempt(body.reference, body.access_code, get_remote_address())
    if isinstance(found, status_service.Wait):
        raise Problem(
            429,
            (
                f"誤ったアクセスコードが続いたため、{-(-found.seconds // 60)}分ほどお待ちください。",
                f"After several wrong access codes, please wait about {-(-found.seconds // 60)} minutes.",
            ),
            headers={"Retry-After": str(found.seconds)},
        )
    if found is None:
        raise Problem(
            404,
            (
                "受付番号またはアクセスコードが正しくありません。",
                "The reference number or the access code is not right.",
            ),
        )
    return as_json(
        schemas.Status(
            reference=found.reference,
            arrived_on=found.arrived_on,
            state=schemas.Label(code=found.state.code, ja=found.state.ja, en=found.state.en),
            public_state=schemas.Label(code=found.state.code, ja=found.state.public_ja, en=found.state.public_en),
            kinds=[schemas.Label(code=k.code, ja=k.ja, en=k.en) for k in found.kinds],
            waiting_on_requester=found.state.waiting_on_requester,
            waiting_for_documents=found.waiting_documents,
            fee_owed=found.fee_owed,
            due_on=found.due_on,
            asked=found.asked,
            letters=[
                schemas.LetterSent(kind=kind, sent_on=sent_on, ja=names[0], en=names[1])
                for sent_on, kind, names in _letters_of(found.reference)
            ],
            closed=found.closed,
            withdrawable=found.withdrawable,
        )
    )


def _letters_of(reference: str):
    from desk.letters.models import Letter

    case = by_reference(reference)
    rows = db.session.scalars(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.dispatched_on.is_not(None))
        .order_by(Letter.dispatched_on, Letter.id)
    )
    for letter in rows:
        yield (
            letter.dispatched_on,
            letter.kind,
            status_service.LETTER_NAMES.get(letter.kind, (letter.kind, letter.kind)),
        )


# ----------------------------------------------------------------------------- integration: cases


def _summary_fields(case: Case) -> dict:
    return {
        "reference": case.reference,
        "status": schemas.Label(code=case.status, ja=case.state.ja, en=case.state.en),
        "kinds": [_label(catalogue.REQUEST_KINDS, k) for k in case.kinds],
        "channel": _label(catalogue.CHANNELS, case.channel),
        "requester_type": case.requester_type if case.requester_type in ("principal", "proxy") else "principal",
        "proxy_kind": _label(catalogue.PROXY_KINDS, case.proxy_kind),
        "arrived_on": case.arrived_on,
        "internal_target_on": case.internal_target_on,
        "statutory_horizon_on": case.statutory_horizon_on,
        "requester_due_on": case.requester_due_on,
        "closed_on": case.closed_on,
        "possible_duplicate": case.possible_duplicate,
        "updated_at": case.updated_at,
    }


@api_operation(
    blueprint,
    "/cases",
    "GET",
    operation_id="list_cases",
    summary=("案件の一覧", "List cases"),
    description=(
        "受付日の新しい順。氏名などの個人情報は含みません（個別の案件で参照します）。",
        "Newest arrival first. No personal details (read one case for those).",
    ),
    tag="cases",
    scope="cases:read",
    query=schemas.CaseQuery,
    responses={200: (schemas.CasePage, ("案件の一覧", "A page of cases"))},
)
def list_cases(key, query: schemas.CaseQuery):
    statement = select(Case)
    if query.status == "open":
        statement = statement.where(Case.is_open)
    elif query.status != "all":
        if query.status not in lifecycle.STATES:
            raise Problem(
                422,
                errors=[
                    field_error(
                        "status", "open、all または状態コードを指定してください。", "Give open, all or a state code."
                    )
                ],
            )
        statement = statement.where(Case.status == query.status)
    if query.updated_since is not None:
        if query.updated_since.tzinfo is None:
            raise Problem(
                422,
                errors=[
                    field_error("updated_since", "時差（+09:00 など）を付けてください。", "Give a UTC offset (+09:00).")
                ],
            )
        statement = statement.where(Case.updated_at >= query.updated_since)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(
        statement.order_by(Case.arrived_on.desc(), Case.id.desc())
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    ).all()
    return as_json(
        schemas.CasePage(
            items=[schemas.CaseSummary(**_summary_fields(case)) for case in rows],
            page=query.page,
            per_page=query.per_page,
            total=total,
            next_page=query.page + 1 if query.page * query.per_page < total else None,
        )
    )


def _case_or_404(reference: str) -> Case:
    case = by_reference(status_service.clean_reference(reference)) if len(reference) <= 40 else None
    if case is None:
        raise Problem(404, ("この受付番号の案件はありません。", "There is no case with this reference."))
    g.api_case = case
    return case


@api_operation(
    blueprint,
    "/cases/<reference>",
    "GET",
    operation_id="read_case",
    summary=("案件を参照する", "Read a case"),
    description=(
        "請求者（本人・代理人）の連絡先を含みます。書類の一覧は cases:documents のスコープがあるときだけ含みます。",
        "With the requesters' details. The documents are listed only for a key with the scope cases:documents.",
    ),
    tag="cases",
    scope="cases:read",
    responses={200: (schemas.CaseDetail, ("案件", "The case"))},
)
def read_case(key, reference: str):
    case = _case_or_404(reference)
    documents = None
    if "cases:documents" in key.scopes:
        documents = [
            schemas.DocumentInfo(
                id=d.id,
                party=d.party,
                kind=_label(catalogue.DOCUMENT_KINDS, d.kind)
                if d.kind in catalogue.DOCUMENT_KINDS
                else _pair_label(d.kind, (d.kind, d.kind)),
                label=d.label,
                review=d.review,
                media_type=d.media_type,
                size=d.size,
                uploaded_at=d.uploaded_at,
                download=url_for("api.read_document", reference=case.reference, document_id=d.id)
                if d.wrapped_key is not None
                else None,
            )
            for d in case.documents
        ]
    people = [
        schemas.Person(
            role=r.role if r.role in ("principal", "proxy") else "principal",
            name=r.name,
            furigana=r.furigana,
            birth_date=r.birth_date,
            postal_code=r.postal_code,
            address=r.address,
            phone=r.phone,
            email=r.email,
        )
        for r in case.requesters
    ]
    return as_json(
        schemas.CaseDetail(
            **_summary_fields(case),
            language=case.language if case.language in ("ja", "en") else "ja",
            delivery_method=_label(catalogue.DELIVERY_METHODS, case.delivery_method),
            people=people,
            documents=documents,
        )
    )


@api_operation(
    blueprint,
    "/cases/<reference>/documents/<int:document_id>",
    "GET",
    operation_id="read_document",
    summary=("案件の書類を取得する", "Download a case's document"),
    description=(
        "復号した書類をそのまま返します（attachment、no-store）。取得は監査ログに記録されます。",
        "The document, decrypted (attachment, no-store). Every download is in the audit trail.",
    ),
    tag="cases",
    scope="cases:documents",
    responses={200: ("binary", ("書類", "The document"))},
    binary_types=("application/pdf", "image/jpeg", "image/png", "application/octet-stream"),
)
def read_document(key, reference: str, document_id: int):
    case = _case_or_404(reference)
    row = db.session.get(Document, document_id)
    if row is None or row.case_id != case.id or row.wrapped_key is None:
        raise Problem(404, ("この書類はありません。", "There is no such document."))
    data = storage.read(row)
    record(
        "document.viewed",
        actor_kind="api",
        case=case,
        detail={"document_id": row.id, "kind": row.kind, "key": key.id},
    )
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(row.media_type or "", "bin")
    response = send_file(
        io.BytesIO(data),
        mimetype=row.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=f"{case.reference}-{row.id}.{extension}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@api_operation(
    blueprint,
    "/cases",
    "POST",
    operation_id="register_case",
    summary=("他の経路で受け付けた請求を登録する", "Register a request received by another channel"),
    description=(
        "職員の「郵送等の受付」と同じ項目と書類の確認です（channel は mail, fax, email, counter、"
        "または連携システム自身が受け付けたときの api）。郵送・FAXのときは受付のお知らせが発送待ちに入ります。",
        "The same fields and document checks as staff registration (channel mail, fax, email, counter, or api "
        "for a request the calling system took itself). For post and fax an acknowledgement letter is queued.",
    ),
    tag="cases",
    scope="cases:write",
    form=lambda: _form_schema(ApiRegistrationForm, staff=True),
    responses={
        201: (schemas.Registered, ("登録した", "Registered")),
        200: (schemas.Registered, ("同じ Idempotency-Key の最初の結果", "The first result of this Idempotency-Key")),
    },
    idempotent=True,
)
def register_case(key):
    _require_multipart()
    token = _idempotency_token(f"case:{key.id}")
    who = _who()
    slots = slots_for(who, staff=True)
    form, reading = _read_both_languages(ApiRegistrationForm, slots)
    first = _replayed(token)
    if first is not None:
        g.api_case = by_reference(first["reference"])
        return as_json(_registered(first, repeated=True), 200)
    application = application_from(
        form,
        uploads_from(slots, reading.kinds, reading.new),
        channel=form.channel.data,
        arrived_on=form.arrived_on.data,
        language=form.language.data,
        stamps=form.stamps_enclosed.data,
    )
    try:
        result = submit(application)
        completion = {"reference": result.case.reference, "code": result.access_code, "channel": application.channel}
        if token is not None:
            sends.complete(token, completion)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    g.api_case = result.case
    return as_json(_registered(completion, repeated=False), 201)


def _registered(completion: dict, repeated: bool) -> schemas.Registered:
    return schemas.Registered(
        reference=completion["reference"],
        access_code=completion["code"],
        channel=_label(catalogue.CHANNELS, completion["channel"]),
        repeated=repeated,
    )


# ----------------------------------------------------------------------------- integration: screening


@api_operation(
    blueprint,
    "/screenings",
    "POST",
    operation_id="screen_people",
    summary=("提供停止名簿と照合する", "Screen people against the suppression register"),
    description=(
        "1人または少人数（設定「APIで1回に照合できる人数」まで）を、名簿の照合と同じ規則（氏名またはフリガナに、"
        "生年月日・電話番号・住所のいずれかの一致）で照合します。送った内容は保存しません。"
        "channel と purpose を指定すると、配信の同意・オプトアウトも見ます（consent）。",
        "One person or a few (up to the setting 'People screened in one API call'), by the rules lists are "
        "screened by (a name or reading confirmed by a date of birth, a phone or an address). Nothing sent is "
        "kept. With a channel and a purpose, marketing consent and opt-outs are looked at too (consent).",
    ),
    tag="suppression",
    scope="suppression:screen",
    body=schemas.ScreenAsk,
    responses={200: (schemas.Screened, ("照合の結果", "The results"))},
)
def screen(key, body: schemas.ScreenAsk):
    most = int(settings.get("api_screen_max_people"))
    if len(body.people) > most:
        raise Problem(
            422,
            errors=[
                field_error(
                    "people",
                    f"1回に照合できるのは{most}人までです。それより多い名簿はCSVで照合してください。",
                    f"At most {most} people in one call; screen a larger list as a CSV file.",
                )
            ],
        )
    if (body.channel is None) != (body.purpose is None):
        raise Problem(
            422,
            errors=[
                field_error(
                    "purpose" if body.purpose is None else "channel",
                    "配信の同意を見るには channel と purpose を両方指定してください。",
                    "Give both channel and purpose to look at marketing consent.",
                )
            ],
        )
    if body.purpose is not None and body.purpose not in consent_purposes():
        raise Problem(
            422,
            errors=[
                field_error(
                    "purpose",
                    f"目的は {', '.join(consent_purposes())} のいずれかです（設定 consent_purposes）。",
                    f"purpose must be one of {', '.join(consent_purposes())} (setting consent_purposes).",
                )
            ],
        )
    hits = screen_people(
        [
            ScreenPerson(name=p.name, furigana=p.furigana, birth_date=p.birth_date, phone=p.phone, address=p.address)
            for p in body.people
        ]
    )
    results = []
    for i, (person, hit) in enumerate(zip(body.people, hits, strict=True)):
        consent = None
        if body.channel is not None:
            state, may_send = decide_one(
                body.channel,
                body.purpose,
                email=person.email,
                phone=person.phone,
                name=person.name,
                postal_address=person.address,
            )
            consent = schemas.ConsentAnswer(
                channel=body.channel,
                purpose=body.purpose,
                state=state,
                may_send=may_send and not (hit is not None and hit.scope == "all_use"),
            )
        results.append(
            schemas.ScreenResult(
                index=i,
                suppressed=hit is not None,
                rule=hit.rule if hit else None,
                entry=hit.entry_number if hit else None,
                scope=_pair_label(hit.scope, SUPPRESSION_SCOPES.get(hit.scope, (hit.scope, hit.scope)))
                if hit
                else None,
                consent=consent,
            )
        )
    g.api_detail = {"people": len(results), "suppressed": sum(r.suppressed for r in results)}
    return as_json(
        schemas.Screened(
            results=results, suppressed=g.api_detail["suppressed"], opt_outs_consulted=body.channel is not None
        )
    )


@api_operation(
    blueprint,
    "/consents",
    "POST",
    operation_id="record_consent",
    summary=("配信の同意・撤回を記録する", "Record a marketing consent or an opt-out"),
    description=(
        "CRMやメール配信ツールが受けた同意（方法・示した文言・日時とともに）またはオプトアウトを、"
        "同意の記録（追記のみ）に加えます。すでに撤回済みの撤回は新しい記録を作りません（record は null）。",
        "Adds a consent taken by a CRM or mailing tool (with its method, the wording shown and when) or an "
        "opt-out to the append-only consent records. A withdrawal already in force makes no new record (record null).",
    ),
    tag="consent",
    scope="consent:write",
    body=schemas.ConsentAsk,
    responses={
        201: (schemas.ConsentRecorded, ("記録した", "Recorded")),
        200: (schemas.ConsentRecorded, ("すでに撤回済み", "Already withdrawn")),
    },
)
def record_consent(key, body: schemas.ConsentAsk):
    if body.occurred_at is not None and body.occurred_at.tzinfo is None:
        raise Problem(
            422,
            errors=[field_error("occurred_at", "時差（+09:00 など）を付けてください。", "Give a UTC offset (+09:00).")],
        )
    try:
        address = consent_keys.address_for(
            body.channel, email=body.email, phone=body.phone, name=body.name, postal_address=body.postal_address
        )
        options = {
            "occurred_at": body.occurred_at,
            "shown_text": body.shown_text,
            "text_version": body.text_version,
            "source": body.source or f"api key {key.id}",
        }
        if body.action == "withdrawn":
            entry = consent_service.withdraw(address, body.purpose, method=body.method, **options)
        else:
            entry = consent_service.add(address, purpose=body.purpose, action="given", method=body.method, **options)
    except Refused as refusal:
        db.session.rollback()
        raise Problem(422, errors=[field_error("body", refusal.ja, refusal.en)]) from None
    state = consent_service.state_of(address.channel, address.digest(consent_keys.Keyring()), body.purpose)
    db.session.commit()
    g.api_detail = {"channel": body.channel, "action": body.action, "record": entry.id if entry else None}
    return as_json(
        schemas.ConsentRecorded(
            record=entry.id if entry else None,
            channel=body.channel,
            purpose=body.purpose,
            action=body.action,
            state=state if state in ("given", "withdrawn") else None,
            address_masked=address.masked,
        ),
        201 if entry is not None else 200,
    )


# ----------------------------------------------------------------------------- errors and headers


@blueprint.errorhandler(Problem)
def problem(error: Problem):
    return error.response()


_KNOWN_STATUSES = (400, 401, 403, 404, 405, 406, 409, 413, 415, 429, 503)


def http_problem(error, code: int):
    """Any HTTP error under /api/ as a problem document."""
    status = getattr(error, "code", None) or code
    headers = {"Retry-After": "60"} if status == 429 else None
    return Problem(status if status in _KNOWN_STATUSES else 500, headers=headers).response()


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return http_problem(error, error.code or 500)


@blueprint.after_request
def no_cookie(response):
    # Staff sessions never work on the API, and the API never sets a cookie: whatever the
    # services below put in a session is not saved.
    session.modified = False
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response
