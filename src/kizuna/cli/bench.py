"""``kizuna bench …``: speed and memory figures, each printed beside a baseline from the same run."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import console
from kizuna.lists.store import SnapshotStore
from kizuna.screening.index import CACHE_NAME, ScreeningIndex
from kizuna.screening.service import ensure_current

app = typer.Typer(help="Benchmarks.", no_args_is_help=True)


@app.command("index")
def index(repeat: Annotated[int, typer.Option(help="Load repetitions.")] = 3) -> None:
    """Time to build the screening index of the current snapshot and to load it from its cache."""
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    started = time.perf_counter()
    entries = list(snapshot.entries())
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    built = ScreeningIndex.build(entries, snapshot.id)
    build_seconds = time.perf_counter() - started
    loads = []
    for _ in range(repeat):
        started = time.perf_counter()
        ScreeningIndex.load(snapshot.path / CACHE_NAME)
        loads.append(time.perf_counter() - started)
    table = Table(title=f"screening index, snapshot {snapshot.id}")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_row(f"read {len(entries):,} entries from the snapshot", f"{read_seconds:.2f}")
    table.add_row(f"build index ({len(built.name_text):,} names, {len(built.words):,} words)", f"{build_seconds:.2f}")
    table.add_row(f"load index from cache (best of {repeat})", f"{min(loads):.2f}")
    console.print(table)
