"""Integrated ownership: hand-computed chains, cross-holdings, ranges, unknown shares."""

from __future__ import annotations

import numpy as np
import pytest

from kizuna.ownership.integrated import (
    all_pairs,
    cycle_diagonal,
    exposure,
    integrated_share,
    naive_inverse_share,
    naive_paths,
    weights,
)
from kizuna.ownership.model import Share, Tri, parse_share
from tests.ownership.conftest import build, pct


def test_issue_cross_holding_example_gives_30_not_31_6() -> None:
    graph = build([("A", "B", pct(60)), ("B", "C", pct(50)), ("C", "B", pct(10))])
    w = weights(graph)
    assert integrated_share(w, "A", "C").lo == pytest.approx(0.30)
    assert integrated_share(w, "A", "C").is_exact
    # The uncorrected (I - W)^-1 figure the issue warns about.
    assert naive_inverse_share(w, "A", "C") == pytest.approx(0.3 / 0.95)
    assert naive_inverse_share(w, "A", "C") == pytest.approx(0.3158, abs=1e-4)


def test_chain_multiplies_and_parallel_chains_add() -> None:
    graph = build([("P", "X", pct(50)), ("P", "Y", pct(50)), ("X", "T", pct(40)), ("Y", "T", pct(20)),
                   ("P", "T", pct(5))])
    assert integrated_share(weights(graph), "P", "T").lo == pytest.approx(0.05 + 0.2 + 0.1)


def test_mutual_cross_holding_between_two_companies() -> None:
    # A 50 % of B, B 20 % of A, P 80 % of A. P's stake in B: walks P->A->B, P->A->B->A->B ... but the correction
    # removes loops through B: P->A->B = 0.4, P->A->B->A->B revisits B. Loops through A (the intermediary) stay:
    # first passage P->B = 0.8 * 0.5 = 0.4 exactly.
    graph = build([("P", "A", pct(80)), ("A", "B", pct(50)), ("B", "A", pct(20))])
    assert integrated_share(weights(graph), "P", "B").lo == pytest.approx(0.4)
    # B's own stake in A is 20 %; via A it does not count itself again.
    assert integrated_share(weights(graph), "B", "A").lo == pytest.approx(0.2)


def test_cycle_through_an_intermediary_counts_repeated_passes() -> None:
    # P 100 % of A; A 50 % of D; D 10 % of A; A 30 % of T. Walks P->A->T, P->A->D->A->T, ... do not pass through T
    # twice, so they all count: 0.3 * (1 + 0.05 + 0.05^2 ...) = 0.3 / 0.95.
    graph = build([("P", "A", pct(100)), ("A", "D", pct(50)), ("D", "A", pct(10)), ("A", "T", pct(30))])
    assert integrated_share(weights(graph), "P", "T").lo == pytest.approx(0.3 / 0.95)


def test_ranges_propagate_as_intervals() -> None:
    graph = build([("A", "B", Share(0.25, 0.5)), ("B", "C", Share(0.6, 0.8))])
    share = integrated_share(weights(graph), "A", "C")
    assert (share.lo, share.hi) == (pytest.approx(0.15), pytest.approx(0.4))
    assert share.percent() == [pytest.approx(15.0), pytest.approx(40.0)]
    assert share.at_least(0.25) == Tri.UNDETERMINED
    assert share.at_least(0.10) == Tri.YES
    assert share.at_least(0.5) == Tri.NO


def test_unknown_share_is_bounded_by_what_others_leave() -> None:
    # B is 70 % held by Z, so the unknown holding of A in B is 0 to 30 %.
    graph = build([("A", "B", None), ("Z", "B", pct(70)), ("B", "C", pct(100))])
    share = integrated_share(weights(graph), "A", "C")
    assert (share.lo, share.hi) == (0.0, pytest.approx(0.3))


def test_unknown_share_alone_is_zero_to_hundred() -> None:
    graph = build([("A", "B", None), ("B", "C", pct(60))])
    share = integrated_share(weights(graph), "A", "C")
    assert (share.lo, share.hi) == (0.0, pytest.approx(0.6))


def test_voting_measure_and_parent_transform() -> None:
    from kizuna.ownership.integrated import parent_rule

    graph = build([("A", "B", pct(60)), ("B", "C", pct(30))])
    assert integrated_share(weights(graph, transform=parent_rule(0.5)), "A", "C").lo == pytest.approx(0.30)
    graph = build([("A", "B", pct(50)), ("B", "C", pct(30))])
    # exactly 50 % is not more than 50 %: proportional
    assert integrated_share(weights(graph, transform=parent_rule(0.5)), "A", "C").lo == pytest.approx(0.15)


def test_share_parsing() -> None:
    assert parse_share("60") == Share.exact(0.6)
    assert parse_share("25-50") == Share(0.25, 0.5)
    assert parse_share("") is None
    low = parse_share("<5")
    assert low is not None and low.hi < 0.05 and low.lo == 0
    with pytest.raises(ValueError):
        parse_share("sixty")
    with pytest.raises(ValueError):
        parse_share("50-20")


def test_whole_graph_exposure_and_diagonal_match_dense_algebra() -> None:
    graph = build([("S", "A", pct(40)), ("A", "B", pct(50)), ("B", "A", pct(10)), ("S", "B", pct(20)),
                   ("B", "C", pct(60))])
    w = weights(graph)
    dense = np.linalg.inv(np.identity(w.size) - w.lo.toarray())
    assert np.allclose(cycle_diagonal(w.lo), np.diag(dense))
    seeds = np.zeros(w.size, dtype=bool)
    seeds[w.index["S"]] = True
    result = exposure(w.lo, seeds)
    corrected = all_pairs(w.lo)
    for party in ("A", "B", "C"):
        assert result[w.index[party]] == pytest.approx(corrected[w.index["S"], w.index[party]])
        assert result[w.index[party]] == pytest.approx(integrated_share(w, "S", party).lo)


def test_naive_path_enumeration_agrees_on_acyclic_graph() -> None:
    graph = build([("A", "B", pct(50)), ("A", "C", pct(20)), ("B", "C", pct(40)), ("C", "D", pct(70))])
    w = weights(graph)
    coo = w.lo.tocoo()
    adjacency: dict[int, list[tuple[int, float]]] = {}
    for i, j, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        adjacency.setdefault(i, []).append((j, v))
    paths = naive_paths(adjacency, w.index["A"])
    assert paths[w.index["D"]] == pytest.approx((0.2 + 0.5 * 0.4) * 0.7)
    assert paths[w.index["D"]] == pytest.approx(integrated_share(w, "A", "D").lo)
