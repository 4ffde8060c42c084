"""One set of upload limits, the form's (settings upload_max_file_mb, upload_max_request_mb),
enforced by the server on every page that takes files from outside.

The server reads a body up to a ceiling well above those limits, but keeps at most the
request's limit of file bytes, in memory: what lies beyond is counted and dropped, never
written anywhere. The page then answers with the form again, what was typed kept and the
limit named, instead of a bare 413. Only a body over the ceiling is refused unread."""

from __future__ import annotations

import io

from flask import Flask, current_app, request

from desk.identity.uploads import Limits

#: The pages whose forms carry files from the requester or the officer.
UPLOAD_ENDPOINTS = frozenset({"intake.new_request", "intake.register_case", "status_documents.send_documents"})
#: A body may be this many times the server's MAX_CONTENT_LENGTH before it is refused unread.
CEILING_FACTOR = 4


class CappedFile(io.BytesIO):
    """An uploaded file's bytes, kept while the request's budget lasts. `seen` is how many
    bytes the browser sent for it; `overflowed` says whether some were dropped."""

    def __init__(self, budget: list[int]):
        super().__init__()
        self._budget = budget
        self.seen = 0
        self.overflowed = False

    def write(self, data) -> int:
        size = len(data)
        self.seen += size
        keep = max(0, min(size, self._budget[0]))
        self._budget[0] -= keep
        if keep < size:
            self.overflowed = True
        if keep:
            super().write(bytes(data[:keep]))
        return size


def cap_uploads() -> None:
    """Before an upload page reads its form: a higher ceiling, and files kept within budget."""
    # Other areas (the API) name their upload endpoints in app.extensions["desk_upload_endpoints"].
    endpoints = UPLOAD_ENDPOINTS | current_app.extensions.get("desk_upload_endpoints", frozenset())
    if request.endpoint not in endpoints or request.method != "POST":
        return
    limits = Limits.from_settings()
    # One byte more than the limit, so that a file over it is seen to be over it.
    budget = [limits.request_bytes + 1]
    request.max_content_length = int(current_app.config["MAX_CONTENT_LENGTH"] or 0) * CEILING_FACTOR or None

    def stream_factory(total_content_length, content_type, filename=None, content_length=None):
        return CappedFile(budget)

    request._get_file_stream = stream_factory  # the instance's stream factory (werkzeug's hook)


def overflowed(upload) -> bool:
    return bool(getattr(upload.stream, "overflowed", False))


def sent_size(upload, kept: int) -> int:
    """How many bytes the browser sent for this file, dropped ones included."""
    return int(getattr(upload.stream, "seen", kept))


def register(app: Flask) -> None:
    app.before_request(cap_uploads)
