"""Snapshots of the lists, each a complete SQLite database in its own folder.

A new snapshot is built in a hidden folder, checked, and only then renamed into place and named in the
``CURRENT`` file (written atomically). A killed or failed update therefore leaves the previous snapshot
current and untouched; the half-built folder is removed on the next run.
"""

from __future__ import annotations

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
from kizuna.core.errors import NotFoundError
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
_BUILDING = ".building-"


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

    def current_id(self) -> str | None:
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        value = pointer.read_text(encoding="utf-8").strip()
        return value if value and (self.snapshots / value / "lists.sqlite").exists() else None

    def ids(self) -> list[str]:
        """Complete snapshots, oldest first (ids sort by creation time)."""
        return sorted(p.name for p in self.snapshots.iterdir()
                      if not p.name.startswith(".") and (p / "lists.sqlite").exists())

    def open(self, snapshot_id: str | None = None) -> Snapshot:
        chosen = snapshot_id or self.current_id()
        if chosen is None:
            raise NotFoundError("no list snapshot loaded yet: run `kizuna lists load-bundled` "
                                "or `kizuna lists update --from PATH`")
        matches = [i for i in self.ids() if i == chosen or i.startswith(chosen)]
        if len(matches) != 1:
            raise NotFoundError(f"no single snapshot matches {chosen!r}; known: {', '.join(self.ids())}")
        return Snapshot(self.snapshots / matches[0])

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
        there), so a failure in it also leaves the previous snapshot current.
        """
        self._remove_abandoned()
        snapshot_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)
        building = self.snapshots / f"{_BUILDING}{snapshot_id}"
        building.mkdir()
        try:
            self._write(building / "lists.sqlite", _merge_same_code(lists), base, {
                "id": snapshot_id, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "note": note, "parent": base.id if base else "", "fingerprint": fingerprint,
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
        for path in self.snapshots.glob(f"{_BUILDING}*"):
            shutil.rmtree(path, ignore_errors=True)


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
