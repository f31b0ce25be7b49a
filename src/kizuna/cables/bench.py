"""``kizuna bench cables``: all-pairs min-cut with a transit policy beside the naive baseline (networkx edge
connectivity of the all-pairs multigraph), a direct re-check of random pairs, and where the two methods disagree.
The CLI only calls ``run`` and prints the result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kizuna.cables import analysis
from kizuna.cables.flow import FlowNetwork
from kizuna.cables.loader import load_network
from kizuna.cables.model import Network
from kizuna.cables.places_graph import hypergraph
from kizuna.cables.scenario import Scenario, View, apply, parse_places
from kizuna.core.tables import write_table

FEATURED = (("JP", "TW"), ("JP", "PH"), ("JP", "SG"), ("JP", "US"), ("TO", "FJ"))  # pairs the docs discuss


@dataclass(slots=True)
class BenchResult:
    network: Network
    view: View
    places: list[str]
    exact: np.ndarray  # the exact all-pairs min-cut (cables as units)
    naive: np.ndarray  # networkx edge connectivity of the multigraph
    flows: int
    seconds: dict[str, float] = field(default_factory=dict)  # load, exact, naive, check
    checked: int = 0
    mismatches: int = 0  # checked pairs where one direct max-flow differs from the exact table

    @property
    def pairs_total(self) -> int:
        return len(self.places) * (len(self.places) - 1) // 2

    def disagreements(self) -> list[tuple[int, str, str]]:
        """(naive − exact, a, b) for every pair the methods disagree on, largest first."""
        upper = np.triu(np.ones_like(self.exact, dtype=bool), 1)
        differ = upper & (self.naive != self.exact)
        return sorted(((int(self.naive[i, j]) - int(self.exact[i, j]), self.places[i], self.places[j])
                       for i, j in zip(*np.nonzero(differ), strict=True)), reverse=True)

    def median_overstatement(self) -> float:
        """The median of naive / exact over the pairs the methods disagree on (1 when they agree on all)."""
        ratios = []
        for difference, a, b in self.disagreements():
            exact = int(self.exact[self.places.index(a), self.places.index(b)])
            ratios.append((exact + difference) / max(exact, 1))
        return float(np.median(ratios)) if ratios else 1.0

    def value(self, a: str, b: str) -> tuple[int, int] | None:
        """(exact, naive) of a pair, None when a place is not in the table."""
        index = {p: i for i, p in enumerate(self.places)}
        if a not in index or b not in index:
            return None
        return int(self.exact[index[a], index[b]]), int(self.naive[index[a], index[b]])

    def shown_pairs(self, show: int) -> list[tuple[str, str]]:
        """The featured pairs, then the ``show`` largest disagreements, each once."""
        out: list[tuple[str, str]] = []
        for pair in [*FEATURED, *((a, b) for _, a, b in self.disagreements()[:show])]:
            if pair not in out and self.value(*pair) is not None:
                out.append(pair)
        return out

    def write_csv(self, path: Path) -> int:
        """The full all-pairs table, both methods (formula-safe, atomic)."""
        places = self.places
        return write_table(path, ["a", "b", "exact_min_cut", "naive_edge_connectivity"],
                           ([a, places[j], int(self.exact[i, j]), int(self.naive[i, j])]
                            for i, a in enumerate(places) for j in range(i + 1, len(places))))


def run(data: Path | None = None, no_transit: list[str] | None = None, check: int = 300) -> BenchResult:
    """Time loading (with trust screening), the exact table, the naive table and ``check`` direct re-checks."""
    started = time.perf_counter()
    network = load_network(data)
    view = apply(network, Scenario(no_transit=parse_places(no_transit or ["CN"], "--no-transit")))
    seconds = {"load": time.perf_counter() - started}
    started = time.perf_counter()
    exact = analysis.all_pairs(view)
    seconds["exact"] = time.perf_counter() - started
    started = time.perf_counter()
    naive = analysis.naive_edge_connectivity(view, exact.places)
    seconds["naive"] = time.perf_counter() - started
    result = BenchResult(network, view, exact.places, exact.values, naive, exact.flows, seconds, check)
    started = time.perf_counter()
    result.mismatches = _recheck(result, check)
    seconds["check"] = time.perf_counter() - started
    return result


def _recheck(result: BenchResult, check: int) -> int:
    """Pairs (seeded, random) where one direct max-flow on the pair's own graph differs from the table."""
    rng = np.random.default_rng(0)
    places = result.places
    mapping = {lp: p.country for lp, p in result.network.landing_points.items()}
    mismatches = 0
    for _ in range(check):
        i, j = rng.choice(len(places), size=2, replace=False)
        a, b = places[i], places[j]
        graph = hypergraph(result.view, mapping, {a, b})
        direct = FlowNetwork(graph).value(a, b) if a in graph.index and b in graph.index else 0
        mismatches += int(direct != result.exact[i, j])
    return mismatches
