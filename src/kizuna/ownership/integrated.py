"""Integrated (indirect) ownership with the cross-holding correction, on sparse matrices.

``W[i, j]`` is the share of ``j`` held directly by ``i``. ``L = (I − W)⁻¹ = Σₖ Wᵏ`` sums the products of shares
over every walk from ``i`` to ``j``; with cross-holdings those walks loop through ``j`` and count ``j``'s own
shares again, which is why the naive formula gives A 31.6 % of C in the example A→B 60 %, B→C 50 %, C→B 10 %.
Following Vitali, Glattfelder & Battiston (2011), appendix S1 (after Brioschi, Buzzacchi & Colombo 1989), the
integrated ownership keeps only walks that reach ``j`` for the first time:

    Ŵ[i, j] = L[i, j] / L[j, j]        (i ≠ j)

which gives 30 % in the example (0.6·0.5/0.95 ÷ 1/0.95). ``L[j, j]`` differs from 1 only for companies inside a
cycle, and a closed walk from ``j`` stays inside ``j``'s strongly connected component, so the correction is
computed per component.

Ranges: every term of Ŵ is a product of non-negative shares, so Ŵ is monotone in each share. Computing it once with
every share at its minimum and once at its maximum gives exact bounds. Unknown shares are read as ``[0, r]`` where
``r`` is what the other owners' minimum shares leave unclaimed (``1 − Σ lo``): the one assumption made about an
undisclosed holding, named in every answer as ``UNKNOWN_ASSUMPTION``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve

from kizuna.ownership.model import Graph, InterestKind, Share

UNKNOWN_ASSUMPTION = ("an unknown share is read as anywhere from 0 % to the part of the company that the other "
                      "owners' minimum shares leave unclaimed")


@dataclass(slots=True)
class Weights:
    """Direct shares as two sparse matrices of bounds (CSR, owner rows, owned columns) over ``ids``."""

    ids: list[str]
    index: dict[str, int]
    lo: sp.csr_matrix
    hi: sp.csr_matrix

    @property
    def size(self) -> int:
        return len(self.ids)


def weights(graph: Graph, *, voting: bool = False, transform: Callable[[np.ndarray], np.ndarray] | None = None,
            exclude: Iterable[str] = (), control_as_full: bool = False,
            skip_pair: tuple[str, str] | None = None) -> Weights:
    """The bounds matrices of a graph's ownership edges.

    ``voting`` counts votes where the source gives them apart from the economic share; ``transform`` maps
    shares (a monotone function such as CFIUS's parent rule); edges from parties in ``exclude`` are left out;
    ``control_as_full`` counts a control-only interest as 100 % (full attribution to the controller);
    ``skip_pair`` leaves out the direct edges between one owner and one owned (to isolate indirect holdings).
    """
    ids = list(graph.parties)
    index = {p: n for n, p in enumerate(ids)}
    skip = set(exclude)
    pairs: dict[tuple[int, int], list[float]] = {}
    unknown: list[tuple[int, int]] = []
    for edge in graph.edges:
        if edge.owner in skip or (edge.owner, edge.owned) == skip_pair:
            continue
        if edge.kind != InterestKind.OWNERSHIP and not control_as_full:
            continue
        key = (index[edge.owner], index[edge.owned])
        share = edge.measure(voting) if edge.kind == InterestKind.OWNERSHIP else Share.exact(1.0)
        if share is None:
            unknown.append(key)
            continue
        lo_sum, hi_sum = pairs.get(key, [0.0, 0.0])
        pairs[key] = [lo_sum + share.lo, hi_sum + share.hi]
    claimed = np.zeros(len(ids))
    for (_, owned), (minimum, _) in pairs.items():
        claimed[owned] += minimum
    for key in unknown:
        if key not in pairs:
            pairs[key] = [0.0, 0.0]
    rows = np.fromiter((k[0] for k in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((k[1] for k in pairs), dtype=np.int64, count=len(pairs))
    low = np.array([v[0] for v in pairs.values()], dtype=float)
    high = np.array([v[1] for v in pairs.values()], dtype=float)
    unknown_set = set(unknown)
    is_unknown = np.array([k in unknown_set and v[1] == 0.0 for k, v in pairs.items()], dtype=bool)
    # What the other owners' minimums leave unclaimed caps every share, and is the whole range of an unknown one.
    remainder = np.clip(1.0 - (claimed[cols] - low), 0.0, 1.0)
    high = np.where(is_unknown, remainder, np.minimum(high, remainder))
    high = np.maximum(high, low)
    return _matrices(ids, index, rows, cols, low, high, transform)


def _matrices(ids: list[str], index: dict[str, int], rows: np.ndarray, cols: np.ndarray, low: np.ndarray,
              high: np.ndarray, transform: Callable[[np.ndarray], np.ndarray] | None) -> Weights:
    if transform is not None:
        low, high = transform(low), transform(high)
    n = len(ids)
    lo = sp.csr_matrix((low, (rows, cols)), shape=(n, n))
    hi = sp.csr_matrix((high, (rows, cols)), shape=(n, n))
    return Weights(ids, index, lo, hi)


def parent_rule(threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    """CFIUS-style attribution: a holding above ``threshold`` (a parent's) counts as 100 %."""
    def apply(values: np.ndarray) -> np.ndarray:
        return np.where(values > threshold + 1e-12, 1.0, values)
    return apply


def _ancestors(matrix: sp.csr_matrix, target: int, incoming: sp.csc_matrix | None = None) -> np.ndarray:
    """Indices with a walk of non-zero shares to ``target`` (target first)."""
    incoming = matrix.tocsc() if incoming is None else incoming
    seen = {target}
    order = [target]
    for node in order:
        for owner in incoming.indices[incoming.indptr[node]:incoming.indptr[node + 1]]:
            owner = int(owner)
            if owner not in seen:
                seen.add(owner)
                order.append(owner)
    return np.array(order, dtype=np.int64)


def column(matrix: sp.csr_matrix, target: int, incoming: sp.csc_matrix | None = None) -> dict[int, float] | None:
    """Ŵ[:, target]: every party's corrected integrated share in ``target``; None when the walk sum diverges.

    ``incoming`` is ``matrix`` in CSC form, passed by callers that ask for many columns of one large matrix.
    """
    nodes = _ancestors(matrix, target, incoming)
    block = matrix[nodes][:, nodes].tocsc()
    size = len(nodes)
    rhs = np.zeros(size)
    rhs[0] = 1.0  # the target is first in ``nodes``
    system = (sp.identity(size, format="csc") - block).tocsc()
    walks = np.atleast_1d(spsolve(system, rhs)) if size > 1 else rhs
    if not np.all(np.isfinite(walks)) or walks.min() < -1e-9 or walks[0] < 1.0 - 1e-9:
        return None
    return {int(node): float(walks[k] / walks[0]) for k, node in enumerate(nodes) if k}


def integrated_column(w: Weights, target: str) -> dict[str, Share]:
    """Every party's integrated share in ``target`` as an interval (parties with no walk to it are left out)."""
    j = w.index[target]
    low = column(w.lo, j)
    high = column(w.hi, j)
    result: dict[str, Share] = {}
    keys = set(high or {}) | set(low or {})
    if high is None:  # the maxima make the walk sum diverge: only 100 % bounds it
        keys |= {int(n) for n in _ancestors(w.hi, j)[1:]}
    for k in keys:
        lo_value = min(max((low or {}).get(k, 0.0), 0.0), 1.0)
        hi_value = 1.0 if high is None else min(max(high.get(k, 0.0), 0.0), 1.0)
        result[w.ids[k]] = Share(min(lo_value, hi_value), hi_value)
    return result


def integrated_share(w: Weights, owner: str, owned: str) -> Share:
    """``owner``'s integrated share in ``owned`` (0 when no chain links them)."""
    return integrated_column(w, owned).get(owner, Share.exact(0.0))


def naive_inverse_share(w: Weights, owner: str, owned: str) -> float:
    """The uncorrected (I − W)⁻¹ − I figure, kept to show what the correction removes (exact shares only)."""
    n = w.size
    system = (sp.identity(n, format="csc") - w.lo.tocsc()).tocsc()
    rhs = np.zeros(n)
    rhs[w.index[owned]] = 1.0
    return float(np.atleast_1d(spsolve(system, rhs))[w.index[owner]])


# --- whole-graph computations (the benchmark and the aggregate statuses) ---------------------------------------


def cycle_diagonal(matrix: sp.csr_matrix, dense_limit: int = 2000) -> np.ndarray:
    """``L[j, j]`` for every node: 1 outside cycles, from each strongly connected component's block inside."""
    n = matrix.shape[0]
    diagonal = np.ones(n)
    count, labels = connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    cyclic = np.flatnonzero(sizes > 1)
    if cyclic.size == 0:
        return diagonal
    # One slice holds every cyclic company; each component's block is then cut from that small matrix.
    members = np.flatnonzero(np.isin(labels, cyclic))
    inner = matrix[members][:, members].tocsr()
    inner_labels = labels[members]
    order = np.argsort(inner_labels, kind="stable")
    bounds = np.flatnonzero(np.diff(inner_labels[order])) + 1
    for local in np.split(order, bounds):
        nodes = members[local]
        block = inner[local][:, local]
        if len(local) <= dense_limit:
            diagonal[nodes] = np.diag(np.linalg.inv(np.identity(len(local)) - block.toarray()))
            continue
        system = (sp.identity(len(local), format="csc") - block.tocsc()).tocsc()
        for k, node in enumerate(nodes):
            rhs = np.zeros(len(local))
            rhs[k] = 1.0
            diagonal[node] = np.atleast_1d(spsolve(system, rhs))[k]
    return diagonal


def exposure(matrix: sp.csr_matrix, seeds: np.ndarray, diagonal: np.ndarray | None = None,
             tol: float = 1e-12, max_iter: int = 10_000) -> np.ndarray:
    """For every company, the corrected integrated share held in aggregate by the ``seeds`` (a 0/1 vector).

    Solves ``y = s + Wᵀy`` (``y = Lᵀs``) by fixed-point iteration, exact after as many steps as the longest
    chain on acyclic parts, then ``f[j] = y[j] / L[j, j] − s[j]``.
    """
    diag = cycle_diagonal(matrix) if diagonal is None else diagonal
    transposed = matrix.T.tocsr()
    seed_vector = seeds.astype(float)
    y = seed_vector.copy()
    for _ in range(max_iter):
        following = seed_vector + transposed @ y
        if np.max(np.abs(following - y), initial=0.0) <= tol:
            y = following
            break
        y = following
    return np.clip(y / diag - seed_vector, 0.0, 1.0)


def naive_paths(edges: dict[int, list[tuple[int, float]]], source: int) -> dict[int, float]:
    """Baseline: enumerate every simple path from ``source`` and add the products of its shares."""
    totals: dict[int, float] = {}
    stack: list[tuple[int, float, frozenset[int]]] = [(source, 1.0, frozenset({source}))]
    while stack:
        node, product, on_path = stack.pop()
        for owned, share in edges.get(node, ()):
            if owned in on_path:
                continue
            value = product * share
            totals[owned] = totals.get(owned, 0.0) + value
            stack.append((owned, value, on_path | {owned}))
    return totals


def all_pairs(matrix: sp.csr_matrix) -> np.ndarray:
    """Ŵ for every pair of a small graph (dense), used to check the baseline against the sparse method."""
    n = matrix.shape[0]
    walks = np.asarray(spsolve((sp.identity(n, format="csc") - matrix.tocsc()).tocsc(),
                               sp.identity(n, format="csc")).toarray())
    corrected = walks / np.diag(walks)[np.newaxis, :]
    np.fill_diagonal(corrected, 0.0)
    return corrected
