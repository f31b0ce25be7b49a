"""``kizuna bench ownership``: integrated ownership on a large synthetic graph, beside a path-enumeration baseline.

The synthetic graph imitates corporate ownership: companies are numbered, owners are drawn among lower numbers
(so the main structure is acyclic, chains are ~ln N deep), each company's owners hold 50–90 % of it in total,
one in ten shares is a ±20 % range, and 0.5 % of the links are reversed with a small share to plant
cross-holdings (mostly 2- and 3-company cycles).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from kizuna.ownership.integrated import column, cycle_diagonal, exposure, naive_paths
from kizuna.ownership.regimes import flood


@dataclass(slots=True)
class Synthetic:
    lo: sp.csr_matrix
    hi: sp.csr_matrix
    edges: int


def synthetic(companies: int, edges: int, seed: int, cross_fraction: float = 0.005,
              range_fraction: float = 0.1) -> Synthetic:
    """A random ownership graph with ``companies`` nodes and about ``edges`` links (see the module docstring)."""
    rng = np.random.default_rng(seed)
    roots = max(1, companies // 10)
    forward = int(edges * (1 - cross_fraction))
    owned = rng.integers(roots, companies, size=forward)
    owner = (rng.random(forward) * owned).astype(np.int64)
    weight = rng.random(forward) + 0.05
    totals = np.bincount(owned, weights=weight, minlength=companies)
    held = rng.uniform(0.5, 0.9, size=companies)
    share = weight / totals[owned] * held[owned]
    backs = edges - forward
    pick = rng.integers(0, forward, size=backs)
    back_share = rng.uniform(0.01, 0.1, size=backs)  # room left: owners hold at most 90 %
    rows = np.concatenate([owner, owned[pick]])
    cols = np.concatenate([owned, owner[pick]])
    values = np.concatenate([share, back_share])
    ranged = rng.random(len(values)) < range_fraction
    low = np.where(ranged, values * 0.8, values)
    high = np.where(ranged, values * 1.2, values)
    lo = sp.csr_matrix((low, (rows, cols)), shape=(companies, companies))
    hi = sp.csr_matrix((high, (rows, cols)), shape=(companies, companies))
    lo.sum_duplicates()
    hi.sum_duplicates()
    return Synthetic(lo, hi, lo.nnz)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_benchmark(companies: int, edges: int, baseline_budget: float, seed: int,
                  say: Callable[[str], object]) -> dict[str, float]:
    """Run the benchmark, printing each figure through ``say``; returns the figures."""
    figures: dict[str, float] = {}
    started = time.perf_counter()
    graph = synthetic(companies, edges, seed)
    figures["generate_s"] = time.perf_counter() - started
    say(f"synthetic graph: {companies:,} companies, {graph.edges:,} ownership edges "
        f"(generated in {figures['generate_s']:.1f} s)")

    started = time.perf_counter()
    _, labels = connected_components(graph.lo, directed=True, connection="strong")
    sizes = np.bincount(labels)
    diag_lo = cycle_diagonal(graph.lo)
    diag_hi = cycle_diagonal(graph.hi)
    figures["cycles_s"] = time.perf_counter() - started
    say(f"cross-holding correction: {int((sizes > 1).sum()):,} cycles (largest {int(sizes.max())} companies), "
        f"L[j,j] for both bounds in {figures['cycles_s']:.1f} s")

    rng = np.random.default_rng(seed + 1)
    seeds = np.zeros(companies, dtype=bool)
    # Flagged owners (listed, foreign, state) sit near the top of groups: drawn among the companies without owners.
    seeds[rng.choice(max(1, companies // 10), size=max(1, companies // 200), replace=False)] = True
    started = time.perf_counter()
    low = exposure(graph.lo, seeds, diag_lo)
    high = exposure(graph.hi, seeds, diag_hi)
    figures["exposure_s"] = time.perf_counter() - started
    say(f"integrated ownership held by {int(seeds.sum()):,} flagged owners in every company, both bounds: "
        f"{figures['exposure_s']:.1f} s ({int((low >= 0.5).sum()):,} companies ≥ 50 % for sure, "
        f"{int((high >= 0.5).sum()):,} possibly)")

    started = time.perf_counter()
    definite = flood(graph.lo, seeds, 0.5)[0]
    possible = flood(graph.hi, seeds, 0.5)[0]
    figures["aggregate_s"] = time.perf_counter() - started
    say(f"50 % rule (aggregate, through flagged entities), both bounds: {figures['aggregate_s']:.1f} s "
        f"({int(definite.sum() - seeds.sum()):,} companies flagged for sure, "
        f"{int(possible.sum() - definite.sum()):,} more possibly)")

    targets = rng.choice(companies, size=1000, replace=False)
    started = time.perf_counter()
    owners = 0
    incoming = graph.lo.tocsc()
    for target in targets:
        result = column(graph.lo, int(target), incoming)
        owners += len(result or {})
    figures["columns_s"] = time.perf_counter() - started
    say(f"full integrated-ownership column (every direct and indirect owner) of 1,000 companies: "
        f"{figures['columns_s']:.1f} s, {owners / 1000:,.0f} owners on average")
    figures["total_s"] = figures["cycles_s"] + figures["exposure_s"] + figures["aggregate_s"] + figures["columns_s"]
    figures["peak_mib"] = _peak_mib()
    say(f"sparse method total {figures['total_s']:.1f} s (without generation), "
        f"peak memory {figures['peak_mib']:,.0f} MiB")

    figures.update(_baseline(say, seed, budget_s=baseline_budget))
    return figures


def layered(depth: int, width: int, seed: int) -> sp.csr_matrix:
    """A lattice of ``depth`` layers of ``width`` companies, each owned 40 % + 40 % by two of the layer above:
    few companies, but the number of distinct chains doubles with every layer."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for layer in range(1, depth):
        for k in range(width):
            owned = layer * width + k
            for owner in rng.choice(width, size=2, replace=False):
                rows.append((layer - 1) * width + int(owner))
                cols.append(owned)
    n = depth * width
    return sp.csr_matrix((np.full(len(rows), 0.4), (rows, cols)), shape=(n, n))


def _baseline(say: Callable[[str], object], seed: int, budget_s: float) -> dict[str, float]:
    """Naive path enumeration against the sparse method, same question, on layered graphs of growing depth,
    until the next depth would exceed ``budget_s``: the integrated ownership of the top layer in every company."""
    figures: dict[str, float] = {}
    width = 20
    previous = 0.0
    for depth in range(4, 64, 4):
        matrix = layered(depth, width, seed)
        coo = matrix.tocoo()
        adjacency: dict[int, list[tuple[int, float]]] = {}
        for i, j, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
            adjacency.setdefault(i, []).append((j, v))
        seeds = np.zeros(matrix.shape[0], dtype=bool)
        seeds[:width] = True
        started = time.perf_counter()
        naive = np.zeros(matrix.shape[0])
        for source in range(width):
            for owned, value in naive_paths(adjacency, source).items():
                naive[owned] += value
        naive_s = time.perf_counter() - started
        started = time.perf_counter()
        sparse = exposure(matrix, seeds)
        sparse_s = time.perf_counter() - started
        naive[seeds] = 0.0
        diff = float(np.max(np.abs(np.minimum(naive, 1.0) - sparse)))
        say(f"baseline, layered graph {matrix.shape[0]:,} companies / {matrix.nnz:,} edges (depth {depth}): "
            f"naive path enumeration {naive_s:.3f} s, sparse {sparse_s:.4f} s, largest difference {diff:.1e}")
        figures[f"baseline_depth_{depth}_naive_s"] = naive_s
        figures[f"baseline_depth_{depth}_sparse_s"] = sparse_s
        growth = naive_s / previous if previous > 0 else 1.0
        if naive_s > budget_s or naive_s * growth > budget_s:
            say(f"baseline stopped: the next depth would take about {naive_s * growth:,.0f} s of path enumeration")
            break
        previous = naive_s
    return figures
