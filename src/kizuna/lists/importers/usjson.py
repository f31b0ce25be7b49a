"""US restricted-party lists parsed to JSON (``{list_id, source_file, extracted, count, entities}``).

Each file names its list; the sibling ``lists.json`` gives the official URL and the snapshot each list was
taken from. Every entry is cited to the official publication, not to the third party that parsed it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from kizuna.core.countries import countries_in
from kizuna.core.datafiles import read_json
from kizuna.core.entity import Entry, Name, NameKind, Provenance, dedupe_names, stable_id
from kizuna.core.errors import InputError
from kizuna.lists.importers.common import check_json_types, clean, infer_entity_type, iso_date
from kizuna.lists.importers.formats import us_restricted_code
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

_TEXT = ("name", "country", "address", "status", "effective_date", "federal_register", "notes")
_SNAPSHOT_DATE = re.compile(r"([A-Z][a-z]+) (?:(\d{1,2}), )?(\d{4})")
# The Entity List's Federal Register form "Name, 5A North Street, Saransk; and 53 Other Street, Moscow" comes out of
# the parsed text as one alias: the addresses begin at the first word that starts with a house number.
_HOUSE_NUMBER = re.compile(r"(?:^|\s)(?:No\.?\s*)?\d")
_DANGLING_AND = re.compile(r"\s*;\s*and$")
_NAME_END = re.compile(r"[,.] ")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]|\b(?:Co|Ltd|LTD|Inc|Corp|St))$")


def _snapshot_date(snapshot: str | None) -> str | None:
    """'BIS export of April 14, 2026' -> 2026-04-14; 'Master sanctions table of May 2025' -> 2025-05."""
    for m in _SNAPSHOT_DATE.finditer(snapshot or ""):
        try:
            month = datetime.strptime(m[1], "%B").month
        except ValueError:
            continue
        return f"{m[3]}-{month:02d}-{int(m[2]):02d}" if m[2] else f"{m[3]}-{month:02d}"
    return None


def _catalogue(path: Path) -> dict[str, dict[str, Any]]:
    catalogue = path.parent / "lists.json"
    if not catalogue.exists():
        return {}
    try:
        return {item["id"]: item for item in read_json(catalogue)["lists"]}
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed list catalogue: {exc}", path=catalogue) from exc


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("entities"), list):
        raise InputError("expected an object with an 'entities' array", path=path, line=1)
    list_id = str(document.get("list_id", ""))
    code = list_code or us_restricted_code(list_id)
    if not code:
        raise InputError(f"unknown list_id {list_id!r}", path=path, line=1, field="list_id")
    meta = _catalogue(path).get(list_id, {})
    date = data_date or _snapshot_date(meta.get("snapshot")) or iso_date(document.get("extracted")) or ""
    source = f"{origin}; {meta['snapshot']}" if meta.get("snapshot") else origin
    provenance = Provenance(code, source, date, official_url(code) or meta.get("official_url", ""))
    entries = []
    for index, item in enumerate(document["entities"]):
        if not isinstance(item, dict):
            raise InputError(f"entity #{index + 1} is not an object", path=path, field="entities")
        check_json_types(item, text=_TEXT, arrays={"aliases": (str,)}, path=path, where=f"entity #{index + 1}")
        name = clean(item.get("name"))
        if not name:
            raise InputError(f"entity #{index + 1} has no name", path=path, field="name")
        address = clean(item.get("address"))
        aliases, alias_addresses = _aliases_and_addresses(item.get("aliases") or [])
        entries.append(Entry(
            list_code=code,
            entry_id=stable_id(code, name, item.get("country")),
            name=name,
            entity_type=infer_entity_type(name),
            provenance=provenance,
            aliases=dedupe_names(name, aliases),
            countries=countries_in([item.get("country")]),
            addresses=([address] if address else []) + alias_addresses,
            listed_on=iso_date(item.get("effective_date")),
            citation=clean(item.get("federal_register")),
            remarks="; ".join(filter(None, [clean(item.get("notes")), clean(item.get("status"))])) or None,
        ))
    return [ListData(code, date, source, entries)]


def _aliases_and_addresses(texts: list[str]) -> tuple[list[Name], list[str]]:
    """The aliases, with the addresses the parsed text ran into them moved out (and a dangling "; and" dropped)."""
    aliases, addresses = [], []
    for text in filter(None, (clean(x) for x in texts)):
        text = _DANGLING_AND.sub("", text)
        name, address = _split_address(text)
        if name:
            aliases.append(Name(name, NameKind.ALIAS))
        if address:
            addresses.append(address)
    return aliases, addresses


def _split_address(text: str) -> tuple[str, str | None]:
    """"APEX Ltd., 26 General Belov St, Moscow; and 26 Generala Belova Street" -> ("APEX Ltd.", "26 General ...").

    Only a text that chains addresses with "; and" is split; a name that merely holds a number is left whole. The
    name ends at the first ", " or ". " before the first house number (a period after an initial or "Co", "Ltd" does
    not end it), or at the house number itself."""
    number = _HOUSE_NUMBER.search(text) if "; and " in text else None
    if not number:
        return text, None
    head = text[:number.start() + 1]
    ends = (m for m in _NAME_END.finditer(head) if m[0] == ", " or not _ABBREVIATION.search(head[:m.start()]))
    end = next(ends, None)
    name = (text[:end.start() + (end[0] == ". ")] if end else head).strip(" ,")
    rest = text[end.end():] if end else text[number.start():]
    return (name, rest.strip()) if name else (text, None)
