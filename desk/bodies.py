"""Request bodies are read whole, against a deadline, before the application sees them.

A client that sends its body slowly (a byte a second, or nothing after the headers) would
otherwise hold a worker thread for as long as it likes. This WSGI wrapper reads the body
into a spooled file with a per-request deadline (`DESK_BODY_TIMEOUT`, 30 s) and answers
408 when it passes; together with gunicorn's threaded worker (gunicorn.conf.py) the other
threads, and /healthz, stay answered. Bodies larger than MAX_CONTENT_LENGTH are left for
Flask to refuse with 413 without being read. A chunked body (Transfer-Encoding: chunked, no
Content-Length) is read the same way, to one byte past MAX_CONTENT_LENGTH at most: if it
is longer, the app sees that length and refuses it with 413.
"""

from __future__ import annotations

import contextlib
import tempfile
import time

_CHUNK = 64 * 1024
_PAGE = (
    "<!doctype html><html lang=ja><meta charset=utf-8><title>408</title>"
    "<h1>リクエストの受信に時間がかかりすぎました</h1><p>通信環境をご確認のうえ、もう一度お試しください。</p>"
    "<p lang=en>The request took too long to arrive. Please check your connection and try again.</p></html>"
).encode()


class BodyDeadline:
    def __init__(self, app, timeout: float, max_bytes: int | None):
        self.app, self.timeout, self.max_bytes = app, timeout, max_bytes

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked:
            # No length to check first: read up to one byte past the cap, against the same
            # deadline; past the cap the app is told that length and refuses it with 413
            # (the rest is never read).
            length = self.max_bytes + 1 if self.max_bytes is not None else None
        elif length <= 0 or (self.max_bytes is not None and length > self.max_bytes):
            return self.app(environ, start_response)
        body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 (handed to the app as wsgi.input)
        received = self._read(environ, length, body)
        if received is None:
            body.close()
            start_response(
                "408 Request Timeout",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(_PAGE))),
                    ("Connection", "close"),
                ],
            )
            return [_PAGE]
        body.seek(0)
        environ["wsgi.input"] = body
        environ["wsgi.input_terminated"] = True
        if chunked:
            environ["CONTENT_LENGTH"] = str(received)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _read(self, environ, length: int | None, body) -> int | None:
        """Bytes read into `body` (all of them, or up to `length`), or None when the
        deadline passed first."""
        stream = environ["wsgi.input"]
        sock = environ.get("gunicorn.socket")
        deadline = time.monotonic() + self.timeout
        previous = sock.gettimeout() if sock is not None else None
        received = 0
        try:
            while length is None or received < length:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                if sock is not None:
                    sock.settimeout(remaining)
                chunk = stream.read(_CHUNK if length is None else min(_CHUNK, length - received))
                if not chunk:
                    break
                body.write(chunk)
                received += len(chunk)
            return received
        except OSError:  # TimeoutError is one
            return None
        finally:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(previous)
