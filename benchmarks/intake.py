"""Requests created through the API, with a 200 KB ID image, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/intake.py [--requests 300] [--db sqlite|postgresql|both]
        [--register 100000] [--screens 300]

For each database: the schema by the migrations, an API key, REGISTER suppression entries
(random keyed digests, one planted person), then the app under gunicorn with production's
gunicorn.conf.py (gthread, DESK_THREADS threads: 8 unless set) and one worker, the intake
throttle raised for the run; over HTTP on localhost:

- POST /api/v1/requests (multipart: the form's fields and a 200 KB JPEG licence, a new
  Idempotency-Key each) from 1 client, then from 8 clients at once: requests/s (wall
  clock) and p50/p95 latency as the clients see it;
- POST /api/v1/screenings of one person (a key with suppression:screen), 1 client: p50/p95.

Targets (issue 22): >= 75 requests/s per worker with 8 clients, p95 <= 150 ms; screening one
person <= 10 ms p50 at 100,000 register entries. Nothing is asserted: the figures are printed.
Never touches instance/.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import io
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    return (["runuser", "-u", "postgres", "--"] + args) if os.geteuid() == 0 else args


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary directory, started like tests/conftest.py does."""

    def __init__(self):
        initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not initdb:
            raise SystemExit("PostgreSQL binaries not found (postgresql package)")
        self.bin = Path(initdb[-1]).parent
        self.base = Path(tempfile.mkdtemp(prefix="desk-bench-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.data, self.port = self.base / "data", free_port()

    def start(self) -> str:
        subprocess.run(
            as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
                + ["--locale=C.UTF-8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-k {self.base} -p {self.port} -c listen_addresses=127.0.0.1 -c shared_buffers=64MB"
        subprocess.run(
            as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w"]
                + ["start"]
            ),
            check=True,
            capture_output=True,
        )
        from sqlalchemy import create_engine, text

        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE desk_bench"))
        admin.dispose()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/desk_bench"

    def stop(self):
        subprocess.run(
            as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]), capture_output=True
        )
        shutil.rmtree(self.base, ignore_errors=True)


# --------------------------------------------------------------------------- data


def licence_jpeg(target: int = 200_000) -> bytes:
    """A JPEG of about `target` bytes (noise compresses badly, like a photographed card)."""
    from PIL import Image

    rng = random.Random(7)
    side = 420
    while True:
        image = Image.frombytes("RGB", (side, side * 2 // 3), bytes(rng.getrandbits(8) for _ in range(side * side * 2)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        if out.tell() >= target:
            return out.getvalue()
        side += 40


def build(url: str, instance: Path, register: int) -> tuple[str, str]:
    """Schema, a key holding suppression:screen, the register. Returns (key, planted name)."""
    from datetime import date, timedelta

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from desk import create_app
    from desk.api import keys
    from desk.extensions import db
    from desk.suppression.entries import add_entry
    from desk.suppression.models import SuppressionEntry

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance)})
    with app.app_context():
        upgrade()
        _key, secret = keys.create_key("bench", ["suppression:screen"], date.today() + timedelta(days=30))
        add_entry(name="髙橋 美咲", birth_date="1985-03-09", phone="090-1234-5678", scope="third_party_provision")
        db.session.commit()
        rows, today = [], date.today()
        for n in range(register - 1):
            rows.append(
                {
                    "name_hash": os.urandom(32).hex(),
                    "kana_hash": os.urandom(32).hex(),
                    "birth_date_hash": os.urandom(32).hex(),
                    "phone_hash": os.urandom(32).hex() if n % 2 else None,
                    "address_hash": None,
                    "display_name": "検＊ 証＊",
                    "scope": "third_party_provision",
                    "origin": "manual",
                    "added_on": today,
                }
            )
            if len(rows) == 5000:
                db.session.execute(insert(SuppressionEntry), rows)
                rows = []
        if rows:
            db.session.execute(insert(SuppressionEntry), rows)
        db.session.commit()
        db.engine.dispose()
    return secret, "髙橋 美咲"


# --------------------------------------------------------------------------- the server and clients


class Server:
    def __init__(self, url: str, instance: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "DESK_DATABASE_URL": url,
            "DESK_INSTANCE_DIR": str(instance),
            "DESK_DOCUMENT_DIR": str(instance / "documents"),
            "DESK_INTAKE_RATE_LIMIT": "1000000 per hour",
        }
        # Production's settings (gunicorn.conf.py: gthread workers, DESK_THREADS threads each,
        # the access log written), but one worker.
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]
            + ["--workers", "1", "--bind", f"127.0.0.1:{self.port}"]
            + ["--backlog", "64", "--chdir", str(ROOT), "wsgi:app"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


FIELDS = [
    ("who", "principal"),
    ("kinds", "disclosure"),
    ("delivery_method", "paper"),
    ("principal-furigana", "ヤマダ ハナコ"),
    ("principal-birth_date", "1980-04-01"),
    ("principal-postal_code", "150-0001"),
    ("principal-address", "東京都渋谷区神宮前一丁目2番3号"),
    ("principal-phone", "03-1234-5678"),
    ("principal_id-kind", "drivers_licence"),
]


def multipart(n: int, image: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in [*FIELDS, ("principal-name", f"山田 花子{n}")]:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="principal_id-files"; filename="licence.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + image
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def run_clients(port: int, clients: int, count: int, make) -> tuple[float, list[float], int]:
    """`count` requests from `clients` threads, each on its own connection. Returns
    (requests per second, latencies in ms, failures)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    numbers = iter(range(count))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                break
            method, path, body, headers, ok = make(n)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status not in ok:
                    failures[0] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started), latencies, failures[0]


def p(latencies: list[float], q: float) -> float:
    return statistics.quantiles(latencies, n=100, method="inclusive")[int(q) - 1]


def measure(kind: str, url: str, args) -> None:
    instance = Path(tempfile.mkdtemp(prefix="desk-bench-intake-"))
    threads = os.environ.get("DESK_THREADS", "8")
    print(f"{kind:10} gunicorn -c gunicorn.conf.py --workers 1: gthread, {threads} threads", flush=True)
    try:
        secret, planted = build(url, instance, args.register)
        image = licence_jpeg()
        server = Server(url, instance)
        try:

            def submit(n):
                body, content_type = multipart(n, image)
                headers = {"Content-Type": content_type, "Idempotency-Key": f"bench-{uuid.uuid4().hex}"}
                return "POST", "/api/v1/requests", body, headers, (201,)

            run_clients(server.port, 1, 10, submit)  # warm-up: imports, first connections
            for clients in (1, 8):
                rate, latencies, failures = run_clients(server.port, clients, args.requests, submit)
                print(
                    f"{kind:10} POST /api/v1/requests  {clients} client{'s' if clients > 1 else ' '}: "
                    f"{rate:6.1f} requests/s  p50 {p(latencies, 50):6.1f} ms  p95 {p(latencies, 95):6.1f} ms"
                    f"  ({args.requests} requests, image {len(image) // 1000} KB, {failures} failed)",
                    flush=True,
                )

            screen_body = json.dumps({"people": [{"name": planted, "birth_date": "昭和60年3月9日"}]}).encode()

            def screen(n):
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"}
                return "POST", "/api/v1/screenings", screen_body, headers, (200,)

            run_clients(server.port, 1, 10, screen)
            rate, latencies, failures = run_clients(server.port, 1, args.screens, screen)
            print(
                f"{kind:10} POST /api/v1/screenings 1 person, {args.register:,} entries: "
                f"p50 {p(latencies, 50):5.1f} ms  p95 {p(latencies, 95):5.1f} ms  ({args.screens} calls, {failures} failed)",
                flush=True,
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--screens", type=int, default=300)
    parser.add_argument("--register", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="desk-bench-sqlite-"))
        try:
            measure("SQLite", f"sqlite:///{folder / 'desk.sqlite3'}", args)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.db in ("postgresql", "both"):
        server = ThrowawayPostgres()
        try:
            measure("PostgreSQL", server.start(), args)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
