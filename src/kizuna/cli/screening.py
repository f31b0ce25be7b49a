"""``kizuna screen`` and ``kizuna screen-file``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kizuna.cli.lists import warn_if_stale
from kizuna.cli.output import console, errors, print_json
from kizuna.core.countries import to_alpha2
from kizuna.core.errors import InputError
from kizuna.screening.batch import parse_type, screen_file
from kizuna.screening.model import Query
from kizuna.screening.service import get_screener

ListsOption = Annotated[str | None, typer.Option("--lists", help="Comma-separated list codes (default: all).")]
ThresholdOption = Annotated[float | None, typer.Option(help="Minimum score 0-1 (default from scoring.yaml).")]


def _lists(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip()) if value else ()


def screen(
    name: Annotated[str, typer.Argument(help="The party's name, in any script.")],
    country: Annotated[str | None, typer.Option(help="ISO 3166 alpha-2 country of the party.")] = None,
    type_: Annotated[str, typer.Option("--type", help="person, organization or any.")] = "any",
    dob: Annotated[str | None, typer.Option(help="Date or year of birth (persons).")] = None,
    lists: ListsOption = None,
    threshold: ThresholdOption = None,
    limit: Annotated[int, typer.Option(help="Most hits to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Screen one party against every loaded list."""
    code = to_alpha2(country) if country else None
    if country and code is None:
        raise InputError(f"unknown country {country!r} (use an ISO 3166 alpha-2 code)", field="--country")
    try:
        entity_type = parse_type(type_)
    except ValueError as exc:
        raise InputError(str(exc), field="--type") from exc
    screener = get_screener()
    warn_if_stale(screener.snapshot_id, _lists(lists))
    query = Query(name, code, entity_type, dob, _lists(lists))
    hits = screener.screen(query, threshold, limit)
    if as_json:
        print_json({"query": name, "snapshot": screener.snapshot_id,
                    "threshold": screener.threshold if threshold is None else threshold,
                    "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        console.print(f"no hits for {name!r} at threshold "
                      f"{screener.threshold if threshold is None else threshold:.2f} (snapshot {screener.snapshot_id})")
        return
    table = Table(show_lines=True)
    table.add_column("score", justify="right")
    table.add_column("list")
    table.add_column("listed entry", overflow="fold")
    table.add_column("why", overflow="fold", ratio=3)
    for hit in hits:
        table.add_row(f"{hit.score:.2f}", hit.list_code, f"{hit.name}\n[dim]{hit.entry_id} · {hit.data_date}\n"
                      f"{hit.source_url}[/]", hit.explanation)
    console.print(table)


def screen_file_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.csv", help="CSV with a 'name' column; "
                                               "optional id, country (ISO alpha-2), type.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the JSON Lines results.")],
    lists: ListsOption = None,
    threshold: ThresholdOption = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: every core).")] = None,
) -> None:
    """Screen every row of a CSV file into a JSON Lines file, in input order."""
    screener = get_screener()
    warn_if_stale(screener.snapshot_id, _lists(lists))
    show_progress = errors.is_terminal
    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=errors, disable=not show_progress) as progress:
        task = progress.add_task("rows", total=None)
        report = screen_file(screener, input_path, output, lists=_lists(lists), threshold=threshold,
                             workers=workers, progress=lambda n: progress.advance(task, n))
    for message in report.errors:
        errors.print(f"[yellow]skipped:[/] {message}", soft_wrap=True)
    console.print(f"{report.screened:,} rows screened ({report.with_hits:,} with hits, {len(report.errors)} skipped) "
                  f"in {report.seconds:.2f} s, {report.rate:,.0f} rows/s → {output}")


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
    app.command("screen-file")(screen_file_command)
