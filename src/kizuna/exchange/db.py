"""One SQL dialect over SQLite (the default) and PostgreSQL (a real deployment).

Queries are written once with ``?`` placeholders; the PostgreSQL connection rewrites them to ``%s``. Every write
happens inside ``Database.transaction()``, so a failure leaves the previous state intact.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kizuna.core.errors import KizunaError

Row = tuple[Any, ...]

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL, stamp TEXT NOT NULL)""",
    # The latest version of every object this node holds, its own and those received. ``seq`` and
    # ``date_added`` move forward with every new version, so a cursor over them sees each change once.
    """CREATE TABLE IF NOT EXISTS objects (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, modified TEXT NOT NULL, originator TEXT NOT NULL,
        local INTEGER NOT NULL, received_from TEXT, seq BIGINT NOT NULL UNIQUE, date_added TEXT NOT NULL,
        status TEXT, body TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS objects_type ON objects (type, local)""",
    """CREATE INDEX IF NOT EXISTS objects_added ON objects (date_added)""",
    """CREATE TABLE IF NOT EXISTS marking_definitions (id TEXT PRIMARY KEY, body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS versions (id TEXT NOT NULL, modified TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (id, modified))""",
    """CREATE TABLE IF NOT EXISTS peers (
        identity TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, url TEXT NOT NULL,
        public_key TEXT NOT NULL, max_classification TEXT NOT NULL, enabled INTEGER NOT NULL,
        cursor TEXT, last_sync TEXT, added TEXT NOT NULL)""",
    # Which version of which object went to which peer, or was refused: refusals are audited once, and a peer
    # that held an object it is no longer entitled to is told to withdraw it.
    """CREATE TABLE IF NOT EXISTS deliveries (
        peer TEXT NOT NULL, object_id TEXT NOT NULL, modified TEXT NOT NULL, outcome TEXT NOT NULL,
        PRIMARY KEY (peer, object_id, modified, outcome))""",
    """CREATE TABLE IF NOT EXISTS nonces (node TEXT NOT NULL, nonce TEXT NOT NULL, seen TEXT NOT NULL,
        PRIMARY KEY (node, nonce))""",
    """CREATE TABLE IF NOT EXISTS users (
        username TEXT PRIMARY KEY, role TEXT NOT NULL, clearance TEXT NOT NULL, nationality TEXT NOT NULL,
        password TEXT NOT NULL, created TEXT NOT NULL)""",
    # Failed console sign-ins by user name and by source address, for the lockout window of rules.yaml.
    """CREATE TABLE IF NOT EXISTS login_failures (subject TEXT NOT NULL, at TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (subject, at)""",
    # Peers' former node keys: 'retired' by a rotation (their old checkpoints stay valid) or 'revoked'
    # (compromised: nothing signed by them is accepted any more).
    """CREATE TABLE IF NOT EXISTS peer_keys (public_key TEXT PRIMARY KEY, peer TEXT NOT NULL, state TEXT NOT NULL,
        at TEXT NOT NULL, reason TEXT NOT NULL)""",
    # Refused requests per source and time slot, beyond those audited one by one (see rules.yaml).
    """CREATE TABLE IF NOT EXISTS refused_requests (source TEXT NOT NULL, slot BIGINT NOT NULL,
        refused BIGINT NOT NULL, PRIMARY KEY (source, slot))""",
    """CREATE TABLE IF NOT EXISTS tokens (
        digest TEXT PRIMARY KEY, username TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
        created TEXT NOT NULL, expires TEXT)""",
    """CREATE TABLE IF NOT EXISTS applications (
        id TEXT PRIMARY KEY, created TEXT NOT NULL, officer TEXT NOT NULL, status TEXT NOT NULL,
        body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit (
        seq BIGINT PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, actor TEXT NOT NULL, object_id TEXT,
        version TEXT, peer TEXT, detail TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS audit_object ON audit (object_id)""",
    # Signed heads of an audit log: this node's own, and those its peers signed and this node keeps for them.
    """CREATE TABLE IF NOT EXISTS audit_checkpoints (
        node TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL, at TEXT NOT NULL, signature TEXT NOT NULL,
        PRIMARY KEY (node, seq))""",
]

# Columns added after the first release: added to an existing database when the node opens it.
ADDED_COLUMNS = [
    ("users", "disabled", "TEXT"),  # when the user was disabled (NULL: active)
    ("peers", "removed", "TEXT"),  # when the peer was removed: nothing it sent is deleted, nothing is exchanged
    ("peers", "tls_ca", "TEXT"),  # PEM certificates the peer's TLS certificate must chain to (or be)
]

# The audit tables refuse updates and deletes at the database, not only in Kizuna's code, and an audit record
# can only be added after the last one: in SQLite ``INSERT OR REPLACE`` deletes the old row without firing a
# DELETE trigger, so the insert itself is checked.
_GUARDED = ("audit", "audit_checkpoints")
SQLITE_AUDIT_GUARDS = [
    *[f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table}
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
      for table in _GUARDED for verb in ("update", "delete")],
    """CREATE TRIGGER IF NOT EXISTS audit_append_at_end BEFORE INSERT ON audit
       WHEN NEW.seq <= (SELECT coalesce(max(seq), 0) FROM audit)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints
       WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE node = NEW.node AND seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES_AUDIT_GUARDS = [
    """CREATE OR REPLACE FUNCTION kizuna_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION kizuna_audit_append_at_end() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit WHERE seq >= NEW.seq) THEN
           RAISE EXCEPTION 'the audit log is append-only';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    *[statement for table in _GUARDED for statement in (
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION kizuna_audit_append_only()""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION kizuna_audit_append_only()""")],
    """DROP TRIGGER IF EXISTS audit_append_at_end ON audit""",
    """CREATE TRIGGER audit_append_at_end BEFORE INSERT ON audit
       FOR EACH ROW EXECUTE FUNCTION kizuna_audit_append_at_end()""",
]


class DatabaseError(KizunaError):
    """The node's database cannot be opened or used."""


class Database:
    """A node's database: one connection per thread, explicit transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.kind = "postgresql" if url.startswith(("postgresql://", "postgres://")) else "sqlite"
        if self.kind == "sqlite":
            self.path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else Path(url)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        # Set by the node that owns this database: the key its audit checkpoints are signed with.
        self.audit_signer: Any = None

    # -- connections ------------------------------------------------------------------------------

    def _connect(self) -> Any:
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=60, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=60000")
            return connection
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a declared dependency
            raise DatabaseError("PostgreSQL support needs psycopg: pip install 'psycopg[binary]'") from exc
        try:
            return psycopg.connect(self.url, autocommit=True)
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to {self.url}: {exc}") from exc

    @property
    def connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
            with self._lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(Exception):
                    connection.close()
            self._connections.clear()
        self._local = threading.local()

    # -- statements -------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement and return its cursor."""
        return self.connection.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.kind == "sqlite":
            self.connection.executemany(sql, rows)
        else:
            with self.connection.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self.execute(sql, params).fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """All or nothing: committed on a clean exit, rolled back on any error (or a kill)."""
        connection = self.connection
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield self
            finally:
                self._local.depth -= 1
            return
        self._local.depth = 1
        connection.execute("BEGIN IMMEDIATE" if self.kind == "sqlite" else "BEGIN")
        try:
            yield self
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        else:
            connection.execute("COMMIT")
        finally:
            self._local.depth = 0

    def columns(self, table: str) -> set[str]:
        if self.kind == "sqlite":
            return {row[1] for row in self.all(f"PRAGMA table_info({table})")}
        return {row[0] for row in self.all("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                           "AND table_schema = current_schema()", (table,))}

    def create_schema(self) -> None:
        """Create or upgrade the tables and the audit guards (idempotent)."""
        with self.transaction():
            if self.kind == "postgresql":
                # Processes opening one database at once (a node's server and a `sync`) would otherwise take the
                # DDL locks in different orders and deadlock; one waits here instead. The key only has to be fixed.
                self.execute("SELECT pg_advisory_xact_lock(hashtext('kizuna-exchange-schema'))")
            for statement in SCHEMA:
                self.execute(statement)
            for table, column, kind in ADDED_COLUMNS:
                if column not in self.columns(table):
                    self.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            guards = SQLITE_AUDIT_GUARDS if self.kind == "sqlite" else POSTGRES_AUDIT_GUARDS
            for statement in guards:
                self.execute(statement)
