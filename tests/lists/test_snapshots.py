"""Snapshots: updates replace only the lists they bring, failures and kills leave the previous snapshot current."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.lists.diff import diff_snapshots
from kizuna.lists.store import SnapshotStore
from kizuna.lists.update import Loaded, load_bundled, update_from
from tests.conftest import BUNDLED, FIXTURES, kizuna

DPL = BUNDLED / "lists" / "us_restricted_2026-07" / "bis_dpl.json"


def _edited_dpl(folder: Path) -> tuple[Path, list[str], str]:
    """A newer DPL: two parties removed, one address changed, one party added."""
    folder.mkdir(parents=True, exist_ok=True)
    document = json.loads(DPL.read_text(encoding="utf-8"))
    entities = document["entities"]
    removed = entities[:2]
    del entities[:2]
    entities[0]["address"] = "NEW ADDRESS 1, SOMEWHERE"
    entities.append({"name": "KIZUNA TEST TRADING LLC", "aliases": [], "country": "Japan", "address": None,
                     "status": None, "effective_date": "2026-11-01", "federal_register": "91 FR 1", "notes": None})
    (folder / "bis_dpl.json").write_text(json.dumps(document), encoding="utf-8")
    shutil.copy(DPL.parent / "lists.json", folder / "lists.json")
    return folder, [r["name"] for r in removed], entities[0]["name"]


def test_update_replaces_only_the_lists_it_brings_and_diff_reports_changes(bundled_home: Path,
                                                                           tmp_path: Path) -> None:
    store = SnapshotStore()
    first = store.open()
    again, built_again = load_bundled(store)
    assert built_again is Loaded.CURRENT and again.id == first.id  # loading the same files twice is a no-op
    folder, removed, changed = _edited_dpl(tmp_path / "newer")
    second, updated = update_from(store, folder)
    assert updated == ["us-bis-dpl"] and store.current_id() == second.id
    counts = {s.code: s.entries for s in second.lists()}
    assert counts["us-bis-dpl"] == 563 and counts["us-ofac-sdn"] == 14965  # other lists carried over
    [dpl] = diff_snapshots(first, second)
    assert dpl.code == "us-bis-dpl"
    assert [c.name for c in dpl.added] == ["KIZUNA TEST TRADING LLC"]
    assert sorted(c.name for c in dpl.removed) == sorted(removed)
    assert [(c.name, c.fields) for c in dpl.changed] == [(changed, ["addresses"])]
    assert first.count() == second.count() + 1  # the old snapshot is untouched
    # `make run` loads the bundled lists each time: it must not throw the user's update away
    kept, outcome = load_bundled(store)
    assert outcome is Loaded.KEPT and kept.id == second.id == store.current_id()


def test_failed_update_keeps_the_current_snapshot(bundled_home: Path, tmp_path: Path) -> None:
    store = SnapshotStore()
    first = store.open()
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(FIXTURES / "lists" / "csl_2023-11-30_head.csv", broken / "consolidated.csv")
    with pytest.raises(InputError, match="line 401"):
        update_from(store, broken)
    assert store.current_id() == first.id and store.ids() == [first.id]
    assert not list(store.snapshots.glob(".building-*"))


def test_update_from_an_unrecognised_folder_is_a_clear_error(fresh_home: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    result = kizuna("lists", "update", "--from", str(tmp_path), home=fresh_home, check=False)
    assert result.returncode == 2
    assert "no list file recognised" in result.stderr and "Traceback" not in result.stderr


def test_killed_update_leaves_the_previous_snapshot_intact(fresh_home: Path, tmp_path: Path) -> None:
    store = SnapshotStore()
    first, built = load_bundled(store)
    assert built is Loaded.BUILT and store.current_id() == first.id
    source = tmp_path / "source"
    shutil.copytree(BUNDLED / "lists", source)
    command = [str(Path(sys.executable).parent / "kizuna"), "lists", "update", "--from", str(source)]
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen(command, env={**os.environ, "KIZUNA_HOME": str(fresh_home)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is not None:
            pytest.fail(f"update finished within {delay} s; the kill test needs a slower update")
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert store.current_id() == first.id
        assert store.open().count() == first.count()
    finished = kizuna("lists", "update", "--from", str(source), home=fresh_home)
    assert "now current" in finished.stdout
    assert store.current_id() != first.id
    assert not list(store.snapshots.glob(".building-*"))  # abandoned builds were cleaned up
