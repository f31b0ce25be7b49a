"""Screening a file of parties (CSV or xlsx) on every core, keeping input order.

Every input row appears in the output: screened (with its hits, or "no hits"), or "not screened" with the reason
(an empty name, an unknown country…), which is also reported with its file, line and field. A header that names
a column twice is refused, since either column could be the one meant.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kizuna import __version__
from kizuna.core.errors import InputError
from kizuna.core.tables import table_rows
from kizuna.screening.forms import warm_up
from kizuna.screening.model import Query
from kizuna.screening.options import Options, make_query
from kizuna.screening.report import HitWriter, open_report, output_format
from kizuna.screening.screener import Screener

_CHUNK = 50  # rows per task: small, so that the last tasks leave no worker idle for long
_WARM_UP_ROWS = 400  # rows read before forking to see which scripts the file uses
INPUT_FORMATS = (".csv", ".xlsx", ".parquet")
# What each column holds -> its default header; headers are matched without regard to case.
DEFAULT_COLUMNS = {"name": "name", "id": "id", "country": "country", "type": "type", "dob": "dob"}


@dataclass(slots=True)
class BatchReport:
    rows: int = 0
    screened: int = 0
    with_hits: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.screened / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its fields as written, and the query made of them or why none could be made."""

    line: int
    fields: dict[str, str]
    query: Query | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Columns:
    """The header naming each field; ``given`` are those the user named, which must then be present."""

    headers: dict[str, str]
    given: frozenset[str] = frozenset()

    @classmethod
    def named(cls, **headers: str | None) -> Columns:
        given = {role: header for role, header in headers.items() if header}
        unknown = set(given) - set(DEFAULT_COLUMNS)
        if unknown:
            raise ValueError(f"unknown column roles: {sorted(unknown)}")
        return cls({**DEFAULT_COLUMNS, **given}, frozenset(given))


def check_paths(input_path: Path, output_path: Path) -> None:
    """Refuse, before any work, an input Kizuna cannot read or an output that is a folder or the input itself."""
    if input_path.suffix.lower() not in INPUT_FORMATS:
        raise InputError(f"cannot read {input_path.suffix or 'a file without extension'!r}: give a .csv, "
                         ".xlsx or .parquet file", path=input_path)
    if not input_path.is_file():
        raise InputError("no such file" if not input_path.exists() else "not a file", path=input_path)
    if output_path.is_dir():
        raise InputError("is a folder: give a file name ending in .csv, .xlsx or .jsonl", path=output_path,
                         field="--output")
    output_format(output_path)
    if output_path.exists() and os.path.samefile(input_path, output_path):
        raise InputError("is the input file: writing the results there would destroy it", path=output_path,
                         field="--output")


def read_rows(path: Path, columns: Columns, lists: tuple[str, ...] = ()) -> Iterator[Row]:
    """Every data row of ``path`` (blank rows skipped); InputError for a file or header that cannot be read."""
    records = _records(path)
    header_line, header = next(records, (1, []))
    positions = _positions(header, columns, path, header_line)
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        fields = {role: cells[i].strip() if i < len(cells) else "" for role, i in positions.items()}
        try:
            if len([c for c in cells[len(header):] if c.strip()]):
                raise InputError("more fields than the header has", path=path, line=line)
            query = make_query(fields["name"], country=fields.get("country"), entity_type=fields.get("type", ""),
                               birth_date=fields.get("dob"), lists=lists,
                               fields={role: columns.headers[role] for role in DEFAULT_COLUMNS})
        except InputError as exc:
            located = InputError(exc.message, path=path, line=line, field=exc.field)
            yield Row(line, fields, None, str(located))
        else:
            yield Row(line, fields, query)


def count_rows(path: Path) -> int:
    """How many data rows ``path`` has (blank rows not counted), for the progress bar."""
    records = _records(path)
    next(records, None)
    return sum(1 for _, cells in records if any(cell.strip() for cell in cells))


def _positions(header: list[str], columns: Columns, path: Path, line: int) -> dict[str, int]:
    """Column index of each field the header has; InputError for a missing name or a column named twice."""
    names = [cell.strip().casefold() for cell in header]
    positions = {}
    for role, wanted in columns.headers.items():
        found = [i for i, name in enumerate(names) if name == wanted.strip().casefold()]
        if len(found) > 1:
            raise InputError(f"the header names the {wanted!r} column {len(found)} times (columns "
                             f"{', '.join(str(i + 1) for i in found)}): rename all but one", path=path, line=line)
        if found:
            positions[role] = found[0]
        elif role == "name" or role in columns.given:
            raise InputError(f"no {wanted!r} column in the header (found: {', '.join(header) or 'nothing'})",
                             path=path, line=line)
    return positions


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-blank row of a CSV or the first sheet of an xlsx, cells as text (the shared
    reader: encodings, cell and workbook bounds, file/line errors)."""
    for line, cells in table_rows(path):
        yield line, [_cell_text(value) for value in cells]


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a user sees: 1984 not 1984.0, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_worker: tuple[Screener, Options] | None = None


def _screen_chunk(rows: list[Row]) -> list[dict[str, Any]]:
    assert _worker is not None
    return screen_rows(*_worker, rows)


def screen_rows(screener: Screener, options: Options, rows: list[Row]) -> list[dict[str, Any]]:
    """The output records of ``rows``, in their order (what every way of running a file writes)."""
    return [_result(row, screener.screen(row.query, options.threshold, options.limit) if row.query else [])
            for row in rows]


def _result(row: Row, hits: list[Any]) -> dict[str, Any]:
    status = "not screened" if row.query is None else "hits" if hits else "no hits"
    return {"line": row.line, "id": row.fields.get("id") or str(row.line - 1), **_party(row), "status": status,
            "error": row.error, "hits": [hit.summary() for hit in hits]}


def _party(row: Row) -> dict[str, str]:
    return {role: row.fields.get(role, "") for role in ("name", "country", "type", "dob")}


def chunks(rows: Iterator[Row], size: int = _CHUNK) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_metadata(screener: Screener, input_path: Path, options: Options, columns: Columns) -> dict[str, Any]:
    """What a filed report must say about how it was made."""
    screened = options.lists or tuple(screener.lists)
    return {
        "kizuna_version": __version__,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "snapshot": screener.snapshot_id,
        "lists": [{"code": code, "data_date": screener.lists[code]} for code in screened],
        "threshold": options.threshold,
        "limit": options.limit,
        "input": str(input_path),
        "input_sha256": _sha256(input_path),
        "columns": {role: columns.headers[role] for role in DEFAULT_COLUMNS},
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def screen_file(
    screener: Screener,
    input_path: Path,
    output_path: Path,
    *,
    options: Options | None = None,
    columns: Columns | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Screen every row of ``input_path`` into ``output_path`` (its format from its extension; input order;
    atomic: a failed run leaves no partial file). ``cluster`` runs the screening on Dask workers instead of local
    processes: a scheduler address, or ``local:N`` for a cluster of N worker processes on this machine
    (:mod:`kizuna.screening.cluster`)."""
    global _worker
    check_paths(input_path, output_path)
    options = options or Options((), screener.threshold, 25)
    columns = columns or Columns.named()
    rows = read_rows(input_path, columns, options.lists)
    # Reading the first rows reads the header: a bad one stops the run before anything is written.
    first = list(itertools.islice(rows, _WARM_UP_ROWS))
    # Once, before forking, so that the workers share the dictionaries instead of each loading them: those of
    # the scripts the file starts with (a Latin file never loads the CJK ones; a worker loads a script first met
    # later by itself).
    warm_up(row.query.name for row in first if row.query)
    report = BatchReport()
    started = time.perf_counter()
    _worker = (screener, options)
    processes = workers or os.cpu_count() or 1
    everything = itertools.chain(first, rows)
    with open_report(output_path, run_metadata(screener, input_path, options, columns)) as out:
        if cluster:
            from kizuna.screening.cluster import screen_on_cluster  # dask only when asked for

            for results in screen_on_cluster(cluster, screener, options, everything):
                _add(out, results, report, progress)
        elif processes > 1:
            # Fork after the index is loaded: the workers share it copy-on-write instead of reloading it.
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                for results in pool.imap(_screen_chunk, chunks(everything)):
                    _add(out, results, report, progress)
        else:
            for chunk in chunks(everything):
                _add(out, _screen_chunk(chunk), report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _add(out: HitWriter, results: list[dict[str, Any]], report: BatchReport,
         progress: Callable[[int], None] | None) -> None:
    for result in results:
        out.add(result)
        report.rows += 1
        if result["error"]:
            report.errors.append(result["error"])
        else:
            report.screened += 1
            report.with_hits += bool(result["hits"])
    if progress:
        progress(len(results))
