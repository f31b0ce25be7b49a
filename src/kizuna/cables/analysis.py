"""Pair cuts and the all-pairs table: how many whole cables must fail to separate two places, which ones, and
the routes that share no cable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kizuna.cables.flow import FlowNetwork, tree_all_pairs
from kizuna.cables.hops import HopResult, hop_limited
from kizuna.cables.places_graph import Endpoint, hypergraph, node_map, parse_endpoint
from kizuna.cables.scenario import View
from kizuna.core.errors import InputError


@dataclass(slots=True)
class PairCut:
    """The answer for one pair under one scenario, with the reasons."""

    a: Endpoint
    b: Endpoint
    min_cut: int
    cut_cables: list[str]  # cable ids
    routes: list[list[tuple[str, str]]]  # cable-disjoint routes: (cable id, place reached) hops
    view: View
    hops: HopResult | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        return "country" if self.a.kind == self.b.kind == "country" else "station"

    def explanation(self) -> str:
        names = self.a.label, self.b.label
        if self.min_cut == 0:
            return f"{names[0]} and {names[1]} are not connected under this scenario. " + " ".join(self.notes)
        n = self.min_cut
        text = (f"{n} cable{'s' if n != 1 else ''} must fail to separate {names[0]} from {names[1]}: the "
                f"listed cable{'s form' if n != 1 else ' forms'} a minimum cut, and {n} route{'s' if n != 1 else ''}"
                f" between them share{'s' if n == 1 else ''} no cable, so no smaller set can do it (max-flow = "
                f"min-cut, each cable counted once).")
        if self.min_cut == 1:
            text += f" Single point of failure: {self.view.cable(self.cut_cables[0]).name}."
        if self.hops:
            text += (f" With at most {self.hops.max_hops} cables per route: {self.hops.disjoint_routes} disjoint "
                     f"routes, {self.hops.cut} cables to cut them all.")
        return " ".join([text, *self.notes])

    def to_dict(self) -> dict[str, Any]:
        view = self.view
        cables = [_cable_facts(view, c) for c in self.cut_cables]
        out: dict[str, Any] = {
            "a": self.a.key, "b": self.b.key, "a_name": self.a.label, "b_name": self.b.label, "level": self.level,
            "min_cut": self.min_cut, "cut_cables": [c["name"] for c in cables], "cut": cables,
            "disjoint_routes": len(self.routes),
            "routes": [[{"cable": view.cable(c).name, "to": p} for c, p in route] for route in self.routes],
            "explanation": self.explanation(), **view.summary()}
        if self.hops:
            out["hop_limited"] = {
                "max_hops": self.hops.max_hops, "disjoint_routes": self.hops.disjoint_routes,
                "min_cut": self.hops.cut, "cut_cables": [view.cable(c).name for c in self.hops.cut_cables],
                "routes": [[view.cable(c).name for c in r] for r in self.hops.routes],
                "minimal_routes_enumerated": self.hops.minimal_routes}
        return out


def _cable_facts(view: View, cable_id: str) -> dict[str, Any]:
    cable = view.cable(cable_id)
    return {"id": cable.id, "name": cable.name, "rfs_year": cable.rfs_year,
            "places": view.network.countries_of(cable), "owners": list(cable.owners),
            "suppliers": list(cable.suppliers), "trust": view.trust.status(cable.id),
            "trust_brief": view.trust.brief(cable.id), "trust_why": view.trust.why(cable.id)}


def pair_cut(view: View, a: str | Endpoint, b: str | Endpoint) -> PairCut:
    """The exact minimum cut between two endpoints (country codes, ``hub:NAME`` or landing station ids)."""
    network = view.network
    ea = a if isinstance(a, Endpoint) else parse_endpoint(a, network)
    eb = b if isinstance(b, Endpoint) else parse_endpoint(b, network)
    if ea.key == eb.key or (ea.stations & eb.stations):
        raise InputError(f"{ea.label} and {eb.label} overlap: choose two different places", field="endpoint")
    graph = hypergraph(view, node_map(view, (ea, eb)), {ea.key, eb.key})
    notes = []
    for end in (ea, eb):
        if end.key not in graph.index:
            notes.append(f"{end.label} has no working cable to another place under this scenario.")
    if notes:
        return PairCut(ea, eb, 0, [], [], view, notes=notes)
    cut = FlowNetwork(graph).cut(ea.key, eb.key)
    hops = hop_limited(graph, ea.key, eb.key, view.scenario.max_hops) if view.scenario.max_hops else None
    return PairCut(ea, eb, cut.value, cut.cables, cut.routes, view, hops)


@dataclass(slots=True)
class PairTable:
    """Minimum cuts between every two places of a view."""

    places: list[str]
    values: np.ndarray  # values[i, j]: the min-cut between places[i] and places[j]
    flows: int  # max-flow computations used

    def value(self, a: str, b: str) -> int:
        return int(self.values[self.places.index(a), self.places.index(b)])


def all_pairs(view: View, places: list[str] | None = None) -> PairTable:
    """The country-level min-cut for every pair of places, honouring the view's transit policy.

    Places that may carry transit share one flow-equivalent tree (Gusfield). A place barred from transit may
    still be an endpoint, so its pairs are computed in its own network, where it alone of the barred places
    is present.
    """
    mapping = {lp: p.country for lp, p in view.network.landing_points.items()}
    base = hypergraph(view, mapping, set())
    blocked = view.scenario.no_transit
    everywhere = sorted({p for places_ in view.international().values() for p in places_})
    wanted = sorted(places) if places is not None else everywhere
    index = {p: i for i, p in enumerate(wanted)}
    table = np.zeros((len(wanted), len(wanted)), dtype=np.int32)
    terminals = [p for p in wanted if p not in blocked and p in base.index]
    flows = 0
    if len(terminals) > 1:
        parent, weight, names = FlowNetwork(base).gomory_hu(terminals)
        flows += len(names) - 1
        sub = tree_all_pairs(parent, weight)
        idx = [index[n] for n in names]
        table[np.ix_(idx, idx)] = sub
    for place in wanted:
        if place not in blocked:
            continue
        graph = hypergraph(view, mapping, {place})
        if place not in graph.index:
            continue
        network = FlowNetwork(graph)
        for other in wanted:
            if other == place or (other in blocked and other < place):
                continue
            if other in blocked:  # both barred: a network holding both endpoints
                pair_graph = hypergraph(view, mapping, {place, other})
                both = place in pair_graph.index and other in pair_graph.index
                value = FlowNetwork(pair_graph).value(place, other) if both else 0
            elif other in graph.index:
                value = network.value(place, other)
            else:
                continue
            flows += 1
            table[index[place], index[other]] = table[index[other], index[place]] = value
    return PairTable(wanted, table, flows)


def naive_edge_connectivity(view: View, places: list[str]) -> np.ndarray:
    """The baseline this module replaces: networkx edge connectivity of the all-pairs multigraph (a cable landing
    in k places adds an edge between each two of them), with the same transit policy. Pairs of places that may
    carry transit are read off networkx's Gomory-Hu tree of the multigraph (parallel edges as capacity), which
    gives the same numbers as ``nx.edge_connectivity`` pair by pair; a barred place is added back for its pairs."""
    import networkx as nx

    blocked = view.scenario.no_transit

    def multigraph(keep: set[str]) -> nx.Graph:
        graph = nx.Graph()
        for cable_places in view.international().values():
            members = [p for p in cable_places if p not in blocked or p in keep]
            for i, u in enumerate(members):
                for v in members[i + 1:]:
                    if graph.has_edge(u, v):
                        graph[u][v]["capacity"] += 1
                    else:
                        graph.add_edge(u, v, capacity=1)
        return graph

    index = {p: i for i, p in enumerate(places)}
    table = np.zeros((len(places), len(places)), dtype=np.int32)
    base = multigraph(set())
    for component in nx.connected_components(base):
        nodes = sorted(n for n in component if n in index)
        if len(nodes) < 2:
            continue
        tree = nx.gomory_hu_tree(base.subgraph(component), capacity="capacity")
        for source in nodes:
            best: dict[str, int] = {source: 1 << 30}
            stack = [source]
            while stack:
                u = stack.pop()
                for v in tree[u]:
                    if v not in best:
                        best[v] = min(best[u], tree[u][v]["weight"])
                        stack.append(v)
            for v, w in best.items():
                if v != source and v in index:
                    table[index[source], index[v]] = w
    for place in sorted(blocked & set(places)):
        for other in places:
            if other == place or (other in blocked and other < place):
                continue
            graph = multigraph({place, other})
            if place in graph and other in graph:
                value = nx.maximum_flow_value(graph, place, other, capacity="capacity")
                table[index[place], index[other]] = table[index[other], index[place]] = value
    return table



def policy_table(view_for: Any, a: str, partners: list[str], no_transit: frozenset[str]) -> dict[str, Any]:
    """Min-cuts from ``a`` to each partner under four policies: every cable; no transit through ``no_transit``;
    trusted cables only; both. ``view_for(no_transit, exclude_concern)`` gives the view of each policy."""
    policies = [("all", frozenset(), False), ("no_transit", no_transit, False), ("trusted", frozenset(), True),
                ("trusted_no_transit", no_transit, True)]
    rows = []
    for partner in partners:
        row: dict[str, Any] = {"a": a, "b": partner}
        for key, barred, exclude in policies:
            result = pair_cut(view_for(barred, exclude), a, partner)
            row[key] = result.min_cut
            row[f"{key}_cut"] = [result.view.cable(c).name for c in result.cut_cables]
        rows.append(row)
    labels = {"all": "all cables", "no_transit": f"no transit via {','.join(sorted(no_transit))}",
              "trusted": "trusted cables only", "trusted_no_transit": "trusted, no transit"}
    return {"a": a, "no_transit": sorted(no_transit), "columns": labels, "rows": rows}
