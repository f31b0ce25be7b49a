"""Screening a file on a Dask cluster: ``kizuna screen-file … --dask ADDRESS``, or ``--dask local:N`` for a
cluster of N worker processes on this machine.

Each worker loads the snapshot's screening index once, when it joins (a worker plugin reading the index cache the
snapshot keeps beside it: no task carries the index). The client reads the input, sends it in partitions, keeps a
bounded number in flight and hands back results in input order. A partition's result is a pure function of its
rows, so when a worker is lost the scheduler runs its partitions again on another, and every row is still written
exactly once; a partition that keeps killing workers fails the run, which then writes nothing.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster, WorkerPlugin

from kizuna.core.errors import InputError
from kizuna.lists.store import SnapshotStore
from kizuna.screening.batch import Row, chunks, screen_rows
from kizuna.screening.options import Options
from kizuna.screening.screener import Screener

# A partition of 500 rows is 0.3 to 1.5 s of one core: long beside the scheduler's few milliseconds per task,
# short enough that the last ones leave no worker idle for long.
PARTITION_ROWS = 500
CONNECT_TIMEOUT = "20s"  # how long to keep trying a scheduler that does not answer
IN_FLIGHT_PER_WORKER = 4  # enough queued to keep each worker busy, few enough to bound the client's memory
_LOCAL = re.compile(r"local:(\d+)")


class IndexPlugin(WorkerPlugin):
    """Loads the screening index of one snapshot when a worker starts (and again on a worker that replaces a
    lost one); tasks then find it in the process's screener cache."""

    name = "kizuna-screening-index"

    def __init__(self, lists_root: str, snapshot_id: str) -> None:
        self.lists_root = lists_root
        self.snapshot_id = snapshot_id

    def setup(self, worker: Any) -> None:
        _screener(self.lists_root, self.snapshot_id)


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
        with (LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
              as cluster, Client(cluster) as client):
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
        client.register_plugin(IndexPlugin(root, screener.snapshot_id))
        in_flight = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        run, pending = uuid.uuid4().hex, deque[Future]()
        for number, partition in enumerate(chunks(rows, PARTITION_ROWS)):
            # A key of this run's own: a long-lived scheduler never hands back another run's partition.
            pending.append(client.submit(_screen_partition, root, screener.snapshot_id, options, partition,
                                         key=f"kizuna-screen-{run}-{number}"))
            if len(pending) >= in_flight:
                yield _take(pending)
        while pending:
            yield _take(pending)


def _take(pending: deque[Future]) -> list[dict[str, Any]]:
    future = pending.popleft()
    result: list[dict[str, Any]] = future.result()
    future.release()
    return result
