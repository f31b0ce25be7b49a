"""FollowTheMoney entity JSON (one entity per line, or a JSON array), as OpenSanctions publishes it.

Entity shape: ``{"id", "schema", "properties": {prop: [values]}, "datasets": [...]}``
(https://followthemoney.tech/explorer/). Only sanctionable schemata become entries; the list code comes from
the entity's first dataset unless one is given.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kizuna.core.countries import countries_in
from kizuna.core.datafiles import read_json_records, require
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.lists.importers.common import check_json_types, iso_date, read_text
from kizuna.lists.importers.formats import ftm_dataset_code
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

_SCHEMA_TYPES = {
    "Person": PartyKind.PERSON,
    "Company": PartyKind.ORGANIZATION,
    "Organization": PartyKind.ORGANIZATION,
    "LegalEntity": PartyKind.UNKNOWN,
    "PublicBody": PartyKind.ORGANIZATION,
    "Vessel": PartyKind.VESSEL,
    "Airplane": PartyKind.AIRCRAFT,
}
_ID_PROPS = ("idNumber", "registrationNumber", "taxNumber", "passportNumber", "innCode", "ogrnCode",
             "leiCode", "swiftBic", "imoNumber", "uscCode", "vatCode")


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    by_code: dict[str, list[Entry]] = defaultdict(list)
    dates: dict[str, list[str]] = defaultdict(list)
    for line, entity in read_json_records(path, read_text(path)):
        if not isinstance(entity, dict) or "schema" not in entity:
            raise InputError("not a FollowTheMoney entity (no 'schema')", path=path, line=line or None)
        entity_type = _SCHEMA_TYPES.get(entity["schema"])
        if entity_type is None:
            continue  # addresses, sanctions, ownership links: not parties to screen
        props: dict[str, list[str]] = require(entity.get("properties") or {}, dict, path=path, line=line or None,
                                              field="properties")
        # FollowTheMoney gives every property as an array of strings: a bare string would become its letters
        check_json_types(props, text=(), arrays={key: (str,) for key in props}, path=path,
                         where=f"entity {entity.get('id')!r}", line=line or None)
        names = props.get("name") or []
        if not names:
            raise InputError(f"entity {entity.get('id')!r} has no name", path=path, line=line or None,
                             field="properties.name")
        datasets = entity.get("datasets") or ["ftm"]
        code = list_code or ftm_dataset_code(datasets[0])
        seen = iso_date(entity.get("last_change") or entity.get("last_seen"))
        if seen:
            dates[code].append(seen)
        aliases = ([Name(n, NameKind.ALIAS) for n in names[1:] + props.get("alias", [])]
                   + [Name(n, NameKind.WEAK) for n in props.get("weakAlias", [])]
                   + [Name(n, NameKind.FORMER) for n in props.get("previousName", [])])
        source_urls = props.get("sourceUrl") or []
        by_code[code].append(Entry(
            list_code=code,
            entry_id=str(entity.get("id") or names[0]),
            name=names[0],
            entity_type=entity_type,
            provenance=Provenance(code, origin, data_date or "", source_urls[0] if source_urls
                                  else official_url(code)),
            aliases=dedupe_names(names[0], aliases),
            countries=countries_in([*props.get("country", []), *props.get("nationality", []),
                                    *props.get("jurisdiction", []), *props.get("citizenship", [])]),
            addresses=props.get("address", []),
            identifiers=[Identifier(p, v) for p in _ID_PROPS for v in props.get(p, [])],
            dates_of_birth=[d for d in (iso_date(v) for v in props.get("birthDate", [])) if d],
            programs=props.get("program", []) + props.get("topics", []),
            listed_on=iso_date(next(iter(props.get("listingDate") or props.get("createdAt") or []), None)),
            remarks="; ".join(props.get("notes", [])) or None,
        ))
    result = []
    for code, entries in by_code.items():
        date = data_date or (max(dates[code]) if dates[code] else "")
        for entry in entries:
            entry.provenance = Provenance(code, origin, date, entry.provenance.official_url)
        result.append(ListData(code, date, origin, entries))
    return result
