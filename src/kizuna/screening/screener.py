"""Screening one party: candidate names from the index, a score per listed entry, an explanation per hit.

Two rules sit above the name comparison. When the query is written in CJK characters and a listed party's
name is published in CJK characters too (on its own entry or a linked one), the two are compared in that
script: the list's own spelling outranks any translation. And a hit on one entry brings the entries on other
lists linked to it as the same party, each with its own list and provenance.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import numpy as np

from kizuna.core.entity import PartyKind
from kizuna.core.scripts import HAN, HANGUL, char_script
from kizuna.screening.explain import (
    CrossListLink,
    EvidenceAdjustment,
    FinalScore,
    ListedName,
    Step,
    match_steps,
)
from kizuna.screening.forms import CJK_FORM, EXACT_ONLY_FORMS, PERSON_FORMS, Form, Slot, query_forms
from kizuna.screening.index import EntryRecord, ScreeningIndex
from kizuna.screening.japanese import has_kana
from kizuna.screening.katakana import article_splits, korean_spellings, listed_spellings
from kizuna.screening.match import NameComparer, NameMatch, QuerySlot, QueryToken, slot_class
from kizuna.screening.model import Hit, Query
from kizuna.screening.phonetic import metaphone, skeleton
from kizuna.screening.postings import Postings
from kizuna.screening.qualifiers import find as find_qualifiers
from kizuna.screening.tables import ScoringRules, scoring

# Person and organisation are the types whose confusion is evidence against a match; unknown says nothing.
_PARTY_KINDS = {PartyKind.PERSON.value: "person", PartyKind.ORGANIZATION.value: "organization",
                PartyKind.VESSEL.value: "object", PartyKind.AIRCRAFT.value: "object"}


# Words whose listed spellings are kept between queries; a bound on memory (a few MB), not a rule.
_SPELLINGS_KEPT = 100_000


@dataclass(slots=True)
class _Found:
    score: float
    match: NameMatch
    form: Form
    via_link: int = -1  # the entry whose match this one inherits through a cross-list link


class Screener:
    """Screens queries against one index. Safe to share between threads: it only reads the index, and what it
    keeps between queries (listed spellings of query words) are dicts a thread at worst fills twice."""

    def __init__(self, index: ScreeningIndex, config: ScoringRules | None = None) -> None:
        self.index = index
        self.config = config or scoring()
        self.names = NameComparer(index, self.config)
        self.threshold = self.config.threshold
        name_config = self.config.name
        self._min_factor = name_config.candidate_min_factor
        self._max_candidates = name_config.candidates
        self._min_share = name_config.candidate_min_share
        self._prune_margin = name_config.candidate_margin
        self._acronym_factor = name_config.acronym_factor
        self._lists: dict[str, str] | None = None
        self._qualifier_weight = self.config.qualifiers.weight
        self._latin_words: list[str] | None = None  # sorted, for katakana spellings (built on first need)
        self._kana_entries: list[bool] | None = None  # per entry: judged in kana (built on first need)
        # A file's rows share words (Trading, 株式会社): their listed spellings are worked out once.
        self._spelt: dict[tuple[str, int, bool], list[tuple[int, float]]] = {}
        self._spoken: dict[str, tuple[list[str], list[tuple[str, ...]]]] = {}
        self._near: dict[str, list[tuple[int, float]]] = {}

    @property
    def snapshot_id(self) -> str:
        return self.index.snapshot_id

    @property
    def lists(self) -> dict[str, str]:
        """Each list with entries in the index, by code, with its data date (dates joined by ' + ' when a list
        is made of sources of different dates)."""
        if self._lists is None:
            dates: dict[str, set[str]] = {}
            for entry in self.index.entries:
                dates.setdefault(entry.list_code, set()).add(entry.data_date)
            self._lists = {code: " + ".join(sorted(dates[code])) for code in sorted(dates)}
        return self._lists

    # -- public -----------------------------------------------------------------------------------

    def screen(self, query: Query, threshold: float | None = None, limit: int = 25) -> list[Hit]:
        """Hits at or above ``threshold`` (the configured default when None), best first."""
        cutoff = self.threshold if threshold is None else threshold
        found = self._best_per_entry(query, max(0.0, cutoff - self._prune_margin))
        ranked = []
        for entry_no, best in found.items():
            score, notes = self._with_evidence(best.score, query, self.index.entries[entry_no])
            if score >= cutoff:
                ranked.append((score, entry_no, best, notes))
        ranked.sort(key=lambda item: (-item[0], self.index.entries[item[1]].list_code, item[1]))
        return [self._hit(query, entry_no, score, best, notes) for score, entry_no, best, notes in ranked[:limit]]

    def candidate_entries(self, name: str) -> set[int]:
        """Entry numbers the index proposes for a name before scoring (what another matcher can score too)."""
        found: set[int] = set()
        for form in query_forms(name):
            found.update(self.index.name_entry[n] for n in self._candidates(self.prepare(form)).names)
        return found

    # -- matching ---------------------------------------------------------------------------------

    def _best_per_entry(self, query: Query, floor: float = 0.0) -> dict[int, _Found]:
        """The best match per listed entry; candidates whose estimate is below ``floor`` are not compared."""
        index = self.index
        self.names.new_query()
        allowed = set(query.lists) if query.lists else None
        forms = query_forms(query.name)
        cjk_query = any(f.via == CJK_FORM for f in forms)
        judged_in_script = self._judged_in_script(query.name) if cjk_query else []
        own: dict[int, _Found] = {}
        cjk_by_cluster: dict[int, tuple[int, _Found]] = {}
        for form in forms:
            slots = self.prepare(form)
            symmetric = form.via in PERSON_FORMS
            judged_in_cjk = cjk_query and form.via != CJK_FORM
            # The same name on several lists (a UN designation copied by each ally) is compared once per form.
            compared: dict[object, NameMatch] = {}
            candidates = self._candidates(slots, floor)
            for name_id in candidates.names:
                if judged_in_cjk and judged_in_script[index.name_entry[name_id]]:
                    continue  # an entry the list spells in CJK is judged by the CJK form alone (below)
                if name_id in candidates.by_halves and not self.names.spells_a_run(candidates.halved, name_id):
                    continue  # proposed for a half of a query word, but no run of its words spells the word
                alike = self.names.reads(name_id, symmetric)
                known = compared.get(alike)
                if known is None:
                    known = compared[alike] = self.names.compare(slots, name_id, symmetric)
                match = replace(known, name_id=name_id)
                if index.name_via[name_id] in EXACT_ONLY_FORMS:
                    match.score *= self._acronym_factor
                if match.score <= 0:
                    continue
                entry_no = index.name_entry[name_id]
                candidate = _Found(match.score, match, form)
                if form.via == CJK_FORM:
                    cluster = index.entry_cluster[entry_no]
                    if cluster not in cjk_by_cluster or match.score > cjk_by_cluster[cluster][1].score:
                        cjk_by_cluster[cluster] = (entry_no, candidate)
                if entry_no not in own or match.score > own[entry_no].score:
                    own[entry_no] = candidate
        if cjk_query:
            # The list spells this party in CJK characters: judge it by that spelling, not by a translation.
            for entry_no in list(own):
                if judged_in_script[entry_no]:
                    source = cjk_by_cluster.get(index.entry_cluster[entry_no])
                    if source is None:
                        del own[entry_no]
                    elif source[0] != entry_no:
                        own[entry_no] = _Found(source[1].score, source[1].match, source[1].form, source[0])
                    else:
                        own[entry_no] = source[1]
        self._propagate_links(own)
        if allowed is not None:
            own = {e: f for e, f in own.items() if index.entries[e].list_code in allowed}
        return own

    def _judged_in_script(self, name: str) -> list[bool]:
        """Per entry, whether a CJK query is judged by its CJK form alone there: where the list spells the party
        in CJK characters; for a query in kana alone (a foreign name in katakana), only where it spells it in
        kana alone too: a kanji name (端川商業銀行) shares no character with タンチョン・コマーシャル・バンク, nor does
        a name translated into Japanese with a katakana word in it (ロケット産業省) with the katakana of the English
        name (ミニストリー・オブ・ロケット・インダストリー)."""
        if any(char_script(c) in (HAN, HANGUL) for c in name):
            return self.index.entry_has_cjk
        if self._kana_entries is None:
            index = self.index
            kana = {index.name_entry[n] for n, text in enumerate(index.name_text)
                    if has_kana(text) and not any(char_script(c) == HAN for c in text)}
            for members in index.clusters.values():
                if kana.intersection(members):
                    kana.update(members)
            self._kana_entries = [has and no in kana for no, has in enumerate(index.entry_has_cjk)]
        return self._kana_entries

    def _propagate_links(self, found: dict[int, _Found]) -> None:
        """Every entry linked to a hit gets the hit's score, unless its own is higher."""
        index = self.index
        best_by_cluster: dict[int, int] = {}
        for entry_no, item in found.items():
            cluster = index.entry_cluster[entry_no]
            if cluster in index.clusters:
                current = best_by_cluster.get(cluster)
                if current is None or item.score > found[current].score:
                    best_by_cluster[cluster] = entry_no
        for cluster, source in best_by_cluster.items():
            item = found[source]
            for member in index.clusters[cluster]:
                if member not in found or found[member].score < item.score:
                    origin = item.via_link if item.via_link >= 0 else source
                    found[member] = _Found(item.score, item.match, item.form, origin if member != origin else -1)

    def prepare(self, form: Form) -> list[QuerySlot]:
        """Query slots with their tokens' ids and weights, and the country or region qualifiers among them."""
        prepared = []
        for slot in form.slots:
            if slot.spoken:
                slot = self._with_listed_spellings(slot)
            options = tuple(tuple(QueryToken(t, *self.index.token_weight(t, plain=slot.sounds)) for t in option)
                            for option in slot.options if option)
            if options:
                prepared.append(QuerySlot(slot, options, slot_class(slot, slot.options[0][0])))
        return _with_qualifiers(prepared, self._qualifier_weight)

    def _with_listed_spellings(self, slot: Slot) -> Slot:
        """A katakana word's slot with the spellings of it that the lists use, as a foreign word (ゲラシモフ:
        gerasimov) and as a Korean one (トンヘ: tonghae)."""
        spellings, with_articles = self._listed_spellings(slot.spoken)
        found = [(s,) for s in spellings if (s,) not in slot.options] + with_articles
        if not found:
            return slot
        return replace(slot, options=(*slot.options, *dict.fromkeys(found)),
                       how=f"{slot.how}; spelt in the lists: {' / '.join(' '.join(s) for s in found[:6])}")

    def _listed_spellings(self, spoken: str) -> tuple[list[str], list[tuple[str, ...]]]:
        """The spellings the lists use of a katakana word, and those that read its start as an article
        (アッサイード: al sayyid); worked out once per word, as names in a Japanese file share words."""
        known = self._spoken.get(spoken)
        if known is None:
            is_word = self.index.vocab.__contains__
            spellings = list(dict.fromkeys((*listed_spellings(spoken, self._begins_a_word, is_word),
                                            *korean_spellings(spoken, self._begins_a_word, is_word))))
            with_articles: list[tuple[str, ...]] = []
            for _, rest, articles in article_splits(spoken):
                rests = listed_spellings(rest, self._begins_a_word, is_word)
                with_articles.extend((a, r) for r in rests for a in articles)
                with_articles.extend((a + r,) for r in rests for a in articles if is_word(a + r))
                for _, inner, inner_articles in article_splits(rest):  # アブ + アル + カシム: abu al qasim
                    inner_rests = listed_spellings(inner, self._begins_a_word, is_word)
                    with_articles.extend((a, b, r) for r in inner_rests for b in inner_articles for a in articles)
            if len(self._spoken) >= _SPELLINGS_KEPT:
                self._spoken.clear()
            known = self._spoken[spoken] = (spellings, with_articles)
        return known

    def _begins_a_word(self, prefix: str) -> bool:
        words = self._latin_words
        if words is None:
            words = self._latin_words = sorted(w for w in self.index.vocab if w.isascii())
        at = bisect.bisect_left(words, prefix)
        return at < len(words) and words[at].startswith(prefix)

    def _candidates(self, slots: list[QuerySlot], floor: float = 0.0) -> _Candidates:
        """Names sharing enough weighted words with the query, most promising first; those whose estimated
        score is below ``floor`` are left out. Works on per-name arrays (numpy) over the names the query's
        words reach, for speed."""
        total = sum(s.least_weight for s in slots) or 1.0
        # Qualifiers (Japan, United Kingdom) place a party but do not find it, like generic words.
        finders = [s for s in slots if s.qualifier is None and max(t.factor for t in s.options[0]) >= self._min_factor
                   ] or slots
        offers = [self._slot_offers(qslot) for qslot in finders]
        joined, halves = self._run_together(slots), self._query_word_halves(slots)
        reached = _Reached(self.index.postings, len(self.index.name_text),
                           [w for slot_offers in offers for option in slot_offers for token in option for w, _ in token]
                           + [w for w, _ in joined] + [w for _, w, _ in halves])
        shared = np.zeros(len(reached), dtype=np.float32)
        # A katakana word's many spellings include rare words that give a name more credit than the word itself
        # is worth: the candidates are ranked with each such slot's credit at most its lightest rendering's weight
        # (the estimate that prunes stays the optimistic one).
        capped = np.zeros(len(shared), dtype=np.float32) if any(s.slot.spoken for s in finders) else None
        slots_found = np.zeros(len(shared), dtype=np.int32)  # how many of the query's words a name shares
        for qslot, slot_offers in zip(finders, offers, strict=True):
            credit = self._slot_credit(slot_offers, reached)
            shared += credit
            slots_found += credit > 0
            if capped is not None:
                capped += np.minimum(credit, qslot.least_weight) if qslot.slot.spoken else credit
        together = np.zeros(len(shared), dtype=np.float32)
        for word_id, contribution in joined:
            _raise(together, reached.at(word_id), contribution)
        without_halves = shared + together
        for _, word_id, contribution in halves:
            _raise(together, reached.at(word_id), contribution)
        shared += together
        if capped is not None:
            capped += together
        least = self._min_share * sum(s.least_weight for s in finders)
        candidates = np.flatnonzero(shared >= max(least, 1e-6))
        weight = shared[candidates]
        # The estimate is optimistic, so pruning at the floor never drops a name that could reach the
        # threshold: a slot that did not look for candidates (a generic word) counts as matched when the name
        # has one of its words, and every query word counts at full similarity.
        for qslot in slots:
            if qslot.qualifier is not None and qslot not in finders:
                # A qualifier may be met by the entry's country, or cost only a factor: count it as found.
                weight = (weight + qslot.least_weight).astype(np.float32)
            elif qslot not in finders:
                present = np.zeros(len(shared), dtype=bool)
                for token in qslot.options[0]:
                    if token.token_id >= 0:
                        present[reached.among(token.token_id)] = True
                weight = (weight + qslot.least_weight * present[candidates]).astype(np.float32)
        # A single letter may stand for any listed word it begins (A. / Aymani): count it at that similarity.
        initials = sum(t.weight for s in slots for t in s.options[0] if len(t.text) == 1 and t.text.isalpha())
        weight = (weight + initials * self.names.initial_similarity).astype(np.float32)
        name_ids = reached.ids[candidates]
        estimate = self._estimate(weight, total, name_ids)
        rank = estimate if capped is None else self._estimate(weight - shared[candidates] + capped[candidates],
                                                              total, name_ids)
        # The names that are candidates only by the credit a half of a query word gave them (below).
        lifted = shared[candidates] - without_halves[candidates]
        by_halves = (lifted > 0) & ((without_halves[candidates] < least)
                                    | (self._estimate(weight - lifted, total, name_ids) < floor))
        keep = estimate >= floor
        name_ids, rank, by_halves, estimate = name_ids[keep], rank[keep], by_halves[keep], estimate[keep]
        if len(name_ids) > self._max_candidates and capped is not None:
            # Capped credits tie (every name sharing some spelling of a katakana word gets the same), and so do
            # optimistic estimates at their bound of 1 (a query of common words): the tie is broken by how many of
            # the query's words the name shares, then by the uncapped estimate, so that the name sharing the
            # words' best spellings comes first.
            found = slots_found[candidates][keep]
            top = np.lexsort((-estimate, -found, -rank))[: self._max_candidates]
            name_ids, rank, by_halves = name_ids[top], rank[top], by_halves[top]
        elif len(name_ids) > self._max_candidates:
            top = np.argpartition(-rank, self._max_candidates)[: self._max_candidates]
            name_ids, rank, by_halves = name_ids[top], rank[top], by_halves[top]
        return _Candidates([int(name_ids[i]) for i in np.argsort(-rank, kind="stable")],
                           set(name_ids[by_halves].tolist()), tuple(dict.fromkeys(t for t, _, _ in halves)))

    def _estimate(self, weight: np.ndarray, total: float, name_ids: np.ndarray) -> np.ndarray:
        """The optimistic name score of names sharing ``weight`` with a query of weight ``total``."""
        exponent = self.names.exponent
        # The listed name's weight without its qualifiers, which cost a factor at most.
        return (np.minimum(weight / total, 1.0) ** exponent
                * np.minimum(weight / self.index.name_core_total_array[name_ids], 1.0) ** (1 - exponent))

    def _slot_offers(self, qslot: QuerySlot) -> list[list[list[tuple[int, float]]]]:
        """Per option of a query slot, per word, the listed words it may stand for and the weight each shares;
        a katakana word also offers the listed words its kana spell with a few edits, at their own weight (as
        ``NameComparer`` credits them in any name its spellings do not match, so even a word the lists spell
        elsewhere offers them: the estimate stays optimistic)."""
        sounds = qslot.slot.sounds
        offers = [[[(word_id, token.weight * similarity) for word_id, similarity in self._spellings(token, sounds)]
                   for token in option] for option in qslot.options]
        if qslot.slot.spoken:
            words, weight = self.index.words, self.index.token_weight
            offers.append([[(w, weight(words[w], plain=True)[1] * similarity)
                            for w, similarity in self._near_by_kana(qslot.slot.spoken)]])
        return offers

    def _near_by_kana(self, spoken: str) -> list[tuple[int, float]]:
        known = self._near.get(spoken)
        if known is None:
            if len(self._near) >= _SPELLINGS_KEPT:
                self._near.clear()
            known = self._near[spoken] = self.names.near_by_kana(spoken)
        return known

    @staticmethod
    def _slot_credit(offers: list[list[list[tuple[int, float]]]], reached: _Reached) -> np.ndarray:
        """Per reached name, the best weight one query slot can share with it (the best option; an option's
        words add, each with its best listed spelling)."""
        best: np.ndarray | None = None
        for option in offers:
            credit = np.zeros(len(reached), dtype=np.float32)
            for spellings in option:
                if len(spellings) == 1:
                    word_id, contribution = spellings[0]
                    credit[reached.at(word_id)] += contribution
                elif spellings:
                    per_token = np.zeros(len(reached), dtype=np.float32)
                    for word_id, contribution in spellings:
                        _raise(per_token, reached.at(word_id), contribution)
                    credit += per_token
            best = credit if best is None else np.maximum(best, credit)
        return best if best is not None else np.zeros(len(reached), dtype=np.float32)

    def _run_together(self, slots: list[QuerySlot]) -> list[tuple[int, float]]:
        """Listed words written as two query words (Al Qaida / alqaida, スベル バンク / sberbank): their word ids
        and the weight they carry."""
        index, rules = self.index, self.config.joined
        found: list[tuple[int, float]] = []
        singles = [s for s in slots if len(s.options[0]) == 1 and s.slot.spelt]
        for i in range(len(singles) - 1):
            for width in range(2, rules.candidate_run_words + 1):
                run = singles[i : i + width]
                # Only words the lists do not use, or words read from another script, are worth joining.
                if len(run) < width or all(s.options[0][0].token_id >= 0 and not s.slot.sounds for s in run):
                    break
                weight = sum(s.weight for s in run)
                sounds = any(s.slot.sounds for s in run)
                texts = [""]
                for qslot in run:
                    texts = [t + o[0].text for t in texts for o in qslot.options if len(o) == 1][:16]
                for text in texts:
                    token = QueryToken(text, index.vocab.get(text, -1), weight, 1.0)
                    found.extend((w, weight * sim) for w, sim in self._spellings(token, sounds))
        return found

    def _query_word_halves(self, slots: list[QuerySlot]) -> list[tuple[str, int, float]]:
        """Query words the lists may write as two (alibrahim / Al Ibrahim): each word, the listed words it
        begins or ends with, and the weight they carry."""
        rules = self.config.joined
        return [(token.text, word_id, token.weight * rules.halves_share)
                for qslot in slots for option in qslot.options for token in option
                if token.token_id < 0 and len(token.text) >= rules.halves_min_query_length
                for word_id in self._halves(token.text)]

    def _halves(self, text: str) -> list[int]:
        """Known words ``text`` begins or ends with (four letters or more), and the rarer half of each split
        into two known words: surfacetoair -> surface; alissawi -> issawi."""
        vocab, postings = self.index.vocab, self.index.postings
        shortest = self.config.joined.halves_min_length
        found = []
        for cut in range(2, len(text) - 1):  # both halves of a split two letters or more
            left, right = vocab.get(text[:cut]), vocab.get(text[cut:])
            if left is not None and right is not None:
                found.append(left if len(postings[left]) < len(postings[right]) else right)
            elif left is not None and cut >= shortest:
                found.append(left)
            elif right is not None and len(text) - cut >= shortest:
                found.append(right)
        return found

    def _spellings(self, token: QueryToken, sounds: bool) -> list[tuple[int, float]]:
        """The token itself if the lists use it, and listed words spelt or sounding nearly the same."""
        key = (token.text, token.token_id, sounds)
        known = self._spelt.get(key)
        if known is None:
            if len(self._spelt) >= _SPELLINGS_KEPT:
                self._spelt.clear()
            known = self._spelt[key] = self._find_spellings(token, sounds)
        return known

    def _find_spellings(self, token: QueryToken, sounds: bool) -> list[tuple[int, float]]:
        index = self.index
        found = {token.token_id: 1.0} if token.token_id >= 0 else {}
        text = token.text
        near: set[int] = set()
        if len(text) >= self.names.min_length:
            near.update(index.deletes.near(text))
            near.update(index.by_metaphone.get(metaphone(text), ()))
        if sounds:
            near.update(index.by_skeleton.get(skeleton(text), ()))
        for word_id in near - found.keys():
            similarity, _ = self.names.similar(token, word_id, sounds)
            if similarity:
                found[word_id] = similarity
        return list(found.items())

    # -- evidence and output ----------------------------------------------------------------------

    def _with_evidence(self, score: float, query: Query, entry: EntryRecord) -> tuple[float, list[EvidenceAdjustment]]:
        """The score with the evidence both sides state (scoring.yaml ``evidence``), within 0 to 1."""
        weights = self.config.evidence
        notes: list[EvidenceAdjustment] = []
        if query.country and entry.countries:
            agrees = query.country in entry.countries
            change = weights.country_match if agrees else weights.country_mismatch
            notes.append(EvidenceAdjustment("country", query.country, tuple(entry.countries), agrees, change))
        wanted, listed = _PARTY_KINDS.get(query.entity_type.value), _PARTY_KINDS.get(entry.entity_type)
        if wanted and listed and wanted != listed:
            notes.append(EvidenceAdjustment("type", query.entity_type.value, (entry.entity_type,), False,
                                            weights.type_mismatch))
        if query.birth_date and entry.birth_years:
            year = query.birth_date[:4]
            agrees = year in entry.birth_years
            change = weights.birth_year_match if agrees else weights.birth_year_mismatch
            notes.append(EvidenceAdjustment("birth_year", year, tuple(entry.birth_years), agrees, change))
        for note in notes:
            score += note.change
        return max(0.0, min(1.0, score)), notes

    def _hit(self, query: Query, entry_no: int, score: float, found: _Found,
             evidence: list[EvidenceAdjustment]) -> Hit:
        index = self.index
        match, name_id = found.match, found.match.name_id
        entry = index.entries[entry_no]
        listed = ListedName(index.name_text[name_id], index.name_kind[name_id], index.name_via[name_id],
                            index.name_form[name_id])
        steps: list[Step] = []
        if found.via_link >= 0:
            source = index.entries[found.via_link]
            reason = index.link_reason.get(entry_no) or index.link_reason.get(found.via_link, "")
            steps.append(CrossListLink(source.list_code, source.entry_id, source.name, reason))
        steps += [*match_steps(query.name, found.form, listed, match), *evidence, FinalScore(score)]
        return Hit(
            list_code=entry.list_code, entry_id=entry.entry_id, name=entry.name,
            matched_name=index.name_text[name_id] if found.via_link < 0 else entry.name,
            score=round(score, 4), steps=steps, source_url=entry.source_url,
            data_date=entry.data_date, entity_type=entry.entity_type, countries=list(entry.countries))


@dataclass(slots=True)
class _Candidates:
    names: list[int]  # most promising first
    # Names proposed only because they use a half of a query word (alibrahim: ibrahim), and those query words:
    # each is compared only if a run of its words spells one of them (Al Ibrahim), as the comparison requires.
    by_halves: set[int]
    halved: tuple[str, ...]


class _Reached:
    """The names a query's words reach, numbered in name order: the per-name sums of a query run over these
    (hundreds or thousands) rather than over every listed name."""

    def __init__(self, postings: Postings, names: int, word_ids: list[int]) -> None:
        self._postings = postings
        self._reached = np.zeros(names, dtype=bool)
        for word_id in set(word_ids):  # a word many spellings share is marked once
            self._reached[postings[word_id]] = True
        self.ids = np.flatnonzero(self._reached)
        self._number = np.empty(names, dtype=np.int32)  # read only where reached
        self._number[self.ids] = np.arange(len(self.ids), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    def at(self, word_id: int) -> np.ndarray:
        """The numbers of the names using a word the query reached them by."""
        return self._number[self._postings[word_id]]

    def among(self, word_id: int) -> np.ndarray:
        """The numbers of the reached names using any word."""
        names = self._postings[word_id]
        return self._number[names[self._reached[names]]]


def _raise(values: np.ndarray, at: np.ndarray, contribution: float) -> None:
    values[at] = np.maximum(values[at], contribution)


def _with_qualifiers(slots: list[QuerySlot], factor: float) -> list[QuerySlot]:
    """The slots with the qualifier phrases among their first renderings marked (Huawei | Japan, ZTE | United
    Kingdom), their words weighted with the qualifier ``factor`` like one-word qualifiers (united and kingdom are
    also name words); a phrase must cover whole slots. A query that is nothing but a qualifier has none: it is the
    name."""
    tokens: list[str] = []
    owner: list[int] = []
    for number, qslot in enumerate(slots):
        tokens.extend(t.text for t in qslot.options[0])
        owner.extend([number] * len(qslot.options[0]))
    marked = list(slots)
    for phrase, (start, end, qualifier) in enumerate(find_qualifiers(tokens)):
        first, last = owner[start], owner[end - 1]
        if (start and owner[start - 1] == first) or (end < len(owner) and owner[end] == last):
            continue  # part of a slot only
        for number in range(first, last + 1):
            options = tuple(tuple(QueryToken(t.text, t.token_id, t.weight / (t.factor or 1.0) * factor, factor)
                                  for t in option) for option in slots[number].options)
            marked[number] = replace(slots[number], options=options, qualifier=qualifier, phrase=phrase)
    if all(m.qualifier is not None for m in marked):
        return slots
    return marked
