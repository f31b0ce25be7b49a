"""The CJK lexicon: terms, places and well-known aliases, each with its English renderings.

Built from equivalents.yaml, places.yaml, qualifiers.yaml (countries and regions, places too) and
known_aliases.yaml. Han forms are stored in canonical
(simplified) spelling so Japanese, traditional and simplified writings meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kizuna.screening.latin import latin_tokens
from kizuna.screening.tables import load_yaml, term_classes

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


@cache
def dictionary_words() -> dict[str, Lexeme]:
    """CC-CEDICT words as lexemes (the curated tables win where both have a word)."""
    from kizuna.screening.cedict import MAX_LENGTH, words

    generic = {w for w, c in term_classes().items() if c.group in ("generic", "legal_forms")}
    found: dict[str, Lexeme] = {}
    for headword, word in words().items():
        english = tuple(dict.fromkeys(t for t in (latin_tokens(e) for e in word.english) if t))
        if not english or not 2 <= len(headword) <= MAX_LENGTH:
            continue  # single characters would cut every name into letters
        cls = "generic" if all(t in generic for t in english[0]) else "word"
        found[headword] = Lexeme(headword, english, cls, CEDICT, False, "", word.pinyin)
    return found


@cache
def han_table() -> dict[str, Lexeme]:
    """Every Han word segmentation knows: CC-CEDICT overlaid by the curated terms, places and aliases."""
    lx = lexicon()
    return {**dictionary_words(), **lx.han, **lx.kana}
