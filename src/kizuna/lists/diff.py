"""What changed between two snapshots: entries added, removed and changed, per list."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from kizuna.lists.store import Snapshot

# Fields whose change matters to a screening officer (provenance changes on every reload and is ignored).
_COMPARED = ("name", "entity_type", "aliases", "countries", "addresses", "identifiers", "dates_of_birth",
             "programs", "listed_on", "citation", "remarks")
COMPARED_FIELDS = _COMPARED


@dataclass(slots=True)
class EntryChange:
    entry_id: str
    name: str
    fields: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ListDiff:
    code: str
    added: list[EntryChange] = field(default_factory=list)
    removed: list[EntryChange] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)


def _rows(snapshot: Snapshot) -> dict[tuple[str, str], str]:
    """Each entry's stored JSON, undecoded: most entries of two snapshots are the same text, and decoding
    40,000 entries twice costs more than the rest of an incremental re-screen."""
    db = sqlite3.connect(f"file:{snapshot.path / 'lists.sqlite'}?mode=ro", uri=True)
    try:
        return {(code, eid): data for code, eid, data in db.execute("SELECT list_code, entry_id, data FROM entries")}
    finally:
        db.close()


def diff_snapshots(old: Snapshot, new: Snapshot) -> list[ListDiff]:
    """Per-list differences, lists in code order; lists with no difference are left out."""
    before, after = _rows(old), _rows(new)
    diffs: dict[str, ListDiff] = {}

    def bucket(code: str) -> ListDiff:
        return diffs.setdefault(code, ListDiff(code))

    for key in after.keys() - before.keys():
        bucket(key[0]).added.append(EntryChange(key[1], json.loads(after[key])["name"]))
    for key in before.keys() - after.keys():
        bucket(key[0]).removed.append(EntryChange(key[1], json.loads(before[key])["name"]))
    for key in before.keys() & after.keys():
        if before[key] == after[key]:
            continue
        was, now = json.loads(before[key]), json.loads(after[key])
        changed = [f for f in _COMPARED if was.get(f) != now.get(f)]
        if changed:
            bucket(key[0]).changed.append(EntryChange(key[1], now["name"], changed))
    for d in diffs.values():
        for items in (d.added, d.removed, d.changed):
            items.sort(key=lambda c: (c.name.casefold(), c.entry_id))
    return [diffs[c] for c in sorted(diffs)]
