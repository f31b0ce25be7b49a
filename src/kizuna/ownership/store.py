"""Loaded graphs, kept in the ownership database (``$KIZUNA_HOME/ownership/ownership.db``, on ``kizuna.core.db``).

Each save is one transaction. Graphs loaded by Kizuna 45fbcb3 and earlier were JSON files under
``$KIZUNA_HOME/ownership/graphs/``: the store's first migration imports them (and leaves them there as a backup).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kizuna.core import db
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import home
from kizuna.ownership.load import load_file
from kizuna.ownership.model import Graph

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


@dataclass(frozen=True, slots=True)
class StoredGraph:
    name: str
    source: str
    source_format: str
    parties: int
    edges: int
    claims: int
    loaded_at: str
    sha256: str


_COLUMNS = "name, source, source_format, parties, edges, claims, loaded_at, sha256"


def _run(connection: Connection, sql: str, **params: Any) -> Any:
    from sqlalchemy import text  # imported here: opening Kizuna must not pay for SQLAlchemy

    return connection.execute(text(sql), params)


@contextmanager
def _connection() -> Iterator[Connection]:
    """A connection to the store, brought to the newest schema first (importing older JSON graphs once)."""
    engine = db.engine(str(home() / "ownership" / "ownership.db"))
    db.migrate(engine, "ownership")
    with closing(db.connect(engine)) as connection:
        yield connection


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InputError(f"graph name {name!r}: use letters, digits, '.', '_' or '-' (at most 80)", field="name")
    return name


def save(name: str, graph: Graph, source_bytes: bytes = b"") -> StoredGraph:
    """Store a graph under ``name``, replacing an earlier one only once the new one is fully written."""
    check_name(name)
    info = StoredGraph(name, graph.source, graph.source_format, len(graph.parties), len(graph.edges),
                       len(graph.claims), datetime.now(UTC).isoformat(timespec="seconds"),
                       hashlib.sha256(source_bytes).hexdigest())
    row = {**asdict(info), "graph": json.dumps(graph.to_dict(), ensure_ascii=False)}
    with _connection() as connection, db.transaction(connection):
        _run(connection, "DELETE FROM graphs WHERE name = :name", name=name)
        _run(connection, f"INSERT INTO graphs ({_COLUMNS}, graph) VALUES (:name, :source, :source_format, :parties, "
             ":edges, :claims, :loaded_at, :sha256, :graph)", **row)
    return info


def load_and_save(path: str | Path, name: str | None = None, fmt: str = "auto") -> StoredGraph:
    """Read a file (validating it) and store it; a file that fails leaves any stored graph of that name intact."""
    source = Path(path)
    graph = load_file(source, fmt)
    raw = source.read_bytes() if source.is_file() else b"".join(p.read_bytes() for p in sorted(source.rglob("*.json")))
    return save(name or _default_name(source), graph, raw)


def _default_name(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem if path.is_file() else path.name).strip("-.")
    return stem[:80] or "graph"


def open_graph(name: str) -> Graph:
    """A stored graph by name."""
    check_name(name)
    with _connection() as connection:
        stored = _run(connection, "SELECT graph FROM graphs WHERE name = :name", name=name).scalar()
    if stored is None:
        raise NotFoundError(f"no loaded graph {name!r}: load one with `kizuna ownership load FILE --name {name}`")
    return Graph.from_dict(json.loads(stored))


def list_graphs() -> list[StoredGraph]:
    """Every stored graph, by name."""
    with _connection() as connection:
        rows = _run(connection, f"SELECT {_COLUMNS} FROM graphs ORDER BY name").mappings().all()
    return [StoredGraph(**row) for row in rows]


def resolve_source(source: str) -> Graph:
    """A graph from a file path, or else from a stored graph of that name."""
    path = Path(source)
    if path.exists():
        return load_file(path)
    return open_graph(source)
