"""Beneficial Ownership Data Standard 0.4: validate statements against the bundled schema, read them into a Graph.

Statements are applied in file order: a later statement for the same recordId replaces the earlier one and
``recordStatus: closed`` removes the record. Relationships marked as components (``isComponent``) and other
direct interests become edges; interests declared ``indirect`` become claims, checked later against the computed
integrated ownership.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kizuna.core.countries import to_alpha2
from kizuna.core.datafiles import read_json, read_json_records
from kizuna.core.entity import Identifier, PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.ownership.interests import is_voting, kind_of
from kizuna.ownership.model import Claim, Edge, Graph, InterestKind, Share, share_from_bods

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_ENTITY_KINDS = {"state": PartyKind.STATE, "stateBody": PartyKind.STATE, "arrangement": PartyKind.ARRANGEMENT,
                 "unknownEntity": PartyKind.UNKNOWN, "anonymousEntity": PartyKind.ORGANIZATION}


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation: the JSON Schema keyword that failed, where, and the validator's message."""

    validator: str
    path: str  # JSONPath, e.g. $[0].recordDetails.isComponent
    message: str


@cache
def _validator() -> Draft202012Validator:
    # jsonschema's format checker compiles its URI grammars on import (seconds): only BODS files need it.
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    folder = bundled("ownership", "bods", "schema")
    resources = []
    root: dict[str, Any] = {}
    for path in sorted(folder.glob("*.json")):
        schema = read_json(path)
        if "$id" in schema:
            resources.append((schema["$id"], Resource.from_contents(schema)))
        if path.name == "statement.json":
            root = schema
    registry: Registry = Registry().with_resources(resources)
    return Draft202012Validator(root, registry=registry, format_checker=FormatChecker())


def validate(statements: Any) -> list[SchemaError]:
    """Every schema violation of a BODS package (an array of statements), in document order."""
    errors = sorted(_validator().iter_errors(statements), key=lambda e: (list(e.absolute_path), e.validator))
    return [SchemaError(str(e.validator), e.json_path, e.message) for e in errors]


def read_statements(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    """Statements from a JSON array or a JSON Lines file, with each statement's line (1-based) for errors."""
    records = read_json_records(path)
    return [statement for _, statement in records], [line for line, _ in records]


def load_bods(path: Path) -> Graph:
    """Validate a BODS 0.4 file (JSON or JSON Lines) and read it into a Graph; InputError on the first violation."""
    statements, lines = read_statements(path)
    if not isinstance(statements, list):
        raise InputError("a BODS package is an array of statements", path=path)
    errors = validate(statements)
    if errors:
        first = errors[0]
        index = _statement_index(first.path)
        line = lines[index] if index is not None and index < len(lines) and lines[index] else None
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"BODS 0.4 schema: {first.message}{more}", path=path, line=line, field=first.path)
    return build_graph(statements, str(path))


def _statement_index(json_path: str) -> int | None:
    if json_path.startswith("$["):
        return int(json_path[2:json_path.index("]")])
    return None


def build_graph(statements: list[dict[str, Any]], source: str) -> Graph:
    """Apply the statements in order and turn the surviving records into parties, edges and claims."""
    records: dict[str, dict[str, Any]] = {}
    for statement in statements:
        record_id = statement["recordId"]
        if statement.get("recordStatus") == "closed":
            records.pop(record_id, None)
        else:
            records[record_id] = statement
    graph = Graph(source=source, source_format="bods")
    for record_id, statement in records.items():
        if statement["recordType"] in ("entity", "person"):
            graph.add_party(*_party(record_id, statement, source))
    for record_id, statement in records.items():
        if statement["recordType"] == "relationship":
            _relationship(graph, record_id, statement, source)
    return graph


def _party(record_id: str, statement: dict[str, Any], source: str) -> tuple[Party, bool | None]:
    """The party of a person or entity statement, and whether the source says it is publicly listed."""
    details = statement["recordDetails"]
    where = f"{source}#{statement['statementId']}"
    if statement["recordType"] == "person":
        names = details.get("names") or []
        name = names[0].get("fullName") if names else None
        codes = [n.get("code") for n in details.get("nationalities", []) if n.get("code")]
        codes += [n.get("code") for n in details.get("taxResidencies", []) if n.get("code")]
        kind = PartyKind.UNKNOWN if details.get("personType") == "unknownPerson" else PartyKind.PERSON
        return Party(id=record_id, name=name or f"{details.get('personType', 'person')} {record_id}", kind=kind,
                     country=_country(codes[0]) if codes else None, source=where), None
    entity_type = (details.get("entityType") or {}).get("type", "registeredEntity")
    listing = details.get("publicListing") or {}
    jurisdiction = (details.get("jurisdiction") or {}).get("code")
    identifiers = [Identifier(str(i.get("scheme") or i.get("schemeName", "")), str(i["id"]))
                   for i in details.get("identifiers", []) if i.get("id")]
    party = Party(id=record_id, name=details.get("name") or f"{entity_type} {record_id}",
                  kind=_ENTITY_KINDS.get(entity_type, PartyKind.ORGANIZATION), country=_country(jurisdiction),
                  identifiers=identifiers, source=where)
    listed = listing.get("hasPublicListing")
    return party, None if listed is None else bool(listed)


def _country(code: str | None) -> str | None:
    # Jurisdictions may be subdivisions (US-DE): the country is the ISO 3166-1 part.
    return to_alpha2(code.split("-")[0]) if code else None


def _relationship(graph: Graph, record_id: str, statement: dict[str, Any], source: str) -> None:
    details = statement["recordDetails"]
    where = f"{source}#{statement['statementId']}"
    subject = details["subject"]
    party = details.get("interestedParty")
    if isinstance(party, dict):  # an Unspecified Record: someone holds the interest, the source does not say who
        owner = f"unspecified:{record_id}"
        reason = party.get("reason", "unknown")
        graph.add_party(Party(id=owner, name=f"Unspecified owner ({reason})", kind=PartyKind.UNKNOWN, source=where,
                              notes=[party.get("description", "")] if party.get("description") else []))
    else:
        owner = party
    for needed in (subject, owner):
        if needed not in graph.parties:
            graph.add_party(Party(id=needed, name=needed, kind=PartyKind.UNKNOWN, source=where,
                                  notes=["referenced by a relationship, no record in the file"]))
    interests = details.get("interests") or []
    direct = [i for i in interests if i.get("directOrIndirect") != "indirect" and not i.get("endDate")]
    indirect = [i for i in interests if i.get("directOrIndirect") == "indirect" and not i.get("endDate")]
    if direct or not interests:
        edge = _edge(owner, subject, direct, where)
        if edge is not None:
            graph.edges.append(edge)
    if indirect:
        share = _ownership_share(indirect)
        graph.claims.append(Claim(owner, subject, share, [i.get("type", "unknownInterest") for i in indirect], where))


def _edge(owner: str, owned: str, interests: list[dict[str, Any]], where: str) -> Edge | None:
    types = [i.get("type") or "unknownInterest" for i in interests]
    if not interests:
        # A relationship without interests (e.g. an exempt listed company): something is held, nothing is known.
        return Edge(owner, owned, None, InterestKind.OWNERSHIP, ["unknownInterest"], where)
    kinds = {kind_of(t) for t in types}
    if InterestKind.OWNERSHIP in kinds:
        economic = [i for i in interests if kind_of(i.get("type") or "unknownInterest") == InterestKind.OWNERSHIP
                    and not is_voting(i.get("type") or "")]
        votes = [i for i in interests if is_voting(i.get("type") or "")]
        share = _ownership_share(economic) if economic else _ownership_share(votes)
        voting = _ownership_share(votes) if votes and economic else None
        return Edge(owner, owned, share, InterestKind.OWNERSHIP, types, where, voting=voting)
    if InterestKind.CONTROL in kinds:
        return Edge(owner, owned, None, InterestKind.CONTROL, types, where)
    return Edge(owner, owned, None, InterestKind.CONTROL, types, where) if types else None


def _ownership_share(interests: list[dict[str, Any]]) -> Share | None:
    """The share of the first interest that states one (shareholding before rights to profit)."""
    for interest in interests:
        share = share_from_bods(interest.get("share") or {})
        if share is not None:
            return share
    return None
