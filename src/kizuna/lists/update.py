"""Loading lists: the bundled snapshot, or newer official files, each as a new snapshot."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from kizuna.core.errors import KizunaError
from kizuna.lists.checks import check_data_date, compare_with_current, data_date_option, strip_control_characters
from kizuna.lists.model import ListData
from kizuna.lists.sources import SourceSpec, bundled_specs, detect_specs
from kizuna.lists.store import Snapshot, SnapshotStore

Prepare = Callable[[Snapshot], object]
BUNDLED_NOTE = "bundled public lists"
# A second `lists update` waits this long for the first to finish before giving up with the holder's pid;
# a first use (loading the bundled lists, about half a minute) makes another first use wait for it instead.
UPDATE_WAIT_SECONDS = 10.0
FIRST_LOAD_WAIT_SECONDS = 300.0


class Loaded(StrEnum):
    """What ``load_bundled`` did."""

    BUILT = "built"  # a new snapshot of the bundled lists is current
    CURRENT = "current"  # the bundled lists were current already
    KEPT = "kept"  # the current snapshot holds updated lists, which the bundled ones would replace


def read_all(specs: list[SourceSpec], base: Path) -> list[ListData]:
    """Read and check every source, one ListData per list code; any error aborts before anything is written."""
    lists: list[ListData] = []
    for spec in specs:
        for data in spec.read(base):
            check_data_date(data.data_date, f"data date of {data.source}")
            strip_control_characters(data)
            lists.append(data)
    return _merge_same_code(lists)


def _merge_same_code(lists: list[ListData]) -> list[ListData]:
    """One publication per list code: two files of the same list (e.g. DDTC's statutory and administrative
    debarments) are joined, with the later data date."""
    merged: dict[str, ListData] = {}
    for data in lists:
        if data.code in merged:
            into = merged[data.code]
            into.entries.extend(data.entries)
            into.warnings.extend(data.warnings)
            into.data_date = max(into.data_date, data.data_date)
            into.source = f"{into.source} + {data.source}"
        else:
            merged[data.code] = ListData(data.code, data.data_date, data.source, list(data.entries),
                                         list(data.warnings))
    return list(merged.values())


def fingerprint(specs: list[SourceSpec]) -> str:
    """A content hash of the source files, so loading the same files twice is a no-op."""
    digest = hashlib.sha256()
    for spec in specs:
        digest.update(f"{spec.format}|{spec.list_code}|{spec.data_date}".encode())
        for role, path in sorted(spec.files.items()):
            digest.update(role.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_bundled(store: SnapshotStore, prepare: Prepare | None = None, force: bool = False,
                 wait: float = UPDATE_WAIT_SECONDS) -> tuple[Snapshot, Loaded]:
    """Make the bundled public lists the current snapshot, unless the current one holds updated lists.

    ``force`` builds them even then, and even over a broken current snapshot (the way to recover from one).
    """
    base, specs = bundled_specs()
    stamp = fingerprint(specs)
    with store.lock(wait):
        current = None if force else store.current_id()
        if current:
            snapshot = store.open(current)
            if snapshot.meta.get("fingerprint") == stamp:
                return snapshot, Loaded.CURRENT
            if snapshot.meta.get("note") != BUNDLED_NOTE:
                return snapshot, Loaded.KEPT
            snapshot.close()
        lists = read_all(specs, base)
        return store.create(lists, note=BUNDLED_NOTE, fingerprint=stamp, prepare=prepare), Loaded.BUILT


def update_from(
    store: SnapshotStore,
    path: Path,
    *,
    data_date: str | None = None,
    prepare: Prepare | None = None,
    confirm_shrink: bool = False,
    allow_older: bool = False,
) -> tuple[Snapshot, list[str]]:
    """Load the official files at ``path`` as a new snapshot; lists they do not cover carry over.

    Each list is compared with its current version first (``checks.compare_with_current``). Returns the new
    (current) snapshot and the codes of the lists the files replaced.
    """
    if data_date:
        data_date_option(data_date)
    specs = detect_specs(path)
    if data_date:
        specs = [SourceSpec(s.format, s.files, s.list_code, data_date) for s in specs]
    base_dir = path if path.is_dir() else path.parent
    lists = read_all(specs, base_dir)
    if not any(d.entries for d in lists):
        raise KizunaError(f"{path}: the files hold no entries; the current snapshot was kept")
    return promote(store, lists, note=f"update from {path}", fingerprint=fingerprint(specs), prepare=prepare,
                   confirm_shrink=confirm_shrink, allow_older=allow_older)


def promote(
    store: SnapshotStore,
    lists: list[ListData],
    *,
    note: str,
    fingerprint: str,
    prepare: Prepare | None = None,
    confirm_shrink: bool = False,
    allow_older: bool = False,
) -> tuple[Snapshot, list[str]]:
    """Make ``lists`` (read and checked) current in a new snapshot over the current one, after comparing each
    list with its current version; the lists it does not bring carry over. Used by ``update`` and ``fetch``."""
    with store.lock(UPDATE_WAIT_SECONDS):
        current = store.current_id()
        base = store.open(current) if current else None
        try:
            compare_with_current(lists, base, confirm_shrink=confirm_shrink, allow_older=allow_older)
            snapshot = store.create(lists, base=base, note=note, fingerprint=fingerprint, prepare=prepare)
            return snapshot, sorted({d.code for d in lists})
        finally:
            if base is not None:
                base.close()
