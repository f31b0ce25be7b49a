"""Device and network inventories and bills of materials (CSV or xlsx, through the shared table reader): one
``Item`` per row. A table needs an ``id`` column and one of ``vendor``, ``mac``, ``fcc_id``, ``cpe``, ``model``
(or, for a bill of materials, ``supplier`` or ``manufacturer``); the other columns (country, class, product,
quantity, serial, firmware, location) are read when there."""

from __future__ import annotations

import re
from pathlib import Path

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.tables import read_table
from kizuna.supplychain.identifiers import normalise_mac
from kizuna.supplychain.model import Item

SIGNAL_COLUMNS = ("vendor", "mac", "fcc_id", "cpe", "model", "supplier", "manufacturer")  # a BOM names suppliers
PARTY_COLUMNS = ("vendor", "manufacturer", "supplier")
ALIASES = {"mac_address": "mac", "fcc id": "fcc_id", "fccid": "fcc_id", "country_of_origin": "country",
           "component_class": "class", "maker": "manufacturer"}
_SPLIT = re.compile(r"[;,\s]+")


def read_inventory(path: Path) -> list[Item]:
    """Every row of the inventory at ``path``; InputError naming file, line and field for a bad cell."""
    table = read_table(path)
    header = [ALIASES.get(h.casefold(), h.casefold()) for h in table.header]
    if "id" not in header:
        raise InputError("missing column: id", path=path, line=1, field="id")
    if not any(column in header for column in SIGNAL_COLUMNS):
        raise InputError(f"an inventory needs one of the columns {', '.join(SIGNAL_COLUMNS)} besides id",
                         path=path, line=1, field="vendor")
    items: list[Item] = []
    seen: dict[str, int] = {}
    parties: dict[tuple[str, str], Party] = {}  # one Party per distinct vendor cell: rows repeat their vendors
    width = len(header)
    for line, row in table.rows:  # rows as lists: a dict per row from Table.records costs a third of the scan
        if len(row) > width:
            raise InputError(f"{len(row)} cells but the header has {width}", path=path, line=line)
        cells = {column: str(value if value is not None else "").strip()
                 for column, value in zip(header, row, strict=False) if value}
        cells.setdefault("id", "")
        ref = cells["id"]
        if not ref:
            raise InputError("empty id", path=path, line=line, field="id")
        if ref in seen:
            raise InputError(f"id {ref!r} repeats line {seen[ref]}", path=path, line=line, field="id")
        seen[ref] = line
        items.append(_item(cells, path, line, parties))
    return items


def _item(cells: dict[str, str], path: Path, line: int, known: dict[tuple[str, str], Party]) -> Item:
    macs = []
    for text in _SPLIT.split(cells.get("mac", "")):
        if text:
            mac = normalise_mac(text)
            if mac is None:
                raise InputError(f"{text!r} is not a MAC address (12 hex digits)", path=path, line=line, field="mac")
            macs.append(mac)
    parties = []
    for column in PARTY_COLUMNS:
        if cells.get(column):
            key = (cells[column], column)
            if key not in known:
                known[key] = Party(cells[column], PartyKind.ORGANIZATION, source=column)
            parties.append(known[key])
    country = cells.get("country", "")
    if country and not (len(country) == 2 and country.isalpha()):
        raise InputError(f"{country!r} is not an ISO 3166-1 alpha-2 country code", path=path, line=line,
                         field="country")
    properties = {k: cells[k] for k in ("class", "product", "quantity", "serial", "firmware", "location")
                  if cells.get(k)}
    name = cells.get("model") or cells.get("vendor") or cells["id"]
    return Item(cells["id"], name, cells.get("firmware", ""), "device", parties,
                cpes=[c for c in _SPLIT.split(cells.get("cpe", "")) if c],
                macs=macs, fcc_ids=[f for f in re.split(r"[;,]\s*", cells.get("fcc_id", "")) if f.strip()],
                model=cells.get("model", ""), country=country.upper(), line=line,
                path=[p for p in (cells.get("product"), name) if p], properties=properties)
