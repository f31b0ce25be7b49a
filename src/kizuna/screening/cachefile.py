"""Reading the screening caches (the index beside a snapshot, the compiled lexicon) fast.

Unpickling a few hundred thousand small objects triggers the cyclic garbage collector again and again, and each
full pass walks everything already loaded: pausing it while a cache is read halves the load time. Nothing in
these caches forms cycles, so nothing is left for the collector to find afterwards. For the same reason what was
read is then frozen (``gc.freeze``): the collector's next full pass would walk all of it again (about 40 ms for
the index), and a forked batch worker would copy every page it touched to mark it. Refcounting still frees a
cache that is let go (a server reloading a new snapshot).
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def load(handle: IO[bytes]) -> Any:
    """``pickle.load`` with the garbage collector paused."""
    with _collector_paused():
        return pickle.load(handle)


def loads(data: bytes) -> Any:
    """``pickle.loads`` with the garbage collector paused."""
    with _collector_paused():
        return pickle.loads(data)
