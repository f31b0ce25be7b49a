"""FollowTheMoney entities (JSON Lines or a JSON array): parties, ``Ownership`` and ``Control`` interval entities.

Ownership.percentage is a free-text property in FollowTheMoney (schema/Ownership.yaml), so values such as
``"51.0"``, ``"25-50"`` or ``"<5"`` are parsed; text that is not a share is kept as an unknown share with a note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kizuna.core.countries import to_alpha2
from kizuna.core.datafiles import read_json_records, require
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.ownership.model import Claim, Edge, Graph, InterestKind, parse_share

_KINDS = {"Person": PartyKind.PERSON, "PublicBody": PartyKind.STATE, "Company": PartyKind.ORGANIZATION,
          "Organization": PartyKind.ORGANIZATION, "LegalEntity": PartyKind.ORGANIZATION,
          "Asset": PartyKind.ORGANIZATION}


def load_ftm(path: Path) -> Graph:
    """Read FollowTheMoney entities into a Graph."""
    graph = Graph(source=str(path), source_format="ftm")
    links = []
    for line, entity in read_json_records(path):
        if not isinstance(entity, dict) or "schema" not in entity or "id" not in entity:
            raise InputError("an entity needs 'id' and 'schema'", path=path, line=line or None)
        props = require(entity.get("properties") or {}, dict, path=path, line=line or None,
                        field=f"{entity['id']}.properties")
        schema = entity["schema"]
        if schema in ("Ownership", "Control"):
            links.append((line, schema, entity["id"], props))
        elif schema in _KINDS:
            country = _first(props, "country") or _first(props, "jurisdiction") or _first(props, "nationality")
            graph.add_party(Party(id=entity["id"], name=_first(props, "name") or entity["id"], kind=_KINDS[schema],
                                  country=to_alpha2(country) if country else None, source=f"{path}:{line}"))
    for line, schema, entity_id, props in links:
        owner_key, owned_key = ("owner", "asset") if schema == "Ownership" else ("controller", "controlled")
        owner, owned = _first(props, owner_key), _first(props, owned_key)
        if not owner or not owned:
            raise InputError(f"{schema} {entity_id} lacks {owner_key} or {owned_key}", path=path, line=line or None,
                             field=owner_key if not owner else owned_key)
        for party_id in (owner, owned):
            if party_id not in graph.parties:
                graph.add_party(Party(id=party_id, name=party_id, kind=PartyKind.UNKNOWN, source=f"{path}:{line}",
                                      notes=["referenced by an interest, no entity in the file"]))
        if _first(props, "endDate"):
            continue  # an interest that has ended
        where = f"{path}:{line}#{entity_id}"
        if schema == "Control":
            kind_text = _first(props, "controlType") or "control"
            graph.edges.append(Edge(owner, owned, None, InterestKind.CONTROL, [kind_text], where))
            continue
        text = _first(props, "percentage")
        share, note = None, None
        try:
            share = parse_share(text)
        except ValueError:
            note = f"percentage {text!r} is not a share: read as unknown"
        ownership_type = (_first(props, "ownershipType") or "").lower()
        if ownership_type in ("indirect", "ultimate", "beneficial"):
            graph.claims.append(Claim(owner, owned, share, [ownership_type], where))
            continue
        graph.edges.append(Edge(owner, owned, share, InterestKind.OWNERSHIP, ["shareholding"], where))
        if note:
            graph.notes.append(f"{where}: {note}")
    return graph


def _first(props: dict[str, Any], key: str) -> str | None:
    values = props.get(key) or []
    if not isinstance(values, list):
        return str(values)
    return str(values[0]) if values else None
