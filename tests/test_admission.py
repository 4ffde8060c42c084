"""desk.admission: how many threads of a worker run the application at once."""

from __future__ import annotations

import threading

import pytest
from werkzeug.test import Client

from desk import create_app
from desk.admission import Admission


class Gate:
    """A WSGI app whose requests wait at a gate, counting how many are inside at once."""

    def __init__(self):
        self.inside = self.most = 0
        self.lock = threading.Lock()
        self.open = threading.Event()
        self.arrived = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        self.arrived.release()
        try:
            self.open.wait(10)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [environ["PATH_INFO"].encode()]
        finally:
            with self.lock:
                self.inside -= 1

    def finish(self, threads) -> None:
        """Let every request through the gate and wait until each is answered."""
        self.open.set()
        for thread in threads:
            thread.join(10)


def _requests(app, paths):
    answers = {}

    def one(path):
        answers[path] = Client(app).get(path).get_data(as_text=True)

    threads = [threading.Thread(target=one, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    return threads, answers


def test_no_more_than_its_turns_run_at_once_and_every_request_is_answered():
    gate = Gate()
    app = Admission(gate, 2, wait=30)
    threads, answers = _requests(app, [f"/r{n}" for n in range(6)])
    for _ in range(2):
        assert gate.arrived.acquire(timeout=5)
    assert not gate.arrived.acquire(timeout=0.3)  # the third waits for a turn
    assert gate.inside == 2
    gate.finish(threads)
    assert gate.most == 2
    assert answers == {f"/r{n}": f"/r{n}" for n in range(6)}


def _holding_the_only_turn(path: str, wait: float):
    """A gate behind one turn, and a request to `path` inside it, holding that turn."""
    gate = Gate()
    app = Admission(gate, 1, wait=wait)
    threads, answers = _requests(app, [path])
    assert gate.arrived.acquire(timeout=5)
    return gate, app, threads, answers


def test_healthz_never_waits_for_a_turn():
    gate, app, threads, _ = _holding_the_only_turn("/busy", wait=30)
    health, answers = _requests(app, ["/healthz"])
    assert gate.arrived.acquire(timeout=5)  # inside while /busy holds the only turn
    assert gate.inside == 2
    gate.finish(threads + health)
    assert answers == {"/healthz": "/healthz"}


def test_a_request_that_waited_too_long_runs_anyway():
    gate, app, threads, answers = _holding_the_only_turn("/slow", wait=0.5)
    more, later = _requests(app, ["/next"])
    assert not gate.arrived.acquire(timeout=0.2)  # still waiting for the turn /slow holds
    assert gate.arrived.acquire(timeout=5)  # then in after its wait, /slow still inside
    assert gate.inside == 2
    gate.finish(threads + more)
    assert answers | later == {"/slow": "/slow", "/next": "/next"}


def test_a_request_that_fails_gives_its_turn_back():
    def failing(environ, start_response):
        raise RuntimeError("the view failed")

    app = Admission(failing, 1, wait=30)
    for _ in range(2):  # the second would wait 30 s for a turn the first kept
        with pytest.raises(RuntimeError):
            app({"PATH_INFO": "/x"}, lambda *a: None)
    assert app.turns.acquire(blocking=False)


def test_zero_means_no_limit_and_a_negative_number_is_refused():
    gate = Gate()
    app = Admission(gate, 0)
    threads, _ = _requests(app, [f"/r{n}" for n in range(5)])
    for _ in range(5):
        assert gate.arrived.acquire(timeout=5)
    gate.finish(threads)
    assert gate.most == 5
    with pytest.raises(ValueError, match="DESK_ACTIVE_THREADS"):
        Admission(gate, -1)


def test_the_app_takes_its_turns_from_desk_active_threads(tmp_path, monkeypatch):
    monkeypatch.setenv("DESK_ACTIVE_THREADS", "3")
    app = create_app({"INSTANCE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.sqlite3"})
    admission = app.wsgi_app.app
    assert isinstance(admission, Admission)
    for _ in range(3):
        assert admission.turns.acquire(blocking=False)
    assert not admission.turns.acquire(blocking=False)
