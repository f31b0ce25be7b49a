"""``kizuna screen`` and ``kizuna screen-file``.

Exit codes, for scripts and CI: 0 screened (no hits, or hits without ``--fail-on-hit``); 1 hits with
``--fail-on-hit``; 2 a usage or input error (nothing screened; for ``screen-file``, also when some rows could not be
screened, which the output lists as "not screened").
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from kizuna.cli import STARTED
from kizuna.cli.lists import warn_if_stale
from kizuna.cli.output import console, errors, print_json
from kizuna.core.errors import InputError
from kizuna.screening.api import screen as screen_party
from kizuna.screening.model import Hit
from kizuna.screening.options import Options, check_options, check_party
from kizuna.screening.screener import Screener
from kizuna.screening.service import get_screener

EXIT_HITS = 1  # hits found and --fail-on-hit given
EXIT_INPUT = 2  # a usage or input error: what was asked was not (all) screened

ListsOption = Annotated[str | None, typer.Option("--lists", help="Comma-separated list codes (default: every "
                                                 "loaded list; `kizuna lists status` shows them).")]
ThresholdOption = Annotated[float | None, typer.Option(help="Minimum score from 0 to 1 (default from scoring.yaml).")]
FailOnHitOption = Annotated[bool, typer.Option("--fail-on-hit", help=f"Exit with code {EXIT_HITS} when there is "
                                               "a hit (for scripts and CI).")]
_CLI_FIELDS = {"name": "NAME", "country": "--country", "type": "--type", "birth_date": "--dob", "lists": "--lists",
               "threshold": "--threshold", "limit": "--limit"}


def _options(screener: Screener, lists: str | None, threshold: float | None, limit: int) -> Options:
    codes = None if lists is None else [code for code in lists.split(",") if code.strip()] or [""]
    return check_options(screener.lists, lists=codes, threshold=threshold, default_threshold=screener.threshold,
                         limit=limit, fields=_CLI_FIELDS)


def screen(
    name: Annotated[str, typer.Argument(help="The party's name, in any script.")],
    country: Annotated[str | None, typer.Option(help="ISO 3166 alpha-2 country of the party.")] = None,
    type_: Annotated[str, typer.Option("--type", help="person, organization or any.")] = "any",
    dob: Annotated[str | None, typer.Option(help="Date of birth (persons): YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    lists: ListsOption = None,
    threshold: ThresholdOption = None,
    limit: Annotated[int, typer.Option(help="Most hits to show (1-200).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    fail_on_hit: FailOnHitOption = False,
) -> None:
    """Screen one party against every loaded list."""
    party = check_party(name, country=country, entity_type=type_, birth_date=dob, fields=_CLI_FIELDS)
    screener = get_screener()
    options = _options(screener, lists, threshold, limit)
    hits = screen_party(party, lists=options.lists, threshold=options.threshold, limit=options.limit,
                        screener=screener)
    warn_if_stale(screener.snapshot_id, options.lists)
    if as_json:
        print_json({"query": party.name, "snapshot": screener.snapshot_id, "threshold": options.threshold,
                    "lists": {code: screener.lists[code] for code in options.lists or screener.lists},
                    "hits": [h.to_dict() for h in hits]})
    elif not hits:
        console.print(f"no hits for {party.name!r} at threshold {options.threshold:.2f} in "
                      f"{len(options.lists or screener.lists)} list(s) (snapshot {screener.snapshot_id})",
                      markup=False, soft_wrap=True)
    else:
        console.print(_table(hits))
    if hits and fail_on_hit:
        raise typer.Exit(EXIT_HITS)


def _table(hits: list[Hit]) -> Table:
    table = Table(show_lines=True)
    table.add_column("score", justify="right")
    table.add_column("list")
    table.add_column("listed entry", overflow="fold")
    table.add_column("why", overflow="fold", ratio=3)
    for hit in hits:
        table.add_row(f"{hit.score:.2f}", hit.list_code, f"{escape(hit.name)}\n[dim]{hit.entry_id} · "
                      f"{hit.data_date}\n{hit.source_url}[/]", escape(hit.explanation))
    return table


def screen_file_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="A .csv (UTF-8) or .xlsx file (first sheet) "
                                               "with a 'name' column; optional id, country (ISO alpha-2), type, "
                                               "dob.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the results: .csv, .xlsx or "
                                         ".jsonl (the extension names the format).")],
    lists: ListsOption = None,
    threshold: ThresholdOption = None,
    limit: Annotated[int, typer.Option(help="Most hits per row (1-200).")] = 25,
    name_column: Annotated[str | None, typer.Option(help="Header of the name column (default 'name').")] = None,
    id_column: Annotated[str | None, typer.Option(help="Header of your reference column (default 'id').")] = None,
    country_column: Annotated[str | None, typer.Option(help="Header of the country column (default "
                                                       "'country').")] = None,
    type_column: Annotated[str | None, typer.Option(help="Header of the type column (default 'type').")] = None,
    dob_column: Annotated[str | None, typer.Option(help="Header of the date-of-birth column (default "
                                                   "'dob').")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Processes (default: every core).")] = None,
    dask: Annotated[str | None, typer.Option("--dask", metavar="ADDRESS", help="Screen on a Dask cluster: its "
                                             "scheduler address (tcp://host:8786), or local:N for N worker "
                                             "processes on this machine.")] = None,
    fail_on_hit: FailOnHitOption = False,
) -> None:
    """Screen every row of a CSV or xlsx file, in input order, into a CSV, xlsx or JSON Lines report."""
    from kizuna.screening.batch import Columns, check_paths, count_rows, screen_file  # xlsx and report writers

    columns = Columns.named(name=name_column, id=id_column, country=country_column, type=type_column,
                            dob=dob_column)
    check_paths(input_path, output)  # before counting the rows for the progress bar
    if dask and workers:
        raise InputError("--workers is for local processes; a Dask cluster has its own workers", field="--dask")
    screener = get_screener()
    options = _options(screener, lists, threshold, limit)
    warn_if_stale(screener.snapshot_id, options.lists)
    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=errors,
                  disable=not errors.is_terminal) as progress:
        task = progress.add_task("rows", total=count_rows(input_path) if errors.is_terminal else None)
        report = screen_file(screener, input_path, output, options=options, columns=columns, workers=workers,
                             cluster=dask, progress=lambda n: progress.advance(task, n))
    for message in report.errors:
        errors.print(f"[yellow]not screened:[/] {escape(message)}", soft_wrap=True)
    elapsed = time.perf_counter() - STARTED
    console.print(f"{report.screened:,} rows screened ({report.with_hits:,} with hits, {len(report.errors)} not "
                  f"screened) in {elapsed:.2f} s including start-up ({report.seconds:.2f} s screening, "
                  f"{report.rate:,.0f} rows/s) → {output}", markup=False, soft_wrap=True)
    if report.errors:
        raise typer.Exit(EXIT_INPUT)
    if report.with_hits and fail_on_hit:
        raise typer.Exit(EXIT_HITS)


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
    app.command("screen-file")(screen_file_command)
