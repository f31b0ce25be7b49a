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
passes when one of its forms does. Per listed name (``proposable``) the tests run again on the forms that pass
for all names together and hold a word the name reaches (``kizuna bench monitoring`` at a million parties: 19,260
forms pass together; 524 of the 803 names hold a word of one, 35 forms at the median, 290 on average; testing each
name on all 19,260 was half the reverse search). ``tests/monitoring/test_reverse_search.py`` checks it against the
same tests written out party by party and name by name, and against the screener's own hits.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
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
    codes: dict[str, int] = field(default_factory=dict)  # text -> its number in texts
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

    def proposable(self, names: Sequence[NameReach], screener: Screener) -> set[int]:
        """Ids of the parties that ``screener`` could propose one of ``names`` to: both tests asked of each name
        on its own, as ``_candidates`` asks them, with what only the name knows — which of the party's generic
        words it has, and its own weight in the estimate. A form can pass for one name only where it passes for
        all of them together, so the names are tested on the forms that pass together."""
        if not names:
            return set()
        together = _Tests(self, self._weights(screener), screener)
        passing = together.passing(together.mask(set().union(*(n.reached for n in names))),
                                   together.halved(set().union(*(n.halves for n in names))))
        tests = together.restricted(np.flatnonzero(passing))
        bounds, holders = tests.forms_by_text()
        found: set[int] = set()
        for name in names:
            # Only a form holding a word the name reaches shares weight with it (the share test wants some).
            held = [holders[bounds[code]:bounds[code + 1]]
                    for code in np.flatnonzero(tests.mask(name.reached | name.halves)).tolist()]
            if not held:
                continue
            own = tests.restricted(np.unique(np.concatenate(held)))
            forms = own.passing(own.mask(name.reached), own.halved(name.halves), own.mask(name.words),
                                name.core_total)
            found.update(own.table.parties[forms].tolist())
        return found

    def subset(self, forms: np.ndarray) -> tuple[ShareTable, np.ndarray]:
        """The table of the forms numbered ``forms`` (ascending), and the numbers its tokens had in this one."""
        slot_spans = _segments(self.form_start, len(self.slot_start), forms)
        slots = _spans(*slot_spans)
        option_spans = _segments(self.slot_start, len(self.option_start), slots)
        options = _spans(*option_spans)
        row_spans = _segments(self.option_start, len(self.row_token), options)
        # Runs, halves and initials are kept in the order of their forms.
        runs, halves, initials = (_spans(np.searchsorted(owner, forms, "left"), np.searchsorted(owner, forms, "right"))
                                  for owner in (self.run_form, self.half_form, self.initial_form))
        part_spans = _segments(self.run_start, len(self.run_parts), runs)
        row_token, run_parts = self.row_token[_spans(*row_spans)], self.run_parts[_spans(*part_spans)]
        half_token, initial_token, run_text = self.half_token[halves], self.initial_token[initials], self.run_text[runs]
        # Only the tokens and texts these forms use, numbered afresh: the tests on it then cost what it holds.
        tokens = np.unique(np.concatenate((row_token, run_parts, half_token, initial_token)))
        texts = np.unique(np.concatenate((self.token_text[tokens], run_text)))
        kept = [self.texts[t] for t in texts.tolist()]
        table = ShareTable([self.tokens[t] for t in tokens.tolist()], kept, {t: n for n, t in enumerate(kept)},
                           np.searchsorted(texts, self.token_text[tokens]), self.parties[forms],
                           np.searchsorted(tokens, row_token), _starts(row_spans[1] - row_spans[0]),
                           _starts(option_spans[1] - option_spans[0]), self.slot_finder[slots],
                           _starts(slot_spans[1] - slot_spans[0]), np.searchsorted(forms, self.run_form[runs]),
                           np.searchsorted(texts, run_text), _starts(part_spans[1] - part_spans[0]),
                           np.searchsorted(tokens, run_parts), np.searchsorted(forms, self.half_form[halves]),
                           np.searchsorted(tokens, half_token), np.searchsorted(forms, self.initial_form[initials]),
                           np.searchsorted(tokens, initial_token))
        return table, tokens

    def _weights(self, screener: Screener) -> np.ndarray:
        """Each token's weight as the screener weighs it (a qualifier without its term factor, scaled)."""
        qualifier = screener.config.qualifiers.weight
        out = np.empty(len(self.tokens), dtype=np.float64)
        for number, (text, sounds, is_qualifier) in enumerate(self.tokens):
            _, value, factor = screener.index.token_weight(text, plain=sounds)
            out[number] = value / (factor or 1.0) * qualifier if is_qualifier else value
        return out



@dataclass(frozen=True, slots=True)
class NameReach:
    """A listed name as the reverse search tests it: its words (as the index spells them), the register words
    and long words (halves) they reach, and its weight without qualifiers (``name_core_total_array``)."""

    words: frozenset[str]
    reached: frozenset[str]
    halves: frozenset[str]
    core_total: float


class _Tests:
    """Both candidate tests on every form of a table at once, with the token weights of one screener; what does
    not depend on the listed names (each slot's least weight, the forms' totals) is computed once."""

    def __init__(self, table: ShareTable, weight: np.ndarray, screener: Screener) -> None:
        self.table, self.weight, self.screener = table, weight, screener
        self.row_weight = weight[table.row_token]
        self.row_text = table.token_text[table.row_token]
        forms = len(table.parties)
        if not forms:
            return
        least = np.minimum.reduceat(np.add.reduceat(self.row_weight, table.option_start), table.slot_start)
        self.least = least
        self.finders_least = np.add.reduceat(np.where(table.slot_finder, least, 0.0), table.form_start)
        self.total = np.add.reduceat(least, table.form_start)
        self.total[self.total == 0] = 1.0
        # A qualifier that does not find counts as found; another generic word where the listed name has it.
        first_rows = table.option_start[table.slot_start]
        is_qualifier = np.fromiter((t[2] for t in table.tokens), dtype=bool, count=len(table.tokens))
        qualifier = is_qualifier[table.row_token[first_rows]]
        self.always_present = ~table.slot_finder & qualifier
        self.maybe_present = ~table.slot_finder & ~qualifier
        self.first_option_end = np.append(table.option_start, len(table.row_token))[table.slot_start + 1]
        self.initials = (np.bincount(table.initial_form, weight[table.initial_token], forms)
                         * screener.names.initial_similarity)
        self.run_weight = (np.add.reduceat(weight[table.run_parts], table.run_start) if len(table.run_form)
                           else np.zeros(0))
        self.half_weight = weight[table.half_token] * screener.config.joined.halves_share

    def restricted(self, forms: np.ndarray) -> _Tests:
        """The tests on the forms numbered ``forms`` (ascending) alone, with the same weights."""
        table, tokens = self.table.subset(forms)
        return _Tests(table, self.weight[tokens], self.screener)

    def forms_by_text(self) -> tuple[np.ndarray, np.ndarray]:
        """The forms that hold each text of the table (in a slot, a run or as a long word): those of text ``n``
        are ``forms[bounds[n]:bounds[n + 1]]``, as ``(bounds, forms)``."""
        table = self.table
        slot_form = np.repeat(np.arange(len(table.parties)), _lengths(table.form_start, len(table.slot_start)))
        option_slot = np.repeat(np.arange(len(table.slot_start)), _lengths(table.slot_start, len(table.option_start)))
        row_option = np.repeat(np.arange(len(table.option_start)), _lengths(table.option_start, len(table.row_token)))
        texts = np.concatenate((self.row_text, table.run_text, table.token_text[table.half_token]))
        forms = np.concatenate((slot_form[option_slot[row_option]], table.run_form, table.half_form))
        order = np.lexsort((forms, texts))
        texts, forms = texts[order], forms[order]
        first = np.ones(len(texts), dtype=bool)  # a form holding a text twice is listed once
        first[1:] = (texts[1:] != texts[:-1]) | (forms[1:] != forms[:-1])
        texts, forms = texts[first], forms[first]
        return np.searchsorted(texts, np.arange(len(table.texts) + 1)), forms

    def mask(self, words: set[str] | frozenset[str]) -> np.ndarray:
        """One flag per text of the table: it is one of ``words``."""
        codes = self.table.codes
        out = np.zeros(len(self.table.texts), dtype=bool)
        out[[codes[w] for w in words if w in codes]] = True
        return out

    def halved(self, halves: set[str] | frozenset[str]) -> np.ndarray:
        """The reached long words that give a half's credit: those the lists do not use themselves."""
        vocab = self.screener.index.vocab
        return self.mask({h for h in halves if h not in vocab})

    def passing(self, reached: np.ndarray, halved: np.ndarray, has: np.ndarray | None = None,
                core_total: float | None = None) -> np.ndarray:
        """One flag per form: it passes both tests. ``has`` (the words of one listed name) counts a generic word
        as found only where the name has it, and ``core_total`` (its weight) bounds the estimate by the name's
        side too; without them, the bound holds for any name."""
        table, forms = self.table, len(self.table.parties)
        if not forms:
            return np.zeros(0, dtype=bool)
        rules, names = self.screener.config, self.screener.names
        row_shared = np.where(reached[self.row_text], self.row_weight, 0.0)
        best = np.maximum.reduceat(np.add.reduceat(row_shared, table.option_start), table.slot_start)
        shared = np.add.reduceat(np.where(table.slot_finder, best, 0.0), table.form_start)
        if len(table.run_form):
            shared += np.bincount(table.run_form, np.where(reached[table.run_text], self.run_weight, 0.0), forms)
        if len(table.half_form):
            shared += np.bincount(table.half_form, np.where(halved[table.token_text[table.half_token]],
                                                            self.half_weight, 0.0), forms)
        share_test = (shared > 0) & (shared >= np.maximum(rules.name.candidate_min_share * self.finders_least, 1e-6)
                                     * (1 - _SLACK))
        if has is None:
            present_slots = self.always_present | self.maybe_present
        else:
            # The first option's words (as ``_candidates`` looks them up): does the listed name have one?
            row_has = np.cumsum(np.concatenate(([0], has[self.row_text].astype(np.int64))))
            first_has = row_has[self.first_option_end] > row_has[table.option_start[table.slot_start]]
            present_slots = self.always_present | (self.maybe_present & first_has)
        present = np.add.reduceat(np.where(present_slots, self.least, 0.0), table.form_start)
        weight = shared + present + self.initials
        estimate = np.minimum(weight / self.total, 1.0) ** names.exponent
        if core_total is not None:
            estimate *= np.minimum(weight / core_total, 1.0) ** (1 - names.exponent)
        floor = max(0.0, self.screener.threshold - rules.name.candidate_margin)
        return share_test & (estimate >= floor * (1 - _SLACK))


def _lengths(starts: np.ndarray, end: int) -> np.ndarray:
    """The length of each segment that ``starts`` begins (the last one ending at ``end``)."""
    return np.diff(np.append(starts, end))


def _segments(starts: np.ndarray, end: int, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the segments numbered ``chosen`` begin and end (segment n runs from ``starts[n]`` to ``starts[n + 1]``,
    the last one to ``end``)."""
    after = chosen + 1
    ends = np.where(after < len(starts), starts[np.minimum(after, len(starts) - 1)], end) if len(starts) else after
    return starts[chosen], ends


def _spans(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The numbers from each ``first`` up to its ``last``, one range after the other."""
    lengths = last - first
    offsets = np.repeat(first - _starts(lengths), lengths)
    return offsets + np.arange(len(offsets), dtype=np.int64)


def _starts(counts: np.ndarray) -> np.ndarray:
    """The offsets of segments of these lengths, one after the other."""
    out = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=out[1:])
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
        return ShareTable(tokens, list(self._texts), self._texts,
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
