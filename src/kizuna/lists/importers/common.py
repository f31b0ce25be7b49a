"""Helpers the importers share: text decoding, splitting cells, dates, entity-type inference."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core import text as textfile
from kizuna.core.datafiles import read_yaml
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.lists.freshness import period

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def read_text(path: Path) -> str:
    """Decode a list file (``core.text``): UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as
    older OFAC files use."""
    return textfile.read_text(path, fallback="cp1252")


def clean(value: str | None) -> str | None:
    """Strip a cell; the empty string and OFAC's ``-0-`` null become None."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return None if text in ("", "-0-") else text


def split_multi(value: str | None, sep: str = ";") -> list[str]:
    """Split a multi-valued cell and drop empty parts."""
    text = clean(value)
    if not text:
        return []
    return [part.strip() for part in text.split(sep) if part.strip()]


def iso_date(value: str | None) -> str | None:
    """Best-effort ISO date (or year, or year-month) from the forms the lists use; None when unparseable."""
    text = clean(value)
    if not text:
        return None
    text = text.strip().rstrip(".")
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return text if period(text) is not None else None
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T.*", text):
        day = f"{m[1]}-{m[2]}-{m[3]}"
        return day if period(day) is not None else None
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", text):
        month = _MONTHS.get(m[2].lower())
        return f"{m[3]}-{month:02d}-{int(m[1]):02d}" if month else None
    if m := re.fullmatch(r"([A-Za-z]{3})[a-z]* (\d{4})", text):
        month = _MONTHS.get(m[1].lower())
        return f"{m[2]}-{month:02d}" if month else None
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def file_date(path: Path) -> str:
    """The file's modification date, used as data date when a format carries none."""
    return date.fromtimestamp(path.stat().st_mtime).isoformat()


@cache
def _org_terms() -> frozenset[str]:
    data = read_yaml(bundled("screening", "terms.yaml"))
    words: set[str] = set()
    for group in data["groups"].values():
        if group.get("organisation_marker"):
            words.update(t.casefold() for t in group["terms"])
    return frozenset(words)


def infer_entity_type(name: str) -> PartyKind:
    """Guess organisation vs person for lists that do not say: organisational words mean an organisation,
    a ``Surname, Given`` shape with no such word means a person; otherwise unknown."""
    tokens = set(re.findall(r"[\w]+", name.casefold()))
    if tokens & _org_terms():
        return PartyKind.ORGANIZATION
    if re.fullmatch(r"[^,;()\d]+,\s*[^,;()\d]+", name) and len(tokens) <= 5:
        return PartyKind.PERSON
    return PartyKind.UNKNOWN


def require_columns(path: Path, header: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}; found: {', '.join(header)}",
                         path=path, line=1)


def check_json_types(
    record: dict[str, Any],
    *,
    text: tuple[str, ...],
    arrays: dict[str, tuple[type, ...]],
    path: Path,
    where: str,
    line: int | None = None,
) -> None:
    """Refuse a JSON record whose fields have the wrong type, instead of loading their ``str()``.

    ``text`` fields hold a string, a number or null; each ``arrays`` field holds null or an array whose items
    are of the given types. ``where`` names the record in the message ("entity #12").
    """
    for key in text:
        value = record.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
            raise InputError(f"{where}: expected text, found {_json_type(value)}", path=path, line=line, field=key)
    for key, items in arrays.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise InputError(f"{where}: expected an array, found {_json_type(value)}", path=path, line=line,
                             field=key)
        for item in value:
            if not isinstance(item, items):
                raise InputError(f"{where}: expected an array of {' or '.join(_json_type(t()) for t in items)}, "
                                 f"found an item that is {_json_type(item)}", path=path, line=line, field=key)


def _json_type(value: Any) -> str:
    names = {str: "a string", dict: "an object", list: "an array", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


_EXCEL_EPOCH = date(1899, 12, 30)
# Excel serial dates the lists use for dates of birth and listing (1900-01-01 .. 2099-12-31)
_SERIALS = range(1, 73051)
_YEARS = range(1800, 2101)


def cell_date(value: object) -> str | None:
    """An ISO date from a spreadsheet cell: a real date, an Excel serial number, or text ``iso_date`` reads
    (also ``1952年10月7日``, ``1963年``, ``2022.3.1``); None when it is none of these."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if int(value) in _YEARS:  # a bare year (DFAT's 1963); as an Excel serial it would be a day in 1904-05
            return str(int(value))
        return (_EXCEL_EPOCH.fromordinal(_EXCEL_EPOCH.toordinal() + int(value)).isoformat()
                if int(value) in _SERIALS else None)
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if m := re.fullmatch(r"(\d{4})[年.](\d{1,2})[月.](\d{1,2})日?", text):
        day = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
        return day if period(day) is not None else None
    if m := re.fullmatch(r"(\d{4})年(?:頃)?", text):
        return m[1]
    return iso_date(text)


def xlsx_text(value: object) -> str:
    """A spreadsheet cell as text: whitespace runs (including newlines) kept as single spaces, None as ''."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def refuse_formula(value: object, *, path: Path, line: int, field: str) -> None:
    """A name, country or date cell never holds a formula; text written as one must not be stored as a name."""
    if isinstance(value, str) and value.lstrip().startswith("="):
        raise InputError(f"a formula ({value[:40]!r}) where the list has text", path=path, line=line, field=field)
