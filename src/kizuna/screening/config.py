"""The cited data files that drive screening: term weights and scoring parameters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from kizuna.core.paths import bundled

DATA_FILES = ("terms.yaml", "scoring.yaml")


def _load(name: str) -> dict[str, Any]:
    with bundled("screening", name).open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


@dataclass(frozen=True, slots=True)
class TermClass:
    group: str
    weight: float
    organisation_marker: bool


@cache
def term_classes() -> dict[str, TermClass]:
    """Normalised term -> its group and weight factor (terms not listed have factor 1)."""
    classes: dict[str, TermClass] = {}
    for group, spec in _load("terms.yaml")["groups"].items():
        for term in spec["terms"]:
            classes.setdefault(str(term).casefold(), TermClass(group, float(spec["weight"]),
                                                               bool(spec.get("organisation_marker"))))
    return classes


@cache
def scoring() -> dict[str, Any]:
    return _load("scoring.yaml")


@cache
def data_version() -> str:
    """A hash of the screening data files; a cached index built under other files is rebuilt."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(bundled("screening", name).read_bytes())
    return digest.hexdigest()[:16]
