"""Integrated ownership against a brute-force path sum on random acyclic graphs."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kizuna.ownership.integrated import integrated_share, weights
from kizuna.ownership.model import Share
from tests.ownership.conftest import build

Holdings = dict[tuple[int, int], float]  # (owner, owned) -> the true share
Disclosed = dict[tuple[int, int], Share | None]  # what the source says: exact, a range, or nothing


@st.composite
def acyclic_holdings(draw: st.DrawFn) -> tuple[int, Holdings, Disclosed]:
    """Companies 0..n-1 where only a lower number holds a higher one (so no cycles); each company's owners hold at
    most 100 % between them; each share is disclosed exactly, as a range around the truth, or not at all."""
    n = draw(st.integers(2, 7))
    truth: Holdings = {}
    disclosed: Disclosed = {}
    unit = st.floats(0.0, 1.0)
    for owned in range(1, n):
        owners = draw(st.lists(st.integers(0, owned - 1), unique=True, max_size=owned))
        if not owners:
            continue
        parts = [draw(st.floats(0.01, 1.0)) for _ in owners]
        total = draw(unit)
        for owner, part in zip(owners, parts, strict=True):
            share = total * part / sum(parts)
            truth[owner, owned] = share
            how = draw(st.sampled_from(["exact", "range", "unknown"]))
            if how == "exact":
                disclosed[owner, owned] = Share.exact(share)
            elif how == "range":
                disclosed[owner, owned] = Share(share * draw(unit), min(1.0, share + (1 - share) * draw(unit)))
            else:
                disclosed[owner, owned] = None
    return n, truth, disclosed


def path_sum(truth: Holdings, owner: int, owned: int) -> float:
    """The sum over every path from ``owner`` to ``owned`` of the product of its shares (a DAG: paths are finite)."""
    @cache
    def reach(company: int) -> float:
        if company == owned:
            return 1.0
        return sum(share * reach(held) for (holder, held), share in truth.items() if holder == company)

    return reach(owner)


@settings(max_examples=120, deadline=None)
@given(acyclic_holdings())
def test_the_integrated_interval_contains_the_path_sum_of_the_true_shares(
        case: tuple[int, Holdings, Disclosed]) -> None:
    n, truth, disclosed = case
    graph = build([(f"c{a}", f"c{b}", share) for (a, b), share in disclosed.items()])
    w = weights(graph)
    exact = all(share is not None and share.is_exact for share in disclosed.values())
    for owner in range(n):
        for owned in range(n):
            if owner == owned or f"c{owner}" not in w.index or f"c{owned}" not in w.index:
                continue
            share, expected = integrated_share(w, f"c{owner}", f"c{owned}"), path_sum(truth, owner, owned)
            assert share.lo - 1e-9 <= expected <= share.hi + 1e-9, (owner, owned, share, expected)
            if exact:
                assert share.lo == pytest.approx(expected, abs=1e-9) and share.is_exact
