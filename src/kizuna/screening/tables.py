"""The cited data files behind screening, loaded once into typed tables.

``data/screening/``: terms.yaml (word weights), scoring.yaml (score parameters), limits.yaml
(request bounds), latin.yaml (abbreviations,
ordinals), equivalents.yaml / places.yaml / known_aliases.yaml (CJK terms with English renderings),
qualifiers.yaml (country and region words a local company adds to its brand),
korean.yaml and chinese.yaml (romanisation tables, family names), hanja_hangul.tsv (Sino-Korean readings).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled

DATA_FILES = ("terms.yaml", "scoring.yaml", "latin.yaml", "equivalents.yaml", "places.yaml", "qualifiers.yaml",
              "known_aliases.yaml", "korean.yaml", "chinese.yaml", "hanja_hangul.tsv")


def load_yaml(name: str) -> dict[str, Any]:
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


@cache
def term_classes() -> dict[str, TermClass]:
    """Normalised Latin word -> its group and weight factor (words not listed have factor 1)."""
    classes: dict[str, TermClass] = {}
    for group, spec in load_yaml("terms.yaml")["groups"].items():
        for term in spec["terms"]:
            classes.setdefault(str(term).casefold(), TermClass(group, float(spec["weight"]),
                                                               bool(spec.get("organisation_marker"))))
    return classes


@cache
def scoring() -> dict[str, Any]:
    return load_yaml("scoring.yaml")


@cache
def limits() -> dict[str, int]:
    """Bounds on one request (``limits.yaml``): name length, batch size and characters, body bytes, hits."""
    return {key: int(value) for key, value in load_yaml("limits.yaml").items()}


def qualifier_rows() -> list[dict[str, Any]]:
    """The rows of qualifiers.yaml as written (see kizuna.screening.qualifiers for their use)."""
    return list(load_yaml("qualifiers.yaml")["qualifiers"])


@cache
def latin_qualifier_words() -> frozenset[str]:
    """The one-word Latin qualifiers, folded (UK, USA, HK): what a dotted abbreviation (U.K.) may stand for."""
    return frozenset(str(e).casefold() for row in qualifier_rows() for e in row["en"] if " " not in str(e))


@cache
def latin_rules() -> dict[str, dict[str, str]]:
    return {k: {str(a): str(b) for a, b in v.items()} for k, v in load_yaml("latin.yaml").items()
            if isinstance(v, dict)}


@cache
def patronymic_suffixes() -> tuple[str, ...]:
    return tuple(load_yaml("latin.yaml")["patronymic_suffixes"])


@cache
def korean_tables() -> dict[str, Any]:
    return load_yaml("korean.yaml")


@cache
def chinese_surnames() -> frozenset[str]:
    return frozenset(load_yaml("chinese.yaml")["surnames"])


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
