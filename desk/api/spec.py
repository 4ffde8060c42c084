"""Operations of /api/v1/ declared once, next to their views: the same declaration checks
the key and its scope, validates the query and the body with pydantic, audits every use
made with a key, and becomes the operation's entry in the OpenAPI 3.1 document."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, Response, g, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from desk import catalogue
from desk.api import keys
from desk.api.problems import MEDIA_TYPE, Problem, field_error
from desk.api.schemas import ProblemDocument
from desk.extensions import db, limiter

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
PREFIX = "/api/v1"
_REF = "#/components/schemas/{model}"


@dataclass
class Operation:
    operation_id: str
    method: str
    #: The Flask rule, relative to the blueprint (e.g. "/cases/<reference>").
    rule: str
    summary: tuple[str, str]
    description: tuple[str, str]
    tag: str
    #: The scope a key must hold; None for the public endpoints (no key).
    scope: str | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    #: A function giving (JSON Schema, encoding) of a multipart body, built from the form it mirrors.
    form: Callable[[], tuple[dict, dict]] | None = None
    #: status -> (what comes back: a model, "binary" or None, (description ja, en))
    responses: dict[int, tuple] = field(default_factory=dict)
    #: Accepts an Idempotency-Key header (a repeated key returns the first result).
    idempotent: bool = False
    #: The throttle (a Flask-Limiter limit string, or a function giving one); answers 429 beyond it.
    limit: object = None
    #: Media types of a "binary" response.
    binary_types: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        parts = []
        for part in (PREFIX + self.rule).split("/"):
            if part.startswith("<") and part.endswith(">"):
                part = "{" + part[1:-1].split(":")[-1] + "}"
            parts.append(part)
        return "/".join(parts)

    @property
    def path_params(self) -> list[tuple[str, str]]:
        found = []
        for part in self.rule.split("/"):
            if part.startswith("<") and part.endswith(">"):
                converter, _, name = part[1:-1].rpartition(":")
                found.append((name, converter or "string"))
        return found


OPERATIONS: list[Operation] = []


def _errors_of(error: ValidationError, where: str) -> list[dict]:
    found = []
    for item in error.errors(include_url=False):
        name = ".".join(str(p) for p in item["loc"]) or where
        ja, en = _pydantic_message(item)
        found.append(field_error(name, ja, en))
    return found


def _pydantic_message(item: dict) -> tuple[str, str]:
    kind, context = item["type"], item.get("ctx") or {}
    if kind == "missing":
        return "入力してください。", "This field is required."
    if kind == "extra_forbidden":
        return "この項目は使えません。", "This field is not accepted."
    if kind in ("string_too_long", "too_long"):
        limit = context.get("max_length")
        return f"{limit}文字（件）以内にしてください。", f"At most {limit} characters (items)."
    if kind in ("string_too_short", "too_short"):
        limit = context.get("min_length")
        return f"{limit}文字（件）以上にしてください。", f"At least {limit} characters (items)."
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return "範囲外の値です。", "The value is out of range."
    if kind.startswith(("int_", "float_")):
        return "整数で指定してください。", "Give a whole number."
    if kind.startswith(("datetime_", "date_")):
        return "日時を ISO 8601 形式で指定してください。", "Give an ISO 8601 date and time."
    if kind.startswith("string_") or kind == "string_type":
        return "文字列で指定してください。", "Give a string."
    return "値が正しくありません。", "The value is not valid."


def _json_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise Problem(415, ("本文は application/json で送ってください。", "Send the body as application/json."))
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        raise Problem(400, ("本文のJSONが読めません。", "The body is not valid JSON.")) from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Problem(422, errors=_errors_of(error, "body")) from None


def _query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate({k: v for k, v in request.args.items() if k in model.model_fields})
    except ValidationError as error:
        raise Problem(422, errors=_errors_of(error, "query")) from None


def as_json(payload: BaseModel, status: int = 200) -> Response:
    return Response(payload.model_dump_json(), status=status, mimetype="application/json")


def api_operation(blueprint: Blueprint, rule: str, method: str, **declaration):
    """Declare one operation and route it: the view gets `key` (for scoped operations),
    `query` and `body` (the validated models) besides its path arguments."""
    op = Operation(method=method.lower(), rule=rule, **declaration)
    OPERATIONS.append(op)

    def decorator(view):
        @wraps(view)
        def handle(**path):
            key = None
            if op.scope is not None:
                found = keys.authenticate(request.headers.get("Authorization"), op.scope)
                if isinstance(found, keys.KeyRefusal):
                    keys.audit_refusal(found, op.operation_id)
                    db.session.commit()
                    status = found.status
                    raise Problem(
                        status, headers={"WWW-Authenticate": 'Bearer realm="desk"'} if status == 401 else None
                    )
                key = found
            g.api_key, g.api_case, g.api_detail = key, None, None
            try:
                arguments = dict(path)
                if op.scope is not None:
                    arguments["key"] = key
                if op.query is not None:
                    arguments["query"] = _query(op.query)
                if op.body is not None:
                    arguments["body"] = _json_body(op.body)
                response = view(**arguments)
            except Problem as problem:
                if key is not None:
                    db.session.rollback()
                    keys.audit_use(key, op.operation_id, problem.status)
                    db.session.commit()
                raise
            if key is not None:
                keys.audit_use(key, op.operation_id, response.status_code, case=g.api_case, detail=g.api_detail)
                db.session.commit()
            return response

        if op.limit is not None:
            # The limit wraps the function the route calls, so Flask-Limiter counts each request once.
            handle = limiter.limit(op.limit, methods=[method.upper()])(handle)
        blueprint.add_url_rule(rule, endpoint=op.operation_id, view_func=handle, methods=[method.upper()])
        return handle

    return decorator


# ----------------------------------------------------------------------------- the document


def _problem_response(description: tuple[str, str]) -> dict:
    return {
        "description": f"{description[0]} / {description[1]}",
        "content": {MEDIA_TYPE: {"schema": {"$ref": _REF.format(model="ProblemDocument")}}},
    }


_STANDARD_DESCRIPTIONS = {
    400: ("リクエストの形式の誤り", "Malformed request"),
    401: ("APIキーがない、不明、期限切れ、または無効化済み", "No key, an unknown, expired or revoked key"),
    403: ("キーに必要なスコープがない", "The key lacks the scope"),
    404: ("見つからない", "Not found"),
    409: ("同じ Idempotency-Key のリクエストを処理中", "A request with the same Idempotency-Key is in progress"),
    413: ("大きすぎる本文", "Body too large"),
    415: ("本文の形式が違う", "Wrong Content-Type"),
    422: ("入力内容の誤り（errors に項目ごと）", "Invalid input (errors names each field)"),
    429: ("スロットル（しばらく待つこと）", "Throttled: wait and try again"),
}


def document() -> dict:
    """The OpenAPI 3.1 document of every declared operation."""
    models = {ProblemDocument}
    for op in OPERATIONS:
        for model in (op.query, op.body):
            if model is not None:
                models.add(model)
        for answer, _ in op.responses.values():
            if isinstance(answer, type):
                models.add(answer)
    ordered = sorted(models, key=lambda m: m.__name__)
    _, schemas = models_json_schema([(m, "serialization") for m in ordered], ref_template=_REF)
    _, inputs = models_json_schema([(m, "validation") for m in ordered], ref_template=_REF)
    components = {**inputs.get("$defs", {}), **schemas.get("$defs", {})}

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        entry: dict = {
            "operationId": op.operation_id,
            "summary": f"{op.summary[0]} / {op.summary[1]}",
            "description": f"{op.description[0]}\n\n{op.description[1]}",
            "tags": [op.tag],
            "parameters": [],
            "responses": {},
        }
        if op.scope is not None:
            scope = catalogue.API_SCOPES[op.scope]
            entry["security"] = [{"apiKey": [op.scope]}]
            entry["description"] += f"\n\nスコープ / scope: `{op.scope}` ({scope.ja} / {scope.en})"
            entry["x-desk-scope"] = op.scope
        else:
            entry["security"] = []
        for name, converter in op.path_params:
            schema = (
                {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
                if converter == "int"
                else {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 40,
                }
            )
            entry["parameters"].append({"name": name, "in": "path", "required": True, "schema": schema})
        if op.query is not None:
            query_schema = op.query.model_json_schema(ref_template=_REF)
            required = set(query_schema.get("required", []))
            for name, schema in query_schema.get("properties", {}).items():
                schema = dict(schema)
                description = schema.pop("description", None)
                schema.pop("title", None)
                if "anyOf" in schema:  # an optional value: absent, never "null" in a query string
                    schema = next(s for s in schema["anyOf"] if s.get("type") != "null") | {
                        k: v for k, v in schema.items() if k != "anyOf"
                    }
                    schema.pop("default", None)
                parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
                if description:
                    parameter["description"] = description
                entry["parameters"].append(parameter)
        if op.idempotent:
            entry["parameters"].append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "同じキーで30分以内に送り直すと、最初の結果を返します（新しい受付はしません）。"
                    " / Sent again with the same key within 30 minutes, the first result comes back (nothing new is created).",
                    "schema": {"type": "string", "minLength": 8, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
                }
            )
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": _REF.format(model=op.body.__name__)}}},
            }
        if op.form is not None:
            schema, encoding = op.form()
            entry["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": schema, "encoding": encoding}},
            }
        for status, (answer, description) in sorted(op.responses.items()):
            response = {"description": f"{description[0]} / {description[1]}"}
            if isinstance(answer, type):
                response["content"] = {"application/json": {"schema": {"$ref": _REF.format(model=answer.__name__)}}}
            elif answer == "binary":
                response["content"] = {t: {"schema": {"type": "string", "format": "binary"}} for t in op.binary_types}
            entry["responses"][str(status)] = response
        standard = [400]
        if op.scope is not None:
            standard += [401, 403]
        if op.path_params:
            standard.append(404)
        if op.idempotent:
            standard.append(409)
        if op.body is not None or op.form is not None:
            standard += [413, 415, 422]
        if op.query is not None:
            standard.append(422)
        if op.limit is not None:
            standard.append(429)
        for status in sorted(set(standard)):
            entry["responses"].setdefault(str(status), _problem_response(_STANDARD_DESCRIPTIONS[status]))
        paths.setdefault(op.path, {})[op.method] = entry

    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "desk API",
            "version": API_VERSION,
            "description": (
                "個人情報の開示等の請求窓口 desk のAPI。公開の操作（請求の送信、状況の確認）はキーなしで、"
                "連携の操作は管理者が発行したAPIキー（Authorization: Bearer）で呼び出します。"
                "エラーは RFC 9457 の problem details（日本語・英語）で返します。\n\n"
                "The API of desk, a privacy-rights request desk. Public operations (sending a request, reading its "
                "status) need no key; integration operations need an API key made by an administrator "
                "(Authorization: Bearer). Errors are RFC 9457 problem details in Japanese and English."
            ),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": "/"}],
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "tags": [
            {"name": "public", "description": "公開（キー不要） / Public (no key)"},
            {"name": "cases", "description": "案件（APIキー） / Cases (API key)"},
            {"name": "suppression", "description": "提供停止名簿（APIキー） / Suppression register (API key)"},
            {"name": "consent", "description": "配信の同意（APIキー） / Marketing consent (API key)"},
            {"name": "meta", "description": "このAPIの説明 / About this API"},
        ],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "管理者が発行したAPIキー（desk_…） / An API key (desk_…) made by an administrator",
                }
            },
        },
    }
