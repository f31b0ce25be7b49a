"""Australia DFAT Consolidated List (``Australian_Sanctions_Consolidated_List.xlsx``, one sheet).

One row per name: a listing's primary name row has a numeric ``Reference`` (``2``), its aliases and
original-script names the same number with a letter (``2a``, ``2b``) and ``Name Type`` ``Alias`` or
``Original Script``; ``Alias Strength`` ``Weak`` marks a weak alias. ``Committees`` is the sanctions regime.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from kizuna.core.countries import countries_in
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.tables import table_rows
from kizuna.lists.importers.common import cell_date, refuse_formula, require_columns, split_multi, xlsx_text
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

CODE = "au-dfat"
REQUIRED = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Committees"]
_TYPES = {"individual": PartyKind.PERSON, "entity": PartyKind.ORGANIZATION, "vessel": PartyKind.VESSEL}
_REFERENCE = re.compile(r"(\d+)\s*([a-z]*)", re.IGNORECASE)


def _entry(reference: str, rows: list[tuple[int, dict[str, Any]]], path: Path, provenance: Provenance,
           warnings: list[str]) -> Entry:
    named = [(line, r) for line, r in rows if xlsx_text(r["Name Type"]).casefold() == "primary name"]
    if not named:
        # DFAT's own slip (8495b of 2026-02-24 has no 8495): the listing is kept under its first name
        warnings.append(f"reference {reference} (line {rows[0][0]}) has no Primary Name row; its first name "
                        "stands in")
        named = rows[:1]
    line, primary = named[0]
    kind = _TYPES.get(xlsx_text(primary["Type"]).casefold())
    if kind is None:
        raise InputError(f"unknown Type {primary['Type']!r} (expected Individual, Entity or Vessel)", path=path,
                         line=line, field="Type")
    name = xlsx_text(primary["Name of Individual or Entity"])
    aliases = []
    for _, row in rows:
        if row is primary:
            continue
        text = xlsx_text(row["Name of Individual or Entity"])
        name_type = xlsx_text(row["Name Type"]).casefold()
        if name_type == "original script":
            aliases.append(Name(text, NameKind.ORIGINAL))
        elif text:
            weak = xlsx_text(row.get("Alias Strength")).casefold() == "weak"
            aliases.append(Name(text, NameKind.WEAK if weak else NameKind.ALIAS))
    imo = xlsx_text(primary.get("IMO Number"))
    return Entry(
        list_code=provenance.list_code,
        entry_id=reference,
        name=name,
        entity_type=kind,
        provenance=provenance,
        aliases=dedupe_names(name, aliases),
        countries=countries_in(split_multi(xlsx_text(primary.get("Citizenship")), ",")),
        addresses=split_multi(xlsx_text(primary.get("Address")), ";"),
        identifiers=[Identifier("IMO", imo)] if imo else [],
        dates_of_birth=_births(primary.get("Date of Birth")),
        programs=list(dict.fromkeys(xlsx_text(r["Committees"]) for _, r in rows if r.get("Committees"))),
        listed_on=None,
        citation=xlsx_text(primary.get("Instrument of Designation")) or None,
        remarks="; ".join(t for t in (xlsx_text(primary.get("Listing Information")),
                                      xlsx_text(primary.get("Additional Information"))) if t) or None,
    )


def _births(cell: Any) -> list[str]:
    """DFAT gives a date, a bare year (1963) or several comma-separated years in one cell."""
    parts = split_multi(cell, ",") if isinstance(cell, str) else [cell]
    return [d for part in parts if (d := cell_date(part))]


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    code = list_code or CODE
    rows = table_rows(path, formulas=True)
    first = next(rows, None)
    if first is None:
        raise InputError("empty workbook", path=path, line=1)
    header = [xlsx_text(c) for c in first[1]]
    require_columns(path, header, REQUIRED)
    groups: OrderedDict[str, list[tuple[int, dict[str, Any]]]] = OrderedDict()
    controls: list[str] = []
    for line, cells in rows:
        row = dict(zip(header, cells, strict=False))
        refuse_formula(row.get("Name of Individual or Entity"), path=path, line=line,
                       field="Name of Individual or Entity")
        match = _REFERENCE.fullmatch(xlsx_text(row["Reference"]))
        if match is None:
            raise InputError(f"reference {row['Reference']!r} is not a number with an optional letter suffix",
                             path=path, line=line, field="Reference")
        if not xlsx_text(row["Name of Individual or Entity"]):
            raise InputError("a row without a name", path=path, line=line, field="Name of Individual or Entity")
        groups.setdefault(match[1], []).append((line, row))
        if (control := cell_date(row.get("Control Date"))) is not None:
            controls.append(control)
    # the newest Control Date is the day DFAT last changed the list
    date = data_date or max(controls, default="")
    provenance = Provenance(code, origin, date, official_url(code))
    warnings: list[str] = []
    entries = [_entry(reference, members, path, provenance, warnings) for reference, members in groups.items()]
    return [ListData(code, date, origin, entries, warnings)]
