"""The cyber store's migrations: a store written before schema versions (Kizuna 45fbcb3) is upgraded in place, data
and POA&M order kept; a newer database is refused; the store works on PostgreSQL by URL."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kizuna.core import db as layer
from kizuna.cyber.store import CyberStore, PoamRecord
from tests.exchange.conftest import Postgres, postgres  # noqa: F401 - the temporary PostgreSQL cluster fixture

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "db" / "cyber-45fbcb3.sql"
TABLES = ("assessments", "revisions", "poam_items", "companies", "registrations")


def old_store(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(FIXTURE.read_text(encoding="utf-8"))
    connection.close()
    return path


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    found = {table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}
    connection.close()
    return found


def test_store_of_45fbcb3_is_upgraded_in_place(tmp_path: Path) -> None:
    path = old_store(tmp_path / "cyber.db")
    before = rows(path)
    with CyberStore(path) as store:
        assert layer.current(store.conn, "cyber") == layer.head("cyber")
        assert [a.organization for a in store.assessments()] == ["Kagawa Precision", "Osaka Optics"]
        assert [(r.revision, r.note) for r in store.history(1)] == [(1, "first pass"), (2, "after remediation")]
        assert [item.requirement_id for item in store.poam(1) or []] == ["03.01.01", "03.05.03"]
        assert [(r.name, r.sprs_score, r.assessment_id) for r in store.registrations()] == [
            ("Kagawa Precision", 104, 1)]
        # New writes go on from the old numbering.
        assert store.create("Nagoya Lasers", "Plant", store.get(1).catalog_id, "", date(2026, 8, 1)) == 3
    after = rows(path)
    # Every old row is kept as it was; poam_items gained its position (the old insertion order).
    for table in TABLES:
        kept = [row[:len(before[table][0])] if before[table] else row for row in after[table]]
        assert kept[:len(before[table])] == before[table], table
    assert [row[-1] for row in after["poam_items"]] == [1, 2]


def test_store_of_a_newer_kizuna_is_refused(tmp_path: Path) -> None:
    path = old_store(tmp_path / "cyber.db")
    CyberStore(path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE kizuna_cyber_version SET version_num = 'b41c07'")
    connection.close()
    with pytest.raises(layer.NewerDatabaseError, match=r"cyber store .* version b41c07.*newer Kizuna"):
        CyberStore(path)


def test_store_on_postgresql(postgres: Postgres) -> None:  # noqa: F811 - the fixture imported above
    url = postgres.new_database()
    with CyberStore(url) as store:
        first = store.create("Kagawa Precision", "CUI enclave", "NIST_SP-800-171_rev2", "", date(2026, 6, 1))
        items = [PoamRecord(requirement, "t", ["o"], 1, True, "it", "2026-12-01", "open")
                 for requirement in ("03.13.11", "03.01.01", "03.05.03")]
        store.replace_poam(first, items)
        assert [item.requirement_id for item in store.poam(first) or []] == ["03.13.11", "03.01.01", "03.05.03"]
        assert store.register("Kagawa Precision", "JP", "optics", 104, "Level 2", "2026-06-01", "a", "s", first) == 1
        assert store.register("Kagawa Precision", "JP", "optics", 110, "Level 2", "2026-07-01", "a", "s", first) == 1
        assert [r.sprs_score for r in store.registrations()] == [110]
    with CyberStore(url) as store:  # opened again: already at head
        assert layer.current(store.conn, "cyber") == layer.head("cyber")
