"""The inverted index over every form of every listed name, and its on-disk cache beside each snapshot.

Queries look up their tokens' posting lists, near spellings through a delete index, and sound-alikes through
metaphone and consonant-skeleton buckets; no query ever scans every entry.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from array import array
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from kizuna.core.atomic import atomic_writer
from kizuna.core.entity import Entry, NameKind
from kizuna.core.scripts import HAN, char_script
from kizuna.screening import cachefile
from kizuna.screening.forms import CJK_FORM, DERIVED_ACRONYM, EXACT_ONLY_FORMS, Form, listed_forms
from kizuna.screening.han import pinyin
from kizuna.screening.lexicon import CLASS_FACTORS, lexicon
from kizuna.screening.links import link_entries
from kizuna.screening.phonetic import metaphone, skeleton
from kizuna.screening.postings import Postings
from kizuna.screening.qualifiers import Found as QualifierFound
from kizuna.screening.qualifiers import find as find_qualifiers
from kizuna.screening.qualifiers import qualifier_word
from kizuna.screening.tables import data_version, patronymic_suffixes, scoring, term_classes
from kizuna.screening.typos import DeleteIndex
from kizuna.screening.wordclass import word_class

_FORMAT = 3


def cache_file(snapshot_folder: Path) -> Path:
    """The index cache of this code and these data files beside a snapshot. Named by its version, so that
    two installations sharing a data directory (a benchmark's baseline, an upgrade) keep one each instead of
    rebuilding over each other."""
    return snapshot_folder / f"screening-index-{cache_version()}.pickle"


class EntryRecord(NamedTuple):
    """What a hit needs to show about a listed entry without going back to the snapshot. A named tuple, because
    the index cache holds one per listed entry and a tuple is made back from its fields fastest."""

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
        self.entry_has_cjk: list[bool] = []  # the entry, or an entry linked to it, has a CJK-script name
        self.entry_cluster: list[int] = []
        self.clusters: dict[int, list[int]] = {}
        self.link_reason: dict[int, str] = {}
        self.name_entry = array("I")  # name id -> entry number
        self.name_text: list[str] = []  # the listed name as written
        self.name_kind: list[str] = []
        self.name_via: list[str] = []
        self.name_form: list[str] = []  # the rendering that was tokenised
        self.name_tokens: list[tuple[int, ...]] = []
        self.name_total: list[float] = []  # sum of the name's token weights
        self.name_total_array = np.zeros(0, dtype=np.float32)
        # Names with country or region qualifiers (Huawei Technologies Japan K.K.): where each is and what it names.
        self.name_qualifiers: dict[int, tuple[QualifierFound, ...]] = {}
        # The name's weight without its qualifiers: a qualifier only one side names costs a factor, not coverage.
        self.name_core_total_array = np.zeros(0, dtype=np.float32)
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self.word_classes: list[str] = []
        self.word_exact_only: list[bool] = []  # the word only occurs as an acronym: match it only as written
        self.factors: list[float] = []
        self.weights: list[float] = []
        self.postings = Postings()
        self.deletes = DeleteIndex()
        self.by_metaphone: dict[str, list[int]] = {}
        self.by_skeleton: dict[str, list[int]] = {}
        self.word_metaphone: list[str] = []
        self.word_skeleton: list[str] = []
        self.unknown_idf = 0.0

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def build(cls, entries: Iterable[Entry], snapshot_id: str = "") -> ScreeningIndex:
        index = cls()
        index.version = cache_version()
        index.snapshot_id = snapshot_id
        postings: dict[int, list[int]] = defaultdict(list)
        spelt_out: set[int] = set()  # words that occur outside acronyms
        kept: list[Entry] = []
        for entry in entries:
            entry_no = len(index.entries)
            kept.append(entry)
            index.entries.append(EntryRecord(
                entry.list_code, entry.entry_id, entry.name, entry.entity_type.value, tuple(entry.countries),
                tuple(sorted({d[:4] for d in entry.dates_of_birth})), entry.provenance.official_url,
                entry.provenance.data_date))
            index.entry_has_cjk.append(False)
            seen: set[tuple[int, ...]] = set()
            for name in entry.names:
                for form in listed_forms(name.text):
                    qualifiers = find_qualifiers(form.tokens) if form.via != DERIVED_ACRONYM else []
                    if _only_a_place(form, name.kind, qualifiers):
                        continue
                    ids = tuple(index._token_id(t) for t in form.tokens)
                    if not ids or ids in seen:
                        continue
                    seen.add(ids)
                    # a party the list spells in CJK is judged by that spelling alone (Screener._best_per_entry);
                    # a katakana rendering of a Korean or Russian name is not the party's own spelling
                    if form.via == CJK_FORM and name.kind is not NameKind.RENDERED:
                        index.entry_has_cjk[entry_no] = True
                    if form.via not in EXACT_ONLY_FORMS:
                        spelt_out.update(ids)
                    name_no = len(index.name_text)
                    index.name_entry.append(entry_no)
                    index.name_text.append(name.text)
                    index.name_kind.append(name.kind.value)
                    index.name_via.append(form.via)
                    index.name_form.append(form.text)
                    index.name_tokens.append(ids)
                    if qualifiers:
                        index.name_qualifiers[name_no] = tuple(qualifiers)
                    for token_id in set(ids):
                        postings[token_id].append(name_no)
        index.postings = Postings(postings.get(i, []) for i in range(len(index.words)))
        index.word_exact_only = [i not in spelt_out for i in range(len(index.words))]
        index._weigh()
        index._sound_buckets()
        index.deletes = DeleteIndex(enumerate(index.words), scoring().name.fuzzy_min_length)
        index._link(kept)
        for word in index.words:  # read now, so that they are saved with the readings of the build (han.pinyin)
            if any(char_script(c) == HAN for c in word):
                pinyin(word)
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
        self.factors = [word_factor(w) for w in self.words]
        counts = np.diff(self.postings.offsets)
        self.weights = [math.log(1 + total / max(int(n), 1)) * f for n, f in zip(counts, self.factors, strict=True)]
        self.word_classes = [word_class(w) for w in self.words]
        self.name_total = [sum(self.weights[t] for t in ids) or 1.0 for ids in self.name_tokens]
        self.name_total_array = np.array(self.name_total, dtype=np.float32)
        core = self.name_total_array.copy()
        for name_no, found in self.name_qualifiers.items():
            ids = self.name_tokens[name_no]
            core[name_no] -= sum(self.weights[ids[p]] for start, end, _ in found for p in range(start, end))
        self.name_core_total_array = np.maximum(core, 1e-3)
        self.unknown_idf = math.log(1 + total)

    def _sound_buckets(self) -> None:
        """Each listed word's metaphone key and consonant skeleton, and the words by each key: looked up by a key
        from the length at which ``scoring.yaml``'s ``sound`` rule for that key starts (a shorter skeleton counts
        only for a word found otherwise, with the same first letter and spelt alike)."""
        rules = scoring().sound
        by_metaphone: dict[str, list[int]] = defaultdict(list)
        by_skeleton: dict[str, list[int]] = defaultdict(list)
        self.word_metaphone, self.word_skeleton = [], []
        for word_id, word in enumerate(self.words):
            spoken = word.isascii() and word.isalpha() and not self.word_exact_only[word_id]
            sound = metaphone(word) if spoken and len(word) >= rules.metaphone_min_length else ""
            bones = skeleton(word) if spoken else ""
            self.word_metaphone.append(sound)
            self.word_skeleton.append(bones)
            if sound:
                by_metaphone[sound].append(word_id)
            if len(bones) >= rules.skeleton_min_length:
                by_skeleton[bones].append(word_id)
        self.by_metaphone, self.by_skeleton = dict(by_metaphone), dict(by_skeleton)

    def _link(self, entries: list[Entry]) -> None:
        """Entries on different lists that name the same party form a cluster (see links.py)."""
        clusters, reasons = link_entries(entries)
        self.entry_cluster = clusters
        self.clusters = defaultdict(list)
        for entry_no, cluster in enumerate(clusters):
            self.clusters[cluster].append(entry_no)
        self.clusters = {k: v for k, v in self.clusters.items() if len(v) > 1}
        self.link_reason = reasons
        for members in self.clusters.values():
            if any(self.entry_has_cjk[m] for m in members):
                for m in members:
                    self.entry_has_cjk[m] = True

    # -- lookups ----------------------------------------------------------------------------------

    def token_weight(self, token: str, plain: bool = False) -> tuple[int, float, float]:
        """(token id or -1, weight, factor); a token the lists never use is as rare as a token can be.

        ``plain`` leaves out the Latin term factors: a romanised Korean syllable 'a' or 'in' is a name part,
        not the English connective.
        """
        token_id = self.vocab.get(token, -1)
        if token_id >= 0:
            if plain:
                return token_id, self.weights[token_id] / (self.factors[token_id] or 1.0), 1.0
            return token_id, self.weights[token_id], self.factors[token_id]
        factor = 1.0 if plain else word_factor(token)
        return -1, self.unknown_idf * factor, factor

    # -- cache ------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index to ``path`` and remove the caches of other versions beside it."""
        with atomic_writer(path, "wb") as handle:
            # The entries as plain tuples: unpickling 40,000 named tuples calls their constructor once each.
            state = {**self.__dict__, "entries": [tuple(e) for e in self.entries]}
            pickle.dump((_FORMAT, state), handle, protocol=pickle.HIGHEST_PROTOCOL)
        for stale in path.parent.glob("screening-index*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> ScreeningIndex | None:
        """The cached index, or None when it is missing or was built by other code or data."""
        try:
            with path.open("rb") as handle:
                fmt, state = cachefile.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            return None
        if fmt != _FORMAT or state.get("version") != cache_version():
            return None
        index = cls()
        index.__dict__.update(state)
        index.entries = list(map(EntryRecord._make, state["entries"]))
        return index


def _only_a_place(form: Form, kind: NameKind, qualifiers: list[QualifierFound]) -> bool:
    """A form that is nothing but a country or region names a place, not the party: METI's alias 中國 of K
    Logistics (China) Limited, the weak alias EGYPT of AJNAD MISR, the initials ASIA of AL-SALAH ISLAMIC
    ASSOCIATION. Only a party's own primary name (MENA) is kept, so that screening it finds it."""
    if kind is NameKind.PRIMARY and form.via != DERIVED_ACRONYM:
        return False
    if form.via == DERIVED_ACRONYM:
        return qualifier_word(form.tokens[0]) is not None
    return sum(end - start for start, end, _ in qualifiers) == len(form.tokens)


def word_factor(word: str) -> float:
    """The weight factor of a word: the Latin term table's, or the CJK lexicon class's, else 1."""
    latin = term_classes().get(word)
    if latin is not None:
        return latin.weight
    if qualifier_word(word) is not None:
        return scoring().qualifiers.weight
    if len(word) >= 6 and word.endswith(patronymic_suffixes()):
        return term_classes()["general"].weight  # a patronymic: as light as a generic word
    lexeme = lexicon().by_key.get(word)
    return CLASS_FACTORS.get(lexeme.cls, 1.0) if lexeme is not None else 1.0


@cache
def cache_version() -> str:
    """Changes whenever the data files or the code that turns names into tokens change."""
    digest = hashlib.sha256()
    for module in ("forms", "latin", "han", "korean", "japanese", "lexicon", "wordclass", "links", "phonetic",
                   "index", "postings", "typos", "qualifiers"):
        digest.update((Path(__file__).parent / f"{module}.py").read_bytes())
    return f"{_FORMAT}-{data_version()}-{digest.hexdigest()[:12]}"
