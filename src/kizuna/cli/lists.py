"""``kizuna lists …``: what is loaded, loading newer files, and what changed."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import console, print_json, warn
from kizuna.lists.freshness import freshness
from kizuna.lists.store import Snapshot, SnapshotStore
from kizuna.screening.service import build_index_cache

app = typer.Typer(help="List sources: status, loading, updates and diffs.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _report_warnings(snapshot: Snapshot, only: list[str] | None = None) -> None:
    for status in snapshot.lists():
        if only is not None and status.code not in only:
            continue  # a carried-over list's warnings were shown when it was loaded
        for message in status.warnings:
            warn(f"{status.code}: {message}")


def warn_if_stale(snapshot_id: str, codes: tuple[str, ...] = ()) -> None:
    """One warning naming every screened list (``codes``, default all) that is past its publisher's cadence."""
    snapshot = SnapshotStore().open(snapshot_id)
    try:
        stale = [fresh for row in snapshot.lists() if not codes or row.code in codes
                 if (fresh := freshness(row.code, row.data_date)).stale]
    finally:
        snapshot.close()
    if stale:
        names = ", ".join(f"{f.code} ({'?' if f.age_days is None else f.age_days} d)" for f in stale)
        warn(f"screening against {len(stale)} STALE list(s), older than their publisher's update cadence: {names}. "
             "A stale list misses recent designations; see `kizuna lists status`")


@app.command("status")
def status(as_json: JsonOption = False) -> None:
    """Each loaded list: entries, data date, age (STALE past its publisher's cadence) and source."""
    store = SnapshotStore()
    snapshot = store.open()
    rows = [(row, freshness(row.code, row.data_date)) for row in snapshot.lists()]
    if as_json:
        print_json({"snapshot": snapshot.id, "created": snapshot.meta.get("created"),
                    "lists": [{**asdict(r), "age_days": f.age_days, "stale": f.stale,
                               "stale_after_days": f.stale_after_days} for r, f in rows]})
        return
    table = Table(title=f"Snapshot {snapshot.id} ({snapshot.meta.get('note')})", title_justify="left")
    for column in ("list", "name", "entries", "data date", "age", "source"):
        table.add_column(column, justify="right" if column in ("entries", "age") else "left",
                         overflow="fold", no_wrap=column in ("data date", "age"))
    for row, fresh in rows:
        age = "?" if fresh.age_days is None else f"{fresh.age_days:,} d"
        table.add_row(row.code, row.name, f"{row.entries:,}", row.data_date,
                      f"{age} [bold red]STALE[/]" if fresh.stale else age, row.source)
    table.add_row("", "total", f"{sum(r.entries for r, _ in rows):,}", "", "", "", style="bold")
    console.print(table)
    stale = [f for _, f in rows if f.stale]
    if stale:
        warn(f"{len(stale)} list(s) are STALE (older than their publisher's update cadence allows, "
             "data/lists/cadence.yaml); fetch current ones with `kizuna lists fetch`, or load files with "
             "`kizuna lists update --from PATH`")


@app.command("load-bundled")
def load_bundled_command(
    force: Annotated[bool, typer.Option(help="Load the bundled lists even over updated (or broken) ones.")] = False,
) -> None:
    """Load the bundled public lists (offline) as the current snapshot."""
    store = SnapshotStore()
    from kizuna.lists.update import Loaded, load_bundled  # the importers: not read by the commands that screen

    snapshot, outcome = load_bundled(store, prepare=build_index_cache, force=force)
    if outcome is Loaded.BUILT:
        console.print(f"loaded bundled lists as snapshot {snapshot.id}: {snapshot.count():,} entries "
                      f"in {len(snapshot.lists())} lists")
        _report_warnings(snapshot)
    elif outcome is Loaded.KEPT:
        console.print(f"kept the current snapshot {snapshot.id} ({snapshot.meta.get('note')}); the bundled lists "
                      "were not loaded over it (use --force to replace it with them)")
    else:
        console.print(f"bundled lists already current (snapshot {snapshot.id}, {snapshot.count():,} entries)")


@app.command("update")
def update(
    source: Annotated[Path, typer.Option("--from", help="A folder (or file) of official list files.")],
    date: Annotated[str | None, typer.Option(help="Data date for files that carry none (YYYY-MM-DD).")] = None,
    confirm_shrink: Annotated[bool, typer.Option(
        "--confirm-shrink", help="Load a list even if it shrinks sharply, loses a kind of record or changes shape "
        "(data/lists/update_checks.yaml).")] = False,
    allow_older: Annotated[bool, typer.Option(
        "--allow-older", help="Load a list even if its data date is older than the current one's.")] = False,
) -> None:
    """Load newer official files as a new snapshot; the previous one stays current until this one is complete."""
    store = SnapshotStore()
    from kizuna.lists.update import update_from

    snapshot, updated = update_from(store, source, data_date=date, prepare=build_index_cache,
                                    confirm_shrink=confirm_shrink, allow_older=allow_older)
    for row in snapshot.lists():
        if row.code in updated:
            console.print(f"  {row.code}: {row.entries:,} entries, data date {row.data_date}")
    console.print(f"snapshot {snapshot.id} is now current: {snapshot.count():,} entries "
                  f"({len(updated)} list(s) updated, the others carried over)")
    _report_warnings(snapshot, only=updated)


@app.command("fetch")
def fetch(
    lists: Annotated[list[str] | None, typer.Argument(
        help="List codes to fetch (default: every list the registry gives a download for).")] = None,
    mirror: Annotated[str | None, typer.Option(
        help="Replace scheme and host of every official URL (an internal mirror), e.g. https://mirror.example")]
    = None,
    every: Annotated[str | None, typer.Option(
        help="Keep running and fetch again at this interval, e.g. 6h (or use the systemd timer in docs/lists.md).")]
    = None,
    confirm_shrink: Annotated[bool, typer.Option(
        "--confirm-shrink", help="Load a list even if it shrinks sharply or changes shape.")] = False,
) -> None:
    """Download lists from their official URLs; changed ones become a new snapshot, nothing else changes."""
    # Here, not at the top: `kizuna screen` imports this module for its stale-list warning, and need not load httpx.
    from kizuna.lists.fetch import fetch_lists, fetchable, parse_every, schedule

    interval = parse_every(every) if every else None

    def run_once() -> int:
        snapshot, outcomes = fetch_lists(SnapshotStore(), lists or None, mirror=mirror, prepare=build_index_cache,
                                         confirm_shrink=confirm_shrink)
        for outcome in outcomes:
            sizes = ", ".join(f"{role} {r['bytes']:,} B sha256 {r['sha256'][:12]}"
                              for role, r in outcome.files.items() if r.get("sha256"))
            line = f"  {outcome.code}: {outcome.status}" + (f" ({sizes})" if sizes else "")
            console.print(line, markup=False)
            if outcome.detail:
                warn(f"{outcome.code}: {outcome.detail}")
        if snapshot is not None:
            loaded = [o.code for o in outcomes if o.status == "loaded"]
            console.print(f"snapshot {snapshot.id} is now current: {snapshot.count():,} entries "
                          f"({len(loaded)} list(s) fetched, the others carried over)")
            _report_warnings(snapshot, only=loaded)
        else:
            console.print("no list changed; the current snapshot stays current")
        return sum(o.status == "failed" for o in outcomes)

    if interval is None:
        if run_once():
            raise typer.Exit(1)
        return
    console.print(f"fetching {', '.join(lists or fetchable())} every {every}; stop with Ctrl-C")
    for _ in schedule(interval, run_once):
        pass


@app.command("snapshots")
def snapshots() -> None:
    """Every stored snapshot, oldest first."""
    store = SnapshotStore()
    current = store.pointer()
    table = Table()
    for column in ("snapshot", "created", "entries", "note", ""):
        table.add_column(column)
    for snapshot_id in store.ids():
        marker = "current" if snapshot_id == current else ""
        if problem := store.problem(snapshot_id):
            table.add_row(snapshot_id, "", "", f"broken: {problem}", marker)
            continue
        snapshot = store.open(snapshot_id)
        meta = snapshot.meta
        table.add_row(snapshot_id, meta.get("created", ""), f"{snapshot.count():,}", meta.get("note", ""), marker)
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
    from kizuna.lists.diff import diff_snapshots

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
