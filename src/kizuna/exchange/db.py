"""The exchange node's database, on the shared layer (``kizuna.core.db``): SQLite (the default) or PostgreSQL.

Queries are written once with ``?`` placeholders; on PostgreSQL they are rewritten to ``%s``. Every write happens
inside ``Database.transaction()``, so a failure leaves the previous state intact. The schema is the Alembic
revisions in ``kizuna/exchange/migrations``: ``create_schema()`` brings a database to the newest one.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kizuna.core import db as layer
from kizuna.core.db import DatabaseError

__all__ = ["Database", "DatabaseError"]

Row = tuple[Any, ...]


class Database:
    """A node's database: one connection per thread, explicit transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.kind = "postgresql" if layer.is_postgres(url) else "sqlite"
        if self.kind == "sqlite":
            self.path: Path = layer.sqlite_path(url)
        self.engine = layer.engine(url)
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        # Set by the node that owns this database: the key its audit checkpoints are signed with.
        self.audit_signer: Any = None

    # -- connections ------------------------------------------------------------------------------

    @property
    def connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = layer.connect(self.engine)
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
        """Run one statement and return its result (``fetchone``, ``fetchall``, ``rowcount``)."""
        return self._run(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._run(sql, [tuple(row) for row in rows])

    def _run(self, sql: str, params: Any) -> Any:
        from sqlalchemy.exc import DBAPIError

        try:
            return self.connection.exec_driver_sql(self._sql(sql), params)
        except DBAPIError as exc:
            # The node's callers (and its tests) know the driver's errors, e.g. an audit guard's refusal.
            if exc.orig is None:
                raise
            raise exc.orig from exc

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
        try:
            with layer.transaction(connection):
                yield self
        finally:
            self._local.depth = 0

    def create_schema(self) -> None:
        """Bring the database to the newest schema (a no-op when it is there); refuse one from a newer Kizuna."""
        layer.migrate(self.engine, "exchange")
