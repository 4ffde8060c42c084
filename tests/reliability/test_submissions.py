"""Submissions through the public form under gunicorn (3 workers, both databases): none lost,
none doubled, a double click makes one case, and `kill -9` of workers during submissions and
of the disposal run leaves no half-written case, no orphan file after `desk daily`, and an
audit trail that verifies."""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from desk.cases.models import Case, Requester
from desk.config import PROJECT_ROOT
from desk.extensions import db
from desk.identity.models import Document
from desk.storage.models import EncryptedFile
from tests.conftest import TEST_MASTER_KEY
from tests.intake.samples import jpeg, principal_fields
from tests.reliability.server import Gunicorn, Submission, confirmation_fields, worker_pids

SUBMISSIONS, THREADS = 12, 4
#: The intake throttle raised for the run: every submission comes from 127.0.0.1.
SERVER_ENV = {"DESK_INTAKE_RATE_LIMIT": "100000 per hour"}


def _submit_all(url: str, count: int, threads: int) -> list[tuple[str, str]]:
    def one(n: int) -> tuple[str, str]:
        fields = principal_fields(**{"principal-name": f"山田 花子{n}", "principal-email": f"hanako{n}@example.com"})
        return Submission(url, fields, {"principal_id-files": (f"licence{n}.jpg", jpeg(320, 200))}).run()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(count)))


def _store_files(tmp_path: Path) -> set[str]:
    """Every file in the document store's folders (not staging), by name."""
    root = tmp_path / "documents"
    return {p.name for p in root.glob("[0-9a-f][0-9a-f]/*") if p.is_file()}


def _staged_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "documents" / "staging").glob("*") if p.is_file()]


def _named_files() -> set[str]:
    """The storage names that rows of every encrypted-file model hold."""
    named: set[str] = set()
    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, EncryptedFile):
            model = mapper.class_
            named.update(db.session.scalars(select(model.storage_name).where(model.storage_name.is_not(None))))
    return named


def _half_written_cases() -> list[str]:
    """Received cases missing their requester, their kinds or their ID document, or whose
    document row names a key without a file behind it."""
    db.session.expire_all()
    half = []
    for case in db.session.scalars(select(Case).where(Case.status != "disposed")):
        documents = db.session.scalars(select(Document).where(Document.case_id == case.id)).all()
        if not case.requesters or not case.items or not documents or case.access_code_hash is None:
            half.append(case.reference)
    return half


def _cli(tmp_path: Path, database_url: str, *args: str, **popen) -> subprocess.Popen:
    env = {
        **os.environ,
        "DESK_DATABASE_URL": database_url,
        "DESK_DOCUMENT_DIR": str(tmp_path / "documents"),
        "DESK_INSTANCE_DIR": str(tmp_path / "instance"),
        "DESK_MASTER_KEY": TEST_MASTER_KEY,
        "DESK_SECRET_KEY": "gunicorn-test-secret",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "desk", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _run_cli(tmp_path, database_url, *args) -> subprocess.CompletedProcess:
    process = _cli(tmp_path, database_url, *args)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _an_hour_later(tmp_path: Path) -> None:
    """Age every file under the document directory by three hours: the orphan sweep (one hour)
    and the staging purge (two hours) leave fresh files alone, as a transaction may still
    commit them."""
    past = time.time() - 3 * 3600
    for path in (tmp_path / "documents").rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


@pytest.fixture
def server(database_url, tmp_path):
    server = Gunicorn(database_url, tmp_path, workers=3, env=SERVER_ENV)
    yield server
    server.stop()
    print(server.logs()[-6000:])  # shown when the test fails


@pytest.mark.slow
def test_concurrent_submissions_are_all_stored_once(app, server, tmp_path):
    """12 submissions with an ID image each on 4 threads: 12 accepted = 12 cases = 12 document
    rows = 12 files in the store; nothing left in staging."""
    db.session.remove()
    accepted = _submit_all(server.url, SUBMISSIONS, THREADS)
    assert len({reference for reference, _ in accepted}) == SUBMISSIONS
    db.session.expire_all()
    references = set(db.session.scalars(select(Case.reference)))
    assert references == {reference for reference, _ in accepted}
    assert db.session.scalar(select(func.count()).select_from(Document)) == SUBMISSIONS
    assert len(_store_files(tmp_path)) == SUBMISSIONS and _store_files(tmp_path) == _named_files()
    assert _staged_files(tmp_path) == []
    assert _half_written_cases() == []


@pytest.mark.slow
def test_a_double_click_on_send_makes_one_case(app, server, tmp_path):
    """The same confirmation sent twice at the same moment on two connections (so on two
    workers, as a rule): one case, and both answers show its completion page."""
    db.session.remove()
    submission = Submission(server.url, principal_fields(), {"principal_id-files": ("front.jpg", jpeg(320, 200))})
    token = submission.browser.csrf("/requests/new?who=principal")
    status, page = submission.browser.request(
        "/requests/new", {**principal_fields(), "csrf_token": token, "action": "confirm"}, files=submission.files
    )
    assert status == 200 and 'name="send_token"' in page
    cookie = next(c for c in submission.browser.cookies if c.name == "session").value
    body = urlencode({**confirmation_fields(page), "action": "send"}, doseq=True)
    barrier, answers = threading.Barrier(2), []

    def click():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        barrier.wait()
        connection.request(
            "POST",
            "/requests/new",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}"},
        )
        response = connection.getresponse()
        answered = re.search(r"session=([^;]+)", response.getheader("Set-Cookie", ""))
        answers.append((response.status, response.getheader("Location", ""), answered.group(1) if answered else cookie))
        connection.close()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(90)
    assert [a[0] for a in answers] == [302, 302] and all(a[1].endswith("/requests/done") for a in answers), answers
    pages = []
    for _, _, answered_cookie in answers:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        connection.request("GET", "/requests/done", headers={"Cookie": f"session={answered_cookie}"})
        html = connection.getresponse().read().decode()
        connection.close()
        pages.append(
            (
                re.search(r'id="reference">([^<]+)<', html).group(1),
                re.search(r'id="access-code">([^<]+)<', html).group(1),
            )
        )
    assert pages[0] == pages[1]
    db.session.expire_all()
    assert db.session.scalars(select(Case.reference)).all() == [pages[0][0]]
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1
    assert len(_store_files(tmp_path)) == 1


@pytest.mark.slow
def test_kill_9_during_submissions_and_disposal_leaves_nothing_half_done(app, server, tmp_path, database_url):
    """Workers killed with SIGKILL every ~0.4 s while 12 requesters submit (each retries a broken
    step with the page and cookie they have), then the disposal run killed part-way through:
    every accepted submission is one whole case, none doubled, no half-written case; after
    `desk daily` (an hour later) no orphan file and no staged leftover; `desk audit-verify` passes."""
    from tests.retention.conftest import closed_case

    old = [closed_case(date(2024, 1, day)).id for day in range(1, 7)]  # due for disposal, two files each
    db.session.commit()
    db.session.remove()

    stop, kills = threading.Event(), []

    def killer():
        rng = random.Random(17)
        time.sleep(0.5)
        while not stop.wait(rng.uniform(0.2, 0.6)):
            pids = worker_pids(server)
            if pids:
                pid = rng.choice(pids)
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(pid)
                except ProcessLookupError:
                    pass

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        accepted = _submit_all(server.url, SUBMISSIONS, THREADS)
    finally:
        stop.set()
        thread.join()
    assert len(kills) >= 3, kills
    assert len({reference for reference, _ in accepted}) == SUBMISSIONS
    db.session.expire_all()
    received = set(db.session.scalars(select(Case.reference).where(Case.id.not_in(old))))
    assert received == {reference for reference, _ in accepted}  # none lost, none doubled
    assert _half_written_cases() == []

    # The disposal run, killed inside its second case.
    process = _cli(tmp_path, database_url, "dispose", "--pause-per-case", "0.6")
    try:
        first = process.stdout.readline()
        assert first.startswith("disposed "), first + process.stderr.read()
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    db.session.expire_all()
    statuses = [db.session.get(Case, case_id).status for case_id in old]
    assert 1 <= statuses.count("disposed") < len(old), statuses
    for case_id, status in zip(old, statuses, strict=True):
        people = db.session.scalar(select(func.count()).select_from(Requester).where(Requester.case_id == case_id))
        keys = db.session.scalars(select(Document.wrapped_key).where(Document.case_id == case_id)).all()
        assert (people, all(k is None for k in keys)) == ((0, True) if status == "disposed" else (2, False))
    db.session.remove()

    _an_hour_later(tmp_path)
    daily = _run_cli(tmp_path, database_url, "daily")
    assert daily.returncode == 0, daily.stdout + daily.stderr
    db.session.expire_all()
    assert all(db.session.get(Case, case_id).status == "disposed" for case_id in old)
    assert _half_written_cases() == []
    assert _store_files(tmp_path) == _named_files()  # no orphan, and no row without its file
    assert db.session.scalar(select(func.count()).select_from(Document).where(Document.wrapped_key.is_not(None))) == (
        SUBMISSIONS
    )
    assert _staged_files(tmp_path) == []
    db.session.remove()
    verify = _run_cli(tmp_path, database_url, "audit-verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
