"""The one database layer for Kizuna's mutable stores: SQLAlchemy engines by URL and Alembic migrations.

A store (the exchange node, the cyber assessments, …) keeps its Alembic revisions in its own package,
``kizuna/<store>/migrations/versions/``, and its version in its own table, ``kizuna_<store>_version``, so several
stores can share one database. ``migrate(engine, store)`` brings the store to the newest revision this Kizuna
knows: it runs when a store is opened, inside one transaction that holds the database's write lock (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so two processes opening one database never race and a failed
migration leaves the previous schema and data intact. A database whose version this Kizuna does not know was
written by a newer one and is refused.

Connections are in autocommit mode: a read sees the latest committed state, and every write goes inside
``transaction(connection)``, all or nothing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from kizuna.core.errors import KizunaError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection, Engine, Result

_PACKAGE = Path(__file__).resolve().parent.parent
# How long a connection waits for another writer (SQLite busy timeout), in milliseconds.
_BUSY_MS = 60_000


class DatabaseError(KizunaError):
    """A database cannot be opened, upgraded or used."""


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer Kizuna: its schema version is unknown here."""


def is_postgres(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database (rather than a SQLite file)."""
    return url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL (``sqlite:///path``) or of a plain path."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else Path(url)


def engine(url: str) -> Engine:
    """An engine for a SQLite file (a path or ``sqlite:///path``) or a PostgreSQL URL (driven by psycopg 3).

    Each store keeps its own connections, so no pool sits between them: closing a connection closes it.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if is_postgres(url):
        driver_url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return create_engine(driver_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    created = create_engine(f"sqlite:///{path}", poolclass=NullPool, isolation_level="AUTOCOMMIT",
                            connect_args={"timeout": _BUSY_MS / 1000, "check_same_thread": False})

    @event.listens_for(created, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={_BUSY_MS}", "foreign_keys=ON"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    return created


def connect(store_engine: Engine) -> Connection:
    """A connection, wrapping a driver error in a message that names the database."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return store_engine.connect()
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseError(f"cannot connect to {store_engine.url.render_as_string()}: {reason}") from exc


@contextlib.contextmanager
def transaction(connection: Connection) -> Iterator[Connection]:
    """All or nothing: committed on a clean exit, rolled back on any error (or a kill).

    On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``), so a read inside it is never
    overtaken by another writer.
    """
    sqlite = connection.dialect.name == "sqlite"
    connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite else "BEGIN")
    try:
        yield connection
    except BaseException:
        connection.exec_driver_sql("ROLLBACK")
        raise
    else:
        connection.exec_driver_sql("COMMIT")


class Store:
    """A store on one connection: opened at a SQLite file or a database URL, brought to its newest schema
    (``migrate``) first; a context manager that closes the connection. Open one per thread or request.

    A subclass names its migrations with ``name`` (``kizuna/<name>/migrations``) and adds its own queries.
    """

    name: ClassVar[str]

    def __init__(self, url: str | Path) -> None:
        """Open (creating or upgrading) the store at ``url``: a SQLite file, ``sqlite:///path`` or a database URL."""
        self.url = str(url)
        self.path = None if is_postgres(self.url) else sqlite_path(self.url)
        self.engine = engine(self.url)
        migrate(self.engine, self.name)
        self.conn = connect(self.engine)

    def close(self) -> None:
        """Close the store's connection."""
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One all-or-nothing write (``transaction`` on the store's connection)."""
        with transaction(self.conn) as conn:
            yield conn

    def run(self, sql: str, params: dict[str, Any] | Sequence[dict[str, Any]] | None = None) -> Result[Any]:
        """Run one statement with ``:name`` parameters (a list of them runs it once per row)."""
        from sqlalchemy import text  # imported here: opening Kizuna must not pay for SQLAlchemy

        return self.conn.execute(text(sql), params if params is not None else {})


# -- migrations -----------------------------------------------------------------------------------

def version_table(store: str) -> str:
    """The table that holds ``store``'s schema version."""
    return f"kizuna_{store}_version"


def scripts_dir(store: str) -> Path:
    """Where ``store``'s Alembic revisions live: ``kizuna/<store>/migrations``."""
    return _PACKAGE / store / "migrations"


@functools.cache
def _config(location: Path) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location))
    return config


@functools.cache
def _scripts(location: Path) -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(location))


def head(store: str, scripts: Path | None = None) -> str:
    """The newest revision of ``store`` this Kizuna knows."""
    revision = _scripts(scripts or scripts_dir(store)).get_current_head()
    if revision is None:
        raise DatabaseError(f"no migrations for the {store} store")
    return revision


def current(connection: Connection, store: str) -> str | None:
    """The revision ``store`` is at in this database (None: never migrated, e.g. a home from before versions)."""
    from sqlalchemy import inspect

    table = version_table(store)
    if not inspect(connection).has_table(table):
        return None
    row = connection.exec_driver_sql(f"SELECT version_num FROM {table}").fetchone()
    return str(row[0]) if row else None


def declared_head(store: str) -> str:
    """The newest revision as ``kizuna/<store>/migrations/__init__.py`` declares it (``HEAD``).

    It spares opening a store at head the import of Alembic; a test checks it against the revisions.
    """
    module = importlib.import_module(f"kizuna.{store}.migrations")
    return str(module.HEAD)


def migrate(store_engine: Engine, store: str, *, scripts: Path | None = None) -> str:
    """Bring ``store`` in this database to the newest revision, in one locked transaction; returns it.

    A database already at the newest revision costs one query. ``scripts`` replaces the store's own revisions
    (tests use it for a revision that fails).
    """
    with contextlib.closing(connect(store_engine)) as connection:
        at, declared = current(connection, store), declared_head(store)
        if scripts is None and at == declared:
            return declared
        location = scripts or scripts_dir(store)
        newest = head(store, location)
        _refuse_unknown(at, store, location, store_engine)
        with transaction(connection):
            if connection.dialect.name == "postgresql":
                # Processes opening one database at once (a node's server and a `sync`) would otherwise take the
                # DDL locks in different orders and deadlock; one waits here instead. The key only has to be fixed.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock(hashtext('kizuna-{store}-schema'))")
            at = current(connection, store)  # another process may have migrated while this one waited
            _refuse_unknown(at, store, location, store_engine)
            if at != newest:
                _run(connection, store, location)
    return newest


def _refuse_unknown(at: str | None, store: str, location: Path, store_engine: Engine) -> None:
    if at is None:
        return
    known = {script.revision for script in _scripts(location).walk_revisions()}
    if at not in known:
        where = store_engine.url.render_as_string(hide_password=True)
        raise NewerDatabaseError(
            f"the {store} store in {where} is at schema version {at}, which this Kizuna does not know (its newest "
            f"is {head(store, location)}): it was written by a newer Kizuna. Upgrade Kizuna to open it")


def _run(connection: Connection, store: str, location: Path) -> None:
    """Run the pending revisions on ``connection``, inside the caller's transaction."""
    from alembic.runtime.environment import EnvironmentContext

    script = _scripts(location)

    def upgrade(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", revision)

    with EnvironmentContext(_config(location), script, fn=upgrade, destination_rev="head") as environment:
        # transactional_ddl with one transaction for the whole run, the caller's: alembic begins none of its own.
        environment.configure(connection=connection, version_table=version_table(store), transactional_ddl=True,
                              transaction_per_migration=False)
        environment.run_migrations()
