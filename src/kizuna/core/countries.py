"""Countries: resolve the names lists use to ISO 3166-1 codes, and back.

ISO data comes from pycountry (which packages the Debian iso-codes database); spellings pycountry does not
resolve are in ``data/core/country_aliases.yaml`` with their sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

import pycountry

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled

# Codes that are not (or no longer) ISO 3166-1 assignments but appear on the lists.
_EXTRA_NAMES = {"XK": ("Kosovo", "XKX"), "AN": ("Netherlands Antilles", "ANT")}
_SPACES = re.compile(r"\s+")


@cache
def _aliases() -> dict[str, str]:
    data = read_yaml(bundled("core", "country_aliases.yaml"))
    return {_key(k): v for k, v in data["aliases"].items()}


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().casefold())


@cache
def to_alpha2(value: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, or None when it is not a country."""
    text = value.strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        code = text.upper()
        if code in _EXTRA_NAMES or pycountry.countries.get(alpha_2=code):
            return code
        return None
    alias = _aliases().get(_key(text))
    if alias:
        return alias
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


@cache
def alpha3(code: str) -> str | None:
    """ISO alpha-3 for an alpha-2 code (e.g. JP -> JPN)."""
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code][1]
    country = pycountry.countries.get(alpha_2=code.upper())
    return str(country.alpha_3) if country else None


@cache
def from_alpha3(code: str) -> str | None:
    """ISO alpha-2 for an alpha-3 code (e.g. JPN -> JP)."""
    for alpha2, (_, three) in _EXTRA_NAMES.items():
        if code.upper() == three:
            return alpha2
    country = pycountry.countries.get(alpha_3=code.upper())
    return str(country.alpha_2) if country else None


@cache
def country_name(code: str) -> str:
    """A readable English name for an alpha-2 code (the code itself when unknown)."""
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code][0]
    country = pycountry.countries.get(alpha_2=code.upper())
    if not country:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def countries_in(values: Sequence[str | None]) -> list[str]:
    """Resolve several names, dropping those that are not countries and keeping first-seen order."""
    codes: list[str] = []
    for value in values:
        code = to_alpha2(value) if value else None
        if code and code not in codes:
            codes.append(code)
    return codes


@cache
def _trade_codes() -> tuple[dict[int, str], dict[int, str]]:
    data = read_yaml(bundled("core", "trade_country_codes.yaml"))
    return ({int(k): str(v) for k, v in data["codes"].items()},
            {int(k): str(v) for k, v in data["aggregates"].items()})


@lru_cache(maxsize=4096)  # bounded: trade files are hostile input
def from_numeric(code: int) -> str | None:
    """ISO alpha-2 for a numeric country code of trade statistics: ISO 3166-1 numeric (158 -> TW) or one of the
    UN Comtrade / CEPII BACI customs-territory codes of ``data/core/trade_country_codes.yaml`` (842 -> US, 490
    "Other Asia, nes" -> TW). None when the code is neither (a partner total, an unknown code)."""
    special, _ = _trade_codes()
    if code in special:
        return special[code]
    country = pycountry.countries.get(numeric=f"{code:03d}") if 0 < code < 1000 else None
    return str(country.alpha_2) if country else None


def numeric_aggregate(code: int) -> str | None:
    """The name of a partner total of trade statistics (0 -> "World"), or None when ``code`` is not one."""
    return _trade_codes()[1].get(code)
