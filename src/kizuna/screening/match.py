"""Comparing a query name with a listed name: weighted token alignment and its coverage on both sides."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from kizuna.screening.index import ScreeningIndex


@dataclass(frozen=True, slots=True)
class QueryToken:
    text: str
    token_id: int  # -1 when the lists never use the token
    weight: float
    factor: float


@dataclass(slots=True)
class NameMatch:
    """How one query form lines up with one listed name."""

    name_id: int
    score: float
    query_coverage: float
    name_coverage: float
    pairs: list[tuple[str, str, float]] = field(default_factory=list)  # (query token, listed token, similarity)
    query_unmatched: list[str] = field(default_factory=list)
    name_unmatched: list[str] = field(default_factory=list)


class NameComparer:
    """Scores listed names against query tokens with the index's weights and the configured thresholds."""

    def __init__(self, index: ScreeningIndex, config: dict) -> None:
        self.index = index
        self.exponent = float(config["query_coverage_exponent"])
        self.min_similarity = float(config["fuzzy_min_similarity"])
        self.min_length = int(config["fuzzy_min_length"])

    def similar(self, a: str, b: str) -> float:
        """Optimal-string-alignment similarity of two different tokens, or 0 below the threshold."""
        if len(a) < self.min_length or len(b) < self.min_length or abs(len(a) - len(b)) > 2:
            return 0.0
        similarity = OSA.normalized_similarity(a, b)
        return similarity if similarity >= self.min_similarity else 0.0

    def compare(self, query: list[QueryToken], name_id: int) -> NameMatch:
        index = self.index
        name_ids = list(index.name_tokens[name_id])
        name_weights = [index.weights[t] for t in name_ids]
        used = [False] * len(name_ids)
        pairs: list[tuple[str, str, float]] = []
        matched_q = matched_n = 0.0
        pending: list[QueryToken] = []
        for token in query:
            position = _free_position(name_ids, used, token.token_id) if token.token_id >= 0 else -1
            if position >= 0:
                used[position] = True
                pairs.append((token.text, token.text, 1.0))
                matched_q += token.weight
                matched_n += name_weights[position]
            else:
                pending.append(token)
        unmatched_q: list[str] = []
        for token in pending:
            best, best_position = 0.0, -1
            for position, token_id in enumerate(name_ids):
                if not used[position]:
                    similarity = self.similar(token.text, index.words[token_id])
                    if similarity > best:
                        best, best_position = similarity, position
            if best_position >= 0:
                used[best_position] = True
                pairs.append((token.text, index.words[name_ids[best_position]], round(best, 3)))
                matched_q += token.weight * best
                matched_n += name_weights[best_position] * best
            else:
                unmatched_q.append(token.text)
        total_q = sum(t.weight for t in query) or 1.0
        total_n = sum(name_weights) or 1.0
        query_coverage = min(matched_q / total_q, 1.0)
        name_coverage = min(matched_n / total_n, 1.0)
        score = query_coverage**self.exponent * name_coverage ** (1 - self.exponent)
        unmatched_n = [index.words[t] for t, u in zip(name_ids, used, strict=True) if not u]
        return NameMatch(name_id, score, query_coverage, name_coverage, pairs, unmatched_q, unmatched_n)


def _free_position(name_ids: list[int], used: list[bool], token_id: int) -> int:
    for position, candidate in enumerate(name_ids):
        if candidate == token_id and not used[position]:
            return position
    return -1
