"""Bulk work on lists without the cyclic garbage collector.

A screening makes millions of small objects (rows, cells, digests) and keeps large caches
(the register in memory, the names seen), none of them in reference cycles: reference
counting frees each as soon as it is done with. The cyclic collector would only walk them,
again and again as they are made (a third of a screening of a million rows), and once more
when it is turned back on while they are alive. So it is paused for the whole of such work,
and turned back on only after the work's own objects are gone.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Pause the cyclic collector for a block, or (as a decorator) for a call: a function's
    locals are freed when it returns, before the collector is turned back on, so it has none
    of them to walk. Nested pauses turn it back on only at the outermost."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
