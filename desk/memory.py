"""Bulk work on lists without the cyclic garbage collector.

A screening makes millions of small objects (rows, cells, digests) and keeps large caches
(the register in memory, the names seen), none of them in reference cycles: reference
counting frees each as soon as it is done with. The cyclic collector would only walk them,
again and again as they are made (a third of a screening of a million rows), and once more
when it is turned back on while they are alive. So it is paused for the whole of such work,
and turned back on only after the work's own objects are gone.

The switch is the process's, so pauses are counted: in a web worker whose threads screen
at the same time, the collector is turned back on when the last of them ends (if it was on
when the first began). The other threads run without it meanwhile, which only delays their
cyclic garbage by the seconds a screening takes.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_on = False


@contextmanager
def collector_paused():
    """Pause the cyclic collector for a block, or (as a decorator) for a call: a function's
    locals are freed when it returns, before the collector is turned back on, so it has none
    of them to walk. Nested and overlapping pauses turn it back on only at the last's end."""
    global _pauses, _was_on
    with _lock:
        if _pauses == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_on:
                gc.enable()
