"""Loading lists: the bundled snapshot, or newer official files, each as a new snapshot."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from kizuna.core.errors import KizunaError
from kizuna.lists.model import ListData
from kizuna.lists.sources import SourceSpec, bundled_specs, detect_specs
from kizuna.lists.store import Snapshot, SnapshotStore

Prepare = Callable[[Snapshot], object]


def read_all(specs: list[SourceSpec], base: Path) -> list[ListData]:
    """Read every source; any error aborts before anything is written."""
    lists: list[ListData] = []
    for spec in specs:
        lists.extend(spec.read(base))
    return lists


def fingerprint(specs: list[SourceSpec]) -> str:
    """A content hash of the source files, so loading the same files twice is a no-op."""
    digest = hashlib.sha256()
    for spec in specs:
        digest.update(f"{spec.format}|{spec.list_code}|{spec.data_date}".encode())
        for role, path in sorted(spec.files.items()):
            digest.update(role.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_bundled(store: SnapshotStore, prepare: Prepare | None = None, force: bool = False) -> tuple[Snapshot, bool]:
    """Make the bundled public lists the current snapshot; returns (snapshot, whether it was newly built)."""
    base, specs = bundled_specs()
    stamp = fingerprint(specs)
    current = store.current_id()
    if current and not force:
        snapshot = store.open(current)
        if snapshot.meta.get("fingerprint") == stamp:
            return snapshot, False
        snapshot.close()
    lists = read_all(specs, base)
    return store.create(lists, note="bundled public lists", fingerprint=stamp, prepare=prepare), True


def update_from(
    store: SnapshotStore, path: Path, *, data_date: str | None = None, prepare: Prepare | None = None
) -> tuple[Snapshot, list[str]]:
    """Load the official files at ``path`` as a new snapshot; lists they do not cover carry over.

    Returns the new (current) snapshot and the codes of the lists the files replaced.
    """
    specs = detect_specs(path)
    if data_date:
        specs = [SourceSpec(s.format, s.files, s.list_code, data_date) for s in specs]
    base_dir = path if path.is_dir() else path.parent
    lists = read_all(specs, base_dir)
    if not any(d.entries for d in lists):
        raise KizunaError(f"{path}: the files hold no entries; the current snapshot was kept")
    current = store.current_id()
    base = store.open(current) if current else None
    try:
        snapshot = store.create(lists, base=base, note=f"update from {path}", fingerprint=fingerprint(specs),
                                prepare=prepare)
        return snapshot, sorted({d.code for d in lists})
    finally:
        if base is not None:
            base.close()
