"""US Consolidated Screening List (trade.gov), CSV and JSON.

The CSL aggregates Commerce, State and Treasury lists; each row's ``source`` says which, and rows are split
into Kizuna's lists by that value (``data/lists/formats.yaml``). CSV multi-valued cells are joined with
``; ``; the JSON form (``{"results": [...]}``) carries lists and address objects.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from kizuna.core.countries import countries_in, to_alpha2
from kizuna.core.datafiles import parse_json
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.tables import csv_rows
from kizuna.lists.importers.common import (
    check_json_types,
    clean,
    infer_entity_type,
    iso_date,
    read_text,
    require_columns,
)
from kizuna.lists.importers.formats import csl_source_code
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

COLUMNS = ["_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
           "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
           "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
           "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
           "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids"]
# The JSON layout's arrays and what they hold (trade.gov CSL API); every other column is text or null.
_ARRAYS: dict[str, tuple[type, ...]] = {
    "programs": (str,), "alt_names": (str,), "citizenships": (str,), "dates_of_birth": (str,),
    "nationalities": (str,), "places_of_birth": (str,), "addresses": (dict, str), "ids": (dict, str)}
_TEXT = tuple(c for c in COLUMNS if c not in _ARRAYS)
_TYPES = {"individual": PartyKind.PERSON, "entity": PartyKind.ORGANIZATION, "vessel": PartyKind.VESSEL,
          "aircraft": PartyKind.AIRCRAFT}
# "ids" parts that are sanctions annotations, not identifiers of the party.
_NOT_IDENTIFIERS = ("Gender", "Secondary sanctions", "Transactions Prohibited", "Executive Order",
                    "Additional Sanctions", "Website", "Email")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in (clean(str(x)) for x in value) if v]
    return [v.strip() for v in str(value).split("; ") if v.strip()]


def _identifiers(values: list[Any]) -> list[Identifier]:
    identifiers = []
    for value in values:
        if isinstance(value, dict):
            kind, number, country = value.get("type"), value.get("number"), value.get("country")
        else:
            parts = [p.strip() for p in str(value).split(", ")]
            kind, number = parts[0], parts[1] if len(parts) > 1 else None
            country = parts[2] if len(parts) > 2 else None
        if not kind or not number or str(kind).startswith(_NOT_IDENTIFIERS):
            continue
        identifiers.append(Identifier(str(kind).rstrip(":"), str(number),
                                      to_alpha2(str(country)) if country else None))
    return identifiers


def _addresses(value: Any) -> tuple[list[str], list[str | None]]:
    """Address texts, and their countries (the CSV puts an alpha-2 code last; JSON has a field)."""
    texts: list[str] = []
    countries: list[str | None] = []
    items = value if isinstance(value, list) else _as_list(value)
    for item in items:
        if isinstance(item, dict):
            parts = [clean(item.get(k)) for k in ("address", "city", "state", "postal_code", "country")]
            texts.append(", ".join(p for p in parts if p))
            countries.append(clean(item.get("country")))
        else:
            texts.append(item)
            countries.append(item.rsplit(",", 1)[-1].strip())
    return [t for t in texts if t], countries


def _entry(record: dict[str, Any], code: str, provenance: Provenance) -> Entry:
    name = clean(record.get("name")) or ""
    kind = (clean(record.get("type")) or "").lower()
    addresses, address_countries = _addresses(record.get("addresses"))
    aliases = [Name(a, NameKind.ALIAS) for a in _as_list(record.get("alt_names"))]
    url = clean(record.get("source_information_url")) or clean(record.get("source_list_url"))
    return Entry(
        list_code=code,
        entry_id=clean(record.get("entity_number")) or clean(record.get("_id")) or clean(record.get("id")) or name,
        name=name,
        entity_type=_TYPES.get(kind) or infer_entity_type(name),
        provenance=Provenance(code, provenance.source, provenance.data_date, url or provenance.official_url),
        aliases=dedupe_names(name, aliases),
        countries=countries_in([*_as_list(record.get("nationalities")), *_as_list(record.get("citizenships")),
                                *address_countries]),
        addresses=addresses,
        identifiers=_identifiers(ids if isinstance(ids := record.get("ids"), list) else _as_list(ids)),
        dates_of_birth=[d for d in (iso_date(x) for x in _as_list(record.get("dates_of_birth"))) if d],
        programs=_as_list(record.get("programs")),
        listed_on=iso_date(clean(record.get("start_date"))),
        citation=clean(record.get("federal_register_notice")),
        remarks=clean(record.get("remarks")),
    )


def _split(records: list[tuple[int, dict[str, Any]]], path: Path, data_date: str, origin: str) -> list[ListData]:
    by_code: dict[str, list[Entry]] = defaultdict(list)
    for line, record in records:
        source = clean(record.get("source")) or ""
        code = csl_source_code(source)
        if code is None:
            raise InputError(f"unknown CSL source {source!r}", path=path, line=line or None, field="source")
        if not clean(record.get("name")):
            raise InputError("empty name", path=path, line=line or None, field="name")
        by_code[code].append(_entry(record, code, Provenance(code, origin, data_date, official_url(code))))
    return [ListData(code, data_date, origin, entries) for code, entries in by_code.items()]


def read_csv(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    """Read consolidated.csv; a repeated header row is skipped, a short (truncated) row is an error."""
    path = files["primary"]
    rows = csv_rows(path, read_text(path))
    header = next(rows, (1, []))[1]
    require_columns(path, header, ["source", "name", "alt_names"])
    records = []
    for line, row in rows:
        if row == header:
            continue
        if len(row) != len(header):
            raise InputError(f"expected {len(header)} fields, found {len(row)} (truncated or malformed row)",
                             path=path, line=line)
        records.append((line, dict(zip(header, row, strict=True))))
    return _split(records, path, data_date or _latest_start(records), origin)


def read_json(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    """Read consolidated.json (``{"results": [...]}`` or a bare array)."""
    path = files["primary"]
    document = parse_json(read_text(path), path)
    results = document.get("results") if isinstance(document, dict) else document
    if not isinstance(results, list):
        raise InputError("expected a 'results' array", path=path, line=1)
    records = []
    for number, record in enumerate(results, start=1):
        if not isinstance(record, dict):
            raise InputError(f"result #{number} is not an object", path=path, field="results")
        check_json_types(record, text=_TEXT, arrays=_ARRAYS, path=path, where=f"result #{number}")
        records.append((0, record))
    return _split(records, path, data_date or _latest_start(records), origin)


def _latest_start(records: list[tuple[int, dict[str, Any]]]) -> str:
    """The CSL carries no publication date; the latest listing date is the best evidence of its age."""
    dates = [d for d in (iso_date(clean(r.get("start_date"))) for _, r in records) if d]
    return max(dates) if dates else ""
