"""The database layer itself: every store's declared head is its newest revision, and processes opening one old
SQLite database at once migrate it exactly once (they wait on the write lock, not fail)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kizuna.core import db

STORES = ["exchange", "cyber", "ownership", "monitoring"]


@pytest.mark.parametrize("store", STORES)
def test_declared_head_is_the_newest_revision(store: str) -> None:
    assert db.declared_head(store) == db.head(store)


def test_processes_opening_one_old_sqlite_database_migrate_it_once(tmp_path: Path) -> None:
    from tests.exchange.test_migrations import old_sqlite

    path = old_sqlite(tmp_path / "exchange.db")
    opener = ("import sys; from kizuna.exchange.db import Database; d = Database(sys.argv[1]); d.create_schema(); "
              "d.close()")
    processes = [subprocess.Popen([sys.executable, "-c", opener, f"sqlite:///{path}"], stderr=subprocess.PIPE,
                                  text=True) for _ in range(3)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    engine = db.engine(str(path))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM kizuna_exchange_version").fetchall() == [
            (db.head("exchange"),)]
        assert connection.exec_driver_sql("PRAGMA table_info(peers)").fetchall()[-1][1] == "tls_ca"


def test_a_database_that_cannot_be_reached_is_a_clear_error() -> None:
    engine = db.engine("postgresql://nobody@127.0.0.1:9/nothing")
    with pytest.raises(db.DatabaseError, match=r"cannot connect to postgresql\+psycopg://nobody@127.0.0.1:9"):
        db.migrate(engine, "cyber")
