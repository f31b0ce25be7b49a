"""Screening one party: candidate names from the index, a score per listed entry, an explanation per hit."""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Any

from kizuna.core.entity import EntityType
from kizuna.screening.config import scoring
from kizuna.screening.explain import describe
from kizuna.screening.index import EntryRecord, ScreeningIndex
from kizuna.screening.match import NameComparer, NameMatch, QueryToken
from kizuna.screening.model import Hit, Query
from kizuna.screening.normalize import Form, name_forms
from kizuna.screening.typos import near_words

# Person and organisation are the types whose confusion is evidence against a match; unknown says nothing.
_PARTY_KINDS = {EntityType.PERSON.value: "person", EntityType.ORGANIZATION.value: "organization",
                EntityType.VESSEL.value: "object", EntityType.AIRCRAFT.value: "object"}


class Screener:
    """Screens queries against one index. Thread-safe for reading."""

    def __init__(self, index: ScreeningIndex, config: dict[str, Any] | None = None) -> None:
        self.index = index
        self.config = config or scoring()
        self.names = NameComparer(index, self.config["name"])
        self.threshold = float(self.config["threshold"])
        name_config = self.config["name"]
        self._min_factor = float(name_config["candidate_min_factor"])
        self._max_candidates = int(name_config["candidates"])
        self._min_share = float(name_config["candidate_min_share"])
        self._name_totals = [sum(index.weights[t] for t in ids) or 1.0 for ids in index.name_tokens]

    @property
    def snapshot_id(self) -> str:
        return self.index.snapshot_id

    def screen(self, query: Query, threshold: float | None = None, limit: int = 25) -> list[Hit]:
        """Hits at or above ``threshold`` (the configured default when None), best first."""
        cutoff = self.threshold if threshold is None else threshold
        allowed = set(query.lists) if query.lists else None
        best: dict[int, tuple[float, NameMatch, Form, list[str]]] = {}
        for form in name_forms(query.name):
            tokens = [QueryToken(t, *self.index.token_weight(t)) for t in form.tokens]
            for name_id in self._candidates(tokens, allowed):
                match = self.names.compare(tokens, name_id)
                entry_no = self.index.name_entry[name_id]
                score, evidence = self._with_evidence(match.score, query, self.index.entries[entry_no])
                if score >= cutoff and (entry_no not in best or score > best[entry_no][0]):
                    best[entry_no] = (score, match, form, evidence)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self.index.entries[item[0]].name))
        return [self._hit(query, entry_no, *found) for entry_no, found in ranked[:limit]]

    def _candidates(self, tokens: list[QueryToken], allowed: set[str] | None) -> list[int]:
        """Names sharing enough weighted words with the query, most promising first."""
        index = self.index
        total = sum(t.weight for t in tokens) or 1.0
        finders = [t for t in tokens if t.factor >= self._min_factor] or tokens
        shared: dict[int, float] = defaultdict(float)
        for token in finders:
            for token_id, similarity in self._spellings(token):
                contribution = token.weight * similarity
                for name_id in index.postings[token_id]:
                    shared[name_id] += contribution
        floor = self._min_share * total
        exponent = self.names.exponent
        scored = []
        for name_id, weight in shared.items():
            if weight < floor:
                continue
            if allowed is not None and index.entries[index.name_entry[name_id]].list_code not in allowed:
                continue
            estimate = (weight / total) ** exponent * min(weight / self._name_totals[name_id], 1.0) ** (1 - exponent)
            scored.append((estimate, name_id))
        return [name_id for _, name_id in heapq.nlargest(self._max_candidates, scored)]

    def _spellings(self, token: QueryToken) -> list[tuple[int, float]]:
        """The token itself if the lists use it, and listed words within an edit of it."""
        found = [(token.token_id, 1.0)] if token.token_id >= 0 else []
        if len(token.text) >= self.names.min_length:
            for word_id in near_words(token.text, self.index.deletes):
                if word_id != token.token_id:
                    similarity = self.names.similar(token.text, self.index.words[word_id])
                    if similarity:
                        found.append((word_id, similarity))
        return found

    def _with_evidence(self, score: float, query: Query, entry: EntryRecord) -> tuple[float, list[str]]:
        weights = self.config["evidence"]
        notes: list[str] = []
        if query.country and entry.countries:
            if query.country in entry.countries:
                score += weights["country_match"]
                notes.append(f"country {query.country} matches ({weights['country_match']:+.2f})")
            else:
                score += weights["country_mismatch"]
                notes.append(f"country {query.country} not in {'/'.join(entry.countries)} "
                             f"({weights['country_mismatch']:+.2f})")
        wanted, listed = _PARTY_KINDS.get(query.entity_type.value), _PARTY_KINDS.get(entry.entity_type)
        if wanted and listed and wanted != listed:
            score += weights["type_mismatch"]
            notes.append(f"type {query.entity_type.value} vs listed {entry.entity_type} "
                         f"({weights['type_mismatch']:+.2f})")
        if query.birth_date and entry.birth_years:
            year = query.birth_date[:4]
            if year in entry.birth_years:
                score += weights["birth_year_match"]
                notes.append(f"birth year {year} matches ({weights['birth_year_match']:+.2f})")
            else:
                score += weights["birth_year_mismatch"]
                notes.append(f"birth year {year} not in {'/'.join(entry.birth_years)} "
                             f"({weights['birth_year_mismatch']:+.2f})")
        return max(0.0, min(1.0, score)), notes

    def _hit(self, query: Query, entry_no: int, score: float, match: NameMatch, form: Form,
             evidence: list[str]) -> Hit:
        index, name_id = self.index, match.name_id
        entry = index.entries[entry_no]
        explanation = describe(query.name, form, index.name_text[name_id], index.name_via[name_id],
                               index.name_kind[name_id], index.name_form[name_id], match, evidence, score)
        return Hit(
            list_code=entry.list_code, entry_id=entry.entry_id, name=entry.name,
            matched_name=index.name_text[name_id], score=round(score, 4), explanation=explanation,
            source_url=entry.source_url, data_date=entry.data_date, entity_type=entry.entity_type,
            countries=list(entry.countries),
            parts={"name_score": round(match.score, 4), "query_coverage": round(match.query_coverage, 4),
                   "name_coverage": round(match.name_coverage, 4), "matched_via": index.name_via[name_id],
                   "query_form": form.via, "shared": [list(p) for p in match.pairs], "evidence": evidence},
        )
