"""Scenarios: the network as of a year, with cables, corridors, stations or countries failed, untrusted cables
excluded and a transit policy. Applying a scenario gives a view: the cables still up, and why each other is down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.cables.corridors import crosses, find_corridor
from kizuna.cables.model import Cable, Network
from kizuna.cables.trust import ConcernList, TrustReport, assess
from kizuna.core.countries import to_alpha2
from kizuna.core.errors import InputError


@dataclass(frozen=True, slots=True)
class Scenario:
    """What to analyse. By default: the cables in service in the data, every place may carry transit."""

    as_of: int | None = None  # analyse the network as of this year (cables with RFS year <= as_of)
    include_planned: bool = False
    no_transit: frozenset[str] = frozenset()  # places that may not carry transit traffic (ISO alpha-2)
    exclude_concern: bool = False  # drop cables with an owner or supplier of concern
    corridors: tuple[str, ...] = ()  # corridor ids whose crossing cables fail
    failed_cables: tuple[str, ...] = ()
    failed_stations: tuple[str, ...] = ()
    failed_countries: tuple[str, ...] = ()  # every landing station of these places fails
    max_hops: int | None = None  # most cables on one route, for counting hop-limited disjoint routes

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "include_planned": self.include_planned, "no_transit": sorted(self.no_transit),
                "exclude_concern": self.exclude_concern, "corridors": list(self.corridors),
                "failed_cables": list(self.failed_cables), "failed_stations": list(self.failed_stations),
                "failed_countries": list(self.failed_countries), "max_hops": self.max_hops}

    def describe(self) -> str:
        """One line a person can read."""
        parts = [f"as of {self.as_of} (cables retired before the data date are not in the data)" if self.as_of
                 else "cables in service in the data"]
        if self.include_planned:
            parts.append("planned cables included")
        if self.no_transit:
            parts.append(f"no transit through {', '.join(sorted(self.no_transit))}")
        if self.exclude_concern:
            parts.append("cables of concern excluded")
        if self.corridors:
            parts.append(f"corridor failed: {', '.join(self.corridors)}")
        for label, items in (("cables failed", self.failed_cables), ("stations failed", self.failed_stations),
                             ("places failed", self.failed_countries)):
            if items:
                parts.append(f"{label}: {', '.join(items)}")
        if self.max_hops:
            parts.append(f"at most {self.max_hops} cables per route")
        return "; ".join(parts)


def parse_places(values: list[str] | tuple[str, ...] | None, option: str) -> frozenset[str]:
    """ISO alpha-2 codes from codes or names (comma-separated allowed); an unknown one is an InputError."""
    codes = set()
    for value in values or ():
        for item in value.split(","):
            if not item.strip():
                continue
            code = to_alpha2(item)
            if code is None:
                raise InputError(f"unknown country {item.strip()!r} (use an ISO 3166 alpha-2 code)", field=option)
            codes.add(code)
    return frozenset(codes)


@dataclass(slots=True)
class View:
    """A network under a scenario: the cables up (with the landings that still work), and the rest with reasons."""

    network: Network
    scenario: Scenario
    trust: TrustReport
    active: dict[str, tuple[str, ...]]  # cable id -> landing point ids still up
    removed: dict[str, str] = field(default_factory=dict)  # cable id -> why it is down (cables in service)
    dead_stations: set[str] = field(default_factory=set)

    def cable(self, cable_id: str) -> Cable:
        return self.network.cables[cable_id]

    def place_of(self, landing_point: str) -> str:
        return self.network.landing_points[landing_point].country

    def places(self) -> set[str]:
        """Places with at least one working landing."""
        return {self.place_of(lp) for landings in self.active.values() for lp in landings}

    def international(self) -> dict[str, tuple[str, ...]]:
        """Active cables that join two or more places, with their places."""
        out = {}
        for cable_id, landings in self.active.items():
            places = tuple(dict.fromkeys(self.place_of(lp) for lp in landings))
            if len(places) >= 2:
                out[cable_id] = places
        return out

    def summary(self) -> dict[str, Any]:
        return {"scenario": self.scenario.to_dict(), "description": self.scenario.describe(),
                "cables_up": len(self.active), "cables_down": len(self.removed),
                "stations_down": len(self.dead_stations), "dataset": self.network.dataset.to_dict()}


def _check_as_of(network: Network, as_of: int | None) -> None:
    """A year before the first cable in the data entered service is no network at all, not a network of 0 cables."""
    if as_of is None:
        return
    years = [c.rfs_year for c in network.cables.values() if c.rfs_year is not None]
    if years and as_of < min(years):
        raise InputError(f"{as_of} is before the first cable in the data entered service ({min(years)}): "
                         f"give a year from {min(years)}", field="--as-of")


def apply(network: Network, scenario: Scenario, concern: ConcernList | None = None) -> View:
    """The view of ``network`` under ``scenario``; InputError for a scenario the data cannot answer."""
    _check_as_of(network, scenario.as_of)
    trust = assess(network, concern)
    failed: set[str] = set()
    for text in scenario.failed_cables:
        cable = network.find_cable(text)
        if cable is None:
            raise InputError(f"unknown cable {text!r} (give its id or exact name)", field="--fail-cable")
        failed.add(cable.id)
    corridors = [find_corridor(c) for c in scenario.corridors]
    dead: set[str] = set()
    for station in scenario.failed_stations:
        if station not in network.landing_points:
            raise InputError(f"unknown landing station {station!r} (give its id, e.g. maruyama-japan)",
                             field="--fail-station")
        dead.add(station)
    failed_places = parse_places(scenario.failed_countries, "--fail-country")
    dead |= {lp.id for lp in network.landing_points.values() if lp.country in failed_places}
    active: dict[str, tuple[str, ...]] = {}
    removed: dict[str, str] = {}
    for cable in network.cables.values():
        if not cable.in_service(scenario.as_of, scenario.include_planned):
            continue
        reason = None
        if cable.id in failed:
            reason = "failed (named in the scenario)"
        else:
            hit = next((c for c in corridors if crosses(cable, c)), None)
            if hit is not None:
                reason = f"route crosses the {hit.name} corridor"
            elif scenario.exclude_concern and trust.untrusted(cable.id):
                reason = f"untrusted: {trust.why(cable.id)}"
        if reason:
            removed[cable.id] = reason
            continue
        # The data has no branching-unit topology: a failed station takes only its own landing away.
        landings = tuple(lp for lp in cable.landings if lp not in dead)
        if len(landings) < len(cable.landings) and len(landings) < 2:
            removed[cable.id] = "every other landing station failed"
            continue
        active[cable.id] = landings
    return View(network, scenario, trust, active, removed, dead)
