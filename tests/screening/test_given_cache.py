"""A screener over a given entry set can be kept on disk between processes, and is rebuilt for other entries."""

from __future__ import annotations

from pathlib import Path

from kizuna.core.entity import Entry, PartyKind, Provenance
from kizuna.core.party import Party
from kizuna.screening import api
from kizuna.screening.index import ScreeningIndex


def entries(name: str) -> list[Entry]:
    return [Entry("own", "1", name, PartyKind.ORGANIZATION, Provenance("own", "test", "2026-01-01", ""))]


def test_the_index_is_saved_and_reused_then_rebuilt_for_other_entries(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "screening-index-test.pickle"
    first = api.for_entries(entries("Harbin Institute of Technology"), cache=cache)
    assert cache.is_file()
    saved = ScreeningIndex.load(cache)
    assert saved is not None and saved.snapshot_id == first.snapshot_id
    api._given.clear()  # a new process: only the file is left
    again = api.for_entries(entries("Harbin Institute of Technology"), cache=cache)
    assert again.snapshot_id == first.snapshot_id
    assert api.screen(Party("Harbin Institute of Technology"), screener=again)[0].score == 1.0
    other = api.for_entries(entries("Beihang University"), cache=cache)
    assert other.snapshot_id != first.snapshot_id
    reloaded = ScreeningIndex.load(cache)
    assert reloaded is not None and reloaded.snapshot_id == other.snapshot_id
