"""Screening on a Dask cluster: a file (``kizuna screen-file … --dask ADDRESS``, or ``--dask local:N`` for a
cluster of N worker processes on this machine) or the registers' parties (``kizuna registers rescreen --dask``).

Each worker loads the snapshot's screening index once, when it joins (a worker plugin reading the index cache the
snapshot keeps beside it: no task carries the index). The client reads the input, sends it in partitions, keeps a
bounded number in flight and hands back results in input order. A partition's result is a pure function of its
rows, so when a worker is lost the scheduler runs its partitions again on another, and every row is still written
exactly once; a partition that keeps killing workers fails the run, which then writes nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from distributed import Client, Future, LocalCluster, WorkerPlugin

from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.lists.store import SnapshotStore
from kizuna.screening.batch import Row, chunks, screen_rows
from kizuna.screening.model import Hit
from kizuna.screening.options import Options
from kizuna.screening.screener import Screener

# A partition of 500 rows is 0.3 to 1.5 s of one core: long beside the scheduler's few milliseconds per task,
# short enough that the last ones leave no worker idle for long.
PARTITION_ROWS = 500
CONNECT_TIMEOUT = "20s"  # how long to keep trying a scheduler that does not answer
IN_FLIGHT_PER_WORKER = 4  # enough queued to keep each worker busy, few enough to bound the client's memory
_LOCAL = re.compile(r"local:(\d+)")
T = TypeVar("T")
R = TypeVar("R")


class IndexPlugin(WorkerPlugin):
    """Loads the screening index of one snapshot when a worker starts (and again on a worker that replaces a
    lost one); tasks then find it in the process's screener cache."""

    name = "kizuna-screening-index"

    def __init__(self, lists_root: str, snapshot_id: str) -> None:
        self.lists_root = lists_root
        self.snapshot_id = snapshot_id

    def setup(self, worker: Any) -> None:
        _reuse_freed_memory()
        _screener(self.lists_root, self.snapshot_id)


# A Dask nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, and a fixed trim threshold also turns off
# glibc's sliding mmap threshold (mallopt(3)): then every per-query array over all listed names (up to 0.6 MB) is
# a fresh mmap, zeroed page by page, and screening ran three times slower than in a plain process. Setting
# both thresholds to the ceilings the sliding threshold itself would reach gives the worker a plain process's heap,
# however the cluster was started.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt(3) parameter numbers
_TRIM_THRESHOLD_BYTES = 64 << 20  # twice the mmap threshold's ceiling, as glibc sets it when it slides
_MMAP_THRESHOLD_BYTES = 32 << 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems


def _reuse_freed_memory() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc (musl, macOS): no nanny setting to undo
        pass


def _screener(lists_root: str, snapshot_id: str) -> Screener:
    from kizuna.screening.service import get_screener

    return get_screener(SnapshotStore(Path(lists_root)), snapshot_id)


def _screen_partition(lists_root: str, snapshot_id: str, options: Options, rows: list[Row]) -> list[dict[str, Any]]:
    return screen_rows(_screener(lists_root, snapshot_id), options, rows)


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a new local cluster for ``local:N`` (closed afterwards)."""
    local = _LOCAL.fullmatch(address.strip())
    if local:
        workers = int(local.group(1))
        if workers < 1:
            raise InputError("local:N needs at least one worker", field="--dask")
        # The results come straight from the workers rather than through the scheduler, which shares this
        # process and its core with the reading and writing.
        with (LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
              as cluster, Client(cluster, direct_to_workers=True) as client):
            yield client
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address!r}: {exc}", field="--dask") from None
    with client:
        yield client


def screen_on_cluster(address: str, screener: Screener, options: Options, rows: Iterator[Row],
                      lists_root: Path | None = None) -> Iterator[list[dict[str, Any]]]:
    """The output records of ``rows``, partition by partition in input order, screened on the cluster at
    ``address`` against ``screener``'s snapshot. The workers must see the same data directory (``lists_root``,
    by default this process's) — on a real cluster a shared file system (docs/scaling.md)."""
    root = str(lists_root or SnapshotStore().root)
    with connect(address) as client:
        partitions = ((None, p) for p in chunks(rows, PARTITION_ROWS))
        for _, results in _in_order(client, root, screener.snapshot_id, "screen", _screen_partition, options,
                                    partitions):
            yield results


def screen_parties_on_cluster(address: str, snapshot_id: str, batches: Iterable[tuple[T, Sequence[Party]]],
                              limit: int, lists_root: Path) -> Iterator[tuple[T, list[list[Hit]]]]:
    """Each batch of parties screened on the cluster at ``address`` against the snapshot ``snapshot_id`` of
    ``lists_root``, with at most ``limit`` hits a party: yielded in input order, each with the caller's tag."""
    with connect(address) as client:
        yield from _in_order(client, str(lists_root), snapshot_id, "parties", _screen_parties, limit, batches)


def _screen_parties(lists_root: str, snapshot_id: str, limit: int, parties: Sequence[Party]) -> list[list[Hit]]:
    from kizuna.screening.api import screen_many

    return screen_many(parties, screener=_screener(lists_root, snapshot_id), limit=limit)


def _in_order(client: Client, lists_root: str, snapshot_id: str, label: str, task: Callable[..., R], option: Any,
              work: Iterable[tuple[T, Any]]) -> Iterator[tuple[T, R]]:
    """``task(lists_root, snapshot_id, option, item)`` on the cluster for each (tag, item) of ``work``, yielded as
    (tag, result) in input order, with a bounded number in flight; every worker holds the snapshot's index."""
    client.register_plugin(IndexPlugin(lists_root, snapshot_id))
    in_flight = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    run, pending = uuid.uuid4().hex, deque[tuple[T, Future]]()
    for number, (tag, item) in enumerate(work):
        # A key of this run's own: a long-lived scheduler never hands back another run's partition.
        pending.append((tag, client.submit(task, lists_root, snapshot_id, option, item,
                                           key=f"kizuna-{label}-{run}-{number}")))
        if len(pending) >= in_flight:
            yield _take(pending)
    while pending:
        yield _take(pending)


def _take(pending: deque[tuple[T, Future]]) -> tuple[T, Any]:
    tag, future = pending.popleft()
    result = future.result()
    future.release()
    return tag, result
