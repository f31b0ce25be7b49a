"""The hand-worked US determinations of cases/us_determinations.yaml (how each was worked out is written beside
it): the overall answer, the rules that give it, the rules checked and found not to apply, the questions asked."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from kizuna.core.entity import PartyKind
from kizuna.core.party import Party
from kizuna.licensing.assess import LicenceAssessment, assess
from kizuna.licensing.service import build_shipment
from kizuna.ownership.model import Edge, Graph, InterestKind, Share
from kizuna.screening.screener import Screener

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "us_determinations.yaml").read_text(encoding="utf-8"))


def _graph(edges: list[list[Any]]) -> Graph:
    graph = Graph(source="case")
    for owner, owned, _ in edges:
        for name in (owner, owned):
            graph.add_party(Party(name, PartyKind.ORGANIZATION, id=name))
    graph.edges.extend(Edge(o, d, Share.exact(p / 100), InterestKind.OWNERSHIP, ["shareholding"])
                       for o, d, p in edges)
    return graph


def run(case: dict[str, Any]) -> LicenceAssessment:
    given = dict(case["shipment"])
    parties = [tuple(p) for p in given.pop("parties", [])]
    destination, exporter = given.pop("to"), given.pop("from", "US")
    shipment = build_shipment(exporter, destination, parties=parties, **given)
    graph = _graph(case["graph"]) if "graph" in case else None
    day = date.fromisoformat(case["as_of"]) if "as_of" in case else None
    return assess(shipment, graph=graph, as_of=day)


def test_there_are_at_least_thirty_cases_each_worked_and_cited() -> None:
    assert len(CASES) >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert all(len(c["worked"].split()) >= 12 for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hand_worked_determination(case: dict[str, Any], screener: Screener) -> None:
    result = run(case)
    answer = result.licence_required
    by_rule: dict[str, list[Any]] = {}
    for d in result.determinations:
        by_rule.setdefault(d.rule, []).append(d)
    assert answer == case["expect"], [(d.rule, d.licence_required, d.reason) for d in result.determinations
                                      if d.applies and d.licence_required is not False]
    for rule, expected in (case.get("rules") or {}).items():
        assert rule in by_rule, f"{rule} not checked: {sorted(by_rule)}"
        assert any(d.licence_required == expected for d in by_rule[rule]), [d.reason for d in by_rule[rule]]
    for rule in case.get("not_applying", []):
        assert rule in by_rule and all(not d.applies for d in by_rule[rule]), [d.reason for d in by_rule[rule]]
    if "question" in case:
        assert any(case["question"].casefold() in q.casefold() for q in result.questions()), result.questions()
    if "classification" in case:
        assert result.to_dict()["classification"] == case["classification"]
    # every determination names the edition of the text it used
    assert all(d.citation.date for d in result.determinations)
