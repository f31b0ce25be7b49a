"""Loaded graphs, kept as JSON under ``$KIZUNA_HOME/ownership/graphs/`` (each write atomic)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import home
from kizuna.ownership.load import load_file
from kizuna.ownership.model import Graph

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


def graphs_dir() -> Path:
    return home() / "ownership" / "graphs"


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
    payload = {"info": asdict(info), "graph": graph.to_dict()}
    atomic_write_text(graphs_dir() / f"{name}.json", json.dumps(payload, ensure_ascii=False))
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
    return Graph.from_dict(_read(name)["graph"])


def _read(name: str) -> dict[str, Any]:
    check_name(name)
    target = graphs_dir() / f"{name}.json"
    if not target.exists():
        raise NotFoundError(f"no loaded graph {name!r}: load one with `kizuna ownership load FILE --name {name}`")
    data: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return data


def list_graphs() -> list[StoredGraph]:
    """Every stored graph, by name."""
    folder = graphs_dir()
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        found.append(StoredGraph(**json.loads(path.read_text(encoding="utf-8"))["info"]))
    return found


def resolve_source(source: str) -> Graph:
    """A graph from a file path, or else from a stored graph of that name."""
    path = Path(source)
    if path.exists():
        return load_file(path)
    return open_graph(source)
