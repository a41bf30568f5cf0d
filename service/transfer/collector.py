"""Python's full garbage collections, held off while imports run.

An import builds millions of acyclic objects (rows, cells, problems, write arrays), which
reference counting frees as soon as the import ends. Meanwhile each full collection would
walk every one of them while holding the interpreter lock: on 200,000 rows, 24 pauses of
70-240 ms in which no other request is answered. So from the first running import's start
to the last one's end, only the young generations are collected (a few thousand objects
at a time, so cycles made by other requests are still freed); then the thresholds are
restored and the next full collection walks what is left.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

NEVER = 2**30  # young-generation collections before a full one: never, in practice

_lock = threading.Lock()
_running = 0
_thresholds = gc.get_threshold()


@contextmanager
def full_collections_held() -> Iterator[None]:
    """Run the block with full collections held off (young ones go on)."""
    global _running, _thresholds
    with _lock:
        if _running == 0:
            _thresholds = gc.get_threshold()
            gc.set_threshold(_thresholds[0], _thresholds[1], NEVER)
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                gc.set_threshold(*_thresholds)
