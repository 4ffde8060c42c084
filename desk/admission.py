"""How many of a worker's threads run the application at once.

gunicorn's threaded worker has DESK_THREADS threads (8) so that slow clients, whose bodies
desk.bodies reads against a deadline, hold a thread each and not the worker. But the
application's own work is Python, and one process runs Python on one core at a time: eight
threads working at once share the interpreter lock, each request is interrupted every few
milliseconds for the seven others, and all eight finish late together. Measured with
benchmarks/intake.py (8 clients, one worker, PostgreSQL): 75.7 requests/s, p95 159 ms with
eight at once; 79.3 requests/s, p95 113 ms with four.

So once its body has arrived, a request waits for one of DESK_ACTIVE_THREADS turns (4;
0 lets every thread run at once), first come first served. Waiting threads hold no lock
and use no CPU. A request that has waited ADMISSION_WAIT seconds runs anyway, so a turn
held by something slow (a write waiting for SQLite's lock) never leaves the others
unanswered, and /healthz never waits.
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
            # The response is made here; a streamed body (a download) is sent after the turn
            # is given back: sending is waiting on the network, not Python.
            return self.app(environ, start_response)
        finally:
            if admitted:
                self.turns.release()
