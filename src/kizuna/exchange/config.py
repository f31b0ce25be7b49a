"""The exchange's cited data files (``data/exchange/``), read once into small typed records."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from kizuna.core.countries import from_alpha3
from kizuna.core.datafiles import read_yaml
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled

TLP_ORDER = ("clear", "green", "amber", "amber+strict", "red")


def _yaml(name: str) -> dict[str, Any]:
    return read_yaml(bundled("exchange", name))


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    label: str
    tlp_max: str
    may: frozenset[str]


@cache
def roles() -> dict[str, Role]:
    """The user roles and what each may do (``roles.yaml``)."""
    data = _yaml("roles.yaml")["roles"]
    return {code: Role(code, spec["label"], spec["tlp_max"], frozenset(spec["may"])) for code, spec in data.items()}


@cache
def groups() -> dict[str, frozenset[str]]:
    """REL TO group codes and their member countries (alpha-3)."""
    return {code: frozenset(spec["members"]) for code, spec in _yaml("releasability_groups.yaml")["groups"].items()}


@cache
def group_notes() -> dict[str, dict[str, Any]]:
    return dict(_yaml("releasability_groups.yaml")["groups"])


@cache
def classification_ranks() -> dict[str, int]:
    """Classification codes, lowest first, with their rank."""
    return {level["code"]: int(level["rank"]) for level in _yaml("classification_levels.yaml")["levels"]}


@cache
def rules() -> dict[str, Any]:
    return _yaml("rules.yaml")


def tlp_rank(level: str) -> int:
    return TLP_ORDER.index(level)


def check_classification(code: str, field: str = "--classification") -> str:
    """The classification code in canonical case, or an InputError naming the known levels."""
    upper = code.strip().upper()
    if upper not in classification_ranks():
        raise InputError(f"unknown classification {code!r} (one of {', '.join(classification_ranks())})", field=field)
    return upper


def check_country3(code: str, field: str) -> str:
    """An ISO 3166-1 alpha-3 country code, upper case, or an InputError."""
    upper = code.strip().upper()
    if len(upper) != 3 or from_alpha3(upper) is None:
        raise InputError(f"{code!r} is not an ISO 3166-1 alpha-3 country code (e.g. JPN, USA, KOR, TWN)", field=field)
    return upper


def check_rel_to(codes: list[str], field: str = "--rel-to") -> list[str]:
    """REL TO entries: alpha-3 country codes or group codes from ``releasability_groups.yaml``."""
    out: list[str] = []
    for code in codes:
        upper = code.strip().upper()
        if not upper:
            continue
        if upper not in groups():
            check_country3(upper, field)
        if upper not in out:
            out.append(upper)
    if not out:
        raise InputError("REL TO needs at least one country or group code", field=field)
    return sorted(out)


def expand(rel_to: frozenset[str] | list[str]) -> frozenset[str]:
    """The countries a REL TO list names, with groups replaced by their members."""
    countries: set[str] = set()
    for code in rel_to:
        countries |= groups().get(code, {code})
    return frozenset(countries)
