"""The exchange's cited data files (``data/exchange/``), read once into small typed records."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.countries import from_alpha3
from kizuna.core.datafiles import read_yaml
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled, home

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


def concerns_file() -> Path:
    """The node's own list of countries of concern if it wrote one, else the bundled default."""
    own = home() / "exchange" / "countries_of_concern.yaml"
    return own if own.exists() else bundled("exchange", "countries_of_concern.yaml")


@cache
def _concerns(path: Path) -> frozenset[str]:
    data = read_yaml(path)
    try:
        return frozenset(check_country3(str(c), "countries") for c in data["countries"])
    except (KeyError, TypeError) as exc:
        raise InputError(f"expected a list under 'countries' ({exc})", path=path, field="countries") from exc


def countries_of_concern() -> frozenset[str]:
    """The countries this node's policy names as of concern (``countries_of_concern.yaml``): no REL TO may
    release to them."""
    return _concerns(concerns_file())


def concern_in(code: str) -> frozenset[str]:
    """The countries of concern a REL TO code would release to: itself, or the members of its group."""
    return groups().get(code, frozenset({code})) & countries_of_concern()


def check_rel_to(codes: list[str], field: str = "--rel-to") -> list[str]:
    """REL TO entries: alpha-3 country codes or group codes from ``releasability_groups.yaml``, none of which may
    be, or contain, a country of concern."""
    out: list[str] = []
    for code in codes:
        upper = code.strip().upper()
        if not upper:
            continue
        if upper not in groups():
            check_country3(upper, field)
        concern = concern_in(upper)
        if concern and upper in groups():
            raise InputError(f"{upper} includes {', '.join(sorted(concern))}, a country of concern under this "
                             f"node's policy ({concerns_file().name}): it is not a releasability group. Name the "
                             f"countries, or use a group of partners ({', '.join(releasable_groups())})", field=field)
        if concern:
            raise InputError(f"{upper} is a country of concern under this node's policy ({concerns_file().name}): "
                             f"no marking may release to it", field=field)
        if upper not in out:
            out.append(upper)
    if not out:
        raise InputError("REL TO needs at least one country or group code", field=field)
    return sorted(out)


def releasable_groups() -> list[str]:
    """The group codes a new REL TO marking may name: those with no country of concern."""
    return [code for code, members in groups().items() if not members & countries_of_concern()]


def expand(rel_to: frozenset[str] | list[str]) -> frozenset[str]:
    """The countries a REL TO list names, with groups replaced by their members — except the countries of concern,
    which a group never admits (a marking made before the policy named them must not release to them)."""
    countries: set[str] = set()
    for code in rel_to:
        countries |= groups()[code] - countries_of_concern() if code in groups() else {code}
    return frozenset(countries)
