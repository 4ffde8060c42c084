"""Errors of the API as RFC 9457 problem details (application/problem+json), in Japanese
and English: `title` and `detail` in the caller's language (Accept-Language or ?lang=,
Japanese by default), and both languages under `ja` and `en`."""

from __future__ import annotations

from flask import Response, json

from desk.i18n import current_language

MEDIA_TYPE = "application/problem+json"
#: Problem types are relative URIs naming the kind of problem (RFC 9457 §3.1.1).
TYPE_BASE = "/api/v1/problems/"

#: status -> (slug, (title ja, title en), (detail ja, detail en)) for the problems every endpoint can give.
STANDARD: dict[int, tuple[str, tuple[str, str], tuple[str, str]]] = {
    400: (
        "bad-request",
        ("リクエストが正しくありません", "Bad request"),
        ("リクエストの形式を確認してください。", "Check the form of the request."),
    ),
    401: (
        "unauthorized",
        ("APIキーが必要です", "An API key is needed"),
        (
            "有効なAPIキーを Authorization: Bearer ヘッダーで送ってください。期限切れ・無効化されたキーは使えません。",
            "Send a valid API key as Authorization: Bearer. An expired or revoked key does not work.",
        ),
    ),
    403: (
        "forbidden",
        ("このキーには権限がありません", "This key may not do this"),
        (
            "このAPIキーには、この操作に必要な権限（スコープ）がありません。",
            "This API key lacks the scope this operation needs.",
        ),
    ),
    404: (
        "not-found",
        ("見つかりません", "Not found"),
        ("指定されたものは見つかりません。", "There is nothing at this address."),
    ),
    405: (
        "method-not-allowed",
        ("この方法では呼び出せません", "Method not allowed"),
        ("このアドレスはこのHTTPメソッドに対応していません。", "This address does not take this HTTP method."),
    ),
    406: (
        "not-acceptable",
        ("応答の形式に対応できません", "Not acceptable"),
        ("このAPIはJSONで応答します。", "This API answers in JSON."),
    ),
    409: (
        "conflict",
        ("同じ Idempotency-Key のリクエストを処理中です", "A request with this Idempotency-Key is in progress"),
        ("少し待ってから同じリクエストをもう一度送ってください。", "Wait a moment and send the same request again."),
    ),
    413: (
        "too-large",
        ("リクエストが大きすぎます", "Request too large"),
        ("送信できる大きさの上限を超えています。", "The request is larger than the server accepts."),
    ),
    415: (
        "unsupported-media-type",
        ("この形式の本文には対応していません", "Unsupported media type"),
        ("本文の Content-Type を確認してください。", "Check the Content-Type of the body."),
    ),
    422: (
        "invalid",
        ("入力内容に誤りがあります", "The request has errors"),
        (
            "errors に挙げた項目を直して、もう一度送ってください。",
            "Correct the fields listed in errors and send again.",
        ),
    ),
    429: (
        "too-many-requests",
        ("リクエストが多すぎます", "Too many requests"),
        ("しばらく時間をおいてから、もう一度お試しください。", "Please wait a while and try again."),
    ),
    500: (
        "server-error",
        ("サーバーで問題が起きました", "Server error"),
        ("時間をおいてもう一度お試しください。", "Please try again later."),
    ),
    503: (
        "unavailable",
        ("ただいま混み合っています", "Busy"),
        ("しばらく時間をおいてから、もう一度お試しください。", "Please wait a while and try again."),
    ),
}


class Problem(Exception):
    """Raised by an API view: the response is the problem document."""

    def __init__(
        self,
        status: int,
        detail: tuple[str, str] | None = None,
        *,
        title: tuple[str, str] | None = None,
        slug: str | None = None,
        errors: list[dict] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(status)
        standard = STANDARD.get(status, STANDARD[400] if status < 500 else STANDARD[500])
        self.status = status
        self.slug = slug or standard[0]
        self.title = title or standard[1]
        self.detail = detail or standard[2]
        self.errors = errors
        self.headers = headers or {}

    def document(self) -> dict:
        lang = current_language()
        index = 1 if lang == "en" else 0
        body = {
            "type": TYPE_BASE + self.slug,
            "title": self.title[index],
            "status": self.status,
            "detail": self.detail[index],
            "ja": {"title": self.title[0], "detail": self.detail[0]},
            "en": {"title": self.title[1], "detail": self.detail[1]},
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        response = Response(json.dumps(self.document(), ensure_ascii=False), status=self.status, mimetype=MEDIA_TYPE)
        response.headers["Content-Language"] = current_language()
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def field_error(field: str, ja: str, en: str) -> dict:
    return {"field": field, "ja": ja, "en": en}
