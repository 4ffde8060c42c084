"""How fast the case queue is with 100,000 cases, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/queue.py [--cases 100000] [--db sqlite|postgresql|both]

For each database: builds the schema with the migrations, bulk-inserts the cases (Core
inserts, in batches), starts the app under gunicorn (one sync worker, as deployed), signs
in as an officer and measures over HTTP on localhost:

- the first request of each view right after the server started (no warm-up),
- the p50 of 30 requests of each view (server time as the client sees it, localhost),
- beside it, the p50 of the bare SQL behind the view (the page's row query, run directly),
- the resident memory (RSS) of the worker process after the run.

Targets (issue 4): first page p50 <= 25 ms and within 3x its query; status filter <= 20
ms; search by name, furigana, phone or e-mail <= 50 ms with no warm-up cost; <= 100 MB
per worker. Nothing is asserted: the figures are printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named queue.py: keep its folder off the import path, or it hides the
# standard library's queue module from everything imported below.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("坂本", "サカモト"),
]
GIVEN = [
    ("陽子", "ヨウコ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("大輔", "ダイスケ"),
    ("由美", "ユミ"),
    ("翔太", "ショウタ"),
    ("恵子", "ケイコ"),
    ("拓也", "タクヤ"),
    ("真由美", "マユミ"),
    ("浩二", "コウジ"),
    ("さくら", "サクラ"),
    ("蓮", "レン"),
    ("結衣", "ユイ"),
    ("和夫", "カズオ"),
    ("千尋", "チヒロ"),
    ("花子", "ハナコ"),
    ("太郎", "タロウ"),
    ("次郎", "ジロウ"),
    ("明美", "アケミ"),
    ("誠", "マコト"),
    ("直樹", "ナオキ"),
    ("愛", "アイ"),
    ("修", "オサム"),
    ("裕子", "ユウコ"),
    ("隆", "タカシ"),
    ("智子", "トモコ"),
    ("亮", "リョウ"),
    ("舞", "マイ"),
    ("哲也", "テツヤ"),
    ("優子", "ユウコ"),
]
KIND_SETS = [
    ("disclosure",),
    ("disclosure", "record_disclosure"),
    ("purpose_notice",),
    ("correction",),
    ("stop_provision",),
    ("cessation", "stop_provision"),
    ("disclosure", "correction"),
]
OPEN_WORK = ["received", "verifying", "in_progress", "decision_drafted", "awaiting_approval", "approved"]
WAITING = ["awaiting_fee", "awaiting_documents", "awaiting_clarification"]
BATCH = 5000
REPEATS = 30


# --------------------------------------------------------------------------- databases


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    return (["runuser", "-u", "postgres", "--"] + args) if os.geteuid() == 0 else args


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary directory, started like tests/conftest.py does."""

    def __init__(self):
        import glob

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
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-k {self.base} -p {self.port} -c listen_addresses=127.0.0.1 -c shared_buffers=64MB"
        subprocess.run(
            as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.base / "log"),
                    "-w",
                    "start",
                ]
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


def build(url: str, instance: Path, count: int) -> dict:
    """Schema by migrations, then `count` cases bulk-inserted. Returns sample search terms."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from desk import create_app
    from desk.auth.service import create_user
    from desk.cases.models import Case, Requester, RequestItem
    from desk.cases.search import search_keys

    try:
        from desk.cases.search import given_key
    except ImportError:  # before the given-name keys
        given_key = None
    from desk.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance)})
    rng = random.Random(20261123)
    today = date.today()
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        officer = create_user(
            "bench-officer@example.jp", "officer", "bench-password-2026", name="検証 担当", temporary=False
        )
        other = create_user(
            "bench-officer2@example.jp", "officer", "bench-password-2026", name="検証 次郎", temporary=False
        )
        db.session.commit()
        staff_ids = [officer.id, other.id, None]
        samples = {}
        case_rows, people, items = [], [], []
        utc_now = datetime.now(UTC)
        for n in range(1, count + 1):
            # Arrivals spread over eight years; the recent ones are still open.
            age = int(rng.random() ** 1.6 * 8 * 365)
            arrived = today - timedelta(days=age)
            if age <= 20 and rng.random() < 0.85:
                status = rng.choice(OPEN_WORK + WAITING + ["in_progress", "verifying"])
            elif age > 2 * 365 + 30:
                status = rng.choices(["disposed", "completed"], [9, 1])[0]
            else:
                status = rng.choices(["completed", "withdrawn", "lapsed"], [90, 5, 5])[0]
            waiting = status in WAITING
            target = None if waiting else arrived + timedelta(days=14 + rng.randint(0, 3))
            closed_on = (
                arrived + timedelta(days=rng.randint(3, 20))
                if status in ("completed", "withdrawn", "lapsed", "disposed")
                else None
            )
            case_rows.append(
                {
                    "id": n,
                    "reference": f"{arrived.year}-{n:06d}",
                    "channel": rng.choice(["web", "web", "web", "mail", "email", "counter"]),
                    "arrived_on": arrived,
                    "received_at": utc_now,
                    "language": "ja",
                    "status": status,
                    "assignee_id": rng.choice(staff_ids),
                    "requester_type": "principal",
                    "proxy_kind": None,
                    "delivery_method": "paper",
                    "statutory_horizon_on": arrived + timedelta(days=14),
                    "internal_target_on": target,
                    "requester_due_on": arrived + timedelta(days=16) if waiting else None,
                    "possible_duplicate": rng.random() < 0.01,
                    "closed_on": closed_on,
                    "disposed_on": closed_on + timedelta(days=730) if status == "disposed" else None,
                    "created_at": utc_now,
                    "updated_at": utc_now,
                }
            )
            (surname, s_kana), (given, g_kana) = rng.choice(SURNAMES), rng.choice(GIVEN)
            name, kana = f"{surname} {given}", f"{s_kana} {g_kana}"
            phone = f"0{rng.choice(['3', '6', '90', '80', '70'])}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            email = f"user{n}@example.{rng.choice(['jp', 'com', 'ne.jp'])}"
            nk, kk, pk, ek = search_keys(name, kana, phone, email)
            given_keys = {"given_key": given_key(name), "given_kana_key": given_key(kana)} if given_key else {}
            people.append(
                {
                    "case_id": n,
                    "role": "principal",
                    "proxy_kind": None,
                    "name": name,
                    "furigana": kana,
                    "birth_date": date(1950 + rng.randint(0, 50), rng.randint(1, 12), rng.randint(1, 28)),
                    "postal_code": "1500001",
                    "address": f"東京都渋谷区神宮前{rng.randint(1, 6)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
                    "phone": phone,
                    "email": email,
                    "known_as": None,
                    "name_key": nk,
                    "kana_key": kk,
                    "phone_key": pk,
                    "email_key": ek,
                    **given_keys,
                }
            )
            for kind in rng.choice(KIND_SETS):
                items.append({"case_id": n, "kind": kind, "grounds": [], "details": {}})
            if n == count // 2:
                samples = {
                    "name": name,
                    "furigana": kana.replace(" ", ""),
                    "phone": phone.replace("-", ""),
                    "email": email.upper(),
                    "given": given,
                    "family": surname,
                    "ref_part": str(n)[-3:],
                }
            if len(case_rows) >= BATCH or n == count:
                db.session.execute(insert(Case), case_rows)
                db.session.execute(insert(Requester), people)
                db.session.execute(insert(RequestItem), items)
                db.session.commit()
                case_rows, people, items = [], [], []
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
            db.session.execute(text("SELECT setval('requesters_id_seq', (SELECT max(id) FROM requesters))"))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()
    samples["build_seconds"] = time.perf_counter() - started
    return samples


# --------------------------------------------------------------------------- the server


class Server:
    def __init__(self, url: str, instance: Path):
        self.port = free_port()
        env = {**os.environ, "DESK_DATABASE_URL": url, "DESK_INSTANCE_DIR": str(instance)}
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(ROOT),
                "wsgi:app",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Language": "ja"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def login(self, email: str, password: str):
        _, page, _ = self.request("GET", "/staff/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, _ = self.request(
            "POST", "/staff/login", urlencode({"csrf_token": token, "email": email, "password": password})
        )
        if status != 302:
            raise SystemExit(f"could not sign in ({status})")

    def worker_rss_mb(self) -> float:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        pid = children[0] if children else str(self.process.pid)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.conn.close()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(10)


# --------------------------------------------------------------------------- measuring


def views(samples: dict) -> list[tuple[str, dict]]:
    return [
        ("first page (open cases)", {}),
        ("status filter (completed)", {"status": "completed"}),
        ("status filter (in progress)", {"status": "in_progress"}),
        ("search: name", {"q": samples["name"]}),
        ("search: furigana", {"q": samples["furigana"]}),
        ("search: phone", {"q": samples["phone"]}),
        ("search: e-mail", {"q": samples["email"]}),
    ] + [
        (name, {"q": samples[key]})
        for name, key in (
            ("search: given name", "given"),
            ("search: family name", "family"),
            ("search: part of ref", "ref_part"),
        )
        if key in samples  # older builds (--keep) lack them
    ]


def bare_query_ms(url: str, instance: Path, args: dict, user_id: int) -> tuple[float, float]:
    """p50 of the page's row query, compiled to SQL and run on a raw connection; and p50 of
    all the SQL one request of the view runs (rows, their people and kinds, the counts
    check, the signed-in user, settings), timed at the driver inside the app."""
    from sqlalchemy import event
    from werkzeug.datastructures import MultiDict

    from desk import create_app
    from desk.extensions import db
    from desk.workbench import queries

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance), "WTF_CSRF_ENABLED": False})
    with app.app_context():
        filters = queries.QueueFilters.from_args(MultiDict(args))
        statement = queries._ordered(queries._filtered(filters, user_id, date.today()), filters).limit(50)
        sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
        timings = []
        with db.engine.connect() as conn:
            for _ in range(REPEATS + 1):
                started = time.perf_counter()
                conn.exec_driver_sql(sql).fetchall()
                timings.append(time.perf_counter() - started)
        spent = [0.0]

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            spent[0] += time.perf_counter() - conn.info.pop("bench_started")

        client = app.test_client()
        client.post("/staff/login", data={"email": "bench-officer@example.jp", "password": "bench-password-2026"})
        path = "/staff/cases" + (("?" + urlencode(args)) if args else "")
        client.get(path)
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        per_request = []
        for _ in range(REPEATS):
            spent[0] = 0.0
            client.get(path)
            per_request.append(spent[0])
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
        db.engine.dispose()
    return statistics.median(timings[1:]) * 1000, statistics.median(per_request) * 1000


def measure(label: str, url: str, instance: Path, samples: dict) -> list[str]:
    """Each view on a freshly started server: its first call is the first query the
    process makes for it (after sign-in only), then REPEATS more for the p50."""
    rows, rss = [], 0.0
    for name, args in views(samples):
        path = "/staff/cases" + (("?" + urlencode(args)) if args else "")
        server = Server(url, instance)
        try:
            server.login("bench-officer@example.jp", "bench-password-2026")
            status, body, first = server.request("GET", path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            timings = [server.request("GET", path)[2] for _ in range(REPEATS)]
            found = re.search(r'class="result-count">(\d+)', body)
            rss = max(rss, server.worker_rss_mb())
        finally:
            server.stop()
        bare, all_sql = bare_query_ms(url, instance, args, 1)
        rows.append(
            (name, first * 1000, statistics.median(timings) * 1000, bare, all_sql, found.group(1) if found else "?")
        )
    lines = [
        f"\n{label}",
        f"{'view':30} {'first call':>11} {'p50':>8} {'row query':>10} {'ratio':>6} "
        f"{'all SQL':>8} {'ratio':>6} {'rows':>6}",
    ]
    for name, first, p50, bare, all_sql, found in rows:
        lines.append(
            f"{name:30} {first:9.1f}ms {p50:6.1f}ms {bare:8.2f}ms {p50 / bare if bare else 0:5.0f}x "
            f"{all_sql:6.2f}ms {p50 / all_sql if all_sql else 0:5.1f}x {found:>6}"
        )
    lines.append(f"RSS of the gunicorn worker (largest after any view's run): {rss:.0f} MB")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--keep", type=Path, help="reuse (or build and keep) the SQLite database in this folder")
    options = parser.parse_args()
    report = [
        f"desk queue benchmark: {options.cases:,} cases, {REPEATS} requests per view, one gunicorn sync worker",
        "first call: the view's first request after a server start; p50: over HTTP on localhost;",
        "row query: the page's SQL alone on a raw connection; all SQL: every statement of one request",
        f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    ]
    if options.db in ("sqlite", "both"):
        instance = options.keep or Path(tempfile.mkdtemp(prefix="desk-bench-sqlite-"))
        instance.mkdir(parents=True, exist_ok=True)
        try:
            url = f"sqlite:///{instance / 'desk.sqlite3'}"
            samples_file = instance / "samples.json"
            if options.keep and samples_file.exists():
                samples = json.loads(samples_file.read_text())
            else:
                samples = build(url, instance, options.cases)
                samples_file.write_text(json.dumps(samples))
            print(f"SQLite: built in {samples['build_seconds']:.0f} s", flush=True)
            report += measure(f"SQLite (built in {samples['build_seconds']:.0f} s)", url, instance, samples)
        finally:
            if not options.keep:
                shutil.rmtree(instance, ignore_errors=True)
    if options.db in ("postgresql", "both"):
        pg = ThrowawayPostgres()
        instance = Path(tempfile.mkdtemp(prefix="desk-bench-pg-inst-"))
        try:
            url = pg.start()
            samples = build(url, instance, options.cases)
            print(f"PostgreSQL: built in {samples['build_seconds']:.0f} s", flush=True)
            report += measure(f"PostgreSQL (built in {samples['build_seconds']:.0f} s)", url, instance, samples)
        finally:
            pg.stop()
            shutil.rmtree(instance, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
