"""Exact minimum cuts where each cable counts once, however many places it lands in.

A cable is a hyperedge over the places it lands in. For max-flow each cable becomes two nodes joined by an
arc of capacity 1 (node splitting); each place reaches the cable's entry node and is reached from its exit
node through arcs of unbounded capacity. A minimum s-t cut of that network removes only capacity-1 arcs, so its
value is the least number of whole cables whose failure separates s from t, and by Menger's theorem it equals
the number of routes between s and t that share no cable. The all-pairs table uses Gusfield's algorithm
(n-1 max-flows give a flow-equivalent tree), which holds for this cut function because it is symmetric and
submodular; tests check it against one max-flow per pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

_INF = 1 << 20  # "unbounded": more than any number of cables


@dataclass(slots=True)
class Hypergraph:
    """Places (nodes) and cables (hyperedges over the places each cable connects)."""

    nodes: list[str]
    cables: list[str]
    members: list[tuple[int, ...]]  # node indices of each cable, at least two
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.nodes)}

    @classmethod
    def build(cls, cables: Iterable[tuple[str, Iterable[str]]]) -> Hypergraph:
        """From (cable id, places it connects) pairs; cables joining fewer than two places are dropped."""
        nodes: dict[str, int] = {}
        names: list[str] = []
        members: list[tuple[int, ...]] = []
        for cable_id, places in cables:
            distinct = list(dict.fromkeys(places))
            if len(distinct) < 2:
                continue
            names.append(cable_id)
            members.append(tuple(nodes.setdefault(p, len(nodes)) for p in distinct))
        return cls(list(nodes), names, members)

    def incident(self) -> list[list[int]]:
        """The cables (by position) landing at each node."""
        out: list[list[int]] = [[] for _ in self.nodes]
        for j, nodes in enumerate(self.members):
            for n in nodes:
                out[n].append(j)
        return out


@dataclass(slots=True)
class Cut:
    """The result of one s-t minimum cut."""

    value: int
    cables: list[str]  # the cables of one minimum cut (the one nearest to s)
    source_side: set[str]  # places still reachable from s once the cut cables fail
    routes: list[list[tuple[str, str]]]  # cable-disjoint routes: [(cable, place reached), ...] each


class FlowNetwork:
    """The node-split flow network of a hypergraph, reused for many s-t max-flows."""

    def __init__(self, graph: Hypergraph) -> None:
        self.graph = graph
        n, m = len(graph.nodes), len(graph.cables)
        self.size = n + 2 * m
        rows: list[int] = []
        cols: list[int] = []
        caps: list[int] = []
        for j, nodes in enumerate(graph.members):
            cin, cout = n + 2 * j, n + 2 * j + 1
            rows.append(cin)
            cols.append(cout)
            caps.append(1)
            for p in nodes:
                rows += [p, cout]
                cols += [cin, p]
                caps += [_INF, _INF]
        self.capacity = csr_matrix((np.array(caps, dtype=np.int32), (rows, cols)), shape=(self.size, self.size))
        # Residual capacities need an entry for every reverse arc too.
        reverse = csr_matrix((np.zeros(len(caps), dtype=np.int32), (cols, rows)), shape=(self.size, self.size))
        self._full = (self.capacity + reverse).tocsr()
        self._full.sort_indices()

    def _flow(self, s: int, t: int) -> tuple[int, csr_matrix]:
        result = maximum_flow(self.capacity, s, t, method="dinic")
        return int(result.flow_value), result.flow

    def _source_side(self, s: int, flow: csr_matrix) -> np.ndarray:
        residual = (self._full - flow).tocsr()
        residual.data[residual.data < 0] = 0
        residual.eliminate_zeros()
        reached = breadth_first_order(residual, s, directed=True, return_predecessors=False)
        mask = np.zeros(self.size, dtype=bool)
        mask[reached] = True
        return mask

    def value(self, s: str, t: str) -> int:
        """The least number of cables whose failure separates ``s`` from ``t``."""
        if s == t:
            raise ValueError("source and target are the same place")
        return self._flow(self.graph.index[s], self.graph.index[t])[0]

    def cut(self, s: str, t: str, with_routes: bool = True) -> Cut:
        """The minimum cut between two places, the cables in it, and (optionally) the disjoint routes."""
        si, ti = self.graph.index[s], self.graph.index[t]
        value, flow = self._flow(si, ti)
        side = self._source_side(si, flow)
        n = len(self.graph.nodes)
        cut = [self.graph.cables[j] for j in range(len(self.graph.cables))
               if side[n + 2 * j] and not side[n + 2 * j + 1]]
        places = {self.graph.nodes[i] for i in range(n) if side[i]}
        return Cut(value, sorted(cut), places, self._routes(si, ti, flow) if with_routes else [])

    def _routes(self, s: int, t: int, flow: csr_matrix) -> list[list[tuple[str, str]]]:
        """Decompose the flow into unit paths: each is a sequence of (cable, place) hops from s to t."""
        positive = flow.tocoo()
        out: dict[int, list[int]] = {}
        for u, v, f in zip(positive.row, positive.col, positive.data, strict=True):
            if f > 0:
                out.setdefault(int(u), []).extend([int(v)] * int(f))
        n = len(self.graph.nodes)
        routes: list[list[tuple[str, str]]] = []
        while out.get(s):
            node, hops = s, list[tuple[str, str]]()
            while node != t:
                cable_in = out[node].pop()
                cable_out = out[cable_in].pop()
                place = out[cable_out].pop()
                name = self.graph.nodes[place]
                if place == s:  # a flow cycle back to the source: start the route again
                    hops = []
                elif any(hop[1] == name for hop in hops):  # a cycle: drop the loop
                    while hops[-1][1] != name:
                        hops.pop()
                else:
                    hops.append((self.graph.cables[(cable_in - n) // 2], name))
                node = place
            routes.append(hops)
        return routes

    def gomory_hu(self, terminals: Sequence[str] | None = None) -> tuple[list[int], list[int], list[str]]:
        """Gusfield's flow-equivalent tree over ``terminals`` (every place by default): parent and weight arrays."""
        names = list(terminals) if terminals is not None else list(self.graph.nodes)
        ids = [self.graph.index[x] for x in names]
        k = len(ids)
        parent = [0] * k
        weight = [0] * k
        for i in range(1, k):
            value, flow = self._flow(ids[i], ids[parent[i]])
            weight[i] = value
            side = self._source_side(ids[i], flow)
            for j in range(i + 1, k):
                if parent[j] == parent[i] and side[ids[j]]:
                    parent[j] = i
        return parent, weight, names


def tree_all_pairs(parent: list[int], weight: list[int]) -> np.ndarray:
    """All-pairs minimum of tree-path weights: the min-cut value for every pair from a flow-equivalent tree."""
    k = len(parent)
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(k)]
    for i in range(1, k):
        adjacency[i].append((parent[i], weight[i]))
        adjacency[parent[i]].append((i, weight[i]))
    table = np.zeros((k, k), dtype=np.int32)
    for root in range(k):
        best = {root: _INF}
        stack = [root]
        while stack:
            u = stack.pop()
            for v, w in adjacency[u]:
                if v not in best:
                    best[v] = min(best[u], w)
                    stack.append(v)
        for v, w in best.items():
            table[root, v] = 0 if v == root else w
    return table
