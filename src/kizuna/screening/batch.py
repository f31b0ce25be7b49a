"""Screening a CSV file of parties on every core, keeping input order, skipping (and reporting) bad rows."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kizuna.core.atomic import atomic_writer
from kizuna.core.countries import to_alpha2
from kizuna.core.entity import EntityType
from kizuna.core.errors import InputError
from kizuna.core.tables import read_table
from kizuna.screening.forms import warm_up
from kizuna.screening.model import Query
from kizuna.screening.screener import Screener

_TYPES = {"": EntityType.UNKNOWN, "any": EntityType.UNKNOWN, "person": EntityType.PERSON,
          "individual": EntityType.PERSON, "organization": EntityType.ORGANIZATION,
          "organisation": EntityType.ORGANIZATION, "entity": EntityType.ORGANIZATION,
          "company": EntityType.ORGANIZATION, "vessel": EntityType.VESSEL, "aircraft": EntityType.AIRCRAFT}
_CHUNK = 200


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
    line: int
    id: str
    query: Query


def parse_type(value: str) -> EntityType:
    """A party type as users write it; raises ValueError for anything else."""
    key = value.strip().lower()
    if key not in _TYPES:
        raise ValueError(f"unknown type {value!r} (use person, organization or any)")
    return _TYPES[key]


def read_rows(path: Path, lists: tuple[str, ...], errors: list[str]) -> Iterator[Row]:
    """Valid rows of INPUT.csv; each bad row is described in ``errors`` and skipped."""
    table = read_table(path)
    if "name" not in table.header:
        raise InputError(f"no 'name' column in the header (found: {', '.join(table.header) or 'nothing'})",
                         path=path, line=1)
    for line, record in table.records(strict=False):
        try:
            yield _row(record, line, lists)
        except ValueError as exc:
            errors.append(str(InputError(str(exc.args[0]), path=path, line=line, field=exc.args[1])))


def _row(record: dict[Any, Any], line: int, lists: tuple[str, ...]) -> Row:
    if None in record:
        raise ValueError("more fields than the header has", "name")
    name = (record.get("name") or "").strip()
    if not name:
        raise ValueError("empty name", "name")
    country_text = (record.get("country") or "").strip()
    country = to_alpha2(country_text) if country_text else None
    if country_text and country is None:
        raise ValueError(f"unknown country {country_text!r} (use an ISO 3166 alpha-2 code)", "country")
    try:
        entity_type = parse_type(record.get("type") or "")
    except ValueError as exc:
        raise ValueError(str(exc), "type") from exc
    row_id = (record.get("id") or "").strip() or str(line - 1)
    return Row(line, row_id, Query(name, country, entity_type, None, lists))


_worker: tuple[Screener, float | None] | None = None


def _screen_chunk(rows: list[Row]) -> list[str]:
    assert _worker is not None
    screener, threshold = _worker
    lines = []
    for row in rows:
        hits = screener.screen(row.query, threshold)
        lines.append(json.dumps({"id": row.id, "name": row.query.name, "hits": [h.summary() for h in hits]},
                                ensure_ascii=False))
    return lines


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_file(
    screener: Screener,
    input_path: Path,
    output_path: Path,
    *,
    lists: tuple[str, ...] = (),
    threshold: float | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Screen every valid row of ``input_path`` into ``output_path`` (JSON Lines, input order, atomic)."""
    global _worker
    warm_up()  # once, before forking, so the workers share the dictionaries instead of each loading them
    report = BatchReport()
    started = time.perf_counter()
    _worker = (screener, threshold)
    processes = workers or os.cpu_count() or 1
    rows = read_rows(input_path, lists, report.errors)
    with atomic_writer(output_path) as out:
        if processes > 1:
            # Fork after the index is loaded: the workers share it copy-on-write instead of reloading it.
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                for lines in pool.imap(_screen_chunk, _chunks(rows)):
                    _write(out, lines, report, progress)
        else:
            for chunk in _chunks(rows):
                _write(out, _screen_chunk(chunk), report, progress)
    report.rows = report.screened + len(report.errors)
    report.seconds = time.perf_counter() - started
    return report


def _write(out: object, lines: list[str], report: BatchReport, progress: Callable[[int], None] | None) -> None:
    for line in lines:
        out.write(line + "\n")  # type: ignore[attr-defined]
        report.screened += 1
        if '"hits": []' not in line:
            report.with_hits += 1
    if progress:
        progress(len(lines))
