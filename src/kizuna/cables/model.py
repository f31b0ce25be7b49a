"""The records of a cable dataset: landing points, cables and where the data came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

Line = tuple[tuple[float, float], ...]  # (lon, lat) points of one schematic route segment


@dataclass(frozen=True, slots=True)
class Dataset:
    """Where a network was read from: the files, their data date, licence and the credit they require."""

    name: str
    path: str
    data_date: str
    licence: str
    attribution: str
    layout: str  # "telegeography" or "csv"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "path": self.path, "data_date": self.data_date, "licence": self.licence,
                "attribution": self.attribution, "layout": self.layout}


@dataclass(frozen=True, slots=True)
class LandingPoint:
    """A cable landing station; ``country`` is ISO alpha-2 (HK and MO as their own places)."""

    id: str
    name: str
    country: str
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True, slots=True)
class Cable:
    """One submarine cable system: the unit that fails, whatever number of landings it has."""

    id: str
    name: str
    landings: tuple[str, ...]  # landing point ids
    owners: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    rfs_year: int | None = None
    is_planned: bool = False
    length_km: float | None = None
    url: str | None = None
    routes: tuple[Line, ...] = ()

    def in_service(self, as_of: int | None, include_planned: bool) -> bool:
        """Whether the cable is part of the network as of a year (None: as the data stands)."""
        if self.is_planned and not include_planned:
            return False
        if as_of is None:
            return True
        return self.rfs_year is not None and self.rfs_year <= as_of


@dataclass
class Network:
    """A whole dataset: every cable and landing point, with its provenance."""

    cables: dict[str, Cable]
    landing_points: dict[str, LandingPoint]
    dataset: Dataset
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def cables_by_name(self) -> dict[str, Cable]:
        return {c.name.casefold(): c for c in self.cables.values()}

    def countries_of(self, cable: Cable) -> list[str]:
        """The places a cable lands in, in landing order, without repeats."""
        seen: list[str] = []
        for lp in cable.landings:
            country = self.landing_points[lp].country
            if country not in seen:
                seen.append(country)
        return seen

    def find_cable(self, text: str) -> Cable | None:
        """A cable by id or by exact name (case-insensitive)."""
        return self.cables.get(text) or self.cables_by_name.get(text.casefold())
