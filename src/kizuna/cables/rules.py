"""The typed models of the bundled cables rule files (``data/cables/*.yaml``), read through ``core.rules``: a
missing key, a wrong type or a number out of range is an InputError naming the file, the line and the field."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from kizuna.core.rules import RuleModel, bundled_rules

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Region(RuleModel):
    name: str
    places: list[Code] = Field(min_length=2)


class Regions(RuleModel):
    """``regions.yaml``: named regions (places whose pairs are ranked) and the one every command defaults to."""

    default: str
    regions: dict[str, Region]

    @model_validator(mode="after")
    def _default_is_a_region(self) -> Regions:
        if self.default not in self.regions:
            raise ValueError(f"default {self.default!r} is not one of the regions ({', '.join(self.regions)})")
        return self


class BuildRules(RuleModel):
    """``build.yaml``: how a proposed cable's length is estimated and how long one may be."""

    route_factor: float = Field(ge=1)
    max_length_km: float = Field(gt=0)
    path_points: int = Field(ge=2)


class Hub(RuleModel):
    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0)


class Hubs(RuleModel):
    hubs: dict[str, Hub]


class PlaceFile(RuleModel):
    """``places.yaml``: country names the data uses that are not ISO names, and landing points placed by hand."""

    country_aliases: dict[str, Code]
    landing_point_places: dict[str, Code]


def regions() -> Regions:
    return bundled_rules("cables/regions.yaml", Regions)


def build_rules() -> BuildRules:
    return bundled_rules("cables/build.yaml", BuildRules)


def hubs() -> dict[str, Hub]:
    return bundled_rules("cables/hubs.yaml", Hubs).hubs


def place_file() -> PlaceFile:
    return bundled_rules("cables/places.yaml", PlaceFile)
