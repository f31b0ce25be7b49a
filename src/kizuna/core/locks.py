"""An exclusive lock on a store, so two processes never write it at once.

The lock is ``flock`` on a lock file: the kernel releases it when the holder exits, even on SIGKILL, so a
killed writer never leaves a stale lock. The file holds the holder's pid, for the message a waiter prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from kizuna.core.errors import KizunaError


class LockedError(KizunaError):
    """Another live process holds the lock."""


@contextlib.contextmanager
def exclusive_lock(path: Path, *, wait: float, what: str) -> Iterator[None]:
    """Hold the lock at ``path`` for the block, waiting up to ``wait`` seconds for another holder to finish.

    ``what`` names the store in the error, e.g. "the lists of /home/u/.local/share/kizuna".
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip() or "unknown"
                raise LockedError(f"{what} are being changed by another kizuna process (pid {holder}); "
                                  f"waited {wait:g} s. Wait for it to finish and run the command again")
            time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
