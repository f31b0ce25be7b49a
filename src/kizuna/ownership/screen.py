"""Screening every party in a target's chain through kizuna.screening (all lists, all scripts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.core.entity import PartyKind
from kizuna.ownership.model import Graph
from kizuna.screening import Hit, Query, get_screener
from kizuna.screening.screener import Screener


@dataclass(slots=True)
class PartyScreen:
    """The screening result of one party: its hits, best first, and the lists they are on."""

    party: str
    name: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def lists(self) -> list[str]:
        return sorted({h.list_code for h in self.hits})

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "name": self.name, "lists": self.lists,
                "hits": [h.summary() for h in self.hits]}


def screen_parties(graph: Graph, party_ids: list[str], screener: Screener | None = None,
                   limit: int = 5) -> dict[str, PartyScreen]:
    """Screen each party by name (with its country and type) at the screener's threshold."""
    active = screener or get_screener()
    results = {}
    for party_id in party_ids:
        party = graph.parties[party_id]
        if party.kind == PartyKind.UNKNOWN and party.name.startswith(("Unspecified", "unknown")):
            results[party_id] = PartyScreen(party_id, party.name)
            continue
        query = Query(party.name, country=party.country, entity_type=party.kind.screened_as)
        results[party_id] = PartyScreen(party_id, party.name, active.screen(query, limit=limit))
    return results


def listed_map(screens: dict[str, PartyScreen]) -> dict[str, list[str]]:
    """Party id → list codes it has hits on (only parties with hits)."""
    return {p: s.lists for p, s in screens.items() if s.hits}
