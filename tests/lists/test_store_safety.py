"""One writer at a time on a home, a broken current snapshot stops everything, killed writers' leftovers go."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kizuna.lists import store as store_module
from kizuna.lists.store import BrokenSnapshotError, SnapshotStore
from kizuna.lists.update import update_from
from tests.conftest import FIXTURES, kizuna

SDN = FIXTURES / "lists" / "sdn_2021"


def _small_current(store: SnapshotStore) -> str:
    """A home whose current snapshot is the 302-entry SDN fixture (no index: fast)."""
    snapshot, _ = update_from(store, SDN, data_date="2021-07-07")
    snapshot.close()
    return snapshot.id


def test_a_second_update_waits_then_fails_naming_the_holder(fresh_home: Path) -> None:
    store = SnapshotStore()
    with store.lock(wait=0):
        result = kizuna("lists", "update", "--from", str(SDN), "--date", "2021-07-07", home=fresh_home,
                        check=False)
    assert result.returncode == 2, result.stderr
    assert f"another kizuna process (pid {os.getpid()})" in result.stderr and "waited 10 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert store.pointer() is None and not list(store.snapshots.iterdir())  # nothing written, nothing removed


def test_two_concurrent_updates_run_one_after_the_other(fresh_home: Path) -> None:
    command = [str(Path(sys.executable).parent / "kizuna"), "lists", "update", "--from", str(SDN),
               "--date", "2021-07-07"]
    environment = {**os.environ, "KIZUNA_HOME": str(fresh_home)}
    processes = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    store = SnapshotStore()
    first, second = store.ids()
    # the second writer waited for the first and built on its snapshot, instead of both starting from nothing
    assert store.open(second).meta["parent"] == first
    assert store.current_id() == second
    assert not list(store.snapshots.glob(".building-*"))


@pytest.mark.parametrize("damage", ["missing database", "only the index", "garbage database", "unknown id",
                                    "no CURRENT"])
def test_a_broken_current_snapshot_stops_screen_and_status_without_rebuilding(fresh_home: Path, damage: str) -> None:
    store = SnapshotStore()
    current = _small_current(store)
    folder = store.snapshots / current
    if damage == "missing database":
        (folder / "lists.sqlite").unlink()
    elif damage == "only the index":
        (folder / "lists.sqlite").unlink()
        (folder / "screening-index.pickle").write_bytes(b"index")
    elif damage == "garbage database":
        (folder / "lists.sqlite").write_bytes(b"\0" * 4096)
    elif damage == "unknown id":
        (store.root / "CURRENT").write_text("20990101T000000000000Z-dead\n")
    else:
        (store.root / "CURRENT").unlink()
    before = sorted(p.name for p in store.snapshots.iterdir())
    for command in (("screen", "Banco Nacional de Cuba"), ("lists", "status"), ("serve", "--port", "1")):
        result = kizuna(*command, home=fresh_home, check=False)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "is broken" in result.stderr and "kizuna lists load-bundled --force" in result.stderr
        assert "Traceback" not in result.stderr and "loading the bundled lists" not in result.stderr
    assert sorted(p.name for p in store.snapshots.iterdir()) == before  # nothing rebuilt
    listed = kizuna("lists", "snapshots", home=fresh_home, check=False)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr  # the other snapshots can still be listed
    if damage == "garbage database":
        assert "broken:" in listed.stdout
    with pytest.raises(BrokenSnapshotError):
        update_from(store, SDN, data_date="2021-07-07")  # an update would carry nothing over: refused too


def test_an_orphan_left_by_a_kill_after_the_rename_is_removed_by_the_next_update(
    fresh_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SnapshotStore()
    current = _small_current(store)

    class Killed(BaseException):
        pass

    def killed(*args: object) -> None:
        raise Killed  # the process dies after renaming the snapshot into place, before writing CURRENT

    with monkeypatch.context() as patch:
        patch.setattr(store_module, "atomic_write_text", killed)
        with pytest.raises(Killed):
            update_from(store, SDN, data_date="2021-07-07")
    [orphan] = [p for p in store.snapshots.iterdir() if p.name != current]
    assert (orphan / "lists.sqlite").exists() and (orphan / "PENDING").exists()
    assert store.current_id() == current and store.ids() == [current]  # the orphan is not offered
    stale_build = store.snapshots / ".building-20200101T000000000000Z-0000"
    stale_build.mkdir()
    newer = _small_current(store)
    assert sorted(p.name for p in store.snapshots.iterdir()) == [current, newer]
    assert not (store.snapshots / newer / "PENDING").exists()


def test_the_first_screen_on_an_empty_home_says_it_loads_the_bundled_lists_once(fresh_home: Path) -> None:
    first = kizuna("screen", "Banco Nacional de Cuba", home=fresh_home, timeout=300)
    assert f"no list snapshot in {fresh_home / 'lists'} yet: loading the bundled lists once" in first.stderr
    second = kizuna("screen", "Banco Nacional de Cuba", home=fresh_home)
    assert "loading the bundled lists" not in second.stderr
    assert len(SnapshotStore(fresh_home / "lists").ids()) == 1


def test_make_run_and_kizuna_use_the_same_home() -> None:
    """The Makefile sets no KIZUNA_HOME of its own, so `make run` loads the lists `kizuna` then reads."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k != "KIZUNA_HOME"}
    root = Path(__file__).resolve().parents[2]
    database = subprocess.run(["make", "-pn", "run"], cwd=root, env=environment, capture_output=True, text=True,
                              timeout=60).stdout
    assert "run: load" in database  # the rule database was printed
    assert not [line for line in database.splitlines() if re.match(r"(export\s+)?KIZUNA_HOME\b", line)]
