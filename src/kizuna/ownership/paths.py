"""Ownership paths as evidence: the chains of interests from a holder to a target, each link with its share, as
``core.evidence.Evidence`` records of kind ``ownership-path`` with one structured reason per link."""

from __future__ import annotations

from collections import defaultdict

from kizuna.core.evidence import Evidence, EvidenceKind, Reason
from kizuna.ownership.model import Edge, Graph, Share

MAX_PATHS = 10  # per holder: a report names the main chains, the attributed share counts them all


def paths(graph: Graph, owner: str, target: str, limit: int = MAX_PATHS) -> list[list[Edge]]:
    """Up to ``limit`` simple chains of interests from ``owner`` down to ``target`` (each a list of edges)."""
    holdings: dict[str, list[Edge]] = defaultdict(list)
    for edge in graph.edges:
        holdings[edge.owner].append(edge)
    found: list[list[Edge]] = []

    def walk(node: str, chain: list[Edge], seen: set[str]) -> None:
        for edge in holdings.get(node, []):
            if len(found) >= limit or edge.owned in seen:
                continue
            if edge.owned == target:
                found.append([*chain, edge])
            else:
                walk(edge.owned, [*chain, edge], seen | {edge.owned})

    walk(owner, [], {owner})
    return found


def path_evidence(graph: Graph, owner: str, target: str, attributed: Share | None, rule: str) -> list[Evidence]:
    """Each chain from ``owner`` to ``target`` as evidence: the parties, the share of every link, and the share the
    rule attributes to ``owner`` over all its chains."""
    party = graph.parties[owner]
    evidence = []
    for chain in paths(graph, owner, target):
        names = [graph.parties[chain[0].owner].name, *(graph.parties[e.owned].name for e in chain)]
        reasons = [Reason("ownership-link", f"{graph.parties[e.owner].name} holds {e.label()} of "
                                            f"{graph.parties[e.owned].name}",
                          {"owner": e.owner, "owned": e.owned, "kind": e.kind.value,
                           "share": None if e.share is None else e.share.percent(), "source": e.source})
                   for e in chain]
        if attributed is not None:
            reasons.append(Reason("attributed-share", f"{party.name}'s share under {rule}: {attributed.label()}",
                                  {"rule": rule, "share": attributed.percent()}))
        evidence.append(Evidence(EvidenceKind.OWNERSHIP_PATH, " → ".join(names), party.ref(), None, tuple(reasons),
                                 data={"path": [chain[0].owner, *(e.owned for e in chain)],
                                       "shares": [None if e.share is None else e.share.percent() for e in chain],
                                       "attributed": None if attributed is None else attributed.percent()}))
    return evidence
