"""Snapshots carry their format: one of today's format (or of 45fbcb3, which wrote none) opens, a newer one is
refused with a clear message (CLI: no traceback)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kizuna.lists.store import SNAPSHOT_FORMAT, NewerSnapshotError, Snapshot, SnapshotStore
from kizuna.lists.update import update_from
from tests.conftest import FIXTURES, kizuna

SDN = FIXTURES / "lists" / "sdn_2021"


def _set_format(snapshot: Path, value: str | None) -> None:
    connection = sqlite3.connect(snapshot / "lists.sqlite")
    with connection:
        connection.execute("DELETE FROM meta WHERE key = 'format'")
        if value is not None:
            connection.execute("INSERT INTO meta VALUES ('format', ?)", (value,))
    connection.close()


def test_snapshot_records_its_format_and_older_ones_open(fresh_home: Path) -> None:
    snapshot, _ = update_from(SnapshotStore(), SDN, data_date="2021-07-07")
    snapshot.close()
    assert Snapshot(snapshot.path).meta["format"] == str(SNAPSHOT_FORMAT)
    _set_format(snapshot.path, None)  # as Kizuna 45fbcb3 wrote it
    assert Snapshot(snapshot.path).count() == 302


def test_snapshot_of_a_newer_kizuna_is_refused(fresh_home: Path) -> None:
    snapshot, _ = update_from(SnapshotStore(), SDN, data_date="2021-07-07")
    snapshot.close()
    _set_format(snapshot.path, str(SNAPSHOT_FORMAT + 1))
    with pytest.raises(NewerSnapshotError, match=rf"format {SNAPSHOT_FORMAT + 1}.*newer Kizuna"):
        Snapshot(snapshot.path)
    result = kizuna("lists", "status", home=fresh_home, check=False)
    assert result.returncode != 0 and "written by a newer Kizuna" in result.stderr
    assert "Traceback" not in result.stderr
