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
from kizuna.core.datafiles import read_json
from kizuna.core.errors import InputError
from kizuna.ownership.model import Claim, Edge, Graph, InterestKind, Party, PartyKind

DIRECT = "IS_DIRECTLY_CONSOLIDATED_BY"
ULTIMATE = "IS_ULTIMATELY_CONSOLIDATED_BY"


def load_gleif(path: Path) -> Graph:
    """Read GLEIF API JSON documents (relationship-records, lei-records, reporting-exceptions)."""
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    graph = Graph(source=str(path), source_format="gleif")
    relationships: list[tuple[Path, dict[str, Any]]] = []
    exceptions: list[tuple[Path, dict[str, Any]]] = []
    seen: set[str] = set()
    for file in files:
        document = read_json(file)
        data = document.get("data") if isinstance(document, dict) else None
        if data is None:
            raise InputError("not a GLEIF API document (no 'data')", path=file, field="data")
        for resource in data if isinstance(data, list) else [data]:
            if resource.get("id") in seen:
                continue
            seen.add(resource.get("id"))
            kind = resource.get("type")
            if kind == "lei-records":
                graph.add_party(_lei_party(resource, file))
            elif kind == "relationship-records":
                relationships.append((file, resource))
            elif kind == "reporting-exceptions":
                exceptions.append((file, resource))
    for file, resource in relationships:
        relation = resource["attributes"]["relationship"]
        if relation.get("status") != "ACTIVE":
            continue
        child, parent = relation["startNode"]["id"], relation["endNode"]["id"]
        for lei in (child, parent):
            if lei not in graph.parties:
                graph.add_party(Party(lei, lei, PartyKind.ENTITY, identifiers=[f"LEI:{lei}"], source=str(file),
                                      notes=["no Level 1 record in the files: named by its LEI"]))
        where = f"{file}#{resource['id']}"
        if relation["type"] == ULTIMATE:
            graph.claims.append(Claim(parent, child, None, ["ultimateAccountingConsolidation"], where))
        elif relation["type"] == DIRECT:
            graph.edges.append(Edge(parent, child, None, InterestKind.CONTROL, ["accountingConsolidation"], where))
        else:
            graph.edges.append(Edge(parent, child, None, InterestKind.CONTROL, [relation["type"]], where))
    for file, resource in exceptions:
        attributes = resource["attributes"]
        party = graph.parties.get(attributes["lei"])
        if party is not None:
            party.notes.append(f"GLEIF reporting exception {attributes['category']}: {attributes['reason']} "
                               f"({file.name})")
    return graph


def _lei_party(resource: dict[str, Any], file: Path) -> Party:
    attributes = resource["attributes"]
    entity = attributes["entity"]
    name = entity.get("legalName", {}).get("name") or attributes["lei"]
    country = (entity.get("legalAddress") or {}).get("country") or (entity.get("jurisdiction") or "")[:2]
    return Party(attributes["lei"], name, PartyKind.ENTITY, to_alpha2(country) if country else None,
                 identifiers=[f"LEI:{attributes['lei']}"], source=f"{file}#{attributes['lei']}")
