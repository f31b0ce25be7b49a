"""The UK Sanctions List of the FCDO, as its ODS export (one sheet, one row per designation).

Columns: ``Unique ID`` (``RUS0141``: the UK Sanctions List reference, which OFSI's ConList gives as "UK Sanctions
List Ref"), ``OFSI Group ID`` (OFSI's ``Group ID``), ``Name``, ``Regime Name``, ``Type`` (Individual, Entity,
Ship), ``Designation source`` (UK or UN), ``Date Designated`` (DD-MM-YYYY) and ``Sanctions Imposed``. Other
columns the FCDO adds (aliases, non-Latin names) are read when their header says what they are.
"""

from __future__ import annotations

import re
from pathlib import Path

from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.ods import ods_rows
from kizuna.lists.importers.common import refuse_formula, require_columns, split_multi
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

CODE = "uk-fcdo"
REQUIRED = ["Unique ID", "Name", "Regime Name", "Type", "Date Designated"]
_TYPES = {"individual": PartyKind.PERSON, "entity": PartyKind.ORGANIZATION, "ship": PartyKind.VESSEL}
_DMY = re.compile(r"(\d{2})[-/](\d{2})[-/](\d{4})")
_ALIAS_COLUMNS = {"Alias": NameKind.ALIAS, "Aliases": NameKind.ALIAS, "Name Non-Latin Script": NameKind.ORIGINAL,
                  "Non-Latin Name": NameKind.ORIGINAL}


def _date(text: str, path: Path, line: int) -> str:
    if not (m := _DMY.fullmatch(text)):
        raise InputError(f"{text!r} is not a date DD-MM-YYYY", path=path, line=line, field="Date Designated")
    return f"{m[3]}-{m[2]}-{m[1]}"


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    code = list_code or CODE
    rows = ods_rows(path)
    first = next(rows, None)
    if first is None:
        raise InputError("empty spreadsheet", path=path, line=1)
    _, header = first
    require_columns(path, header, REQUIRED)
    parsed = []
    warnings = []
    for line, cells in rows:
        row = dict(zip(header, cells, strict=False))
        refuse_formula(row.get("Name"), path=path, line=line, field="Name")
        if not row.get("Unique ID"):
            raise InputError("a designation without its Unique ID", path=path, line=line, field="Unique ID")
        if not row.get("Name"):
            # the FCDO's export of 2025-08-11 has two such rows (BEL0174, RUS1467): nothing to screen by name
            warnings.append(f"{row['Unique ID']} (line {line}) has no name and was not loaded; OFSI Group ID "
                            f"{row.get('OFSI Group ID') or '-'}")
            continue
        kind = _TYPES.get(row["Type"].casefold())
        if kind is None:
            raise InputError(f"unknown Type {row['Type']!r} (expected Individual, Entity or Ship)", path=path,
                             line=line, field="Type")
        parsed.append((row, kind, _date(row["Date Designated"], path, line)))
    # the export carries no date of its own; the newest designation is the latest the file can be
    date = data_date or _file_date(path) or max((d for _, _, d in parsed), default="")
    provenance = Provenance(code, origin, date, official_url(code))
    entries = []
    for row, kind, designated in parsed:
        aliases = [Name(text, name_kind) for column, name_kind in _ALIAS_COLUMNS.items()
                   for text in split_multi(row.get(column), ";")]
        identifiers = [Identifier("UK Sanctions List Ref", row["Unique ID"])]
        if row.get("OFSI Group ID"):
            identifiers.append(Identifier("OFSI Group ID", row["OFSI Group ID"]))
        entries.append(Entry(
            list_code=code,
            entry_id=row["Unique ID"],
            name=row["Name"],
            entity_type=kind,
            provenance=provenance,
            aliases=dedupe_names(row["Name"], aliases),
            identifiers=identifiers,
            programs=[row["Regime Name"]],
            listed_on=designated,
            remarks="; ".join(f"{c}: {row[c]}" for c in ("Designation source", "Sanctions Imposed") if row.get(c))
            or None,
        ))
    return [ListData(code, date, origin, entries, warnings)]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _file_date(path: Path) -> str | None:
    """The FCDO names its exports by day (``FCDO_SL_Mon_Aug 11 2025.ods``)."""
    if m := re.search(r"(" + "|".join(_MONTHS) + r")[ _](\d{1,2})[ _](\d{4})", path.name):
        return f"{m[3]}-{_MONTHS.index(m[1]) + 1:02d}-{int(m[2]):02d}"
    return None
