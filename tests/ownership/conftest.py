"""Fixtures for the ownership tests: the fixture folders and small graphs built in code."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.core.entity import PartyKind
from kizuna.core.party import Party
from kizuna.ownership.model import Edge, Graph, InterestKind, Share

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ownership"
EXAMPLES = FIXTURES / "bods" / "examples"
CONFORMANCE = FIXTURES / "bods" / "conformance"
GRAPHS = FIXTURES / "graphs"


def build(edges: list[tuple[str, str, Share | None]], kinds: dict[str, PartyKind] | None = None,
          countries: dict[str, str] | None = None, control: list[tuple[str, str, str]] | None = None) -> Graph:
    """A graph from (owner, owned, share) triples; shares as fractions."""
    graph = Graph(source="test")
    for owner, owned, _ in edges:
        for party in (owner, owned):
            graph.add_party(Party(id=party, name=party, kind=(kinds or {}).get(party, PartyKind.ORGANIZATION),
                                  country=(countries or {}).get(party)))
    for owner, owned, share in edges:
        graph.edges.append(Edge(owner, owned, share, InterestKind.OWNERSHIP, ["shareholding"]))
    for owner, owned, interest in control or []:
        for party in (owner, owned):
            graph.add_party(Party(id=party, name=party, kind=(kinds or {}).get(party, PartyKind.ORGANIZATION),
                                  country=(countries or {}).get(party)))
        graph.edges.append(Edge(owner, owned, None, InterestKind.CONTROL, [interest]))
    return graph


def pct(value: float) -> Share:
    return Share.exact(value / 100)


@pytest.fixture()
def deal_csv() -> Path:
    return GRAPHS / "deal.csv"
