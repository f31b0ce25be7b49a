"""Snapshot diffs on generated lists: a snapshot against itself or a reload of the same data shows no change, and
one changed field shows as exactly that change."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance
from kizuna.lists.diff import EntryChange, ListDiff, diff_snapshots
from kizuna.lists.model import ListData
from kizuna.lists.store import Snapshot, SnapshotStore

CODES = ["us-bis-entity", "us-ofac-sdn", "jp-meti-eul", "un-sc"]
NAME = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=1, max_size=30)
MAYBE = st.none() | NAME


@st.composite
def listed(draw: st.DrawFn) -> list[ListData]:
    """A few lists of entries with names in any script, aliases, countries, addresses, dates and remarks."""
    lists = []
    for code in draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True)):
        ids = draw(st.lists(st.text("0123456789abcdef", min_size=1, max_size=8), max_size=8, unique=True))
        provenance = Provenance(code, f"{code}.csv", "2026-11-01", "https://example.gov/list")
        entries = [Entry(code, entry_id, draw(NAME), draw(st.sampled_from(PartyKind)), provenance,
                         aliases=[Name(a, NameKind.ALIAS) for a in draw(st.lists(NAME, max_size=2))],
                         countries=draw(st.lists(st.sampled_from(["CN", "RU", "KP", "IR", "JP"]), max_size=2)),
                         addresses=draw(st.lists(NAME, max_size=2)), listed_on=draw(MAYBE), remarks=draw(MAYBE))
                   for entry_id in ids]
        lists.append(ListData(code, "2026-11-01", f"{code}.csv", entries))
    return lists


def _snapshot(store: SnapshotStore, lists: list[ListData]) -> Snapshot:
    with store.lock(wait=5):
        return store.create(copy.deepcopy(lists))


@settings(max_examples=20, deadline=None)
@given(lists=listed(), remark=NAME)
def test_a_snapshot_differs_from_itself_and_a_reload_in_nothing(lists: list[ListData], remark: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SnapshotStore(Path(folder))
        first, reload = _snapshot(store, lists), _snapshot(store, lists)
        made = [first, reload]
        assert diff_snapshots(first, first) == [] and diff_snapshots(first, reload) == []
        # The same data with one remark changed: exactly that entry and field.
        target = next((e for data in lists for e in data.entries if e.remarks != remark), None)
        if target is not None:
            target.remarks = remark
            made.append(_snapshot(store, lists))
            assert diff_snapshots(first, made[-1]) == [
                ListDiff(target.list_code, changed=[EntryChange(target.entry_id, target.name, ["remarks"])])]
        for snapshot in made:
            snapshot.close()
