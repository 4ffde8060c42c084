"""A real gunicorn serving desk (gunicorn.conf.py, N workers) on the test's database, and a small HTTP client."""

from __future__ import annotations

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
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data=None, files: dict[str, tuple[str, bytes]] | None = None) -> tuple[int, str]:
        headers = {}
        if files:
            boundary = "deskboundary" + os.urandom(8).hex()
            parts = []
            for name, values in data.items():
                for value in values if isinstance(values, list) else [values]:
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    )
            for name, (filename, content) in files.items():
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
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf(self, path: str) -> str:
        _, html = self.request(path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
