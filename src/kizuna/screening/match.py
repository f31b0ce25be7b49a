"""Comparing a query form with a listed name: slot-by-slot alignment and its coverage on both sides.

Each query slot picks the option (rendering) that lines up best with the listed name's words: exactly, by
spelling (optimal string alignment), by sound (metaphone for Latin spellings, consonant skeletons for words
romanised from other scripts), as an initial, or as several listed words run together (Airkoryo / Air Koryo).
Query coverage is the share of the query's weight found in the listed name, name coverage the share of the
listed name's weight found in the query; the name score is their weighted geometric mean, lowered when the
two names differ exactly where they conflict (a different number, place or kind of organisation).

Country and region qualifiers (Huawei Technologies Japan K.K., ZTE Deutschland; see qualifiers.py) are a typed
feature of organisation names: a query qualifier meets a listed one naming the same country (UK / United
Kingdom / 英国), or the listed entry's country; a qualifier only one side names costs a small factor instead of
coverage, so that the brand decides; two different countries remain a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from kizuna.screening.explain import QualifierNote
from kizuna.screening.forms import Slot
from kizuna.screening.han import pinyin
from kizuna.screening.index import ScreeningIndex
from kizuna.screening.katakana import skeletons, spelling_distance
from kizuna.screening.korean import hanja_to_hangul
from kizuna.screening.phonetic import korean_key, metaphone, skeleton
from kizuna.screening.qualifiers import Qualifier
from kizuna.screening.tables import ScoringRules
from kizuna.screening.wordclass import CONNECTIVE, GENERIC, LEGAL, NUMBER, PLACE, WORD, word_class


@dataclass(frozen=True, slots=True)
class QueryToken:
    text: str
    token_id: int  # -1 when the lists never use the token
    weight: float
    factor: float


@dataclass(frozen=True, slots=True)
class QuerySlot:
    slot: Slot
    options: tuple[tuple[QueryToken, ...], ...]
    cls: str
    qualifier: Qualifier | None = None  # the country or region the slot names as a qualifier
    phrase: int = -1  # slots of one qualifier phrase (United Kingdom) share a number

    @property
    def weight(self) -> float:
        """The weight of the slot's first (primary) rendering."""
        return sum(t.weight for t in self.options[0])

    @property
    def least_weight(self) -> float:
        """The weight of its lightest rendering (for estimates that must not overstate the query)."""
        return min(sum(t.weight for t in option) for option in self.options)


# (query token, listed position, similarity, how, share of the query token's weight)
Found = tuple[QueryToken, int, float, str, float]
Chosen = tuple[QuerySlot, tuple[QueryToken, ...], list[Found]]


@dataclass(slots=True)
class Pair:
    query: str
    listed: str
    similarity: float
    how: str  # "exact", "spelling", "sound", "initial", "joined", "split"
    slot: Slot


@dataclass(slots=True)
class NameMatch:
    """How one query form lines up with one listed name."""

    name_id: int
    score: float
    query_coverage: float
    name_coverage: float
    pairs: list[Pair] = field(default_factory=list)
    query_unmatched: list[str] = field(default_factory=list)
    name_unmatched: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    generic_only: bool = False  # the names share only places and generic words
    qualifiers: list[QualifierNote] = field(default_factory=list)  # how country and region qualifiers were weighed


@dataclass(slots=True)
class _Qualified:
    """The qualifiers left after alignment: query slots naming the entry's country, and qualifiers only one side
    names (query slots by their index in ``chosen``, listed words by position)."""

    supported: dict[int, str] = field(default_factory=dict)  # chosen index -> the entry country it names
    query_only: list[int] = field(default_factory=list)
    listed_only: list[int] = field(default_factory=list)
    conflict: bool = False  # the two sides name different places
    notes: list[QualifierNote] = field(default_factory=list)  # qualifiers both sides name, for the explanation


class NameComparer:
    """Scores listed names against query slots with the index's weights and the configured thresholds."""

    def __init__(self, index: ScreeningIndex, config: ScoringRules) -> None:
        self.index = index
        self.config = config
        name = config.name
        self.exponent = name.query_coverage_exponent
        self.min_similarity = name.fuzzy_min_similarity
        self.min_length = name.fuzzy_min_length
        self.max_length_difference = name.fuzzy_max_length_difference
        self.sound_similarity = name.sound_similarity
        self.initial_similarity = name.initial_similarity
        self.sound, self.joined = config.sound, config.joined
        self.conflict_factors = config.conflicts.model_dump()
        qualifiers = config.qualifiers
        self.entry_country_similarity = qualifiers.entry_country
        self.query_only_factor = qualifiers.query_only
        self.listed_only_factor = qualifiers.listed_only
        self._similar_cache: dict[tuple[str, int, bool], tuple[float, str]] = {}
        self._buckets: dict[str, list[int]] | None = None  # listed words by skeleton, built on first need

    def new_query(self) -> None:
        """Forget the similarities worked out for the previous query (they are reused across its candidates)."""
        self._similar_cache.clear()

    # -- token similarity ---------------------------------------------------------------------------

    def spelling(self, a: str, b: str) -> float:
        """Optimal-string-alignment similarity of two different words, or 0 below the threshold."""
        if (len(a) < self.min_length or len(b) < self.min_length
                or abs(len(a) - len(b)) > self.max_length_difference):
            return 0.0
        similarity = OSA.normalized_similarity(a, b)
        return similarity if similarity >= self.min_similarity else 0.0

    def similar(self, token: QueryToken, word_id: int, sounds: bool) -> tuple[float, str]:
        """How alike a query token and a listed word are, and by what."""
        key = (token.text, word_id, sounds)
        known = self._similar_cache.get(key)
        if known is None:
            known = self._similar_cache[key] = self._similar(token, word_id, sounds)
        return known

    def _similar(self, token: QueryToken, word_id: int, sounds: bool) -> tuple[float, str]:
        index = self.index
        if index.word_exact_only[word_id]:
            return 0.0, ""
        word, text = index.words[word_id], token.text
        if not text.isascii() and not word.isascii():
            # Different characters, same sound: DPRK names in kanji are phonetic (大聖 / 大成 = Taesong).
            return (self.sound_similarity, "same reading") if same_reading(text, word) else (0.0, "")
        score = self.spelling(text, word)
        if score:
            return score, "spelling"
        rules, name = self.sound, self.config.name
        if (not name.length_ratio_min <= len(text) / max(len(word), 1) <= name.length_ratio_max
                or (sounds and len(text) < rules.min_length_read)):
            return 0.0, ""  # words read from another script must be long to count when spelt differently
        sound = index.word_metaphone[word_id]
        if (sound and len(text) >= rules.metaphone_min_length and sound == metaphone(text)
                and OSA.normalized_similarity(text, word) >= rules.metaphone_min_spelling):
            return self.sound_similarity, "sound"
        longest = rules.romanisation_max_length
        if len(text) <= longest and len(word) <= longest and text.isalpha() and korean_key(text) == korean_key(word):
            return self.sound_similarity, "romanisation"
        if sounds and (token.token_id < 0 or index.factors[word_id] < 1.0 or rules.skeleton_for_listed_names):
            # A word read as a name the lists write is that name, not another with its skeleton (scoring.yaml
            # sound.skeleton_for_listed_names); generic words keep it, their loanword spellings vary.
            return self._same_skeleton(text, word, word_id)
        return 0.0, ""

    def near_by_kana(self, spoken: str) -> list[tuple[int, float]]:
        """Listed words that katakana word ``spoken`` spells with a few edits, and their similarity
        (``_kana_similarity``), looked for among the words with a consonant skeleton its spellings can have (the
        buckets hold only words kana may spell)."""
        buckets = self._skeleton_buckets()
        near = {w for bones in skeletons(spoken) for w in buckets.get(bones, ())}
        words = self.index.words
        found = ((word_id, self._kana_similarity(spoken, words[word_id])) for word_id in near)
        return [(word_id, score) for word_id, score in found if score]

    def _skeleton_buckets(self) -> dict[str, list[int]]:
        """Listed words by consonant skeleton, the short ones too (the index keeps those of four or more: a word
        read by sound must be long to count, but a katakana word is compared with its kana, not its sound)."""
        if self._buckets is None:
            buckets: dict[str, list[int]] = defaultdict(list)
            for word_id, bones in enumerate(self.index.word_skeleton):
                if len(bones) >= self.sound.kana_skeleton_min_length and self._kana_spelt(word_id):
                    buckets[bones].append(word_id)
            self._buckets = dict(buckets)
        return self._buckets

    def _kana_spelling(self, spoken: str, word_ids: tuple[int, ...]) -> float:
        """How alike katakana word ``spoken`` and listed words run together are by the spellings the kana allow, a
        few letter edits apart at most (``sound.kana_letters_per_edit``); 0 when further apart."""
        if not all(self._kana_spelt(word_id) for word_id in word_ids):
            return 0.0
        return self._kana_similarity(spoken, "".join(self.index.words[word_id] for word_id in word_ids))

    def _kana_similarity(self, spoken: str, word: str) -> float:
        """``kana_edit_factor`` to the power of the fewest edits from some spelling of ``spoken`` to ``word``."""
        most = len(word) // self.sound.kana_letters_per_edit
        edits = spelling_distance(spoken, word, most, self.sound.kana_substitution_edits,
                                   self.sound.kana_dropped_consonant_edits)
        return self.sound.kana_edit_factor ** edits if edits <= most else 0.0

    def _kana_spelt(self, word_id: int) -> bool:
        """Whether kana may spell listed word ``word_id`` with a few edits: a word in Latin letters that is
        compared by spelling at all."""
        word = self.index.words[word_id]
        return not self.index.word_exact_only[word_id] and word.isascii() and word.isalpha()

    def _same_skeleton(self, text: str, word: str, word_id: int) -> tuple[float, str]:
        """Romanised words with the same consonant skeleton (or nearly, when long)."""
        rules = self.sound
        bones, query_bones = self.index.word_skeleton[word_id], skeleton(text)
        # Short consonant skeletons collide easily: they must also be spelt alike.
        spelt = OSA.normalized_similarity(text, word)
        if bones == query_bones and (
                (len(bones) >= rules.skeleton_min_length and spelt >= rules.skeleton_min_spelling)
                or (len(bones) >= rules.short_skeleton_min_length and text[0] == word[0]
                    and abs(len(text) - len(word)) <= rules.short_skeleton_max_length_difference
                    and spelt >= rules.short_skeleton_min_spelling)):
            return self.sound_similarity, "sound"
        if (len(bones) >= rules.near_skeleton_min_length
                and OSA.distance(bones, query_bones) <= rules.near_skeleton_max_distance
                and spelt >= rules.near_skeleton_min_spelling):
            return self.sound_similarity * rules.near_skeleton_factor, "sound"
        return 0.0, ""

    # -- alignment ----------------------------------------------------------------------------------

    def compare(self, query: list[QuerySlot], name_id: int, symmetric: bool = False) -> NameMatch:
        """Align the query with listed name ``name_id``; ``symmetric`` weighs both coverages equally (person
        names, where every part counts)."""
        index = self.index
        name_ids = index.name_tokens[name_id]
        used = [False] * len(name_ids)
        chosen: list[Chosen] = []
        # Exact options first, so a fuzzy guess never takes a word another slot names exactly.
        pending = []
        for qslot in query:
            exact = self._exact_option(qslot, name_ids, used)
            if exact is None:
                pending.append(qslot)
            else:
                option, positions = exact
                for position in positions:
                    used[position] = True
                pairs = list(zip(option, positions, strict=True))
                chosen.append((qslot, option, [(t, p, 1.0, "exact", 1.0) for t, p in pairs]))
        for qslot in pending:
            best_option, best_found, best_key = qslot.options[0], [], (0.0, 0.0)
            if qslot.slot.exact:
                chosen.append((qslot, best_option, []))
                continue
            for option in qslot.options:
                found = self._approximate(option, name_ids, used, qslot.slot.sounds, bool(qslot.slot.spoken))
                matched = sum(t.weight * s * share for t, _, s, _, share in found)
                total = sum(t.weight for t in option) or 1.0
                key = (matched / total, matched)
                if key > best_key:
                    best_option, best_found, best_key = option, found, key
            if not best_found and qslot.slot.spoken:
                best_option, best_found = self._kana_match(qslot, name_ids, used) or (best_option, best_found)
            for _, position, _, _, _ in best_found:
                used[position] = True
            chosen.append((qslot, best_option, best_found))
        if not symmetric:  # a person's given names are compared syllable by syllable, never run together
            self._join_query_words(chosen, name_ids, used)
        entry = index.entries[index.name_entry[name_id]]
        # Qualifiers are a feature of organisation names; in a person's name "India" or "Korea" is a name.
        qualified = None if symmetric or entry.entity_type == "person" else self._qualify(chosen, name_id, used)
        return self._score(name_id, name_ids, used, chosen, symmetric, qualified)

    def reads(self, name_id: int, symmetric: bool = False) -> object:
        """What :meth:`compare` reads of listed name ``name_id``: two names with the same key get the same
        match against the same query (bar the name id)."""
        index = self.index
        tokens = index.name_tokens[name_id]
        if symmetric:
            return tokens
        if name_id in index.name_qualifiers:
            return name_id  # its qualifiers' places are compared too: not shared
        entry = index.entries[index.name_entry[name_id]]
        return tokens if entry.entity_type == "person" else (tokens, entry.countries)

    # -- qualifiers ---------------------------------------------------------------------------------

    def _qualify(self, chosen: list[Chosen], name_id: int, used: list[bool]) -> _Qualified:
        """Pair the unmatched query qualifiers with listed ones naming the same country (recorded as found
        words), then with the entry's country; what is left is named by one side only."""
        phrases: dict[int, list[int]] = {}
        for number, (qslot, _, _) in enumerate(chosen):
            if qslot.qualifier is not None:
                phrases.setdefault(qslot.phrase, []).append(number)
        listed = [(start, end, q) for start, end, q in self.index.name_qualifiers.get(name_id, ())
                  if not any(used[start:end])]
        notes: list[QualifierNote] = []
        rest_q: list[tuple[list[int], Qualifier]] = []
        for members in phrases.values():
            qualifier = chosen[members[0]][0].qualifier
            assert qualifier is not None
            source = " ".join(chosen[m][0].slot.source for m in members)
            if all(chosen[m][2] for m in members):
                places = "" if qualifier.region else "/".join(sorted(qualifier.countries))
                notes.append(QualifierNote("both", source, places))
                continue
            if any(chosen[m][2] for m in members):
                continue  # partly matched as name words (United ...): not a qualifier here
            same = next((item for item in listed if qualifier.same_place(item[2])), None)
            if same is None:
                rest_q.append((members, qualifier))
                continue
            listed.remove(same)
            positions = range(same[0], same[1])
            for member in members:
                for token in chosen[member][1]:
                    chosen[member][2].extend((token, p, 1.0, "same country", 1 / len(positions)) for p in positions)
            for position in positions:
                used[position] = True
            notes.append(QualifierNote("same_country", source, same[2].name))
        result = _Qualified(listed_only=[p for start, end, _ in listed for p in range(start, end)], notes=notes)
        countries = self.index.entries[self.index.name_entry[name_id]].countries
        for members, qualifier in rest_q:
            code = qualifier.names_country(countries) if not listed else ""
            if code:
                result.supported.update((m, code) for m in members)
            else:
                result.query_only.extend(members)
                result.conflict = result.conflict or any(not qualifier.compatible(q) for _, _, q in listed)
        return result

    def _join_query_words(self, chosen: list[Chosen], name_ids: tuple[int, ...], used: list[bool]) -> None:
        """A listed word spelt by several unmatched query words run together (スベル バンク / Sberbank)."""
        if sum(1 for _, option, found in chosen if not found and len(option) == 1) < 2:
            return
        words = self.index.words
        for position, word_id in enumerate(name_ids):
            word = words[word_id]
            if used[position] or len(word) < self.joined.query_words_min_length:
                continue
            for start in range(len(chosen)):
                if self._join_at(chosen, start, word, position, used):
                    break

    def _join_at(self, chosen: list[Chosen], start: int, word: str, position: int, used: list[bool]) -> bool:
        """Whether the unmatched query words from ``start`` on, run together, spell ``word``; records it."""
        rules = self.joined
        run: list[int] = []
        texts = [""]
        sounds = False
        for qslot, option, found in chosen[start : start + rules.max_words]:
            if found or len(option) != 1 or not qslot.slot.spelt:
                return False
            run.append(start + len(run))
            sounds = sounds or qslot.slot.sounds
            spellings = [o[0].text for o in qslot.options if len(o) == 1][: rules.max_spellings]
            texts = [t + s for t in texts for s in spellings][:16]  # a bound on the work, not a rule
            if len(run) >= 2 and any(t == word or self.spelling(t, word) >= rules.query_words_min_spelling or (
                    sounds and skeleton(t) == skeleton(word)
                    and OSA.normalized_similarity(t, word) >= rules.query_words_min_sound_spelling)
                                     for t in texts):
                for index in run:
                    chosen[index][2].append((chosen[index][1][0], position, rules.query_words_similarity, "joined",
                                             1.0))
                used[position] = True
                return True
        return False

    def _exact_option(self, qslot: QuerySlot, name_ids: tuple[int, ...], used: list[bool]
                      ) -> tuple[tuple[QueryToken, ...], list[int]] | None:
        best: tuple[tuple[QueryToken, ...], list[int]] | None = None
        exact_only = self.index.word_exact_only
        for option in qslot.options:
            positions: list[int] = []
            for token in option:
                # A word read from another script that happens to spell an acronym (기아 'gia' / GIA) is chance.
                usable = token.token_id >= 0 and not (qslot.slot.romanised and exact_only[token.token_id])
                position = _free(name_ids, used, token.token_id, positions) if usable else -1
                if position < 0:
                    break
                positions.append(position)
            else:
                if best is None or len(option) > len(best[0]):
                    best = (option, positions)
        return best

    def _kana_match(self, qslot: QuerySlot, name_ids: tuple[int, ...],
                    used: list[bool]) -> tuple[tuple[QueryToken, ...], list[Found]] | None:
        """A katakana word none of whose renderings matched, against the listed word (or two listed words run
        together: ハルカトゥル = Harakat ul) its kana can spell with the fewest edits (``_kana_spelling``): the word
        counts at the listed words' weight, as a listed spelling does."""
        best = 0.0
        best_run: tuple[int, ...] = ()
        for position in range(len(name_ids)):
            for run in ((position,), (position, position + 1)):
                if run[-1] < len(name_ids) and not any(used[p] for p in run):
                    score = self._kana_spelling(qslot.slot.spoken, tuple(name_ids[p] for p in run))
                    if score > best:
                        best, best_run = score, run
        if not best_run:
            return None
        weights = [self.index.token_weight(self.index.words[name_ids[p]], plain=True) for p in best_run]
        token = QueryToken(qslot.slot.spoken, -1, sum(w for _, w, _ in weights), min(f for _, _, f in weights))
        return (token,), [(token, p, best, "kana spelling", 1 / len(best_run)) for p in best_run]

    def _approximate(self, option: tuple[QueryToken, ...], name_ids: tuple[int, ...], used: list[bool],
                     sounds: bool, kana: bool = False) -> list[Found]:
        """The listed words (at unused positions) most like each token of ``option``; ``kana``: the option is a
        romanisation of a katakana word."""
        taken: set[int] = set()
        found: list[Found] = []
        words = self.index.words
        name = self.config.name
        low, high, slack = name.length_ratio_min, name.length_ratio_max, name.length_slack
        joined = self.joined
        for token in option:
            best, best_position, best_how = 0.0, -1, ""
            size = len(token.text)
            for position, word_id in enumerate(name_ids):
                if used[position] or position in taken:
                    continue
                if word_id == token.token_id:
                    best, best_position, best_how = 1.0, position, "exact"
                    break
                if not low * size <= len(words[word_id]) <= high * size + slack:
                    continue  # too different in length for any of the comparisons
                score, how = self.similar(token, word_id, sounds)
                if how == "sound" and kana and self.sound.kana_sound_keeps_first_letter \
                        and token.text[0] != words[word_id][0]:
                    continue
                if score > best:
                    best, best_position, best_how = score, position, how
            if best_position < 0 and token.token_id < 0 and len(token.text) >= joined.listed_words_min_length:
                run = self._joined(token.text, name_ids, used, taken)
                if run:
                    taken.update(run)
                    found.extend((token, p, joined.listed_words_similarity, "joined", 1 / len(run)) for p in run)
                    continue
            if best_position < 0 and len(token.text) == 1:
                best_position = self._initial(token.text, name_ids, used, taken)
                best, best_how = (self.initial_similarity, "initial") if best_position >= 0 else (0.0, "")
            if best_position >= 0:
                taken.add(best_position)
                found.append((token, best_position, best, best_how, 1.0))
        return found

    def spells_a_run(self, texts: tuple[str, ...], name_id: int) -> bool:
        """Whether some run of listed name ``name_id``'s words, run together, spells one of ``texts`` as
        :meth:`compare` accepts it (Al Ibrahim / alibrahim)."""
        name_ids = self.index.name_tokens[name_id]
        unused = [False] * len(name_ids)
        return any(self._joined(text, name_ids, unused, set()) for text in texts)

    def _joined(self, text: str, name_ids: tuple[int, ...], used: list[bool], taken: set[int]) -> list[int]:
        """Listed words that, run together, spell the query word (Tian Hai Xiang / tianhaixiang)."""
        words, rules = self.index.words, self.joined
        for start in range(len(name_ids)):
            if not text.startswith(words[name_ids[start]][: rules.listed_words_prefix]):
                continue  # the run must begin the way the query word begins
            combined, positions = "", []
            for position in range(start, min(start + rules.max_words, len(name_ids))):
                if used[position] or position in taken:
                    break
                combined += words[name_ids[position]]
                positions.append(position)
                if len(positions) >= 2 and (combined == text
                                            or self.spelling(combined, text) >= rules.listed_words_min_spelling):
                    return positions
                if len(combined) >= len(text) + self.max_length_difference:
                    break
        return []

    def _initial(self, letter: str, name_ids: tuple[int, ...], used: list[bool], taken: set[int]) -> int:
        words = self.index.words
        for position, word_id in enumerate(name_ids):
            word = words[word_id]
            if not used[position] and position not in taken and len(word) > 1 and word[0] == letter:
                return position
        return -1

    # -- score --------------------------------------------------------------------------------------

    def _score(self, name_id: int, name_ids: tuple[int, ...], used: list[bool],
               chosen: list[Chosen], symmetric: bool, qualified: _Qualified | None = None) -> NameMatch:
        index = self.index
        weights = index.weights
        qualified = qualified or _Qualified()
        per_position: dict[int, float] = {}
        pairs: list[Pair] = []
        for qslot, _, found in chosen:
            for token, position, similarity, how, _ in found:
                per_position[position] = max(per_position.get(position, 0.0), similarity)
                pairs.append(Pair(token.text, index.words[name_ids[position]], round(similarity, 3), how, qslot.slot))
        # Only places and generic words in common (Zhejiang University / Tianjin University): no qualifier
        # helps, and the listed name must be covered as well as the query (below).
        generic_only = not any(index.word_classes[name_ids[p]] in (WORD, NUMBER) for p in per_position)
        if generic_only:
            qualified = _Qualified()
        relieved_q, relieved_n = self._relieved(chosen, name_ids, used, qualified)
        notes = list(qualified.notes)
        total_q = matched_q = 0.0
        unmatched_q: list[str] = []
        unmatched_q_classes: set[str] = set()
        name_free = [t for p, (t, u) in enumerate(zip(name_ids, used, strict=True)) if not u and p not in relieved_n]
        name_classes = {index.word_classes[t] for t in name_free}
        for number, (qslot, option, found) in enumerate(chosen):
            weight = sum(t.weight for t in option)
            if number in qualified.supported:
                # Huawei China / Huawei Technologies Co., Ltd. (CN): the qualifier names the entry's country.
                code = qualified.supported[number]
                matched_q += weight * self.entry_country_similarity
                total_q += weight
                pairs.append(Pair(qslot.slot.source, code, self.entry_country_similarity, "entry country", qslot.slot))
                notes.append(QualifierNote("entry_country", qslot.slot.source, code))
                continue
            matched_tokens = set()
            for token, _, similarity, _, share in found:
                matched_q += token.weight * similarity * share
                matched_tokens.add(token.text)
            missing = [t for t in option if t.text not in matched_tokens]
            if missing:
                unmatched_q.extend(t.text for t in missing)
                if number in relieved_q:
                    continue  # costs the qualifier factor below, not coverage
                unmatched_q_classes.add(qslot.cls)
                if qslot.cls == PLACE and PLACE not in name_classes:
                    # A place only one side names is weak evidence; two different places are strong (below).
                    weight -= self.config.places.one_sided_weight * sum(t.weight for t in missing)
            total_q += weight
        matched_n = sum(weights[name_ids[p]] * s for p, s in per_position.items())
        total_n = index.name_total[name_id] - sum(weights[name_ids[p]] for p in relieved_n)
        if PLACE in name_classes and PLACE not in unmatched_q_classes:
            one_sided = self.config.places.one_sided_weight
            total_n -= one_sided * sum(weights[t] for t in name_free if index.word_classes[t] == PLACE)
        unmatched_n = [index.words[t] for p, t in enumerate(name_ids) if not used[p]]
        query_coverage = min(matched_q / total_q, 1.0) if total_q else 0.0
        name_coverage = min(matched_n / total_n, 1.0) if total_n > 0 else 0.0
        exponent = self.config.name.person_exponent if symmetric else self.exponent
        score = query_coverage**exponent * name_coverage ** (1 - exponent)
        if generic_only:
            score = min(query_coverage, name_coverage)
        if relieved_q:
            score *= self.query_only_factor
            words = " ".join(chosen[n][0].slot.source for n in sorted(relieved_q))
            notes.append(QualifierNote("query_only", words, factor=self.query_only_factor))
        if relieved_n:
            score *= self.listed_only_factor
            words = " ".join(index.words[name_ids[p]] for p in sorted(relieved_n))
            notes.append(QualifierNote("listed_only", words, factor=self.listed_only_factor))
        conflicts = []
        for cls in (NUMBER, PLACE, GENERIC):
            if cls in unmatched_q_classes and cls in name_classes:
                score *= self.conflict_factors[cls]
                conflicts.append(cls)
        return NameMatch(name_id, score, query_coverage, name_coverage, pairs, unmatched_q, unmatched_n, conflicts,
                         generic_only, notes)

    def _relieved(self, chosen: list[Chosen], name_ids: tuple[int, ...], used: list[bool],
                  qualified: _Qualified) -> tuple[set[int], set[int]]:
        """The qualifiers only one side names that cost a factor instead of coverage: none when the two sides
        name different places (Huawei Japan / Huawei Technologies (UK)), which stays a place conflict."""
        if qualified.conflict:
            return set(), set()
        query_only, listed_only = set(qualified.query_only), set(qualified.listed_only)
        other_listed_place = any(not used[p] and p not in listed_only and self.index.word_classes[t] == PLACE
                                 for p, t in enumerate(name_ids))
        other_query_place = any(not found and n not in query_only and n not in qualified.supported
                                and qslot.cls == PLACE for n, (qslot, _, found) in enumerate(chosen))
        return (set() if other_listed_place else query_only), (set() if other_query_place else listed_only)


def _free(name_ids: tuple[int, ...], used: list[bool], token_id: int, reserved: list[int]) -> int:
    for position, candidate in enumerate(name_ids):
        if candidate == token_id and not used[position] and position not in reserved:
            return position
    return -1


def slot_class(slot: Slot, text: str) -> str:
    """The conflict class of a query slot: its lexicon class, or the class of its word."""
    if slot.cls in ("place", "number"):
        return slot.cls
    if slot.cls in ("generic", "legal"):
        return GENERIC if slot.cls == "generic" else LEGAL
    cls = word_class(text)
    return CONNECTIVE if cls == CONNECTIVE else cls


def same_reading(a: str, b: str) -> bool:
    """Two different CJK words read alike in Korean or Mandarin (two characters or more)."""
    if len(a) < 2 or len(b) < 2 or a == b:
        return False
    return hanja_to_hangul(a) == hanja_to_hangul(b) or pinyin(a) == pinyin(b)
