"""The exchange store's migrations: a node home written before schema versions (Kizuna 45fbcb3) is upgraded in place
on SQLite and PostgreSQL, data kept; a failed migration leaves the previous state; a newer database is refused."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kizuna.core import db as layer
from kizuna.core.paths import home_at
from kizuna.exchange import audit, users
from kizuna.exchange.db import Database
from kizuna.exchange.node import Node
from tests.exchange.conftest import Postgres

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "db"
OLD_HOME = FIXTURES / "exchange-45fbcb3"


def old_sqlite(path: Path) -> Path:
    """The node database exactly as Kizuna 45fbcb3 left it (from its SQL dump)."""
    connection = sqlite3.connect(path)
    connection.executescript((OLD_HOME / "exchange.sql").read_text(encoding="utf-8"))
    connection.close()
    return path


def old_postgres(url: str, scratch: Path) -> None:
    """The same node database on PostgreSQL: 45fbcb3's PostgreSQL DDL, then the rows of the SQLite dump."""
    import psycopg

    source = sqlite3.connect(old_sqlite(scratch / "rows.db"))
    tables = [name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
        for statement in json.loads((FIXTURES / "exchange-45fbcb3-postgresql.sql").read_text(encoding="utf-8")):
            connection.execute(statement)
        for table in tables:
            cursor = source.execute(f"SELECT * FROM {table} ORDER BY rowid")
            columns = ", ".join(column[0] for column in cursor.description)
            marks = ", ".join(["%s"] * len(cursor.description))
            rows = cursor.fetchall()
            if rows:
                connection.cursor().executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    source.close()


def old_home(tmp_path: Path, url: str | None) -> Path:
    """A JP node's home of Kizuna 45fbcb3 (its node.json pointing at ``url``, or at a SQLite file beside it)."""
    home = tmp_path / "jp"
    (home / "exchange").mkdir(parents=True)
    shutil.copy(OLD_HOME / "node.key", home / "exchange" / "node.key")
    if url is None:
        url = f"sqlite:///{old_sqlite(home / 'exchange' / 'exchange.db')}"
    else:
        old_postgres(url, tmp_path)
    config = json.loads((OLD_HOME / "node.json").read_text(encoding="utf-8"))
    (home / "exchange" / "node.json").write_text(json.dumps({**config, "db": url}), encoding="utf-8")
    return home


def contents(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of 45fbcb3's schema."""
    tables = [t for t in ("settings", "counters", "objects", "marking_definitions", "versions", "peers", "deliveries",
                          "nonces", "users", "login_failures", "peer_keys", "refused_requests", "tokens",
                          "applications", "audit", "audit_checkpoints")]
    return {table: sorted(database.all(f"SELECT * FROM {table}"), key=repr) for table in tables}


@pytest.fixture()
def home_url(backend: Callable[[], str | None]) -> str | None:
    return backend()


def test_home_of_45fbcb3_is_upgraded_in_place(tmp_path: Path, home_url: str | None) -> None:
    home = old_home(tmp_path, home_url)
    url = json.loads((home / "exchange" / "node.json").read_text())["db"]
    before = Database(url)
    kept = contents(before)
    assert layer.current(before.connection, "exchange") is None  # written before schema versions
    before.close()
    with home_at(home):
        node = Node.open()
        try:
            assert layer.current(node.db.connection, "exchange") == layer.head("exchange")
            assert contents(node.db) == kept
            assert audit.verify(node.db).ok
            assert len(node.objects("x-kizuna-denial")) == 2
            assert users.get_user(node, "tanaka").role == "licensing-officer"
            # The upgraded node keeps working: a new user, audited on the same chain, and its guards still hold.
            users.add_user(node, "sato", "analyst", "UNCLASSIFIED", "JPN", "another long password")
            assert audit.verify(node.db).ok
            with pytest.raises(Exception, match="append-only"), node.db.transaction():
                node.db.execute("DELETE FROM audit")
        finally:
            node.close()
        # Opening it again runs nothing.
        Node.open().close()


def failing_scripts(tmp_path: Path) -> Path:
    """The exchange's revisions plus one that changes the schema and the data, then fails."""
    scripts = tmp_path / "migrations"
    shutil.copytree(layer.scripts_dir("exchange"), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_fails.py").write_text(
        f'revision = "9999"\ndown_revision = "{layer.head("exchange")}"\nbranch_labels = None\ndepends_on = None\n'
        "from alembic import op\n\n\ndef upgrade():\n"
        "    op.get_bind().exec_driver_sql('CREATE TABLE half_done (x INTEGER)')\n"
        "    op.get_bind().exec_driver_sql(\"UPDATE users SET role = 'admin'\")\n"
        "    raise RuntimeError('migration 9999 failed')\n", encoding="utf-8")
    return scripts


def test_failed_migration_leaves_the_previous_state(tmp_path: Path, home_url: str | None) -> None:
    home = old_home(tmp_path, home_url)
    database = Database(json.loads((home / "exchange" / "node.json").read_text())["db"])
    kept = contents(database)
    with pytest.raises(RuntimeError, match="9999 failed"):
        layer.migrate(database.engine, "exchange", scripts=failing_scripts(tmp_path))
    # Neither 0001/0002 nor the failed revision left anything: the home is exactly as 45fbcb3 wrote it.
    assert layer.current(database.connection, "exchange") is None
    assert contents(database) == kept
    from sqlalchemy import inspect

    assert not inspect(database.connection).has_table("half_done")
    database.close()
    with home_at(home):
        Node.open().close()  # the real revisions still apply afterwards


def test_database_of_a_newer_kizuna_is_refused(tmp_path: Path, home_url: str | None) -> None:
    home = old_home(tmp_path, home_url)
    with home_at(home):
        Node.open().close()
        database = Node.open().db
        with database.transaction():
            database.execute("UPDATE kizuna_exchange_version SET version_num = '7f3e9a'")
        kept = contents(database)
        database.close()
        with pytest.raises(layer.NewerDatabaseError, match=r"schema version 7f3e9a.*newer Kizuna"):
            Node.open()
        database = Database(json.loads((home / "exchange" / "node.json").read_text())["db"])
        assert contents(database) == kept
        database.close()


def test_two_processes_opening_one_old_home_migrate_it_once(tmp_path: Path, postgres: Postgres) -> None:
    """Concurrent openers of an unversioned database wait on the lock; the second finds it at head."""
    import threading

    url = postgres.new_database()
    old_postgres(url, tmp_path)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            database = Database(url)
            database.create_schema()
            database.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    database = Database(url)
    assert database.all("SELECT version_num FROM kizuna_exchange_version") == [(layer.head("exchange"),)]
    database.close()
