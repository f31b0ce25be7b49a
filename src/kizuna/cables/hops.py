"""Routes under a hop limit: how many routes of at most H cables share no cable, and how many cables must fail
to leave no such route. Both are exact integer programs (HiGHS through scipy) over every minimal route.

Without a hop limit the two numbers are equal (Menger) and come from max-flow; with one they may differ, and
the problem is NP-hard in general, so routes are enumerated (bounded by ``MAX_ROUTES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.sparse import csr_matrix

from kizuna.cables.flow import Hypergraph
from kizuna.core.errors import KizunaError

MAX_ROUTES = 200_000


class TooManyRoutes(KizunaError):
    """The hop limit admits more routes than can be enumerated."""


@dataclass(slots=True)
class HopResult:
    max_hops: int
    disjoint_routes: int  # most routes of <= max_hops cables that share no cable
    cut: int  # fewest cables whose failure leaves no route of <= max_hops cables
    cut_cables: list[str]
    routes: list[list[str]]  # one packing of disjoint routes (cable ids in order)
    minimal_routes: int  # how many distinct minimal cable sets were enumerated


def minimal_routes(graph: Hypergraph, s: str, t: str, max_hops: int) -> list[tuple[int, ...]]:
    """Every route from s to t over at most ``max_hops`` cables, as cable sequences, keeping only routes whose
    cable set contains no other route's set (a packing or a cut never needs the others)."""
    incident = graph.incident()
    si, ti = graph.index[s], graph.index[t]
    at_target = set(incident[ti])
    found: dict[frozenset[int], tuple[int, ...]] = {}

    def walk(place: int, depth: int, used: tuple[int, ...], visited: set[int]) -> None:
        if len(found) > MAX_ROUTES:
            raise TooManyRoutes(f"more than {MAX_ROUTES:,} routes of at most {max_hops} cables between {s} and {t}: "
                                "lower the hop limit")
        last = depth + 1 == max_hops
        for cable in incident[place]:
            if cable in used:
                continue
            if cable in at_target:
                key = frozenset((*used, cable))
                found.setdefault(key, (*used, cable))
                continue  # any longer route through this cable contains this one
            if last:
                continue
            for nxt in graph.members[cable]:
                if nxt not in visited:
                    visited.add(nxt)
                    walk(nxt, depth + 1, (*used, cable), visited)
                    visited.remove(nxt)

    walk(si, 0, (), {si})
    # Routes have few cables, so checking every proper subset is cheaper than comparing routes pairwise.
    return [route for key, route in found.items()
            if not any(frozenset(sub) in found for size in range(1, len(key)) for sub in combinations(key, size))]


def hop_limited(graph: Hypergraph, s: str, t: str, max_hops: int) -> HopResult:
    """Disjoint routes and the cut under a hop limit, both exact."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # slow to import; only hop limits need it

    if max_hops < 1:
        raise KizunaError("the hop limit must be at least 1")
    if s not in graph.index or t not in graph.index:
        return HopResult(max_hops, 0, 0, [], [], 0)
    routes = minimal_routes(graph, s, t, max_hops)
    if not routes:
        return HopResult(max_hops, 0, 0, [], [], 0)
    cables = sorted({c for r in routes for c in r})
    column = {c: i for i, c in enumerate(cables)}
    rows, cols = [], []
    for i, route in enumerate(routes):
        for c in route:
            rows.append(i)
            cols.append(column[c])
    incidence = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(routes), len(cables)))
    # Packing: at most one chosen route through each cable.
    pack = milp(c=-np.ones(len(routes)), integrality=np.ones(len(routes)), bounds=Bounds(0, 1),
                constraints=LinearConstraint(incidence.T.tocsr(), -np.inf, 1))
    # Cut: every route loses at least one cable.
    hit = milp(c=np.ones(len(cables)), integrality=np.ones(len(cables)), bounds=Bounds(0, 1),
               constraints=LinearConstraint(incidence, 1, np.inf))
    if not (pack.success and hit.success):
        raise KizunaError(f"the route integer program did not solve: {pack.message}; {hit.message}")
    chosen = [routes[i] for i in np.flatnonzero(pack.x > 0.5)]
    cut = [graph.cables[cables[i]] for i in np.flatnonzero(hit.x > 0.5)]
    return HopResult(max_hops, len(chosen), len(cut), sorted(cut),
                     [[graph.cables[c] for c in r] for r in chosen], len(routes))
