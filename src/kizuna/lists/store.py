"""Snapshots of the lists, each a complete SQLite database in its own folder.

A new snapshot is built in a hidden folder, checked, and only then renamed into place and named in the
``CURRENT`` file (written atomically). A killed or failed update therefore leaves the previous snapshot
current and untouched. Writers hold the store's lock (``SnapshotStore.lock``), so the next writer can remove
what a killed one left: half-built folders, and a complete snapshot that was renamed into place but never
named in ``CURRENT`` (an orphan, marked by the ``PENDING`` file it still holds). A ``CURRENT`` naming a
missing or unreadable snapshot is an error, never a reason to load something else in its place.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kizuna.core.atomic import atomic_write_text, fsync_dir
from kizuna.core.entity import Entry
from kizuna.core.errors import KizunaError, NotFoundError
from kizuna.core.locks import exclusive_lock
from kizuna.core.paths import home
from kizuna.lists.model import ListData
from kizuna.lists.registry import list_info

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE lists (
    code TEXT PRIMARY KEY, data_date TEXT NOT NULL, source TEXT NOT NULL, official_url TEXT NOT NULL,
    entries INTEGER NOT NULL, warnings TEXT NOT NULL
);
CREATE TABLE entries (
    list_code TEXT NOT NULL, entry_id TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (list_code, entry_id)
);
"""
# The snapshot format this Kizuna writes and the newest it reads (``meta.format``; snapshots written before the key
# existed, by Kizuna 45fbcb3 and earlier, are format 1). Raise it when a snapshot's tables change.
SNAPSHOT_FORMAT = 1
_BUILDING = ".building-"
# Present in a snapshot folder until CURRENT names it: a folder that still has it, and is not current, was
# renamed into place by an update killed before it wrote CURRENT.
_PENDING = "PENDING"


class BrokenSnapshotError(KizunaError):
    """``CURRENT`` names a snapshot that is missing or unreadable."""


class NewerSnapshotError(KizunaError):
    """The snapshot was written by a newer Kizuna, in a format this one cannot read."""


@dataclass(frozen=True, slots=True)
class ListStatus:
    code: str
    name: str
    entries: int
    data_date: str
    source: str
    official_url: str
    warnings: list[str]


class Snapshot:
    """A read-only view of one snapshot."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.id = path.name.removeprefix(_BUILDING)
        self._db = sqlite3.connect(f"file:{path / 'lists.sqlite'}?mode=ro", uri=True, check_same_thread=False)
        self._check_format()

    def _check_format(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        found = row[0] if row else "1"
        if not found.isdigit() or int(found) > SNAPSHOT_FORMAT:
            self._db.close()
            raise NewerSnapshotError(
                f"snapshot {self.id} ({self.path}) is in format {found}, and this Kizuna reads formats up to "
                f"{SNAPSHOT_FORMAT}: it was written by a newer Kizuna. Upgrade Kizuna, or build a snapshot this "
                "one can read with `kizuna lists update`")

    @property
    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta"))

    def lists(self) -> list[ListStatus]:
        rows = self._db.execute("SELECT code, entries, data_date, source, official_url, warnings FROM lists "
                                "ORDER BY code")
        return [ListStatus(code, list_info(code).name, n, date, source, url, json.loads(warnings))
                for code, n, date, source, url, warnings in rows]

    def entries(self, list_codes: list[str] | None = None) -> Iterator[Entry]:
        query = "SELECT data FROM entries"
        params: list[str] = []
        if list_codes:
            query += f" WHERE list_code IN ({','.join('?' * len(list_codes))})"
            params = list_codes
        for (data,) in self._db.execute(query + " ORDER BY list_code, entry_id", params):
            yield Entry.from_dict(json.loads(data))

    def entry(self, list_code: str, entry_id: str) -> Entry:
        row = self._db.execute("SELECT data FROM entries WHERE list_code = ? AND entry_id = ?",
                               (list_code, entry_id)).fetchone()
        if row is None:
            raise NotFoundError(f"no entry {entry_id} in {list_code} (snapshot {self.id})")
        return Entry.from_dict(json.loads(row[0]))

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        self._db.close()


class SnapshotStore:
    """The snapshots under ``<home>/lists``."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or home() / "lists"
        self.snapshots = self.root / "snapshots"
        self.snapshots.mkdir(parents=True, exist_ok=True)
        self._locked = False

    def pointer(self) -> str | None:
        """The snapshot id ``CURRENT`` names, checked or not (None when no snapshot was ever made current)."""
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        # a damaged pointer still names something, which current_id then reports as broken
        return pointer.read_bytes().decode("utf-8", errors="replace").strip() or None

    def current_id(self) -> str | None:
        """The current snapshot's id; None on a data directory where no snapshot was ever made current (orphans
        of a killed first load do not count).

        BrokenSnapshotError when ``CURRENT`` names a snapshot that is missing or unreadable: screening against
        some other lists instead would answer a question nobody asked.
        """
        value = self.pointer()
        problem: str | None
        if value is None:
            if not self.ids():
                return None
            problem = f"{self.root / 'CURRENT'} is missing, though snapshots were made current before"
        else:
            problem = self.problem(value)
        if problem:
            intact = [i for i in self.ids() if self.problem(i) is None]
            named = f" {value}" if value else ""
            raise BrokenSnapshotError(
                f"the current list snapshot{named} in {self.root} is broken ({problem}), and Kizuna will "
                f"not use other lists in its place. Intact snapshots: {', '.join(intact) or 'none'}. To recover, "
                "load the bundled lists with `kizuna lists load-bundled --force`, then your newer files again with "
                "`kizuna lists update --from PATH`")
        return value

    @contextlib.contextmanager
    def lock(self, wait: float) -> Iterator[None]:
        """Hold the store's write lock (waiting up to ``wait`` s for another writer); required by ``create``."""
        with exclusive_lock(self.root / ".lock", wait=wait, what=f"the lists in {self.root}"):
            self._locked = True
            try:
                yield
            finally:
                self._locked = False

    def ids(self) -> list[str]:
        """Complete snapshots, oldest first (ids sort by creation time); orphans are left out."""
        current = self.pointer()
        return sorted(p.name for p in self.snapshots.iterdir() if not p.name.startswith(".")
                      and (p / "lists.sqlite").exists() and (p.name == current or not (p / _PENDING).exists()))

    def open(self, snapshot_id: str | None = None) -> Snapshot:
        chosen = snapshot_id or self.current_id()
        if chosen is None:
            raise NotFoundError("no list snapshot loaded yet: run `kizuna lists load-bundled` "
                                "or `kizuna lists update --from PATH`")
        matches = [i for i in self.ids() if i == chosen or i.startswith(chosen)]
        if len(matches) != 1:
            raise NotFoundError(f"no single snapshot matches {chosen!r}; known: {', '.join(self.ids())}")
        if snapshot_id is not None and (problem := self.problem(matches[0])):
            raise BrokenSnapshotError(f"snapshot {matches[0]} is broken ({problem})")
        return Snapshot(self.snapshots / matches[0])

    def problem(self, snapshot_id: str) -> str | None:
        """Why a stored snapshot cannot be used, or None when it can."""
        return _broken(self.snapshots / snapshot_id)

    def create(
        self,
        lists: list[ListData],
        *,
        base: Snapshot | None = None,
        note: str = "",
        fingerprint: str = "",
        prepare: Callable[[Snapshot], object] | None = None,
    ) -> Snapshot:
        """Build a snapshot of ``lists`` plus every list of ``base`` they do not replace, then make it current.

        ``prepare`` runs on the complete snapshot before it becomes current (the screening index is built
        there), so a failure in it also leaves the previous snapshot current. The caller holds ``lock()``.
        """
        if not self._locked:
            raise RuntimeError("SnapshotStore.create needs the store's lock (use `with store.lock(...)`)")
        self._remove_abandoned()
        snapshot_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)
        building = self.snapshots / f"{_BUILDING}{snapshot_id}"
        building.mkdir()
        (building / _PENDING).touch()
        try:
            self._write(building / "lists.sqlite", lists, base, {
                "id": snapshot_id, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "note": note, "parent": base.id if base else "", "fingerprint": fingerprint,
                "format": str(SNAPSHOT_FORMAT),
            })
            if prepare is not None:
                built = Snapshot(building)
                try:
                    prepare(built)
                finally:
                    built.close()
            final = self.snapshots / snapshot_id
            os.replace(building, final)
            fsync_dir(self.snapshots)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        atomic_write_text(self.root / "CURRENT", snapshot_id + "\n")
        (final / _PENDING).unlink()
        _announce(self)
        return Snapshot(final)

    def _write(self, db_path: Path, lists: list[ListData], base: Snapshot | None, meta: dict[str, str]) -> None:
        db = sqlite3.connect(f"file:{db_path}", uri=True)
        try:
            db.executescript(_SCHEMA)
            if base is not None:
                db.execute("ATTACH DATABASE ? AS base", (f"file:{base.path / 'lists.sqlite'}?mode=ro",))
            with db:
                db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                for data in lists:
                    _unique_ids(data)
                    db.execute("INSERT INTO lists VALUES (?, ?, ?, ?, ?, ?)",
                               (data.code, data.data_date, data.source, _list_url(data),
                                len(data.entries), json.dumps(data.warnings)))
                    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", (
                        (e.list_code, e.entry_id, e.name, json.dumps(e.to_dict(), ensure_ascii=False))
                        for e in data.entries))
                if base is not None:
                    replaced = [d.code for d in lists]
                    marks = ",".join("?" * len(replaced))
                    db.execute(f"INSERT INTO lists SELECT * FROM base.lists WHERE code NOT IN ({marks})", replaced)
                    db.execute(f"INSERT INTO entries SELECT * FROM base.entries WHERE list_code NOT IN ({marks})",
                               replaced)
        finally:
            db.close()

    def _remove_abandoned(self) -> None:
        """Remove what killed writers left. Safe only under the lock: no live writer is building anything.

        Half-built folders, and orphans: snapshots renamed into place by an update killed before it wrote
        ``CURRENT`` (they still hold the ``PENDING`` mark; the current snapshot never counts as one).
        """
        current = self.pointer()
        for path in self.snapshots.iterdir():
            pending = path / _PENDING
            if path.name == current:
                pending.unlink(missing_ok=True)  # killed after writing CURRENT, before removing the mark
            elif path.name.startswith(_BUILDING) or pending.exists():
                shutil.rmtree(path, ignore_errors=True)


def _announce(store: SnapshotStore) -> None:
    """Call what watches the lists (``on_snapshot`` in capabilities.py: the registers' re-screen) now that a new
    snapshot is current."""
    from kizuna.capabilities import REGISTRY, load

    for hook in REGISTRY.snapshot_hooks():
        load(hook)(store)


def _broken(path: Path) -> str | None:
    """Why the snapshot folder at ``path`` cannot be used, or None when it holds a readable snapshot."""
    database = path / "lists.sqlite"
    if not database.exists():
        return f"{database} does not exist"
    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            snapshot_id = db.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
            lists = db.execute("SELECT COUNT(*) FROM lists").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return f"{database} is not a readable snapshot database: {exc}"
    if snapshot_id is None or snapshot_id[0] != path.name:
        return f"{database} belongs to another snapshot"
    if not lists:
        return f"{database} holds no lists"
    return None


def _unique_ids(data: ListData) -> None:
    """Sources sometimes repeat an id (seven CSL ids occur twice); suffix repeats so no entry is lost."""
    seen: Counter[str] = Counter()
    for entry in data.entries:
        seen[entry.entry_id] += 1
        if seen[entry.entry_id] > 1:
            entry.entry_id = f"{entry.entry_id}~{seen[entry.entry_id]}"
    repeats = sum(1 for n in seen.values() if n > 1)
    if repeats:
        data.warnings.append(f"{repeats} id(s) occur more than once in the source; repeats were suffixed ~2, ~3")


def _list_url(data: ListData) -> str:
    """The registry's official URL; for a list the registry does not know, the URL its entries cite."""
    return list_info(data.code).official_url or next(
        (e.provenance.official_url for e in data.entries if e.provenance.official_url), "")
