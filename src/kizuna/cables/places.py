"""Places of landing points: ISO alpha-2 codes, with Hong Kong and Macao as their own places.

The aliases and per-landing-point overrides are data (``data/cables/places.yaml``, cited there).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kizuna.cables.rules import place_file
from kizuna.core.countries import to_alpha2


@dataclass(frozen=True, slots=True)
class PlaceTables:
    aliases: dict[str, str]
    landing_point_places: dict[str, str]


@cache
def place_rules() -> PlaceTables:
    """The bundled place rules."""
    data = place_file()
    return PlaceTables({k.casefold(): v for k, v in data.country_aliases.items()}, dict(data.landing_point_places))


def place_of(landing_point_id: str, country: str) -> str | None:
    """The ISO alpha-2 place of a landing point given the country its data names (a name or a code)."""
    rules = place_rules()
    override = rules.landing_point_places.get(landing_point_id)
    if override:
        return override
    return rules.aliases.get(country.strip().casefold()) or to_alpha2(country)
