"""The file ``kizuna screen-file`` writes: CSV, xlsx or JSON Lines, as the output's extension names.

Each carries the run's metadata first (Kizuna version, snapshot, the lists screened and their data dates, the
threshold, the time, the input file), then one record per input row in input order: the row's fields, whether
it was screened ("hits", "no hits" or "not screened" with the reason) and every hit with its explanation and
source. A CSV or xlsx has one line per hit (a row with no hit, or not screened, has one line without a hit).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook

from kizuna.core.atomic import atomic_writer
from kizuna.core.errors import InputError
from kizuna.core.tables import SafeCsvWriter, neutralise

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
PARTY_COLUMNS = ("line", "id", "name", "country", "type", "dob", "status", "error")
HIT_COLUMNS = ("hits", "rank", "score", "list", "entry_id", "listed_name", "matched_name", "data_date",
               "explanation", "source_url")
COLUMNS = PARTY_COLUMNS + HIT_COLUMNS


class HitWriter(Protocol):
    def add(self, result: dict[str, Any]) -> None: ...


def output_format(path: Path) -> str:
    """The format ``path``'s extension names; InputError for any other extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the output format from {path.suffix or 'no extension'!r}: name the file "
                         f"{', '.join(sorted(FORMATS))}", path=path, field="--output")
    return fmt


@contextmanager
def open_report(path: Path, run: dict[str, Any]) -> Iterator[HitWriter]:
    """A report at ``path`` in the format its extension names, written atomically when the block ends."""
    fmt = output_format(path)
    if fmt == "xlsx":
        with atomic_writer(path, "wb") as handle:
            workbook = Workbook(write_only=True)
            report = _Xlsx(workbook, run)
            yield report
            workbook.save(handle)
        return
    with atomic_writer(path) as handle:
        yield _Jsonl(handle, run) if fmt == "jsonl" else _Csv(handle, run)


def result_lines(result: dict[str, Any]) -> list[list[Any]]:
    """A result as table lines: one per hit, or one without a hit."""
    party = [result.get(column, "") if result.get(column) is not None else "" for column in PARTY_COLUMNS]
    hits = result["hits"]
    if not hits:
        return [party + [0] + [""] * (len(HIT_COLUMNS) - 1)]
    return [[*party, len(hits), rank, hit["score"], hit["list"], hit["entry_id"], hit["name"], hit["matched_name"],
             hit["data_date"], hit["explanation"], hit["source_url"]]
            for rank, hit in enumerate(hits, start=1)]


def run_lines(run: dict[str, Any]) -> list[tuple[str, str]]:
    """The run's metadata as (key, value) text pairs."""
    lines = []
    for key, value in run.items():
        if key == "lists":
            value = "; ".join(f"{item['code']} ({item['data_date']})" for item in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}={v}" for k, v in value.items())
        lines.append((key, str(value)))
    return lines


class _Jsonl:
    """The run as the first record (``{"run": ...}``), then one record per row."""

    def __init__(self, handle: IO[str], run: dict[str, Any]) -> None:
        self.handle = handle
        self._write({"run": run})

    def add(self, result: dict[str, Any]) -> None:
        self._write(result)

    def _write(self, record: dict[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")


class _Csv:
    """A block of ``# key: value`` lines (pandas reads past them with ``comment='#'``), the header, one line
    per hit."""

    def __init__(self, handle: IO[str], run: dict[str, Any]) -> None:
        for key, value in run_lines(run):
            # Written as they are, not as CSV cells: quoting would hide the '#' from a reader's comment rule.
            handle.write(f"# {key}: {' '.join(value.splitlines())}\r\n")
        self.writer = SafeCsvWriter(handle, lineterminator="\r\n")
        self.writer.writerow(COLUMNS)

    def add(self, result: dict[str, Any]) -> None:
        self.writer.writerows(result_lines(result))


class _Xlsx:
    """A "results" sheet (one line per hit) and a "run" sheet with the metadata."""

    def __init__(self, workbook: Workbook, run: dict[str, Any]) -> None:
        self.results = workbook.create_sheet("results")
        _append_rows(self.results, [list(COLUMNS)])
        _append_rows(workbook.create_sheet("run"), [["key", "value"], *map(list, run_lines(run))])

    def add(self, result: dict[str, Any]) -> None:
        _append_rows(self.results, result_lines(result))


def _append_rows(sheet: Any, rows: list[list[Any]]) -> None:
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])  # text a spreadsheet would run stays text
