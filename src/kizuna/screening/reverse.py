"""The reverse search: which of many parties the screener could propose a small set of listed entries to.

Screening a register of a million parties against the few hundred entries a list update added or changed costs
almost as much per party as screening it against the whole index (the query's forms are most of the work). The
reverse search turns it around: each party's *search keys* — the words the screener looks candidates up with
(``Screener._candidates``: the words of its finder slots, runs of words written together, long words whose halves
may be listed words) — are computed once, when the party is stored, and indexed by word. For a set of listed
entries, every listed word is then looked up the way the screener would reach it from a query word: the same word,
a word one deletion apart (``typos.DeleteIndex``), the same metaphone key, the same consonant skeleton (query words
read by sound), a query word that begins or ends with it (halves). The parties found are a superset of those the
screener would propose the entries to; the caller screens them with ``kizuna.screening.screen`` as usual, so the
scores and explanations are the screener's own. This module only narrows down whom to screen.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from kizuna.core.party import Party
from kizuna.screening.forms import query_forms
from kizuna.screening.phonetic import metaphone, skeleton
from kizuna.screening.screener import Screener
from kizuna.screening.tables import scoring
from kizuna.screening.typos import DeleteIndex

# Key kinds: a word looked up by spelling and sound, one looked up by consonant skeleton too (read from another
# script), and a long word whose beginning or end may be a listed word.
WORD, SOUNDED, HALVES = "w", "s", "h"


@cache
def _preparer() -> Screener:
    """A screener over no entries: its ``prepare`` marks finder slots and qualifiers, which depend on the words
    and the term tables only, never on the index's weights."""
    from kizuna.screening.index import ScreeningIndex

    return Screener(ScreeningIndex.build([]))


def search_keys(party: Party) -> dict[str, list[str]]:
    """The words the screener would look candidates up with for ``party`` (every name, every form), by kind."""
    screener, rules = _preparer(), scoring()
    min_factor, run_words = rules.name.candidate_min_factor, rules.joined.candidate_run_words
    halves_length = rules.joined.halves_min_query_length
    keys: dict[str, set[str]] = {WORD: set(), SOUNDED: set(), HALVES: set()}
    for name in dict.fromkeys(n.text for n in party.names if n.text.strip()):
        for form in query_forms(name):
            slots = screener.prepare(form)
            finders = [s for s in slots if s.qualifier is None
                       and max(t.factor for t in s.options[0]) >= min_factor] or slots
            for qslot in finders:
                words = {t.text for option in qslot.options for t in option}
                keys[SOUNDED if qslot.slot.sounds else WORD].update(words)
            for qslot in slots:
                keys[HALVES].update(t.text for option in qslot.options for t in option if len(t.text) >= halves_length)
            singles = [s for s in slots if len(s.options[0]) == 1 and s.slot.spelt]
            for start in range(len(singles) - 1):
                for width in range(2, run_words + 1):
                    run = singles[start:start + width]
                    if len(run) < width:
                        break
                    texts = [""]
                    for qslot in run:
                        texts = [t + o[0].text for t in texts for o in qslot.options if len(o) == 1][:16]
                    keys[SOUNDED if any(s.slot.sounds for s in run) else WORD].update(texts)
    return {kind: sorted(words) for kind, words in keys.items() if words}


@dataclass(slots=True)
class ReverseIndex:
    """Search keys of many parties (by the caller's integer ids), indexed by word and by sound."""

    words: list[str] = field(default_factory=list)
    postings: list[np.ndarray] = field(default_factory=list)  # word number -> party ids
    sounded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # the word is read by sound
    halves: list[str] = field(default_factory=list)  # sorted long words
    halves_reversed: list[str] = field(default_factory=list)  # the same, each spelt backwards, sorted
    halves_postings: dict[str, np.ndarray] = field(default_factory=dict)
    deletes: DeleteIndex = field(default_factory=DeleteIndex)
    by_metaphone: dict[str, list[int]] = field(default_factory=dict)
    by_skeleton: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, parties: Iterable[tuple[int, dict[str, list[str]]]]) -> ReverseIndex:
        """The index of ``(party id, search_keys(party))`` pairs."""
        by_word: dict[str, list[int]] = defaultdict(list)
        sounded: set[str] = set()
        by_half: dict[str, list[int]] = defaultdict(list)
        for party_id, keys in parties:
            for word in {*keys.get(WORD, ()), *keys.get(SOUNDED, ())}:
                by_word[word].append(party_id)
            sounded.update(keys.get(SOUNDED, ()))
            for word in keys.get(HALVES, ()):
                by_half[word].append(party_id)
        index = cls()
        index.words = sorted(by_word)
        index.postings = [np.array(by_word[w], dtype=np.int64) for w in index.words]
        index.sounded = np.array([w in sounded for w in index.words], dtype=bool)
        index.halves = sorted(by_half)
        index.halves_reversed = sorted(w[::-1] for w in by_half)
        index.halves_postings = {w: np.array(ids, dtype=np.int64) for w, ids in by_half.items()}
        index.deletes = DeleteIndex(enumerate(index.words), scoring().name.fuzzy_min_length)
        metaphones: dict[str, list[int]] = defaultdict(list)
        skeletons: dict[str, list[int]] = defaultdict(list)
        for number, word in enumerate(index.words):
            if len(word) >= scoring().name.fuzzy_min_length:
                metaphones[metaphone(word)].append(number)
            if index.sounded[number]:
                skeletons[skeleton(word)].append(number)
        index.by_metaphone, index.by_skeleton = dict(metaphones), dict(skeletons)
        return index

    def candidates(self, screener: Screener) -> set[int]:
        """Ids of every party the screener over a small index (``for_entries``) could propose one of its entries
        to: a superset, to be screened as usual."""
        index = screener.index
        found: set[int] = set()
        positions = {word: number for number, word in enumerate(self.words)}
        minimum = screener.config.joined.halves_min_length
        listed = set(index.words)
        for word_id, word in enumerate(index.words):
            numbers = set()
            if word in positions:
                numbers.add(positions[word])
            if len(word) >= screener.names.min_length:
                numbers.update(self.deletes.near(word))
            sound = index.word_metaphone[word_id]
            if sound:
                numbers.update(self.by_metaphone.get(sound, ()))
            bones = index.word_skeleton[word_id]
            if len(bones) >= 4:
                numbers.update(self.by_skeleton.get(bones, ()))
            for number in numbers:
                found.update(self.postings[number].tolist())
            for long_word in self._halves_of(word, minimum, listed):
                found.update(self.halves_postings[long_word].tolist())
        return found

    def _halves_of(self, word: str, minimum: int, listed: set[str]) -> list[str]:
        """Long words beginning or ending with ``word``: it alone when long enough, else with the rest listed
        too (the screener's ``_halves``)."""
        if len(word) < 2:
            return []
        out = [w for w in _starting(self.halves, word)
               if len(w) - len(word) >= 2 and (len(word) >= minimum or w[len(word):] in listed)]
        backwards = word[::-1]
        out += [w[::-1] for w in _starting(self.halves_reversed, backwards)
                if len(w) - len(word) >= 2 and (len(word) >= minimum or w[len(word):][::-1] in listed)]
        return out


def _starting(words: Sequence[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(words, prefix)
    end = bisect.bisect_left(words, prefix + "\U0010ffff")
    return list(words[start:end])
