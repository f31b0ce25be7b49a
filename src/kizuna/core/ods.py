"""Reading an OpenDocument spreadsheet (``.ods``) someone gave Kizuna, with the checks ``xlsx.py`` applies.

An ODS file is, like xlsx, a zip of XML parts: before odfpy parses anything, ``xlsx.check_archive`` refuses parts
that are too large or too highly compressed (a zip bomb) and any part that declares a DTD or entities. Rows come
out as ``tables.table_rows`` gives them: (line, cells) for every non-blank row, cells as text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.limits import SOURCE, limits
from kizuna.core.xlsx import check_archive


def ods_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank row of the sheet named ``sheet`` (else the first) as (line, cell texts)."""
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    check_archive(path, kind="ODS spreadsheet")
    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"not a readable ODS spreadsheet ({type(exc).__name__}: {exc})", path=path) from exc
    tables = document.getElementsByType(Table)
    chosen = next((t for t in tables if t.getAttribute("name") == sheet), tables[0] if tables else None)
    if chosen is None:
        raise InputError("the ODS file holds no sheet", path=path)
    max_chars = limits().max_cell_chars
    line = 0
    for row in chosen.getElementsByType(TableRow):
        line += 1
        cells: list[str] = []
        for cell in row.getElementsByType(TableCell):
            text = " ".join(teletype.extractText(cell).split())
            if len(text) > max_chars:
                raise InputError(f"a cell is longer than the limit of {max_chars:,} characters ({SOURCE})",
                                 path=path, line=line)
            # a run of identical cells is written once with a count; an empty run only pads the row
            cells.extend([text] * (_repeat(cell, "numbercolumnsrepeated") if text else 1))
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield line, cells
        line += _repeat(row, "numberrowsrepeated") - 1


def _repeat(element: Any, attribute: str) -> int:
    value = element.getAttribute(attribute)
    return int(value) if value and str(value).isdigit() else 1
