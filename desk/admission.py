"""How many of a worker's threads run the application at once.

gunicorn's threaded worker has DESK_THREADS threads (8) so that slow clients, whose bodies
desk.bodies reads against a deadline, hold a thread each and not the worker. But the
application's own work is Python, and one process runs Python on one core at a time: eight
threads working at once share the interpreter lock, each request is interrupted every few
milliseconds for the seven others, and all eight finish late together. Measured with
benchmarks/intake.py (8 clients, one worker, PostgreSQL, 2026-12-04): 75.7–77.9 requests/s,
p95 144–159 ms with every thread at once; 75.3–81.4 requests/s, p95 115–143 ms with 4 turns.

So once its body has arrived, a request waits for one of DESK_ACTIVE_THREADS turns (4;
0 lets every thread run at once), roughly in the order they came (a semaphore promises no
strict order). Waiting threads hold no lock and use no CPU. A request that has waited
ADMISSION_WAIT seconds runs anyway, so a turn held by something slow (a write waiting for
SQLite's lock) never leaves the others unanswered, and /healthz never waits.
"""

from __future__ import annotations

import threading

#: Seconds a request waits for its turn before it runs anyway.
ADMISSION_WAIT = 5.0
_NEVER_WAIT = frozenset({"/healthz"})


class Admission:
    def __init__(self, app, turns: int, wait: float = ADMISSION_WAIT):
        if turns < 0:
            raise ValueError("DESK_ACTIVE_THREADS must be 0 (no limit) or a positive number of threads")
        self.app, self.wait = app, wait
        self.turns = threading.BoundedSemaphore(turns) if turns else None

    def __call__(self, environ, start_response):
        if self.turns is None or environ.get("PATH_INFO") in _NEVER_WAIT:
            return self.app(environ, start_response)
        admitted = self.turns.acquire(timeout=self.wait)
        try:
            # The response is made here. A streamed body is iterated after the turn is given
            # back: a file download is waiting on the network, and the CSV exports that query
            # as they stream (desk.reports) run outside the limit, so a slow reader of an
            # export never holds a turn.
            return self.app(environ, start_response)
        finally:
            if admitted:
                self.turns.release()
