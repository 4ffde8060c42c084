"""A real gunicorn serving desk (gunicorn.conf.py, N workers) on the test's database, and a small HTTP client."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

from desk.config import PROJECT_ROOT
from tests.conftest import TEST_MASTER_KEY


class Gunicorn:
    def __init__(self, database_url: str, tmp: Path, workers: int = 3, env: dict | None = None):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log, self.error_log, self.output = tmp / "access.log", tmp / "error.log", tmp / "output.log"
        environment = {
            **os.environ,
            "DESK_DATABASE_URL": database_url,
            "DESK_INSTANCE_DIR": str(tmp / "instance"),
            "DESK_DOCUMENT_DIR": str(tmp / "documents"),
            "DESK_SECRET_KEY": "gunicorn-test-secret",
            "DESK_MASTER_KEY": TEST_MASTER_KEY,
            **(env or {}),
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen(
                [gunicorn, "-c", "gunicorn.conf.py", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
                + ["--access-logfile", str(self.access_log), "--error-logfile", str(self.error_log), "wsgi:app"],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.output.read_text()) from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)

    def logs(self) -> str:
        return "".join(
            p.read_text(errors="replace") for p in (self.access_log, self.error_log, self.output) if p.exists()
        )


class Browser:
    """Cookies kept, redirects not followed, CSRF tokens read from the pages."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(
        self,
        path: str,
        data=None,
        files: dict[str, tuple[str, bytes] | list[tuple[str, bytes]]] | None = None,
        multipart: bool = False,
    ) -> tuple[int, str]:
        """(status, page); `files` gives each file input one (name, content) or a list of them."""
        headers = {}
        if files or multipart:
            files = files or {}
            boundary = "deskboundary" + os.urandom(8).hex()
            parts = []
            for name, values in (data or {}).items():
                for value in values if isinstance(values, list) else [values]:
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    )
            for name, filename, content in _file_parts(files):
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: application/octet-stream\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, data=body, headers=headers), timeout=60
            ) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf(self, path: str) -> str:
        _, html = self.request(path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _file_parts(files: dict) -> list[tuple[str, str, bytes]]:
    parts = []
    for name, given in files.items():
        for filename, content in given if isinstance(given, list) else [given]:
            parts.append((name, filename, content))
    return parts


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


#: What a worker killed mid-request looks like to its client.
CONNECTION_ERRORS = (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError)


def worker_pids(server: Gunicorn) -> list[int]:
    """The gunicorn master's children (its workers), read from /proc."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


_ERROR = r'<p class="error"[^>]*>([^<]*)</p>'


class Submission:
    """One requester going through the public form: open it, confirm with an ID image, send,
    read the completion page. A step whose connection breaks (its worker killed) is tried
    again as a person would, with the cookie and page they already have: a send retried
    after its answer was lost must return the first case's completion page."""

    def __init__(self, base: str, fields: dict, files: dict[str, tuple[str, bytes]], attempts: int = 8):
        self.browser, self.fields, self.files, self.attempts = Browser(base), fields, files, attempts
        self.retries = 0

    def _try(self, step):
        for attempt in range(self.attempts):
            try:
                return step()
            except CONNECTION_ERRORS:
                if attempt == self.attempts - 1:
                    raise
                self.retries += 1
                time.sleep(0.2)

    def run(self) -> tuple[str, str]:
        """(reference, access code) as the completion page shows them."""
        token = self._try(lambda: self.browser.csrf("/requests/new?who=principal"))
        data = {**self.fields, "csrf_token": token, "action": "confirm"}
        status, page = self._try(lambda: self.browser.request("/requests/new", data, files=self.files))
        if status != 200 or 'name="send_token"' not in page:
            raise AssertionError(f"confirm: {status} {re.findall(_ERROR, page)}")
        sent = confirmation_fields(page)
        sent["action"] = "send"
        status, _ = self._try(lambda: self.browser.request("/requests/new", sent))
        if status != 302:
            raise AssertionError(f"send: {status}")
        status, done = self._try(lambda: self.browser.request("/requests/done"))
        reference = re.search(r'id="reference">([^<]+)<', done)
        code = re.search(r'id="access-code">([^<]+)<', done)
        if status != 200 or not reference or not code:
            raise AssertionError(f"completion page: {status}")
        return reference.group(1), code.group(1)


def confirmation_fields(html: str) -> dict:
    """The hidden inputs of the confirmation page (its CSRF and send tokens among them), to post back."""
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data.setdefault(name, []).append(unescape(value))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if token:
        data["csrf_token"] = token.group(1)
    return data
