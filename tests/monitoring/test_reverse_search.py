"""The reverse search's share table (``kizuna.screening.reverse_shares``) keeps exactly the parties that the two
candidate tests of ``Screener._candidates``, written out party by party and name by name on the decoded search
keys below, keep; and every party the screener matches to a changed entry is among them."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kizuna.core.entity import Entry
from kizuna.core.party import Party
from kizuna.lists.store import SnapshotStore
from kizuna.screening import Query, get_screener
from kizuna.screening.japanese import has_kana
from kizuna.screening.reverse import ReverseIndex, search_keys
from kizuna.screening.reverse_shares import NameReach, ShareTable
from kizuna.screening.screener import Screener
from tests.monitoring.conftest import register_of


def could_propose(keys: dict[str, Any], name: NameReach, screener: Screener) -> bool:
    """Whether a party with these search keys can share enough weight with the listed ``name`` for ``screener``
    to propose it, party by party (the reference the share table is checked against). ``_candidates`` asks two
    things, both tested here on an upper bound: the shared weight reaches the minimum share of the finders'
    weight, and the optimistic estimate of the score reaches the pruning floor (the threshold less the candidate
    margin)."""
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

    def present(slot: list[list[Any]]) -> bool:
        """A slot that did not look for candidates counts as found: a qualifier always (the entry's country
        may meet it), a generic word where the listed name has one of its first option's words."""
        return bool(slot[0][0][2]) or any(t[0] in name.words for t in slot[0])

    for form in keys["forms"]:
        slots, finders = form["slots"], set(form["finders"])
        total = sum(least_weight(slot) for slot in slots) or 1.0
        least = rules.name.candidate_min_share * sum(least_weight(slots[n]) for n in finders)
        shared = sum(max(sum(weight(t) for t in option if t[0] in name.reached) for option in slots[n])
                     for n in finders)
        shared += sum(sum(weight(p) for p in parts) for text, _, parts in form["runs"] if text in name.reached)
        shared += sum(weight(t) * rules.joined.halves_share for t in form["halves"]
                      if t[0] in name.halves and t[0] not in screener.index.vocab)
        if shared <= 0 or shared < max(least, 1e-6) * (1 - 1e-6):
            continue
        found = (shared + sum(least_weight(slot) for n, slot in enumerate(slots) if n not in finders and present(slot))
                 + sum(weight(t) for t in form["initials"]) * screener.names.initial_similarity)
        exponent = screener.names.exponent
        estimate = min(found / total, 1.0) ** exponent * min(found / name.core_total, 1.0) ** (1 - exponent)
        if estimate >= floor * (1 - 1e-6):
            return True
    return False


def listed_names(index: ReverseIndex, screener: Screener, entries: list[Entry]) -> list[NameReach]:
    """The names of ``entries`` in ``screener``'s index, with the register words each reaches."""
    keys = {(e.list_code, e.entry_id) for e in entries}
    numbers = {n for n, e in enumerate(screener.index.entries) if (e.list_code, e.entry_id) in keys}
    out = []
    for name_id, entry_no in enumerate(screener.index.name_entry):
        if entry_no in numbers:
            words = frozenset(screener.index.words[w] for w in screener.index.name_tokens[name_id])
            reach = index._reach(words, screener)
            out.append(NameReach(words, frozenset().union(*(r.words for r in reach.values())),
                                  frozenset().union(*(r.halves for r in reach.values())),
                                  float(screener.index.name_core_total_array[name_id])))
    return out


@pytest.fixture(scope="module")
def screener(listed: list[Entry]) -> Screener:
    return get_screener(SnapshotStore())


@pytest.fixture(scope="module")
def keyed(listed: list[Entry]) -> dict[int, dict[str, Any]]:
    """Search keys of 400 parties: listed names as listed, misspelt and by alias, and invented ones."""
    return {number: search_keys(party) for number, party in enumerate(register_of(listed, random.Random(4), 400))}


def _both(keyed: dict[int, dict[str, Any]], screener: Screener, diff: list[Entry]) -> tuple[set[int], set[int]]:
    index = ReverseIndex.build(keyed.items())
    numbers = {(e.list_code, e.entry_id): n for n, e in enumerate(screener.index.entries)}
    found = index.candidates([numbers[(e.list_code, e.entry_id)] for e in diff], screener)
    texts = {number: _texts(keys) for number, keys in keyed.items()}
    exact = {number for name in listed_names(index, screener, diff) for number, keys in keyed.items()
             if texts[number] & (name.reached | name.halves) and could_propose(keys, name, screener)}
    # Parties named in katakana are candidates whatever they share (ReverseIndex.candidates, and the test below).
    return found, exact | index.kana


def _texts(keys: dict[str, Any]) -> set[str]:
    """Every text a party's keys hold: a name reaching none of them shares nothing with the party."""
    return {t[0] for form in keys["forms"] for slot in form["slots"] for option in slot for t in option} | {
        run[0] for form in keys["forms"] for run in form["runs"]} | set(keys["halves"])


def test_a_list_update_reaches_the_parties_named_after_its_entries_and_no_more_than_could_propose(
        listed: list[Entry], screener: Screener, keyed: dict[int, dict[str, Any]]) -> None:
    found, exact = _both(keyed, screener, random.Random(1).sample(listed, 300))
    assert 0 < len(exact) < len(keyed) // 4
    assert found == exact


@given(seed=st.integers(0, 10_000), size=st.integers(1, 80))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_the_share_table_keeps_what_could_propose_keeps(
        listed: list[Entry], screener: Screener, keyed: dict[int, dict[str, Any]], seed: int, size: int) -> None:
    found, exact = _both(keyed, screener, random.Random(seed).sample(listed, size))
    assert found == exact


def test_every_party_the_screener_matches_to_a_changed_entry_is_a_candidate(
        listed: list[Entry], screener: Screener) -> None:
    """The invariant the incremental re-screen rests on, on the screener itself: a party that matches one of the
    entries by one of their own names is among the reverse search's candidates for them."""
    parties = register_of(listed, random.Random(9), 400)
    diff = random.Random(2).sample(listed, 300)
    keys = {(e.list_code, e.entry_id) for e in diff}
    index = ReverseIndex.build((number, search_keys(party)) for number, party in enumerate(parties))
    numbers = {(e.list_code, e.entry_id): n for n, e in enumerate(screener.index.entries)}
    found = index.candidates([numbers[key] for key in keys], screener)
    # A hit inherited through a link to another list's entry is the re-screen's other route (hits on linked entries).
    matched = {number for number, party in enumerate(parties)
               for hit in screener.screen(Query(party.name, country=party.country))
               if (hit.list_code, hit.entry_id) in keys and not any(s.step == "link" for s in hit.steps)}
    assert matched
    assert matched <= found
    assert len(found) < len(parties) // 4


def test_every_party_named_in_katakana_the_screener_matches_to_a_changed_entry_is_a_candidate(
        screener: Screener) -> None:
    """Katakana names reach the lists' spellings through the index screened against, which the keys do not hold
    (the MOF list's katakana names, as a Japanese register would write its parties, against the other lists)."""
    snapshot = SnapshotStore().open()
    try:
        kana = sorted({name for e in snapshot.entries() if e.list_code == "jp-mof-asset-freeze"
                       for name in (e.name, *(a.text for a in e.aliases)) if has_kana(name)})
    finally:
        snapshot.close()
    parties = [Party(name=name, id=f"K{n}") for n, name in enumerate(random.Random(5).sample(kana, 150))]
    spelt = {n: {(h.list_code, h.entry_id) for h in screener.screen(Query(p.name))
                 if h.list_code != "jp-mof-asset-freeze" and not any(s.step == "link" for s in h.steps)}
             for n, p in enumerate(parties)}
    diff = set().union(*spelt.values())
    index = ReverseIndex.build((n, search_keys(p)) for n, p in enumerate(parties))
    numbers = {(e.list_code, e.entry_id): n for n, e in enumerate(screener.index.entries)}
    found = index.candidates([numbers[key] for key in diff], screener)
    matched = {n for n, keys in spelt.items() if keys}
    assert len(matched) > 20
    assert matched <= found


@given(seed=st.integers(0, 10_000), share=st.floats(0.0, 1.0))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_a_subset_of_the_share_table_holds_its_forms_as_they_were(
        keyed: dict[int, dict[str, Any]], seed: int, share: float) -> None:
    """``ShareTable.subset`` (the per-name tests run on the forms holding a word the name reaches) keeps each
    chosen form's slots, options, tokens, runs, halves and initials, and nothing of the others."""
    table = ReverseIndex.build(keyed.items()).shares
    rng = random.Random(seed)
    forms = np.array([n for n in range(len(table.parties)) if rng.random() < share], dtype=np.int64)
    part, _ = table.subset(forms)
    assert [_form(part, n) for n in range(len(part.parties))] == [_form(table, n) for n in forms.tolist()]
    assert set(part.texts) == {t[0] for t in part.tokens} | {part.texts[r] for r in part.run_text.tolist()}
    assert all(part.texts[code] == text for text, code in part.codes.items())


def _form(table: ShareTable, number: int) -> tuple[Any, ...]:
    """Form ``number`` of ``table`` decoded: its party, its slots' options' tokens (with the finder flags), its
    runs (text, parts), halves and initials."""
    def until(starts: np.ndarray, n: int, end: int) -> int:
        return int(starts[n + 1]) if n + 1 < len(starts) else end

    slots = []
    for slot in range(int(table.form_start[number]), until(table.form_start, number, len(table.slot_start))):
        options = []
        for option in range(int(table.slot_start[slot]), until(table.slot_start, slot, len(table.option_start))):
            rows = table.row_token[int(table.option_start[option]):until(table.option_start, option,
                                                                          len(table.row_token))]
            options.append([table.tokens[t] for t in rows.tolist()])
        slots.append((bool(table.slot_finder[slot]), options))
    runs = [(table.texts[int(table.run_text[r])],
             [table.tokens[t] for t in table.run_parts[int(table.run_start[r]):until(
                 table.run_start, r, len(table.run_parts))].tolist()])
            for r in np.flatnonzero(table.run_form == number).tolist()]
    halves = [table.tokens[t] for t in table.half_token[table.half_form == number].tolist()]
    initials = [table.tokens[t] for t in table.initial_token[table.initial_form == number].tolist()]
    return int(table.parties[number]), slots, runs, halves, initials
