"""The reverse search's candidate test on arrays: every party of a reverse index at once.

``Screener._candidates`` proposes a listed name to a query when (1) the weight they share reaches the minimum
share (``candidate_min_share``) of the query's finder slots and (2) the optimistic estimate of the score reaches
the pruning floor (the threshold less ``candidate_margin``). The reverse search asks both of each register party,
with the shared weight bounded by the reached words (per finder slot its best option's reached tokens, runs of
words written together that are reached, reached long words whose halves are listed words). At a million parties
a common reached word (a trade, a given name) touches a fifth of the register, and decoding their search keys one
by one cost more than screening the few that pass. This table holds, for every party, the tokens the tests read —
per form, each slot's options' tokens, the runs, the halves and the initials — as flat arrays with the offsets of
each level, so that both tests are a handful of segment sums (``numpy.ufunc.reduceat``) over all of them; a party
passes when one of its forms does. ``tests/monitoring/test_reverse_search.py`` checks it against the same tests
written out party by party.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kizuna.screening.screener import Screener

# A little slack below the exact test, so that sums added in another order never drop a party it keeps.
_SLACK = 1e-5


def _ints(values: array[int]) -> np.ndarray:
    return np.frombuffer(values, dtype=np.int64).copy() if len(values) else np.zeros(0, dtype=np.int64)


@dataclass(slots=True)
class ShareTable:
    """Per party, per form, the tokens of both tests; tokens are codes into ``tokens`` (made by ``ShareBuilder``)."""

    tokens: list[tuple[str, bool, bool]] = field(default_factory=list)  # (text, read by sound, a qualifier)
    texts: list[str] = field(default_factory=list)
    token_text: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    parties: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # party id per form
    row_token: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # the slots' tokens
    option_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # first row
    slot_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # first option
    slot_finder: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # the slot finds candidates
    form_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # first slot
    run_form: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    run_text: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    run_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # first part in run_parts
    run_parts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    half_form: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    half_token: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    initial_form: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    initial_token: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def passing(self, words: set[str], halves: set[str], screener: Screener) -> set[int]:
        """Ids of the parties with a form that passes both tests, given the reached register ``words`` and
        ``halves`` and the weights of ``screener``."""
        if not len(self.parties):
            return set()
        rules, forms = screener.config, len(self.parties)
        weight = self._weights(screener)
        reached = np.array([t in words for t in self.texts], dtype=bool)
        row_weight = weight[self.row_token]
        row_shared = np.where(reached[self.token_text[self.row_token]], row_weight, 0.0)
        least = np.minimum.reduceat(np.add.reduceat(row_weight, self.option_start), self.slot_start)
        best = np.maximum.reduceat(np.add.reduceat(row_shared, self.option_start), self.slot_start)
        shared = np.add.reduceat(np.where(self.slot_finder, best, 0.0), self.form_start)
        finders_least = np.add.reduceat(np.where(self.slot_finder, least, 0.0), self.form_start)
        present = np.add.reduceat(np.where(self.slot_finder, 0.0, least), self.form_start)
        total = np.add.reduceat(least, self.form_start)
        if len(self.run_form):
            run_weight = np.add.reduceat(weight[self.run_parts], self.run_start)
            shared += np.bincount(self.run_form, np.where(reached[self.run_text], run_weight, 0.0), forms)
        if len(self.half_form) and halves:
            vocab = screener.index.vocab
            halved = np.array([t in halves and t not in vocab for t in self.texts], dtype=bool)
            contribution = weight[self.half_token] * rules.joined.halves_share
            shared += np.bincount(self.half_form, np.where(halved[self.token_text[self.half_token]], contribution,
                                                           0.0), forms)
        share_test = (shared > 0) & (shared >= np.maximum(rules.name.candidate_min_share * finders_least, 1e-6)
                                     * (1 - _SLACK))
        initials = np.bincount(self.initial_form, weight[self.initial_token], forms) * screener.names.initial_similarity
        estimate = np.minimum((shared + present + initials) / np.where(total == 0, 1.0, total), 1.0)
        floor = max(0.0, screener.threshold - rules.name.candidate_margin)
        passes = share_test & (estimate ** screener.names.exponent >= floor * (1 - _SLACK))
        return set(np.unique(self.parties[passes]).tolist())

    def _weights(self, screener: Screener) -> np.ndarray:
        """Each token's weight as the screener weighs it (a qualifier without its term factor, scaled)."""
        qualifier = screener.config.qualifiers.weight
        out = np.empty(len(self.tokens), dtype=np.float64)
        for number, (text, sounds, is_qualifier) in enumerate(self.tokens):
            _, value, factor = screener.index.token_weight(text, plain=sounds)
            out[number] = value / (factor or 1.0) * qualifier if is_qualifier else value
        return out


class ShareBuilder:
    """Adds parties' search keys to a ``ShareTable`` one at a time (the keys of a million parties are read once,
    for the reverse index and this table together). Forms without finder slots (without slots) cannot pass and
    are left out."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, bool, bool], int] = {}
        self._texts: dict[str, int] = {}
        self._party, self._rows, self._options, self._slots, self._forms = (array("q") for _ in range(5))
        self._run_form, self._run_text, self._run_start, self._run_parts = (array("q") for _ in range(4))
        self._half_form, self._half_token = array("q"), array("q")
        self._initial_form, self._initial_token = array("q"), array("q")
        self._finder = array("b")

    def add(self, party_id: int, keys: dict[str, Any]) -> None:
        for form in keys["forms"]:
            if not form["finders"]:
                continue
            finders = set(form["finders"])
            number = len(self._party)
            self._party.append(party_id)
            self._forms.append(len(self._slots))
            for slot_number, slot in enumerate(form["slots"]):
                self._finder.append(slot_number in finders)
                self._slots.append(len(self._options))
                for option in slot:
                    self._options.append(len(self._rows))
                    self._rows.extend(self._code(t) for t in option)
            for text, _sounds, parts in form["runs"]:
                self._run_form.append(number)
                self._run_text.append(self._text(text))
                self._run_start.append(len(self._run_parts))
                self._run_parts.extend(self._code(p) for p in parts)
            for token in form["halves"]:
                self._half_form.append(number)
                self._half_token.append(self._code(token))
            for token in form["initials"]:
                self._initial_form.append(number)
                self._initial_token.append(self._code(token))

    def table(self) -> ShareTable:
        tokens = list(self._codes)
        return ShareTable(tokens, list(self._texts),
                          np.array([self._texts[t[0]] for t in tokens], dtype=np.int64),
                          _ints(self._party), _ints(self._rows), _ints(self._options), _ints(self._slots),
                          np.array(self._finder, dtype=bool), _ints(self._forms), _ints(self._run_form),
                          _ints(self._run_text), _ints(self._run_start), _ints(self._run_parts),
                          _ints(self._half_form), _ints(self._half_token), _ints(self._initial_form),
                          _ints(self._initial_token))

    def _code(self, token: list[Any] | tuple[Any, ...]) -> int:
        key = (token[0], bool(token[1]), bool(token[2]))
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = len(self._codes)
            self._text(key[0])
        return found

    def _text(self, text: str) -> int:
        found = self._texts.get(text)
        if found is None:
            found = self._texts[text] = len(self._texts)
        return found
