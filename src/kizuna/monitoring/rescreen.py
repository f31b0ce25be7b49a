"""Re-screening the registers on a new list snapshot: incrementally, and in full (the reference it must equal).

The store remembers the snapshot S the registers were last screened on. A new snapshot N changes only what
``lists.diff`` finds between S and N, so only these parties can get different hits:

* parties a name of an entry added or changed in N could be proposed to: the reverse search
  (``kizuna.screening.reverse``) finds every party whose search keys pass the screener's candidate tests for one
  of those names, each name on its own;
* parties with a current hit on an entry added, changed or removed, or on an entry linked (as the same party on
  another list) to one of them in N — a hit can come through such a link, and a changed entry can gain or lose it.

Those parties are screened again against the whole of N (``kizuna.screening.screen_many``), exactly as a full
re-screen would screen them; every other party keeps its hits. Parties added or edited since (pending) are
screened against the whole of N too, and everyone when S no longer exists. A full re-screen screens everyone.

One thing differs between the two by construction, and the benchmark measures it: a token's weight depends on how
many listed names use it, so a list change nudges the scores of *unchanged* entries too (by at most 0.0005 for a
change of 200 entries among 23,000 in ``kizuna bench monitoring``); the incremental run keeps such a hit's score
from the snapshot it was computed on, and a pair that close to the threshold could cross it.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kizuna.core.atomic import atomic_writer
from kizuna.core.paths import home
from kizuna.lists.diff import diff_snapshots
from kizuna.lists.store import Snapshot, SnapshotStore
from kizuna.monitoring.cases import OPEN as OPEN_STATES
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore, StoredParty
from kizuna.screening import Hit, get_screener, screen_many
from kizuna.screening.reverse import ReverseIndex
from kizuna.screening.screener import Screener

Key = tuple[str, str]  # (list code, entry id)


@dataclass(slots=True)
class Rescreen:
    """What one run did: how many parties it screened against the whole snapshot, and how long it took."""

    snapshot_id: str
    mode: str  # incremental | full
    parties: int = 0  # active parties in the registers
    screened: int = 0  # screened against the whole snapshot in this run
    candidates: int = 0  # found by the reverse search
    diff_entries: int = 0  # added or changed entries indexed on their own
    removed_entries: int = 0
    changed_hits: int = 0  # parties whose hits changed
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    cluster: str | None = None  # the Dask scheduler the parties were screened on; None: in this process

    def to_dict(self) -> dict[str, Any]:
        return {"snapshot_id": self.snapshot_id, "mode": self.mode, "cluster": self.cluster, "parties": self.parties,
                "screened": self.screened, "candidates": self.candidates, "diff_entries": self.diff_entries,
                "removed_entries": self.removed_entries, "changed_hits": self.changed_hits,
                "seconds": round(self.seconds, 3), "timings": {k: round(v, 3) for k, v in self.timings.items()}}


def rescreen(store: MonitoringStore, lists: SnapshotStore | None = None, *, full: bool = False,
             on_hits: Callable[[StoredParty, dict[Key, dict[str, Any]], list[Hit], Snapshot], None] | None = None,
             snapshot_id: str | None = None, cluster: str | None = None) -> Rescreen:
    """Re-screen every register party that the current snapshot (or ``snapshot_id``) can have changed (all of
    them when ``full``), store their hits and mark every party screened on it; ``on_hits(party, old, new,
    snapshot)`` is called inside the store transaction (alerts are raised there) for each re-screened party that
    had hits, has hits or has an open alert.
    ``cluster``: screen the parties on that Dask scheduler (or ``local:N``) instead of in this process; the
    store is read and written here."""
    lists = lists or SnapshotStore()
    started = time.perf_counter()
    snapshot = lists.open(snapshot_id)
    try:
        screener = get_screener(lists, snapshot.id)
        run = Rescreen(snapshot.id, "full" if full else "incremental", cluster=cluster)
        screened_on, pending = store.screened_snapshot(), store.pending_ids()
        run.parties = store.active_count()
        chosen = set(pending)
        if full or screened_on is None or screened_on not in lists.ids():
            chosen.update(store.active_ids())
        elif screened_on != snapshot.id:
            chosen |= _affected(store, lists, screened_on, snapshot, screener, run)
        _screen_and_store(store, sorted(chosen), snapshot, screener, run, on_hits, (cluster, lists.root))
        with store.transaction():
            store.mark_screened(pending, snapshot.id)
            store.set_screened_snapshot(snapshot.id)
        run.seconds = time.perf_counter() - started
        return run
    finally:
        snapshot.close()


def _affected(store: MonitoringStore, lists: SnapshotStore, screened_on: str, snapshot: Snapshot,
              screener: Screener, run: Rescreen) -> set[int]:
    """The screened parties (screened on ``screened_on``) whose hits the new snapshot can change."""
    tick = time.perf_counter()
    old = lists.open(screened_on)
    try:
        diffs = diff_snapshots(old, snapshot)
    finally:
        old.close()
    touched: list[Key] = [(d.code, c.entry_id) for d in diffs for c in (*d.added, *d.changed)]
    removed: list[Key] = [(d.code, c.entry_id) for d in diffs for c in d.removed]
    run.diff_entries += len(touched)
    run.removed_entries += len(removed)
    run.timings["diff"] = run.timings.get("diff", 0.0) + time.perf_counter() - tick
    if not touched and not removed:
        return set()
    tick = time.perf_counter()
    found: set[int] = set()
    number = {(e.list_code, e.entry_id): n for n, e in enumerate(screener.index.entries)}
    if touched:
        entry_numbers = [number[key] for key in touched if key in number]
        for reverse in reverse_indexes(store):
            found |= reverse.candidates(entry_numbers, screener)
        found = store.screened_among(found)  # the index may still hold removed parties
        run.candidates += len(found)
    run.timings["reverse search"] = run.timings.get("reverse search", 0.0) + time.perf_counter() - tick
    tick = time.perf_counter()
    keys = set(touched) | set(removed) | _linked(screener, number, touched)
    found |= store.parties_with_hits_on(keys)
    run.timings["hits on changed entries"] = time.perf_counter() - tick
    return found


def _linked(screener: Screener, number: dict[Key, int], keys: Sequence[Key]) -> set[Key]:
    """Entries of the new snapshot (``number``: their numbers in its index) linked (as the same party on another
    list) to any of ``keys``."""
    index = screener.index
    linked: set[Key] = set()
    for key in keys:
        entry_no = number.get(key)
        if entry_no is None:
            continue
        for member in index.clusters.get(index.entry_cluster[entry_no], ()):
            linked.add((index.entries[member].list_code, index.entries[member].entry_id))
    return linked


def _screen_and_store(store: MonitoringStore, ids: list[int], snapshot: Snapshot, screener: Screener,
                      run: Rescreen, on_hits: Callable[..., None] | None, cluster: tuple[str | None, Path]) -> None:
    tick = time.perf_counter()
    for parties, results in _screened(store, ids, screener, *cluster):
        old_hits = store.hits_of([p.id for p in parties])
        # Most parties a list update can reach had no hit and have none: nothing to store, raise or close.
        alerted = store.parties_with_alerts([p.id for p in parties], OPEN_STATES)
        with store.transaction():
            for party, hits in zip(parties, results, strict=True):
                old = old_hits.get(party.id, {})
                if not old and not hits and party.id not in alerted:
                    continue
                new = {(h.list_code, h.entry_id): h for h in hits}
                if {k: round(v["score"], 4) for k, v in old.items()} != {k: h.score for k, h in new.items()}:
                    run.changed_hits += 1
                store.replace_hits(party.id, [h.to_dict() for h in hits], snapshot.id)  # with the typed steps
                if on_hits is not None:
                    on_hits(party, old, hits, snapshot)
        run.screened += len(parties)
    run.timings["screening"] = time.perf_counter() - tick


_BATCH = 2000  # parties read, screened and stored together in this process
_CLUSTER_BATCH = 500  # parties of one task on a cluster: about half a second of one core


def _screened(store: MonitoringStore, ids: list[int], screener: Screener, cluster: str | None, lists_root: Path
              ) -> Iterator[tuple[list[StoredParty], list[list[Hit]]]]:
    """The parties ``ids`` in batches, each with its hits, screened here or on ``cluster`` (whose workers read
    the snapshot from ``lists_root``)."""
    limit = rules().screening.hits_per_party
    size = _CLUSTER_BATCH if cluster else _BATCH
    batches = (store.parties(ids[start:start + size]) for start in range(0, len(ids), size))
    if cluster is None:
        for parties in batches:
            yield parties, screen_many([p.party for p in parties], screener=screener, limit=limit)
        return
    from kizuna.screening.cluster import screen_parties_on_cluster  # dask only when asked for

    tagged = ((parties, [p.party for p in parties]) for parties in batches)
    yield from screen_parties_on_cluster(cluster, screener.snapshot_id, tagged, limit, lists_root)


# -- the reverse index of the registers' search keys ------------------------------------------------------------
# The main index covers every party keyed up to the generation it was built at (kept in memory and in a file beside
# the store); parties added or edited since are in a small index built on each run. A stale key (of a party edited
# since) can only add a candidate, never hide one, so the main index is rebuilt only when the recent part grows.
_REBUILD_SHARE = 0.1
_FORMAT = 4  # of the cache file: changed with the fields of ReverseIndex
_cached: dict[str, tuple[int, ReverseIndex]] = {}


def reverse_indexes(store: MonitoringStore) -> list[ReverseIndex]:
    """The main reverse index and, if any party was keyed after it was built, the index of those parties."""
    generation, main = _main_index(store)
    if store.count_keyed_after(generation):
        return [main, ReverseIndex.build(store.search_keys(since=generation))]
    return [main]


def refresh_reverse_index(store: MonitoringStore) -> None:
    """Rebuild the main reverse index when the parties keyed after it are more than a tenth of the registers (a
    register import): the next re-screen then loads it instead of building it."""
    generation, _ = _main_index(store)
    recent = store.count_keyed_after(generation)
    total = store.active_count()
    if recent > _REBUILD_SHARE * total:
        _build_main(store)


def _main_index(store: MonitoringStore) -> tuple[int, ReverseIndex]:
    cached = _cached.get(store.url)
    if cached is None:
        cached = _load(_cache_path(store.url))
    if cached is None:
        return _build_main(store)
    _cached[store.url] = cached
    return cached


def _build_main(store: MonitoringStore) -> tuple[int, ReverseIndex]:
    generation = store.counter("parties")
    index = ReverseIndex.build(store.search_keys())
    path = _cache_path(store.url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path, "wb") as handle:
        pickle.dump((_FORMAT, store.url, generation, index), handle, protocol=pickle.HIGHEST_PROTOCOL)
    _cached[store.url] = (generation, index)
    return generation, index


def _cache_path(url: str) -> Path:
    import hashlib

    return home() / "monitoring" / "cache" / f"reverse-{hashlib.sha256(url.encode()).hexdigest()[:12]}.pickle"


def _load(path: Path) -> tuple[int, ReverseIndex] | None:
    try:
        with path.open("rb") as handle:
            version, _url, generation, index = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    return (generation, index) if version == _FORMAT and isinstance(index, ReverseIndex) else None
