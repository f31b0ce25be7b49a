"""Endpoints (a country, a landing station or a data-centre hub) and the hypergraph a view gives for them."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from kizuna.cables.flow import Hypergraph
from kizuna.cables.model import Network
from kizuna.cables.rules import hubs
from kizuna.cables.scenario import View
from kizuna.core.countries import country_name, to_alpha2
from kizuna.core.errors import InputError

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of a pair: ``kind`` is country, station or hub; ``key`` names its node in the flow network."""

    kind: str
    key: str
    label: str
    stations: frozenset[str]  # landing point ids (for a country: every one of its stations)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.key, "name": self.label}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def parse_endpoint(text: str, network: Network) -> Endpoint:
    """``JP`` or ``Japan`` (a country), ``hub:tokyo``, or a landing station id (``maruyama-japan``)."""
    value = text.strip()
    if value.casefold().startswith("hub:"):
        name = value[4:].casefold()
        hub = hubs().get(name)
        if hub is None:
            raise InputError(f"unknown hub {name!r} (known: {', '.join(sorted(hubs()))})", field="endpoint")
        lat, lon, radius = hub.lat, hub.lon, hub.radius_km
        stations = frozenset(lp.id for lp in network.landing_points.values() if lp.lat is not None
                             and lp.lon is not None and distance_km(lat, lon, lp.lat, lp.lon) <= radius)
        return Endpoint("hub", f"hub:{name}", hub.name, stations)
    station_id = value[8:] if value.casefold().startswith("station:") else value
    if station_id in network.landing_points:
        point = network.landing_points[station_id]
        return Endpoint("station", station_id, point.name, frozenset({station_id}))
    code = to_alpha2(value)
    if code is None:
        raise InputError(f"unknown place {value!r}: give an ISO alpha-2 country code, hub:NAME "
                         f"or a landing station id", field="endpoint")
    stations = frozenset(lp.id for lp in network.landing_points.values() if lp.country == code)
    return Endpoint("country", code, country_name(code), stations)


def node_map(view: View, endpoints: Iterable[Endpoint]) -> dict[str, str]:
    """Landing station -> flow-network node. All countries: one node per country. Otherwise each station is its
    own node (stations are joined only by cables), except the stations of a hub or country endpoint, merged."""
    ends = list(endpoints)
    points = view.network.landing_points
    if all(e.kind == "country" for e in ends):
        return {lp: p.country for lp, p in points.items()}
    mapping = {lp: lp for lp in points}
    for end in ends:
        if end.kind != "station":
            for lp in end.stations:
                mapping[lp] = end.key
    return mapping


def hypergraph(view: View, mapping: dict[str, str], keep: set[str]) -> Hypergraph:
    """The view's cables over the nodes of ``mapping``. Stations of places that may not carry transit are
    dropped unless their node is in ``keep`` (the endpoints): a cable still joins its other landings."""
    blocked = view.scenario.no_transit
    points = view.network.landing_points

    def nodes(landings: tuple[str, ...]) -> list[str]:
        return [mapping[lp] for lp in landings if points[lp].country not in blocked or mapping[lp] in keep]

    return Hypergraph.build((cable_id, nodes(landings)) for cable_id, landings in view.active.items())
