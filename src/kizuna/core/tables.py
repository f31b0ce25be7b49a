"""Tables in and out: every CSV or xlsx file Kizuna reads or writes goes through here.

Reading: the text is decoded by ``core.text`` (UTF-8, UTF-8 or UTF-16 with a byte-order mark), a cell longer
than ``max_cell_chars`` (``data/core/input_limits.yaml``) or a broken record is an InputError naming the line
the record starts on, and xlsx workbooks are opened by ``core.xlsx`` (size, ratio and DTD checks first).

Writing: a text cell a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return; OWASP "CSV Injection") gets a leading ``'``, in CSV and xlsx alike, and xlsx cells are always
written as values, never formulas. Reading a table back strips that ``'`` again, so what Kizuna exports it
imports unchanged. A cell that is a plain number ("-12", "+81") cannot run and is left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kizuna.core import text as textfile
from kizuna.core.atomic import atomic_writer
from kizuna.core.errors import InputError
from kizuna.core.limits import SOURCE, limits
from kizuna.core.xlsx import open_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


# ---- reading ---------------------------------------------------------------------------------------------------

class MalformedCsv(InputError):
    """A record the CSV reader cannot parse (an unclosed quote, a stray one in strict mode)."""


def csv_rows(path: Path, text: str | None = None, *, fallback: str | None = None,
             delimiter: str = ",", strict: bool = False) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank record of a CSV file with the line it starts on; InputError (file, line) on a bad one.

    ``text``: the content when the caller decoded it already; ``fallback``: an encoding for files that are not
    UTF-8 (see ``core.text``); ``strict``: refuse quotes out of place (``csv`` strict mode), as in a cut file.
    """
    if text is None:
        text = textfile.read_text(path, fallback)
    yield from _parse_csv(io.StringIO(text, newline=""), path, delimiter=delimiter, strict=strict)


def stream_table(path: Path, *, delimiter: str = ",", strict: bool = False) -> Table:
    """Like :func:`read_table` for a CSV file, read one line at a time (``core.text.stream_lines``), so a file
    of gigabytes (a CEPII BACI year, a UN Comtrade bulk download) costs constant memory; an xlsx file is read
    as :func:`read_table` reads it (its size is bounded by ``core.xlsx``). ``strict``: as for :func:`csv_rows`
    (a quote left open is then an error on its line, not a cell that swallows the rest of the file)."""
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        return read_table(path)
    cells = ((line, [restore(cell) if cell[:1] == _QUOTE else cell for cell in row])  # no call per plain cell
             for line, row in _parse_csv(textfile.stream_lines(path), path, delimiter=delimiter, strict=strict))
    return _table(path, cells)


def _parse_csv(lines: Iterable[str], path: Path, *, delimiter: str, strict: bool) -> Iterator[tuple[int, list[str]]]:
    max_chars = limits().max_cell_chars
    csv.field_size_limit(max_chars)
    reader = csv.reader(lines, delimiter=delimiter, strict=strict)
    line = 0  # where the last record ended: the next one starts on the line after
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if "".join(row).strip():  # a record of blank cells is a blank line
                yield start, row
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(f"a cell is longer than the limit of {max_chars:,} characters ({SOURCE})",
                             path=path, line=line + 1) from exc
        raise MalformedCsv(f"malformed CSV ({exc})", path=path, line=line + 1) from exc


@dataclass(slots=True)
class Table:
    """A table's header (cells stripped) and its rows as (line, cells): text for CSV, values for xlsx."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]

    def require(self, *columns: str) -> None:
        """InputError naming line 1 when a column is missing."""
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise InputError(f"missing column(s): {', '.join(missing)} (found: {', '.join(self.header) or 'nothing'})",
                             path=self.path, line=1, field=missing[0])

    def records(self, *, strict: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
        """Rows as {column: cell}; a short row reads as empty cells. A row with more cells than the header is
        an InputError when ``strict``, else its extra cells are kept under the key ``None``."""
        width = len(self.header)
        for line, cells in self.rows:
            record: dict[Any, Any] = dict(zip(self.header, [*cells, *[""] * (width - len(cells))], strict=False))
            if len(cells) > width:
                if strict:
                    raise InputError(f"{len(cells)} cells but the header has {width}", path=self.path, line=line)
                record[None] = cells[width:]
            yield line, record


def read_table(path: Path, *, sheet: str | None = None, fallback: str | None = None, delimiter: str = ",") -> Table:
    """The sheet named ``sheet`` (else the first) of an xlsx file, or a CSV file, by the file's suffix.

    The header is the first non-blank row; a blank or repeated column name is an InputError (a table with two
    ``name`` columns cannot say which one is meant). Cells Kizuna neutralised on export are restored.
    """
    return _table(path, table_rows(path, sheet=sheet, fallback=fallback, delimiter=delimiter))


def _table(path: Path, rows: Iterator[tuple[int, list[Any]]]) -> Table:
    first = next(rows, None)
    if first is None:
        raise InputError("empty file: expected a header row", path=path, line=1)
    header = [str(cell if cell is not None else "").strip() for cell in first[1]]
    _check_header(header, path, first[0])
    return Table(path, header, rows)


def table_rows(path: Path, *, sheet: str | None = None, fallback: str | None = None,
               delimiter: str = ",", formulas: bool = False) -> Iterator[tuple[int, list[Any]]]:
    """Every non-blank row, header included, as (line, cells) of an xlsx sheet (``sheet``, else the first), a
    Parquet file (line 1 is its column names, line n + 1 its n-th row) or a CSV file, by the file's suffix; cells
    Kizuna neutralised on export are restored.

    ``formulas``: give an xlsx formula cell as its formula (``=…``, for a reader that refuses formulas where it
    expects text) instead of the value a spreadsheet program last cached for it (None when none did)."""
    suffix = path.suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet, formulas)
    if suffix == ".parquet":
        return _parquet_rows(path)
    return ((line, [restore(cell) for cell in cells])
            for line, cells in csv_rows(path, fallback=fallback, delimiter=delimiter))


YES_WORDS = frozenset({"yes", "y", "true", "1"})
NO_WORDS = frozenset({"no", "n", "false", "0"})


def yes_no(value: str, *, path: Path | str, line: int | None, field: str,
           yes: frozenset[str] = frozenset(), no: frozenset[str] = frozenset()) -> bool | None:
    """A yes/no cell: True, False, or None when blank; ``yes``/``no`` add a column's own words (``listed``).
    InputError naming the file, line and field for anything else."""
    text = value.strip().casefold()
    if not text:
        return None
    if text in YES_WORDS | yes:
        return True
    if text in NO_WORDS | no:
        return False
    words = ", ".join(sorted(YES_WORDS | yes | NO_WORDS | no))
    raise InputError(f"{value!r} is not yes or no (one of: {words})", path=path, line=line, field=field)


def _check_header(header: list[str], path: Path, line: int) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"column {name!r} appears twice in the header", path=path, line=line, field=name)
        if name:
            seen.add(name)


def _xlsx_rows(path: Path, sheet: str | None, formulas: bool = False) -> Iterator[tuple[int, list[Any]]]:
    book = open_workbook(path, data_only=not formulas)
    try:
        worksheet = book[sheet] if sheet in book.sheetnames else book.worksheets[0]
        yield from _sheet_rows(worksheet, path)
    finally:
        book.close()


def _parquet_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a Parquet file, read a row group's batch at a time (a file of millions of rows is never held whole);
    a file pyarrow cannot read is an InputError naming it."""
    import pyarrow as pa  # only for Parquet input
    import pyarrow.parquet as pq

    max_chars = limits().max_cell_chars
    try:
        handle = pq.ParquetFile(path)
        yield 1, list(handle.schema_arrow.names)
        line = 1
        for batch in handle.iter_batches(batch_size=10_000):
            for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                line += 1
                if any(isinstance(cell, str) and len(cell) > max_chars for cell in row):
                    raise InputError(f"a cell is longer than the limit of {max_chars:,} characters ({SOURCE})",
                                     path=path, line=line)
                if any(cell not in (None, "") for cell in row):
                    yield line, ["" if cell is None else cell for cell in row]
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {exc}", path=path) from None


def workbook_sheets(path: Path, *, formulas: bool = False) -> Iterator[tuple[str, Iterator[tuple[int, list[Any]]]]]:
    """Every sheet of an xlsx workbook, opened once, as (title, its non-blank rows as ``table_rows`` gives them)."""
    book = open_workbook(path, data_only=not formulas)
    try:
        for worksheet in book.worksheets:
            yield worksheet.title, _sheet_rows(worksheet, path)
    finally:
        book.close()


def _sheet_rows(worksheet: Any, path: Path) -> Iterator[tuple[int, list[Any]]]:
    max_chars = limits().max_cell_chars
    for line, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [restore(cell) if isinstance(cell, str) else cell for cell in row]
        for cell in cells:
            if isinstance(cell, str) and len(cell) > max_chars:
                raise InputError(f"a cell is longer than the limit of {max_chars:,} characters ({SOURCE})",
                                 path=path, line=line, field=worksheet.title)
        if any(cell not in (None, "") for cell in cells):
            yield line, ["" if cell is None else cell for cell in cells]


# ---- writing ---------------------------------------------------------------------------------------------------

def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that could run as a formula gets a leading ``'``
    (as does text already starting with ``'``, so that ``restore`` gives back exactly what was written)."""
    if not isinstance(value, str) or not value or _PLAIN_NUMBER.fullmatch(value):
        return value
    if value.startswith((*FORMULA_STARTS, _QUOTE)):
        return _QUOTE + value
    return value


def restore(value: str) -> str:
    """Undo ``neutralise`` on a cell read back."""
    if value.startswith(_QUOTE) and value[1:].startswith((*FORMULA_STARTS, _QUOTE)):
        return value[1:]
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell is neutralised; for files and for standard output alike."""

    def __init__(self, handle: IO[str], lineterminator: str = "\n") -> None:
        self._writer = csv.writer(handle, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def write_table(path: Path, header: list[str], rows: Iterable[Iterable[Any]], *, sheet_title: str = "Sheet1",
                customise: Callable[[Any, int], None] | None = None) -> int:
    """Write a CSV or xlsx file (by its suffix) atomically, every cell neutralised; the number of rows written.

    ``customise(worksheet, rows)``: for xlsx, add validations or column widths after the cells are written.
    """
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        count = 0
        with atomic_writer(path) as handle:
            writer = SafeCsvWriter(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    if suffix == ".xlsx":
        return _write_xlsx(path, header, rows, sheet_title, customise)
    raise InputError("unsupported file type: use .csv or .xlsx", path=path)


def _write_xlsx(path: Path, header: list[str], rows: Iterable[Iterable[Any]], sheet_title: str,
                customise: Callable[[Any, int], None] | None) -> int:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet_title
    count = 0
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            try:
                cell = worksheet.cell(row=row_number, column=column, value=neutralise(value))
            except IllegalCharacterError as exc:
                raise InputError("a cell holds a control character xlsx cannot store: export CSV instead",
                                 path=path, line=row_number, field=str(header[column - 1]) if column <= len(header)
                                 else None) from exc
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
        count = row_number - 1
    if customise is not None:
        customise(worksheet, count)
    with atomic_writer(path, "wb") as handle:
        book.save(handle)
    return count
