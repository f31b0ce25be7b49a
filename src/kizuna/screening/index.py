"""The inverted index over normalised listed names, and its on-disk cache beside each snapshot.

Queries look up their tokens' posting lists (and near spellings through a delete index); no query ever
scans every entry.
"""

from __future__ import annotations

import math
import pickle
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kizuna.core.atomic import atomic_writer
from kizuna.core.entity import Entry
from kizuna.screening.config import data_version, scoring, term_classes
from kizuna.screening.normalize import name_forms
from kizuna.screening.typos import build_delete_index

CACHE_NAME = "screening-index.pickle"
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """What a hit needs to show about a listed entry without going back to the snapshot."""

    list_code: str
    entry_id: str
    name: str
    entity_type: str
    countries: tuple[str, ...]
    birth_years: tuple[str, ...]
    source_url: str
    data_date: str


class ScreeningIndex:
    """Names, their token ids, token weights and posting lists for one snapshot."""

    def __init__(self) -> None:
        self.version = ""
        self.snapshot_id = ""
        self.entries: list[EntryRecord] = []
        self.name_entry = array("I")  # name id -> entry id
        self.name_text: list[str] = []  # the listed name as written
        self.name_kind: list[str] = []
        self.name_via: list[str] = []
        self.name_form: list[str] = []  # the rendering that was tokenised
        self.name_tokens: list[tuple[int, ...]] = []
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self.factors: list[float] = []
        self.weights: list[float] = []
        self.postings: list[array] = []
        self.deletes: dict[str, list[int]] = {}
        self.unknown_idf = 0.0

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def build(cls, entries: Iterable[Entry], snapshot_id: str = "") -> ScreeningIndex:
        index = cls()
        index.version = cache_version()
        index.snapshot_id = snapshot_id
        postings: dict[int, list[int]] = defaultdict(list)
        for entry in entries:
            entry_no = len(index.entries)
            index.entries.append(EntryRecord(
                entry.list_code, entry.entry_id, entry.name, entry.entity_type.value, tuple(entry.countries),
                tuple(sorted({d[:4] for d in entry.dates_of_birth})), entry.provenance.official_url,
                entry.provenance.data_date))
            seen: set[tuple[int, ...]] = set()
            for name in entry.names:
                for form in name_forms(name.text):
                    ids = tuple(index._token_id(t) for t in form.tokens)
                    if ids in seen:
                        continue
                    seen.add(ids)
                    name_no = len(index.name_text)
                    index.name_entry.append(entry_no)
                    index.name_text.append(name.text)
                    index.name_kind.append(name.kind.value)
                    index.name_via.append(form.via)
                    index.name_form.append(form.text)
                    index.name_tokens.append(ids)
                    for token_id in set(ids):
                        postings[token_id].append(name_no)
        index.postings = [array("I", postings.get(i, [])) for i in range(len(index.words))]
        index._weigh()
        min_length = int(scoring()["name"]["fuzzy_min_length"])
        index.deletes = build_delete_index(enumerate(index.words), min_length)
        return index

    def _token_id(self, token: str) -> int:
        token_id = self.vocab.get(token)
        if token_id is None:
            token_id = self.vocab[token] = len(self.words)
            self.words.append(token)
        return token_id

    def _weigh(self) -> None:
        """Inverse document frequency over names, scaled by the term table's factor."""
        total = max(len(self.name_text), 1)
        classes = term_classes()
        self.factors = [classes[w].weight if w in classes else 1.0 for w in self.words]
        self.weights = [math.log(1 + total / max(len(p), 1)) * f for p, f in zip(self.postings, self.factors,
                                                                                   strict=True)]
        self.unknown_idf = math.log(1 + total)

    # -- lookups ----------------------------------------------------------------------------------

    def token_weight(self, token: str) -> tuple[int, float, float]:
        """(token id or -1, weight, factor); a token the lists never use is as rare as a token can be."""
        token_id = self.vocab.get(token, -1)
        if token_id >= 0:
            return token_id, self.weights[token_id], self.factors[token_id]
        cls = term_classes().get(token)
        factor = cls.weight if cls else 1.0
        return -1, self.unknown_idf * factor, factor

    # -- cache ------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        with atomic_writer(path, "wb") as handle:
            pickle.dump((_FORMAT, self.__dict__), handle, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> ScreeningIndex | None:
        """The cached index, or None when it is missing or was built by other code or data."""
        try:
            with path.open("rb") as handle:
                fmt, state = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None
        if fmt != _FORMAT or state.get("version") != cache_version():
            return None
        index = cls()
        index.__dict__.update(state)
        return index


def cache_version() -> str:
    return f"{_FORMAT}-{data_version()}"
