"""Random failures: N cables fail at random (uniformly among the cables up, seeded); how often does a pair
stay connected?"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from kizuna.cables.places_graph import Endpoint, hypergraph, node_map, parse_endpoint
from kizuna.cables.scenario import View


@dataclass(slots=True)
class MonteCarlo:
    a: Endpoint
    b: Endpoint
    failures: int
    trials: int
    seed: int
    connected: int
    cables: int  # cables that could fail

    @property
    def probability(self) -> float:
        return self.connected / self.trials if self.trials else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """95 % Wilson score interval of the probability."""
        n, p, z = self.trials, self.probability, 1.96
        if n == 0:
            return (0.0, 1.0)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return (max(0.0, centre - half), min(1.0, centre + half))

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"a": self.a.key, "b": self.b.key, "failures": self.failures, "trials": self.trials, "seed": self.seed,
                "cables_at_risk": self.cables, "stays_connected": self.connected,
                "probability_connected": round(self.probability, 4), "ci95": [round(low, 4), round(high, 4)],
                "explanation": f"{self.failures} of {self.cables} cables fail at random, {self.trials} trials "
                               f"(seed {self.seed}): {self.a.label} and {self.b.label} stay connected in "
                               f"{self.connected} ({self.probability:.1%}, 95% CI {low:.1%}-{high:.1%})."}


def random_failures(view: View, a: str, b: str, failures: int, trials: int = 2000, seed: int = 0) -> MonteCarlo:
    """Probability that ``a`` and ``b`` stay connected when ``failures`` random cables fail."""
    network = view.network
    ea, eb = parse_endpoint(a, network), parse_endpoint(b, network)
    graph = hypergraph(view, node_map(view, (ea, eb)), {ea.key, eb.key})
    m, n = len(graph.cables), len(graph.nodes)
    if ea.key not in graph.index or eb.key not in graph.index:
        return MonteCarlo(ea, eb, failures, trials, seed, 0, m)
    rows = [n + j for j, members in enumerate(graph.members) for _ in members]
    cols = [p for members in graph.members for p in members]
    rows_arr, cols_arr = np.array(rows), np.array(cols)
    cable_of_edge = rows_arr - n
    rng = np.random.default_rng(seed)
    k = min(failures, m)
    s, t = graph.index[ea.key], graph.index[eb.key]
    connected = 0
    for _ in range(trials):
        down = np.zeros(m, dtype=bool)
        down[rng.choice(m, size=k, replace=False)] = True
        keep = ~down[cable_of_edge]
        matrix = csr_matrix((np.ones(int(keep.sum()), dtype=np.int8), (rows_arr[keep], cols_arr[keep])),
                            shape=(n + m, n + m))
        _, labels = connected_components(matrix, directed=False)
        connected += int(labels[s] == labels[t])
    return MonteCarlo(ea, eb, failures, trials, seed, connected, m)
