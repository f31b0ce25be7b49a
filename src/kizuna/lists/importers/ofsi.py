"""UK HM Treasury / OFSI Consolidated List of Financial Sanctions Targets (``ConList.xlsx``, sheet ``Data``).

Row 1 is ``Last Updated, DD/MM/YYYY``, row 2 the header of 36 columns, then one row per name of a target: the
rows of one target share its ``Group ID``. ``Name 6`` is the surname or the entity's name, ``Name 1``..``Name 5``
the given names; ``Alias Type`` says which row is the primary name, ``Alias Quality`` ``Low`` marks a weak alias;
``Name Non-Latin Script`` holds the name in its own script.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from kizuna.core.countries import countries_in
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.tables import table_rows
from kizuna.lists.importers.common import cell_date, refuse_formula, require_columns, xlsx_text
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

CODE = "uk-ofsi"
REQUIRED = ["Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Group Type", "Alias Type", "Regime",
            "Group ID"]
_TYPES = {"individual": PartyKind.PERSON, "entity": PartyKind.ORGANIZATION, "ship": PartyKind.VESSEL}


def _full_name(row: dict[str, str]) -> str:
    return " ".join(row.get(f"Name {i}", "") for i in (1, 2, 3, 4, 5, 6) if row.get(f"Name {i}")).strip()


def _entry(group: str, rows: list[tuple[int, dict[str, str]]], path: Path, provenance: Provenance) -> Entry:
    primary_line, primary = next(((line, r) for line, r in rows if r["Alias Type"].casefold() == "primary name"),
                                 rows[0])
    kind = _TYPES.get(primary["Group Type"].casefold())
    if kind is None:
        raise InputError(f"unknown Group Type {primary['Group Type']!r} (expected Individual, Entity or Ship)",
                         path=path, line=primary_line, field="Group Type")
    name = _full_name(primary)
    if not name:
        raise InputError("a primary name row with no name", path=path, line=primary_line, field="Name 6")
    aliases: list[Name] = []
    for _, row in rows:
        text = _full_name(row)
        if row is not primary and text:
            weak = row.get("Alias Quality", "").casefold() == "low"
            aliases.append(Name(text, NameKind.WEAK if weak else NameKind.ALIAS))
        if row.get("Name Non-Latin Script"):
            aliases.append(Name(row["Name Non-Latin Script"], NameKind.ORIGINAL))
    identifiers = []
    for _, row in rows:
        for column, kind_name in (("Passport Number", "passport"), ("National Identification Number", "national id")):
            if row.get(column):
                identifiers.append(Identifier(kind_name, row[column]))
    identifiers.append(Identifier("OFSI Group ID", group))
    other = primary.get("Other Information", "")
    if "(UK Sanctions List Ref):" in other:
        ref = other.split("(UK Sanctions List Ref):", 1)[1].split()[0].rstrip(".")
        identifiers.append(Identifier("UK Sanctions List Ref", ref))
    addresses = list(dict.fromkeys(
        ", ".join(p for p in (*(r.get(f"Address {i}", "") for i in range(1, 7)), r.get("Post/Zip Code", ""),
                              r.get("Country", "")) if p) for _, r in rows))
    return Entry(
        list_code=provenance.list_code,
        entry_id=group,
        name=name,
        entity_type=kind,
        provenance=provenance,
        aliases=dedupe_names(name, aliases),
        countries=countries_in([v for _, r in rows for v in (r.get("Nationality"), r.get("Country"))]),
        addresses=[a for a in addresses if a],
        identifiers=list(dict.fromkeys(identifiers)),
        dates_of_birth=list(dict.fromkeys(d for _, r in rows if (d := _dmy(r.get("DOB", ""))))),
        programs=list(dict.fromkeys(r["Regime"] for _, r in rows if r["Regime"])),
        listed_on=_dmy(primary.get("Listed On", "")),
        remarks=other or None,
    )


def _dmy(text: str) -> str | None:
    """OFSI writes dates ``dd/mm/yyyy``, with ``00`` for an unknown day or month."""
    parts = text.strip().split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        day, month, year = parts
        if month == "00":
            return year
        return f"{year}-{month.zfill(2)}" if day == "00" else cell_date(f"{year}.{month}.{day}")
    return cell_date(text)


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    code = list_code or CODE
    rows = table_rows(path, sheet="Data", formulas=True)
    first = next(rows, None)
    if first is None or xlsx_text(first[1][0]) != "Last Updated":
        raise InputError("row 1 is not 'Last Updated, DD/MM/YYYY': not OFSI's ConList.xlsx", path=path, line=1)
    updated = _dmy(xlsx_text(first[1][1])) if len(first[1]) > 1 else None
    _, header_cells = next(rows, (2, []))
    header = [xlsx_text(c) for c in header_cells]
    require_columns(path, header, REQUIRED)
    groups: OrderedDict[str, list[tuple[int, dict[str, str]]]] = OrderedDict()
    for line, cells in rows:
        row: dict[str, Any] = dict(zip(header, cells, strict=False))
        for column in ("Name 6", "Name 1", "Name Non-Latin Script"):
            refuse_formula(row.get(column), path=path, line=line, field=column)
        text = {k: xlsx_text(v) if isinstance(v, str) or v is None else (cell_date(v) or xlsx_text(v))
                for k, v in row.items() if k}
        group = text.get("Group ID", "")
        if not group:
            raise InputError("a name row without its Group ID", path=path, line=line, field="Group ID")
        groups.setdefault(group, []).append((line, text))
    date = data_date or updated or ""
    provenance = Provenance(code, origin, date, official_url(code))
    entries = [_entry(group, members, path, provenance) for group, members in groups.items()]
    return [ListData(code, date, origin, entries)]
