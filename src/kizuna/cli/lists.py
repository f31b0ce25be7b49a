"""``kizuna lists …``: what is loaded, loading newer files, and what changed."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import console, print_json, warn
from kizuna.lists.diff import diff_snapshots
from kizuna.lists.store import Snapshot, SnapshotStore
from kizuna.lists.update import load_bundled, update_from
from kizuna.screening.service import build_index_cache

app = typer.Typer(help="List sources: status, loading, updates and diffs.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _report_warnings(snapshot: Snapshot, only: list[str] | None = None) -> None:
    for status in snapshot.lists():
        if only is not None and status.code not in only:
            continue  # a carried-over list's warnings were shown when it was loaded
        for message in status.warnings:
            warn(f"{status.code}: {message}")


@app.command("status")
def status(as_json: JsonOption = False) -> None:
    """Each loaded list: entries, data date and source."""
    store = SnapshotStore()
    snapshot = store.open()
    rows = snapshot.lists()
    if as_json:
        print_json({"snapshot": snapshot.id, "created": snapshot.meta.get("created"),
                    "lists": [asdict(r) for r in rows]})
        return
    table = Table(title=f"Snapshot {snapshot.id} ({snapshot.meta.get('note')})", title_justify="left")
    for column in ("list", "name", "entries", "data date", "source"):
        table.add_column(column, justify="right" if column == "entries" else "left", overflow="fold")
    for row in rows:
        table.add_row(row.code, row.name, f"{row.entries:,}", row.data_date, row.source)
    table.add_row("", "total", f"{sum(r.entries for r in rows):,}", "", "", style="bold")
    console.print(table)


@app.command("load-bundled")
def load_bundled_command(
    force: Annotated[bool, typer.Option(help="Rebuild even if the bundled lists are already current.")] = False,
) -> None:
    """Load the bundled public lists (offline) as the current snapshot."""
    store = SnapshotStore()
    snapshot, built = load_bundled(store, prepare=build_index_cache, force=force)
    if built:
        console.print(f"loaded bundled lists as snapshot {snapshot.id}: {snapshot.count():,} entries "
                      f"in {len(snapshot.lists())} lists")
        _report_warnings(snapshot)
    else:
        console.print(f"bundled lists already current (snapshot {snapshot.id}, {snapshot.count():,} entries)")


@app.command("update")
def update(
    source: Annotated[Path, typer.Option("--from", help="A folder (or file) of official list files.")],
    date: Annotated[str | None, typer.Option(help="Data date for files that carry none (YYYY-MM-DD).")] = None,
) -> None:
    """Load newer official files as a new snapshot; the previous one stays current until this one is complete."""
    store = SnapshotStore()
    snapshot, updated = update_from(store, source, data_date=date, prepare=build_index_cache)
    for row in snapshot.lists():
        if row.code in updated:
            console.print(f"  {row.code}: {row.entries:,} entries, data date {row.data_date}")
    console.print(f"snapshot {snapshot.id} is now current: {snapshot.count():,} entries "
                  f"({len(updated)} list(s) updated, the others carried over)")
    _report_warnings(snapshot, only=updated)


@app.command("snapshots")
def snapshots() -> None:
    """Every stored snapshot, oldest first."""
    store = SnapshotStore()
    current = store.current_id()
    table = Table()
    for column in ("snapshot", "created", "entries", "note", ""):
        table.add_column(column)
    for snapshot_id in store.ids():
        snapshot = store.open(snapshot_id)
        meta = snapshot.meta
        table.add_row(snapshot_id, meta.get("created", ""), f"{snapshot.count():,}", meta.get("note", ""),
                      "current" if snapshot_id == current else "")
        snapshot.close()
    console.print(table)


@app.command("diff")
def diff(
    old: Annotated[str | None, typer.Argument(help="Older snapshot id (default: the one before the current).")] = None,
    new: Annotated[str | None, typer.Argument(help="Newer snapshot id (default: the current one).")] = None,
    limit: Annotated[int, typer.Option(help="Entries to show per list and kind of change.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Entries added, removed and changed between two snapshots."""
    store = SnapshotStore()
    ids = store.ids()
    new_snapshot = store.open(new)
    if old is None:
        earlier = [i for i in ids if i < new_snapshot.id]
        if not earlier:
            raise typer.BadParameter("only one snapshot exists; load newer files with `kizuna lists update`")
        old = earlier[-1]
    old_snapshot = store.open(old)
    diffs = diff_snapshots(old_snapshot, new_snapshot)
    if as_json:
        print_json({"old": old_snapshot.id, "new": new_snapshot.id, "lists": [asdict(d) for d in diffs]})
        return
    console.print(f"{old_snapshot.id} → {new_snapshot.id}")
    if not diffs:
        console.print("no differences")
    for d in diffs:
        console.print(f"[bold]{d.code}[/]: {len(d.added):,} added, {len(d.removed):,} removed, "
                      f"{len(d.changed):,} changed")
        for label, items in (("+", d.added), ("-", d.removed), ("~", d.changed)):
            for item in items[:limit]:
                fields = f" ({', '.join(item.fields)})" if item.fields else ""
                console.print(f"  {label} {item.entry_id}  {item.name}{fields}", markup=False)
            if len(items) > limit:
                console.print(f"  {label} … {len(items) - limit:,} more")


@app.command("entry")
def entry(list_code: str, entry_id: str) -> None:
    """One listed entry in full, with its provenance."""
    store = SnapshotStore()
    print_json(store.open().entry(list_code, entry_id).to_dict())
