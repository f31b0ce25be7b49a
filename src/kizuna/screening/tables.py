"""The cited data files behind screening, loaded once into typed tables.

``data/screening/``: terms.yaml (word weights), scoring.yaml (score parameters), limits.yaml
(request bounds), latin.yaml (abbreviations,
ordinals), equivalents.yaml / places.yaml / known_aliases.yaml (CJK terms with English renderings),
qualifiers.yaml (country and region words a local company adds to its brand),
korean.yaml and chinese.yaml (romanisation tables, family names), hanja_hangul.tsv (Sino-Korean readings).

Every YAML file but the lexicon's is read through a ``kizuna.core.rules`` model (``ScoringRules``,
``ScreeningLimits``, ``TermRules``, ``QualifierTable``, ``LatinRules``, ``KoreanTables``, ``ChineseTables``): a
misspelt key, a wrong type (a bare ``no`` that YAML reads as false) or a value out of range is an error naming the
file, line and field. The lexicon files (equivalents, places, known_aliases) are read by lexicon.py (``load_yaml``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import Field

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules

DATA_FILES = ("terms.yaml", "scoring.yaml", "latin.yaml", "equivalents.yaml", "places.yaml", "qualifiers.yaml",
              "known_aliases.yaml", "korean.yaml", "chinese.yaml", "hanja_hangul.tsv")


def load_yaml(name: str) -> dict[str, Any]:
    """A bundled screening data file as plain YAML (for the tables without a model yet)."""
    return read_yaml(bundled("screening", name))


@cache
def data_version() -> str:
    """A hash of every screening data file; an index cached under other files is rebuilt."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(bundled("screening", name).read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TermClass:
    group: str
    weight: float
    organisation_marker: bool


class TermGroup(RuleModel):
    """One group of terms.yaml: its weight factor, whether it marks an organisation, its words."""

    weight: Annotated[float, Field(ge=0, le=1)]
    organisation_marker: bool = False
    terms: list[str]


class TermRules(RuleModel):
    groups: dict[str, TermGroup]


@cache
def term_classes() -> dict[str, TermClass]:
    """Normalised Latin word -> its group and weight factor (words not listed have factor 1)."""
    classes: dict[str, TermClass] = {}
    for group, spec in bundled_rules("screening/terms.yaml", TermRules).groups.items():
        for term in spec.terms:
            classes.setdefault(term.casefold(), TermClass(group, spec.weight, spec.organisation_marker))
    return classes


Share = Annotated[float, Field(ge=0, le=1)]  # a similarity, factor or share from 0 to 1
Count = Annotated[int, Field(ge=0)]
Adjustment = Annotated[float, Field(ge=-1, le=1)]


class NameRules(RuleModel):
    """``name:`` — coverage, spelling and candidate search (see scoring.yaml for what each does and why)."""

    query_coverage_exponent: Share
    person_exponent: Share
    fuzzy_min_similarity: Share
    fuzzy_min_length: Count
    fuzzy_max_length_difference: Count
    length_ratio_min: float = Field(gt=0)
    length_ratio_max: float = Field(gt=0)
    length_slack: Count
    sound_similarity: Share
    initial_similarity: Share
    acronym_factor: Share
    candidate_min_factor: Share
    candidates: int = Field(ge=1)
    candidate_min_share: Share
    candidate_margin: Share


class SoundRules(RuleModel):
    """``sound:`` — when two differently spelt words count as sounding alike."""

    min_length_read: Count
    metaphone_min_length: Count
    metaphone_min_spelling: Share
    romanisation_max_length: Count
    skeleton_min_length: Count
    skeleton_min_spelling: Share
    short_skeleton_min_length: Count
    short_skeleton_max_length_difference: Count
    short_skeleton_min_spelling: Share
    near_skeleton_min_length: Count
    near_skeleton_max_distance: Count
    near_skeleton_min_spelling: Share
    near_skeleton_factor: Share
    kana_letters_per_edit: Count
    kana_substitution_edits: Count
    kana_dropped_consonant_edits: Count
    kana_skeleton_min_length: Count
    kana_edit_factor: Share
    kana_sound_keeps_first_letter: bool
    skeleton_for_listed_names: bool


class JoinedRules(RuleModel):
    """``joined:`` — a name written as one word on one side and several on the other."""

    query_words_similarity: Share
    query_words_min_length: Count
    query_words_min_spelling: Share
    query_words_min_sound_spelling: Share
    max_words: int = Field(ge=2)
    max_spellings: int = Field(ge=1)
    listed_words_similarity: Share
    listed_words_min_length: Count
    listed_words_prefix: Count
    listed_words_min_spelling: Share
    halves_min_query_length: Count
    halves_min_length: Count
    halves_share: Share
    candidate_run_words: int = Field(ge=2)


class ConflictRules(RuleModel):
    """``conflicts:`` — name-score factors when the names differ in a number, a place or a kind of body."""

    number: Share
    place: Share
    generic: Share


class QualifierRules(RuleModel):
    """``qualifiers:`` — how country and region qualifiers are weighed."""

    weight: Share
    entry_country: Share
    query_only: Share
    listed_only: Share


class OneSidedPlaces(RuleModel):
    """``places:`` — a place only one side names."""

    one_sided_weight: Share


class EvidenceRules(RuleModel):
    """``evidence:`` — additive adjustments once the name matches, when both sides state the fact."""

    country_match: Adjustment
    country_mismatch: Adjustment
    type_mismatch: Adjustment
    birth_year_match: Adjustment
    birth_year_mismatch: Adjustment


class ScoringRules(RuleModel):
    """``data/screening/scoring.yaml``: every number the screening score is made with."""

    name: NameRules
    sound: SoundRules
    joined: JoinedRules
    conflicts: ConflictRules
    qualifiers: QualifierRules
    places: OneSidedPlaces
    evidence: EvidenceRules
    threshold: Share


def scoring() -> ScoringRules:
    """The bundled scoring rules, validated once per process."""
    return bundled_rules("screening/scoring.yaml", ScoringRules)


Positive = Annotated[int, Field(ge=1)]


class ScreeningLimits(RuleModel):
    """``data/screening/limits.yaml``: bounds on one request (see the file for the measurements behind them)."""

    max_name_length: Positive
    max_batch: Positive
    max_batch_characters: Positive
    max_request_bytes: Positive
    max_limit: Positive
    earliest_birth_year: Positive


def limits() -> ScreeningLimits:
    """Bounds on one request: name length, batch size and characters, body bytes, hits, earliest birth year."""
    return bundled_rules("screening/limits.yaml", ScreeningLimits)


class QualifierRow(RuleModel):
    """One row of qualifiers.yaml: the country or region's words in each script and the countries it names."""

    en: list[str] = Field(min_length=1)
    han: tuple[str, ...] = ()
    kana: tuple[str, ...] = ()
    ko: tuple[str, ...] = ()
    countries: list[Annotated[str, Field(pattern="^[A-Z]{2}$")]] = Field(min_length=1)  # ISO 3166-1 alpha-2
    region: bool = False


class QualifierTable(RuleModel):
    qualifiers: list[QualifierRow]


def qualifier_rows() -> list[QualifierRow]:
    """The rows of qualifiers.yaml (see kizuna.screening.qualifiers for their use)."""
    return bundled_rules("screening/qualifiers.yaml", QualifierTable).qualifiers


@cache
def latin_qualifier_words() -> frozenset[str]:
    """The one-word Latin qualifiers, folded (UK, USA, HK): what a dotted abbreviation (U.K.) may stand for."""
    return frozenset(e.casefold() for row in qualifier_rows() for e in row.en if " " not in e)


class LatinRules(RuleModel):
    """latin.yaml: abbreviations written out, ordinal words as numbers, patronymic endings."""

    abbreviations: dict[str, str]
    ordinals: dict[str, str]
    patronymic_suffixes: list[str]


class KoreanTables(RuleModel):
    """korean.yaml: romanisation tables per system, family names and their spellings, hanja family names."""

    initials: dict[str, list[str]]
    voiced: dict[int, str]
    vowels: dict[str, list[str]]
    finals: list[str]
    liaison: list[str]
    surnames: dict[str, list[str]]
    han_surnames: dict[str, str]


class KatakanaKoreanTables(RuleModel):
    """katakana_korean.yaml: the jamo each kana can stand for in a Korean name written in katakana."""

    initials: dict[str, str]  # jamo -> the kana of its row
    vowels: dict[str, list[str]]  # kana (or small kana) -> vowel jamo
    palatalised: dict[str, list[str]]  # small kana after ㅈ -> the further vowels it can be
    finals: dict[str, list[str]]  # kana -> final jamo
    spelt_as: dict[str, str]  # kana pairs written for one Korean syllable's sound otherwise (グワ -> グァ)


class KanaRow(RuleModel):
    kana: str
    consonant: list[str]


class KatakanaLatinTables(RuleModel):
    """katakana_latin.yaml: the spellings each kana of a foreign name in katakana can stand for."""

    rows: list[KanaRow]
    consonants: dict[str, list[str]]
    vowels: dict[str, list[str]]
    small: dict[str, str]
    long: list[str]
    bare_vowel: str  # kana whose i Japanese adds after a final consonant (ッチ: ch, c)
    final_bare_vowel: str  # kana whose vowel Japanese adds after a word's last consonant only (リゲリ: rigel)
    moraic_n: list[str]
    silent_final: list[str]  # letters a spelling may end with that katakana does not write (Maxime: マキシム)
    silent_final_after_vowel: list[str]  # likewise after a vowel (Ummah: ウンマ)
    clusters: dict[str, list[str]]  # kana sequences that may spell one Latin letter (クス: x)
    most_clusters: int  # a bound on the readings of a word's clusters (2 ** most_clusters)
    most_spellings: int
    most_skeletons: int  # a bound on the consonant skeletons of a word looked up (katakana.skeletons)
    words: dict[str, list[str]]  # whole katakana words read as the foreign word (オブ: of)
    articles: dict[str, list[str]]  # the Arabic article written onto its word (アッサイード: al sayyid)
    prefixes: dict[str, list[str]]  # Arabic name words written onto theirs (アブドゥルガニー: abdul ghani)
    long_after: dict[str, list[str]]  # what ー may further be after a vowel (オールド: ould)
    letters: dict[str, str]  # the names of the Latin letters (ディー: d), read as an acronym when two or more run


class ChineseTables(RuleModel):
    surnames: list[str]


@cache
def latin_rules() -> dict[str, dict[str, str]]:
    """The abbreviation and ordinal tables of latin.yaml (validated: a word YAML reads as a boolean is refused)."""
    rules = bundled_rules("screening/latin.yaml", LatinRules)
    return {"abbreviations": dict(rules.abbreviations), "ordinals": dict(rules.ordinals)}


@cache
def patronymic_suffixes() -> tuple[str, ...]:
    return tuple(bundled_rules("screening/latin.yaml", LatinRules).patronymic_suffixes)


@cache
def korean_tables() -> dict[str, Any]:
    """korean.yaml validated (``KoreanTables``), as the plain tables korean.py indexes."""
    return bundled_rules("screening/korean.yaml", KoreanTables).model_dump()


@cache
def katakana_korean() -> KatakanaKoreanTables:
    return bundled_rules("screening/katakana_korean.yaml", KatakanaKoreanTables)


@cache
def katakana_latin() -> KatakanaLatinTables:
    return bundled_rules("screening/katakana_latin.yaml", KatakanaLatinTables)


@cache
def chinese_surnames() -> frozenset[str]:
    return frozenset(bundled_rules("screening/chinese.yaml", ChineseTables).surnames)


@cache
def hanja_readings() -> dict[str, str]:
    readings: dict[str, str] = {}
    with bundled("screening", "hanja_hangul.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "\t" not in line:
                continue
            char, reading = line.rstrip("\n").split("\t", 1)
            readings[char] = reading
    return readings
