"""The reverse search: which of many parties the screener could propose a small set of listed entries to.

Screening a register of a million parties against the few hundred entries a list update added or changed costs
almost as much per party as screening it against the whole index (making the query's forms is most of the work).
The reverse search turns it around. Each party's *search keys* are computed once, when the party is stored: the
slots of every form of every name, as ``Screener._candidates`` looks candidates up with them (finder slots, runs
of words written together, long words whose halves may be listed words). For a set of listed words, every
register word the screener would reach from one of them is found the way ``Screener._spellings`` reaches it — the
same word, a word one deletion apart (``typos.DeleteIndex``) or with the same metaphone key or consonant skeleton
that the screener's own word comparison (``NameComparer.similar``) accepts, a long word beginning or ending with
it (halves). A party is then a candidate for one listed name only if, in one of its forms, the weight the words
that name reaches can share reaches the screener's minimum share (``candidate_min_share``) and the optimistic
estimate of the score — counting the party's generic words only where the name has them, and the name's own
weight — reaches the pruning floor, computed with the weights of the screener that will screen it: the tests
``_candidates`` applies, on an upper bound of the shared weight, for every party at once (``reverse_shares``).
Testing each name on its own matters: the words of two hundred changed entries taken together share a trade, a
place and a legal form with a fiftieth of a register of invented companies, a single name with a tenth of those
(``kizuna bench monitoring`` at 200,000 parties: 3,893 candidates taken together, 377 name by name). So the
parties found are a superset of those the screener would propose any of the entries' names to; the caller screens
them with ``kizuna.screening.screen`` as usual, and the scores and explanations are the screener's own. This
module only narrows down whom to screen.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from kizuna.core.party import Party
from kizuna.screening.forms import query_forms
from kizuna.screening.japanese import has_kana
from kizuna.screening.match import QueryToken
from kizuna.screening.phonetic import metaphone, skeleton
from kizuna.screening.reverse_shares import NameReach, ShareBuilder, ShareTable
from kizuna.screening.screener import Screener
from kizuna.screening.tables import scoring
from kizuna.screening.typos import DeleteIndex

# A token is stored as (text, read by sound, a country or region qualifier).


@cache
def _preparer() -> Screener:
    """A screener over no entries: its ``prepare`` marks finder slots and qualifiers, which depend on the words
    and the term tables only, never on an index's weights."""
    from kizuna.screening.index import ScreeningIndex

    return Screener(ScreeningIndex.build([]))


def search_keys(party: Party) -> dict[str, Any]:
    """``party``'s search keys: per form, its finder slots (each option's tokens), its runs of words written
    together and its long words (halves); and the words of all of them, for the index."""
    screener, rules = _preparer(), scoring()
    min_factor, run_words = rules.name.candidate_min_factor, rules.joined.candidate_run_words
    halves_length = rules.joined.halves_min_query_length
    forms: list[dict[str, Any]] = []
    words: dict[str, bool] = {}  # word -> read by sound somewhere
    for name in dict.fromkeys(n.text for n in party.names if n.text.strip()):
        for form in query_forms(name):
            slots = screener.prepare(form)
            finders = [s for s in slots if s.qualifier is None
                       and max(t.factor for t in s.options[0]) >= min_factor] or slots
            kept: dict[str, Any] = {
                "slots": [[[(t.text, s.slot.sounds, s.qualifier is not None) for t in option] for option in s.options]
                          for s in slots],
                "finders": [n for n, s in enumerate(slots) if any(s is f for f in finders)],
                "qualifiers": [n for n, s in enumerate(slots) if s.qualifier is not None],
                "initials": [(t.text, s.slot.sounds, s.qualifier is not None) for s in slots for t in s.options[0]
                             if len(t.text) == 1 and t.text.isalpha()],
                "runs": [], "halves": []}
            for qslot in slots:
                kept["halves"] += [(t.text, qslot.slot.sounds, qslot.qualifier is not None)
                                   for option in qslot.options for t in option if len(t.text) >= halves_length]
            singles = [s for s in slots if len(s.options[0]) == 1 and s.slot.spelt]
            for start in range(len(singles) - 1):
                for width in range(2, run_words + 1):
                    run = singles[start:start + width]
                    if len(run) < width:
                        break
                    sounds = any(s.slot.sounds for s in run)
                    parts = [(s.options[0][0].text, s.slot.sounds, s.qualifier is not None) for s in run]
                    texts = [""]
                    for qslot in run:
                        texts = [t + o[0].text for t in texts for o in qslot.options if len(o) == 1][:16]
                    kept["runs"] += [(text, sounds, parts) for text in texts]
            for number in kept["finders"]:
                for option in kept["slots"][number]:
                    for text, sounds, _ in option:
                        words[text] = words.get(text, False) or sounds
            for text, sounds, _ in kept["runs"]:
                words[text] = words.get(text, False) or sounds
            forms.append(kept)
    return {"forms": forms, "words": sorted(words), "sounded": sorted(w for w, s in words.items() if s),
            "halves": sorted({t[0] for f in forms for t in f["halves"]})}


@dataclass(slots=True)
class Reached:
    """Register words the screener reaches from a listed word."""

    words: set[str] = field(default_factory=set)
    halves: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ReverseIndex:
    """Search keys of many parties (by the caller's integer ids): their words, indexed by spelling and by sound,
    and the share table that finds the parties the reached words can be proposed to."""

    words: list[str] = field(default_factory=list)
    sounded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # the word is read by sound
    halves: list[str] = field(default_factory=list)  # sorted long words
    halves_reversed: list[str] = field(default_factory=list)  # the same, each spelt backwards, sorted
    deletes: DeleteIndex = field(default_factory=DeleteIndex)
    by_metaphone: dict[str, list[int]] = field(default_factory=dict)
    by_skeleton: dict[str, list[int]] = field(default_factory=dict)
    shares: ShareTable = field(default_factory=ShareTable)
    # Parties with a name in katakana: always candidates (``candidates``).
    kana: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def build(cls, parties: Iterable[tuple[int, dict[str, Any]]]) -> ReverseIndex:
        """The index of ``(party id, search_keys(party))`` pairs."""
        words: set[str] = set()
        sounded: set[str] = set()
        halves: set[str] = set()
        shares = ShareBuilder()
        kana: set[int] = set()
        for party_id, keys in parties:
            if _has_kana(keys):
                kana.add(party_id)
            words.update(keys["words"])
            sounded.update(keys["sounded"])
            halves.update(keys["halves"])
            shares.add(party_id, keys)
        index = cls()
        index.words = sorted(words)
        index.sounded = np.array([w in sounded for w in index.words], dtype=bool)
        index.halves = sorted(halves)
        index.halves_reversed = sorted(w[::-1] for w in halves)
        index.shares = shares.table()
        index.kana = frozenset(kana)
        rules = scoring().name
        index.deletes = DeleteIndex(enumerate(index.words), rules.fuzzy_min_length)
        metaphones: dict[str, list[int]] = defaultdict(list)
        skeletons: dict[str, list[int]] = defaultdict(list)
        for number, word in enumerate(index.words):
            if len(word) >= rules.fuzzy_min_length:
                metaphones[metaphone(word)].append(number)
            if index.sounded[number]:
                skeletons[skeleton(word)].append(number)
        index.by_metaphone, index.by_skeleton = dict(metaphones), dict(skeletons)
        return index

    def candidates(self, entry_numbers: Iterable[int], screener: Screener) -> set[int]:
        """Ids of the parties that ``screener`` could propose a name of one of these entries (numbers in its own
        index) to, judged on the keys this index was built from (``ShareTable.proposable``): each listed name
        on its own, with the register words it reaches; and every party with a name in katakana.

        A katakana word reaches listed words by the spellings its kana allow among the words the lists use
        (``katakana.listed_spellings``, and a few edits from them), which depend on the index screened against
        and are not in the keys: the keys' Hepburn romaji neither reach those words nor weigh what they weigh,
        so the share table cannot bound what such a party shares (a sample of the MOF list's katakana names
        missed 7 of the 102 parties the screener matched). Those parties are screened on every update."""
        index = screener.index
        wanted = np.isin(np.frombuffer(index.name_entry, dtype=np.uint32), np.array(sorted(set(entry_numbers))))
        names: dict[frozenset[str], float] = {}  # the same words in several names: the lightest name bounds all
        for name_id in np.flatnonzero(wanted).tolist():
            words = frozenset(index.words[w] for w in index.name_tokens[name_id])
            weight = float(index.name_core_total_array[name_id])
            names[words] = min(weight, names.get(words, weight))
        reach = self._reach(set().union(*names), screener) if names else {}
        listed = [NameReach(words, frozenset().union(*(reach[w].words for w in words)),
                             frozenset().union(*(reach[w].halves for w in words)), weight)
                  for words, weight in names.items()]
        return self.shares.proposable(listed, screener) | (set(self.kana) if names else set())

    def _reach(self, listed_words: Iterable[str], screener: Screener) -> dict[str, Reached]:
        """Per listed word (of ``screener``'s index), the register words the screener would reach from it."""
        index, out = screener.index, {}
        known = set(self.words)
        minimum = screener.config.joined.halves_min_length
        for word in listed_words:
            reached = out[word] = Reached()
            word_id = index.vocab.get(word)
            if word_id is None:
                continue
            near: set[int] = set()
            if len(word) >= screener.names.min_length:
                near.update(self.deletes.near(word))
            sound = index.word_metaphone[word_id]
            if sound:
                near.update(self.by_metaphone.get(sound, ()))
            bones = index.word_skeleton[word_id]
            if len(bones) >= screener.config.sound.skeleton_min_length:
                near.update(self.by_skeleton.get(bones, ()))
            reached.words.update(self.words[n] for n in near if self._similar(screener, n, word_id))
            if word in known:
                reached.words.add(word)
            reached.halves.update(self._halves_of(word, minimum, index.vocab))
        screener.names.new_query()  # the comparer's cache of word pairs is per query
        return out

    def _similar(self, screener: Screener, number: int, word_id: int) -> bool:
        token = QueryToken(self.words[number], -1, 1.0, 1.0)
        if screener.names.similar(token, word_id, False)[0] > 0:
            return True
        return bool(self.sounded[number]) and screener.names.similar(token, word_id, True)[0] > 0

    def _halves_of(self, word: str, minimum: int, vocab: dict[str, int]) -> list[str]:
        """Long words beginning or ending with ``word``: it alone when long enough, else with the rest a listed
        word too (the screener's ``_halves``)."""
        if len(word) < 2:
            return []
        out = [w for w in _starting(self.halves, word)
               if len(w) - len(word) >= 2 and (len(word) >= minimum or w[len(word):] in vocab)]
        backwards = word[::-1]
        out += [w[::-1] for w in _starting(self.halves_reversed, backwards)
                if len(w) - len(word) >= 2 and (len(word) >= minimum or w[:len(w) - len(word)][::-1] in vocab)]
        return out


def _has_kana(keys: dict[str, Any]) -> bool:
    """Whether search keys are of a party with a name in katakana (its CJK form's tokens hold the kana)."""
    return any(has_kana(token[0]) for form in keys["forms"] for slot in form["slots"] for option in slot
               for token in option)


def _starting(words: Sequence[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(words, prefix)
    end = bisect.bisect_left(words, prefix + "\U0010ffff")
    return list(words[start:end])
