"""The screener for the current snapshot, with its index loaded from (or written to) the snapshot's cache."""

from __future__ import annotations

import sys
import threading

from kizuna.lists.store import Snapshot, SnapshotStore
from kizuna.screening.han import known_readings
from kizuna.screening.index import ScreeningIndex, cache_file
from kizuna.screening.lexicon import save_readings
from kizuna.screening.screener import Screener

_lock = threading.Lock()
_cached: dict[str, Screener] = {}


def build_index_cache(snapshot: Snapshot) -> ScreeningIndex:
    """Build the index of a snapshot and store it beside the snapshot (used as the update's last step)."""
    index = ScreeningIndex.build(snapshot.entries(), snapshot.id)
    index.save(cache_file(snapshot.path))
    save_readings(known_readings())  # every listed name's readings: later processes need not load pypinyin
    return index


def load_index(snapshot: Snapshot) -> ScreeningIndex:
    """The snapshot's cached index, rebuilt when missing or stale."""
    index = ScreeningIndex.load(cache_file(snapshot.path))
    return index if index is not None else build_index_cache(snapshot)


def get_screener(store: SnapshotStore | None = None, snapshot_id: str | None = None) -> Screener:
    """The screener for a snapshot (the current one by default); reloaded when the current snapshot changes."""
    store = store or SnapshotStore()
    wanted = snapshot_id or ensure_current(store)
    key = f"{store.root}:{wanted}"
    with _lock:
        if key not in _cached:
            snapshot = store.open(wanted)
            try:
                _cached.clear()
                _cached[key] = Screener(load_index(snapshot))
            finally:
                snapshot.close()
        return _cached[key]


def ensure_current(store: SnapshotStore) -> str:
    """The current snapshot id, loading the bundled public lists first on a fresh data directory (and saying so).

    A broken current snapshot is an error (``BrokenSnapshotError``), never a reason to load the bundled lists.
    """
    current = store.current_id()
    if current is None:
        sys.stderr.write(f"no list snapshot in {store.root} yet: loading the bundled lists once, which takes "
                         "about half a minute (`kizuna lists status` shows them afterwards)\n")
        from kizuna.lists.update import FIRST_LOAD_WAIT_SECONDS, load_bundled  # every importer: only needed here

        snapshot, _ = load_bundled(store, prepare=build_index_cache, wait=FIRST_LOAD_WAIT_SECONDS)
        current = snapshot.id
        snapshot.close()
    return current
