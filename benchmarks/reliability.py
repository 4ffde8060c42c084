"""The reliability run at full size: fuzzed inputs and concurrent submissions against gunicorn
on a PostgreSQL of its own.

    .venv/bin/python benchmarks/reliability.py [--fuzz 10000] [--submissions 2000]
        [--clients 8] [--workers 3] [--kill-every 0] [--image-kb 100]

Starts a throwaway PostgreSQL (schema by the migrations) and gunicorn (gunicorn.conf.py,
WORKERS workers, CSRF on as deployed, the intake, status and consent throttles raised for the run),
then over HTTP on localhost:

1. FUZZ inputs drawn from tests/reliability/fuzzing.py (the strategies the suite uses, with
   their fixed seed), spread over every POST form of the public pages, the request form's
   send step, the signed-in status page's forms and the consent links; one at a time, the
   database's row counts and the document directory looked at before and after each. Counts:
   answers of 500 (and any other 5xx), refused inputs (4xx) that wrote a row or a file.
2. SUBMISSIONS requesters on CLIENTS threads, each through the form with a JPEG ID image of
   about IMAGE_KB (open, confirm, send, completion page; a step whose connection breaks is
   retried as a person would). With --kill-every S a worker is killed with SIGKILL every S
   seconds meanwhile. Counts: accepted, lost (accepted but no case), doubled (more cases than
   accepted submissions, or one reference twice), orphaned (store files no row names, staged
   files left by sends), missing files (rows whose file is not there); submissions per second
   (wall clock). With kills, the files are then aged three hours and `desk daily` run, and
   the orphans counted again (a killed write leaves a file that only the sweep removes).
3. `desk audit-verify` on the result.

Nothing is asserted: the figures are printed (all counts are meant to be 0). Never touches instance/.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from benchmarks.intake import ThrowawayPostgres, licence_jpeg  # noqa: E402

PAGES = [
    "/requests/new?who=principal",
    "/requests/new?who=parent",
    "/requests/new?who=minor_guardian",
    "/requests/new?who=adult_guardian",
    "/requests/new?who=delegated",
    "/inquiries/new",
    "/consent/signup",
    "/consent/optout",
    "/requests/status",
]
RAISED = {
    "DESK_INTAKE_RATE_LIMIT": "1000000 per hour",
    "DESK_STATUS_RATE_LIMIT": "1000000 per hour",
    "DESK_CONSENT_RATE_LIMIT": "1000000 per hour",
}
MAY_COUNT_REFUSALS = {"throttle_counters", "status_attempts"}


class Watch:
    """Row counts of every table in one round trip, and the files under the document directory."""

    def __init__(self, url: str, documents: Path):
        from sqlalchemy import create_engine, text

        from desk import models  # noqa: F401
        from desk.extensions import db

        self.engine, self.documents = create_engine(url), documents
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in MAY_COUNT_REFUSALS]
        self.names = tables
        self.query = text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))

    def rows(self) -> tuple[int, ...]:
        with self.engine.connect() as conn:
            return tuple(conn.execute(self.query).one())

    def files(self) -> set[str]:
        found = set()
        for folder, _, names in os.walk(self.documents):
            found.update(os.path.join(folder, n) for n in names)
        return found


class Tally:
    def __init__(self):
        self.inputs = self.errors_500 = self.errors_5xx = self.broken = 0
        self.rows_from_refused = self.files_from_refused = 0
        self.statuses: dict[int, int] = {}
        self.by_label: dict[str, dict[int, int]] = {}
        self.examples: list[str] = []

    def note(self, label: str, status: int | None, wrote_rows: bool, wrote_files: bool) -> None:
        self.inputs += 1
        if status is None:
            self.broken += 1
            return
        self.statuses[status] = self.statuses.get(status, 0) + 1
        by_label = self.by_label.setdefault(label, {})
        by_label[status] = by_label.get(status, 0) + 1
        if status == 500:
            self.errors_500 += 1
        elif status >= 500:
            self.errors_5xx += 1
        if 400 <= status < 500:
            self.rows_from_refused += wrote_rows
            self.files_from_refused += wrote_files
        if (status >= 500 or (400 <= status < 500 and (wrote_rows or wrote_files))) and len(self.examples) < 10:
            self.examples.append(f"{label}: {status} rows={wrote_rows} files={wrote_files}")


def fuzz(server, watch: Watch, total: int) -> Tally:
    from hypothesis import strategies as st

    from tests.intake.samples import principal_fields
    from tests.reliability import fuzzing
    from tests.reliability.server import CONNECTION_ERRORS, Browser, Submission

    tally = Tally()
    browser = Browser(server.url)

    def observe(label, send):
        rows, files = watch.rows(), watch.files()
        try:
            status, _ = send()
        except CONNECTION_ERRORS:
            tally.note(label, None, False, False)
            return
        tally.note(label, status, watch.rows() != rows, not watch.files() <= files)

    def post(form, data, uploads, through=browser):
        return through.request(form.action, data, files=uploads, multipart=form.multipart)

    def page_forms(page, through=browser):
        return fuzzing.forms_of(page, through.request(page)[1])

    targets = []  # (label, strategy, check)
    seen = set()
    for page in PAGES:
        for form in page_forms(page):
            key = (form.action, tuple(sorted(form.fields)))
            if key in seen:
                continue
            seen.add(key)

            def check(drawn, form=form):
                if "send_token" in form.fields:  # a one-time token: a fresh page each time
                    form = next(f for f in page_forms(form.page) if f.action == form.action)
                    drawn = drawn.draw(fuzzing.submission(form))
                observe(form.label(), lambda: post(form, *drawn))

            targets.append(
                (form.label(), st.data() if "send_token" in form.fields else fuzzing.submission(form), check)
            )

    request_form = next(f for f in page_forms("/requests/new?who=principal") if f.multipart)

    def send_step(drawn):
        filled = fuzzing.plausible(request_form)
        status, page = post(request_form, filled, fuzzing.good_files(request_form, filled))
        if status != 200:
            tally.note("send step: the confirmation before it", status, False, False)
            return
        send = next(f for f in fuzzing.forms_of("/requests/new", page) if "send_token" in f.fields)
        data, _ = drawn.draw(fuzzing.submission(send, {**fuzzing.plausible(send), "action": "send"}))
        observe("send step", lambda: browser.request(send.action, data))

    targets.append(("send step", st.data(), send_step))

    reference, code = Submission(server.url, principal_fields(), {"principal_id-files": fuzzing.good_upload()}).run()
    requester = Browser(server.url)
    token = requester.csrf("/requests/status")
    status, page = requester.request("/requests/status", {"csrf_token": token, "reference": reference, "code": code})
    for form in fuzzing.forms_of("/requests/status", page):
        if form.action.startswith("/requests/status/"):
            targets.append(
                (
                    form.label() + " signed in",
                    fuzzing.submission(form),
                    lambda drawn, form=form: observe(form.label(), lambda: post(form, *drawn, through=requester)),
                )
            )

    consent_token = fuzzing.field_text().filter(bool)

    def consent_link(token):
        path = "/consent/unsubscribe/" + quote(token, safe="")
        csrf = browser.csrf("/consent/signup")
        observe("GET /consent/confirm/<token>", lambda: browser.request("/consent/confirm/" + quote(token, safe="")))
        observe("POST /consent/unsubscribe/<token>", lambda: browser.request(path, {"csrf_token": csrf}))

    targets.append(("consent links", consent_token, consent_link))

    each = max(1, total // len(targets))
    print(f"fuzz: {len(targets)} forms and links, {each} inputs each", flush=True)
    started = time.perf_counter()
    for label, strategy, check in targets:
        before = tally.inputs
        _run(strategy, check, each)
        print(f"  {label}: {tally.inputs - before} inputs", flush=True)
    tally.seconds = time.perf_counter() - started
    return tally


def _run(strategy, check, examples: int) -> None:
    """`check` called on `examples` values of `strategy`, hypothesis's fixed seed (derandomize)."""
    from hypothesis import HealthCheck, Phase, given, settings

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value):
        check(value)

    run()


def store_orphans(watch: Watch) -> tuple[int, int]:
    """(files in the store that no row names, rows whose file is not there)."""
    from sqlalchemy import select

    from desk.extensions import db
    from desk.storage.models import EncryptedFile

    named = set()
    with watch.engine.connect() as conn:
        for mapper in db.Model.registry.mappers:
            if issubclass(mapper.class_, EncryptedFile):
                model = mapper.class_
                named.update(conn.execute(select(model.storage_name).where(model.storage_name.is_not(None))).scalars())
    stored = {Path(p).name for p in watch.files() if "/staging/" not in p}
    return len(stored - named), len(named - stored)


def submissions(server, watch: Watch, count: int, clients: int, image: bytes, kill_every: float) -> dict:
    from concurrent.futures import ThreadPoolExecutor  # not at the top: benchmarks/queue.py would shadow queue

    from sqlalchemy import select

    from desk.cases.models import Case
    from tests.intake.samples import principal_fields
    from tests.reliability.server import Submission, worker_pids

    with watch.engine.connect() as conn:
        before = set(conn.execute(select(Case.reference)).scalars())
    staged_before = {p for p in watch.files() if "/staging/" in p}
    failures: list[str] = []
    retries = [0]
    lock = threading.Lock()

    def one(n: int):
        fields = principal_fields(**{"principal-name": f"山田 花子{n}", "principal-email": f"hanako{n}@example.com"})
        submission = Submission(server.url, fields, {"principal_id-files": (f"licence{n}.jpg", image)})
        try:
            return submission.run()
        except Exception as error:  # noqa: BLE001 (counted, not raised)
            with lock:
                failures.append(f"{type(error).__name__}: {error}"[:200])
            return None
        finally:
            with lock:
                retries[0] += submission.retries

    stop, kills = threading.Event(), [0]

    def killer():
        rng = random.Random(17)
        while not stop.wait(kill_every):
            pids = worker_pids(server)
            if pids:
                try:
                    os.kill(rng.choice(pids), signal.SIGKILL)
                    kills[0] += 1
                except ProcessLookupError:
                    pass

    thread = threading.Thread(target=killer) if kill_every > 0 else None
    started = time.perf_counter()
    if thread:
        thread.start()
    try:
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(one, range(count)))
    finally:
        stop.set()
        if thread:
            thread.join()
    seconds = time.perf_counter() - started
    accepted = [r[0] for r in results if r is not None]
    with watch.engine.connect() as conn:
        made = [r for r in conn.execute(select(Case.reference)).scalars() if r not in before]
    unnamed, missing = store_orphans(watch)
    staged_after = {p for p in watch.files() if "/staging/" in p}
    return {
        "submissions": count,
        "accepted": len(accepted),
        "failed": len(failures),
        "failures": failures[:5],
        "lost": len(set(accepted) - set(made)),
        "doubled": max(0, len(made) - len(set(accepted))) + (len(accepted) - len(set(accepted))),
        "orphaned": unnamed + len(staged_after - staged_before),
        "missing files": missing,
        "kills": kills[0],
        "retried steps": retries[0],
        "seconds": seconds,
        "per second": len(accepted) / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fuzz", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--kill-every",
        type=float,
        default=0.0,
        help="seconds between SIGKILLs of a worker (0: none; a worker takes a few seconds to boot, so 5 or more)",
    )
    parser.add_argument("--image-kb", type=int, default=100)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from desk import create_app
    from tests.reliability.server import Gunicorn

    postgres = ThrowawayPostgres()
    url = postgres.start()
    tmp = Path(tempfile.mkdtemp(prefix="desk-bench-reliability-"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp / "instance")})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            from desk.extensions import db

            db.engine.dispose()
        server = Gunicorn(url, tmp, workers=args.workers, env=RAISED)
        try:
            watch = Watch(url, tmp / "documents")
            print(f"PostgreSQL, gunicorn with {args.workers} workers ({os.cpu_count()} cores)", flush=True)
            if args.fuzz:
                tally = fuzz(server, watch, args.fuzz)
                print(
                    f"fuzz: {tally.inputs} inputs in {tally.seconds:.0f} s; 500s: {tally.errors_500}, other 5xx: "
                    f"{tally.errors_5xx}, broken connections: {tally.broken}; refused inputs that wrote rows: "
                    f"{tally.rows_from_refused}, files: {tally.files_from_refused}; answers by status: "
                    f"{dict(sorted(tally.statuses.items()))}",
                    flush=True,
                )
                for example in tally.examples:
                    print("  ", example)
                for label, statuses in tally.by_label.items():
                    if any(status == 429 or status >= 500 for status in statuses):
                        print(f"   {label}: {dict(sorted(statuses.items()))}")
            if args.submissions:
                image = licence_jpeg(args.image_kb * 1000)
                result = submissions(server, watch, args.submissions, args.clients, image, args.kill_every)
                print(
                    f"submissions: {result['submissions']} on {args.clients} clients with a {len(image) // 1000} KB "
                    f"image: {result['accepted']} accepted, {result['failed']} failed, lost {result['lost']}, doubled "
                    f"{result['doubled']}, orphaned {result['orphaned']}, missing files {result['missing files']}; "
                    f"{result['per second']:.1f} submissions/s ({result['seconds']:.0f} s); workers killed: "
                    f"{result['kills']}, steps retried: {result['retried steps']}",
                    flush=True,
                )
                for failure in result["failures"]:
                    print("  ", failure)
        finally:
            server.stop()
            logs = server.logs()
            errors = logs.count("Exception on ")
            print(f"gunicorn logged {errors} exception(s)", flush=True)
            if errors:  # the first one's traceback, for whoever reads the run
                first = logs[logs.index("Exception on ") :].split("\n")
                print("\n".join(first[:60]), flush=True)
        env = {
            **os.environ,
            "DESK_DATABASE_URL": url,
            "DESK_INSTANCE_DIR": str(tmp / "instance"),
            "DESK_DOCUMENT_DIR": str(tmp / "documents"),
            "DESK_MASTER_KEY": server_master_key(),
            "DESK_SECRET_KEY": "gunicorn-test-secret",
        }
        if args.submissions and result["kills"]:
            # A worker killed between writing a file and committing its row leaves the file
            # (and a retried confirm leaves its first staged upload): `desk daily` sweeps
            # them once they are an hour (staging: two) old. Three hours pass here.
            past = time.time() - 3 * 3600
            for folder, _, names in os.walk(tmp / "documents"):
                for name in names:
                    os.utime(os.path.join(folder, name), (past, past))
            daily = subprocess.run(
                [sys.executable, "-m", "flask", "--app", "wsgi", "desk", "daily"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            unnamed, missing = store_orphans(watch)
            staged = sum(1 for p in watch.files() if "/staging/" in p)
            print(
                f"desk daily (exit {daily.returncode}) three hours later: orphaned {unnamed + staged} "
                f"(store {unnamed}, staging {staged}), missing files {missing}",
                flush=True,
            )
        verify = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "desk", "audit-verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        print(f"audit-verify: exit {verify.returncode} {(verify.stdout + verify.stderr).strip()[:200]}", flush=True)
    finally:
        postgres.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def server_master_key() -> str:
    from tests.conftest import TEST_MASTER_KEY

    return TEST_MASTER_KEY


if __name__ == "__main__":
    main()
