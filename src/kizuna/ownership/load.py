"""Read any supported input into a Graph: detect the format, dispatch to its loader."""

from __future__ import annotations

import json
from pathlib import Path

from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.text import read_text
from kizuna.ownership.bods import load_bods
from kizuna.ownership.consistency import check_graph
from kizuna.ownership.csvfile import load_csv
from kizuna.ownership.ftm import load_ftm
from kizuna.ownership.gleif import load_gleif
from kizuna.ownership.model import Graph

FORMATS = ("csv", "bods", "gleif", "ftm")


def detect_format(path: Path) -> str:
    """csv, bods, gleif or ftm, from the extension and the first record."""
    if path.is_dir():
        return "gleif"
    if path.suffix.lower() == ".csv":
        return "csv"
    head = read_text(path)[:65536]
    text = head.lstrip()
    if text.startswith("{") and '"data"' in head and ("relationship-records" in head or "lei-records" in head):
        return "gleif"
    first: object = None
    try:
        first = json.loads(text.splitlines()[0]) if text.startswith("{") else None
    except (json.JSONDecodeError, IndexError, RecursionError):
        first = None
    if text.startswith("["):
        if '"statementId"' in head or '"recordType"' in head:
            return "bods"
        if '"schema"' in head:
            return "ftm"
    if isinstance(first, dict):
        if "statementId" in first or "recordType" in first:
            return "bods"
        if "schema" in first:
            return "ftm"
    raise InputError("cannot tell the format (csv, bods, gleif or ftm): pass --format", path=path)


def load_file(path: str | Path, fmt: str = "auto") -> Graph:
    """Load an ownership file in any supported format; InputError when it is malformed or inconsistent."""
    source = Path(path)
    if not source.exists():
        raise NotFoundError(f"no such file: {source}")
    chosen = detect_format(source) if fmt == "auto" else fmt
    if chosen not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (auto, {', '.join(FORMATS)})", field="--format")
    loader = {"csv": load_csv, "bods": load_bods, "gleif": load_gleif, "ftm": load_ftm}[chosen]
    graph = loader(source)
    check_graph(graph)
    return graph
