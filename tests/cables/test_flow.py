"""The exact cut engine on hand-built hypergraphs with known answers, and against brute force."""

from __future__ import annotations

import itertools
import random

import pytest

from kizuna.cables.flow import FlowNetwork, Hypergraph, tree_all_pairs
from kizuna.cables.hops import hop_limited


def brute_force_cut(graph: Hypergraph, s: str, t: str) -> int:
    """The least number of cables whose removal disconnects s from t, by trying every subset."""
    m = len(graph.cables)
    for size in range(m + 1):
        for removed in itertools.combinations(range(m), size):
            if not connected(graph, s, t, set(removed)):
                return size
    raise AssertionError("unreachable")


def connected(graph: Hypergraph, s: str, t: str, removed: set[int], max_hops: int | None = None) -> bool:
    """Breadth-first search over places, one cable per hop."""
    start, goal = graph.index[s], graph.index[t]
    frontier, seen, hops = {start}, {start}, 0
    while frontier and (max_hops is None or hops < max_hops):
        hops += 1
        nxt = set()
        for j, members in enumerate(graph.members):
            if j not in removed and frontier & set(members):
                nxt |= set(members) - seen
        if goal in nxt:
            return True
        seen |= nxt
        frontier = nxt
    return False


def test_a_cable_counts_once_however_many_places_it_lands_in() -> None:
    # A three-landing cable A-B-C and a second cable A-B: two cables separate A from B, one separates C.
    graph = Hypergraph.build([("abc", ["A", "B", "C"]), ("ab", ["A", "B"])])
    flow = FlowNetwork(graph)
    assert flow.value("A", "B") == 2
    assert flow.value("A", "C") == 1
    result = flow.cut("A", "C")
    assert result.cables == ["abc"]
    assert result.source_side == {"A", "B"}
    # The clique expansion would count A-C as 1 edge but A-B as 2 + the A-C-B detour = 3.


def test_ring_and_disjoint_routes() -> None:
    graph = Hypergraph.build([("ab", ["A", "B"]), ("bc", ["B", "C"]), ("cd", ["C", "D"]), ("da", ["D", "A"])])
    result = FlowNetwork(graph).cut("A", "C")
    assert result.value == 2
    assert len(result.routes) == 2
    used = [cable for route in result.routes for cable, _ in route]
    assert len(used) == len(set(used)) == 4  # two routes, no cable shared
    assert all(route[-1][1] == "C" for route in result.routes)


def test_domestic_cables_are_dropped_and_places_repeat_once() -> None:
    graph = Hypergraph.build([("domestic", ["A", "A"]), ("x", ["A", "B", "A"])])
    assert graph.cables == ["x"]
    assert graph.members == [(0, 1)]


@pytest.mark.parametrize("seed", range(12))
def test_min_cut_matches_brute_force_and_the_tree_matches_every_pair(seed: int) -> None:
    rng = random.Random(seed)
    places = [f"P{i}" for i in range(7)]
    cables = [(f"c{j}", rng.sample(places, rng.choice([2, 2, 3, 4]))) for j in range(9)]
    graph = Hypergraph.build(cables)
    flow = FlowNetwork(graph)
    parent, weight, names = flow.gomory_hu()
    table = tree_all_pairs(parent, weight)
    for i, j in itertools.combinations(range(len(names)), 2):
        expected = brute_force_cut(graph, names[i], names[j])
        assert flow.value(names[i], names[j]) == expected
        assert table[i, j] == table[j, i] == expected
        cut = flow.cut(names[i], names[j])
        removed = {graph.cables.index(c) for c in cut.cables}
        assert len(removed) == expected and not connected(graph, names[i], names[j], removed)
        assert len(cut.routes) == expected


def test_hop_limit_counts_only_short_routes() -> None:
    # A-B directly; A-X-B over two cables; A-Y-Z-B over three.
    graph = Hypergraph.build([("c1", ["A", "B"]), ("c2", ["A", "X"]), ("c3", ["X", "B"]), ("c4", ["A", "Y"]),
                              ("c5", ["Y", "Z"]), ("c6", ["Z", "B"])])
    assert FlowNetwork(graph).value("A", "B") == 3
    assert [hop_limited(graph, "A", "B", h).disjoint_routes for h in (1, 2, 3)] == [1, 2, 3]
    assert hop_limited(graph, "A", "B", 2).cut_cables in (["c1", "c2"], ["c1", "c3"])


@pytest.mark.parametrize("seed", range(6))
def test_hop_limited_cut_matches_brute_force(seed: int) -> None:
    rng = random.Random(100 + seed)
    places = [f"P{i}" for i in range(6)]
    graph = Hypergraph.build([(f"c{j}", rng.sample(places, rng.choice([2, 2, 3]))) for j in range(8)])
    s, t = graph.nodes[0], graph.nodes[-1]
    for hops in (1, 2, 3):
        result = hop_limited(graph, s, t, hops)
        m = len(graph.cables)
        best = next(size for size in range(m + 1) for removed in itertools.combinations(range(m), size)
                    if not connected(graph, s, t, set(removed), hops))
        assert result.cut == best
        assert result.disjoint_routes <= result.cut
        flat = [c for route in result.routes for c in route]
        assert len(flat) == len(set(flat)) and all(len(r) <= hops for r in result.routes)
