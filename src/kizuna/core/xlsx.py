"""Opening an xlsx workbook someone gave Kizuna, after checking it cannot exhaust memory or time.

An xlsx file is a zip of XML parts. Before openpyxl inflates anything, every part's declared size and compression
ratio is checked against ``data/core/input_limits.yaml`` (a 4 MB zip bomb inflating to 1.5 GB is refused in
milliseconds), and every XML part is scanned for a DTD or entity declaration, which no spreadsheet needs and
which entity-expansion attacks rely on. openpyxl itself then parses through defusedxml.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.limits import SOURCE, limits
from kizuna.core.xmlfiles import refuse_dtd


def open_workbook(path: Path, *, data_only: bool = True) -> Any:
    """A read-only openpyxl workbook for ``path``; InputError naming the file (and the part) when it is not a
    readable xlsx file, when it is larger than the limits or when it declares a DTD or entities.

    ``data_only``: read the values a spreadsheet program cached for formula cells, not the formulas.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_archive(path)
    try:
        with warnings.catch_warnings():
            # MOF's workbook defines a print area of #N/A; print settings mean nothing to a reader of cells
            warnings.filterwarnings("ignore", message="Print area cannot be set", category=UserWarning)
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(f"not a readable xlsx workbook ({type(exc).__name__}: {exc})", path=path) from exc


def check_archive(path: Path, kind: str = "xlsx workbook") -> None:
    """Refuse an xlsx zip (or another zip of XML parts: ``kind`` names it, e.g. an ODS spreadsheet) whose parts are
    too large, too highly compressed, or declare a DTD or entities."""
    bounds = limits()
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path) from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable {kind} (not a zip archive)", path=path) from exc
    with archive:
        total = 0
        for part in archive.infolist():
            total += part.file_size
            if part.file_size > bounds.xlsx_max_part_bytes:
                raise InputError(f"part of {part.file_size:,} bytes uncompressed is larger than the limit of "
                                 f"{bounds.xlsx_max_part_bytes:,} ({SOURCE})", path=path, field=part.filename)
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size >= bounds.xlsx_ratio_applies_from_bytes and ratio > bounds.xlsx_max_ratio:
                raise InputError(f"part compressed {ratio:,.0f} times, more than the limit of "
                                 f"{bounds.xlsx_max_ratio:,.0f} ({SOURCE}): a zip bomb?", path=path,
                                 field=part.filename)
        if total > bounds.xlsx_max_total_bytes:
            raise InputError(f"{total:,} bytes uncompressed is larger than the limit of "
                             f"{bounds.xlsx_max_total_bytes:,} ({SOURCE})", path=path)
        for part in archive.infolist():
            if part.filename.endswith((".xml", ".rels", ".vml")):
                _refuse_dtd(archive, part, path, kind)


def _refuse_dtd(archive: zipfile.ZipFile, part: zipfile.ZipInfo, path: Path, kind: str) -> None:
    try:
        with archive.open(part) as stream:
            refuse_dtd(stream, path, part.filename)
    except zipfile.BadZipFile as exc:
        raise InputError(f"damaged {kind} part ({exc})", path=path, field=part.filename) from exc
