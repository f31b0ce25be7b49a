"""The reverse search's share table (``kizuna.screening.reverse_shares``) keeps exactly the parties that the two
candidate tests of ``Screener._candidates``, written out party by party on the decoded search keys below, keep."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kizuna.core.entity import Entry
from kizuna.lists.store import SnapshotStore
from kizuna.screening import for_entries, get_screener
from kizuna.screening.reverse import Reached, ReverseIndex, search_keys
from kizuna.screening.screener import Screener
from tests.monitoring.conftest import register_of


def could_propose(keys: dict[str, Any], reached: Reached, screener: Screener) -> bool:
    """Whether a party with these search keys can share enough weight with names made of the reached words for
    ``screener`` to propose one, party by party (the reference the share table is checked against).
    ``_candidates`` asks two things, both tested here on an upper bound: the shared weight reaches the minimum
    share of the finders' weight, and the optimistic estimate of the score reaches the pruning floor (the
    threshold less the candidate margin)."""
    rules = screener.config
    qualifier = rules.qualifiers.weight
    floor = max(0.0, screener.threshold - rules.name.candidate_margin)

    known: dict[tuple[Any, ...], float] = {}

    def weight(token: Sequence[Any]) -> float:
        key = tuple(token)
        found = known.get(key)
        if found is None:
            text, sounds, is_qualifier = token
            _, value, factor = screener.index.token_weight(text, plain=sounds)
            found = known[key] = value / (factor or 1.0) * qualifier if is_qualifier else value
        return found

    def least_weight(slot: list[list[Any]]) -> float:
        return min(sum(weight(t) for t in option) for option in slot)

    for form in keys["forms"]:
        slots, finders = form["slots"], set(form["finders"])
        total = sum(least_weight(slot) for slot in slots) or 1.0
        least = rules.name.candidate_min_share * sum(least_weight(slots[n]) for n in finders)
        shared = sum(max(sum(weight(t) for t in option if t[0] in reached.words) for option in slots[n])
                     for n in finders)
        shared += sum(sum(weight(p) for p in parts) for text, _, parts in form["runs"] if text in reached.words)
        shared += sum(weight(t) * rules.joined.halves_share for t in form["halves"]
                      if t[0] in reached.halves and t[0] not in screener.index.vocab)
        if shared <= 0 or shared < max(least, 1e-6) * (1 - 1e-6):
            continue
        # Slots that did not look for candidates count as found (qualifiers, generic words), initials at their
        # similarity; the listed name's own coverage is at most 1.
        present = sum(least_weight(slot) for n, slot in enumerate(slots) if n not in finders)
        initials = sum(weight(t) for t in form["initials"]) * screener.names.initial_similarity
        estimate = min((shared + present + initials) / total, 1.0) ** screener.names.exponent
        if estimate >= floor * (1 - 1e-6):
            return True
    return False


@pytest.fixture(scope="module")
def screener(listed: list[Entry]) -> Screener:
    return get_screener(SnapshotStore())


@pytest.fixture(scope="module")
def keyed(listed: list[Entry]) -> dict[int, dict[str, Any]]:
    """Search keys of 400 parties: listed names as listed, misspelt and by alias, and invented ones."""
    return {number: search_keys(party) for number, party in enumerate(register_of(listed, random.Random(4), 400))}


def _both(keyed: dict[int, dict[str, Any]], screener: Screener, diff: list[Entry]) -> tuple[set[int], set[int]]:
    index = ReverseIndex.build(keyed.items())
    reached = index.reach(for_entries(diff).index.words, screener)
    exact = {number for number, keys in keyed.items() if could_propose(keys, reached, screener)}
    return index.parties(reached, screener), exact


def test_a_list_update_reaches_the_parties_named_after_its_entries_and_no_more_than_could_propose(
        listed: list[Entry], screener: Screener, keyed: dict[int, dict[str, Any]]) -> None:
    found, exact = _both(keyed, screener, random.Random(1).sample(listed, 300))
    assert 0 < len(exact) < len(keyed) // 2
    assert found == exact


@given(seed=st.integers(0, 10_000), size=st.integers(1, 80))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_the_share_table_keeps_what_could_propose_keeps(
        listed: list[Entry], screener: Screener, keyed: dict[int, dict[str, Any]], seed: int, size: int) -> None:
    found, exact = _both(keyed, screener, random.Random(seed).sample(listed, size))
    assert found == exact
