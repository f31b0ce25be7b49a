"""GLEIF Level 1 and Level 2 records in the GLEIF API's JSON form (one file, or a folder of them).

Level 2 parents are accounting-consolidation parents (IFRS 10 / US GAAP), not shareholders: an
``IS_DIRECTLY_CONSOLIDATED_BY`` record becomes a control edge parent → child without a share, and
``IS_ULTIMATELY_CONSOLIDATED_BY`` becomes a claim checked against the chain of direct parents. The child is the
relationship's ``startNode`` and the parent its ``endNode``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kizuna.core.countries import to_alpha2
from kizuna.core.datafiles import read_json, require
from kizuna.core.entity import Identifier, PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.ownership.model import Claim, Edge, Graph, InterestKind

DIRECT = "IS_DIRECTLY_CONSOLIDATED_BY"
ULTIMATE = "IS_ULTIMATELY_CONSOLIDATED_BY"


def load_gleif(path: Path) -> Graph:
    """Read GLEIF API JSON documents (relationship-records, lei-records, reporting-exceptions)."""
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    if not files:
        raise InputError("no GLEIF .json files in the folder", path=path)
    graph = Graph(source=str(path), source_format="gleif")
    relationships: list[tuple[Path, dict[str, Any]]] = []
    exceptions: list[tuple[Path, dict[str, Any]]] = []
    seen: set[str] = set()
    for file in files:
        document = read_json(file)
        data = document.get("data") if isinstance(document, dict) else None
        if data is None:
            raise InputError("not a GLEIF API document (no 'data')", path=file, field="data")
        for index, resource in enumerate(data if isinstance(data, list) else [data]):
            resource = require(resource, dict, path=file, field=f"data[{index}]")
            if resource.get("id") in seen:
                continue
            seen.add(str(resource.get("id")))
            kind = resource.get("type")
            if kind == "lei-records":
                graph.add_party(_lei_party(resource, file))
            elif kind == "relationship-records":
                relationships.append((file, resource))
            elif kind == "reporting-exceptions":
                exceptions.append((file, resource))
    for file, resource in relationships:
        relation = _field(resource, file, "attributes", "relationship")
        if relation.get("status") != "ACTIVE":
            continue
        child = str(_field(relation, file, "startNode", "id", within=f"{resource.get('id')}.relationship",
                           leaf=True))
        parent = str(_field(relation, file, "endNode", "id", within=f"{resource.get('id')}.relationship",
                            leaf=True))
        for lei in (child, parent):
            if lei not in graph.parties:
                graph.add_party(Party(id=lei, name=lei, kind=PartyKind.ORGANIZATION,
                                      identifiers=[Identifier("LEI", lei)], source=str(file),
                                      notes=["no Level 1 record in the files: named by its LEI"]))
        where = f"{file}#{resource.get('id')}"
        relation_type = relation.get("type")
        if relation_type == ULTIMATE:
            graph.claims.append(Claim(parent, child, None, ["ultimateAccountingConsolidation"], where))
        elif relation_type == DIRECT:
            graph.edges.append(Edge(parent, child, None, InterestKind.CONTROL, ["accountingConsolidation"], where))
        else:
            graph.edges.append(Edge(parent, child, None, InterestKind.CONTROL, [str(relation_type)], where))
    for file, resource in exceptions:
        attributes = _field(resource, file, "attributes")
        party = graph.parties.get(str(attributes.get("lei")))
        if party is not None:
            party.notes.append(f"GLEIF reporting exception {attributes.get('category')}: {attributes.get('reason')} "
                               f"({file.name})")
    return graph


def _field(value: dict[str, Any], file: Path, *keys: str, within: str | None = None, leaf: bool = False) -> Any:
    """``value[k1][k2]…``: every level must be present and an object (the last one need not be when ``leaf``)."""
    where = within or str(value.get("id", "record"))
    for depth, key in enumerate(keys):
        where = f"{where}.{key}"
        if key not in value:
            raise InputError("missing", path=file, field=where)
        value = value[key]
        if not (leaf and depth == len(keys) - 1):
            value = require(value, dict, path=file, field=where)
    return value


def _child(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _text_at(value: Any, key: str) -> str:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def _lei_party(resource: dict[str, Any], file: Path) -> Party:
    attributes = _field(resource, file, "attributes")
    lei = str(_field(attributes, file, "lei", within=f"{resource.get('id')}.attributes", leaf=True))
    entity = attributes.get("entity")
    name = _text_at(_child(entity, "legalName"), "name") or lei
    country = _text_at(_child(entity, "legalAddress"), "country") or _text_at(entity, "jurisdiction")[:2]
    return Party(id=lei, name=name, kind=PartyKind.ORGANIZATION, country=to_alpha2(country) if country else None,
                 identifiers=[Identifier("LEI", lei)], source=f"{file}#{lei}")
