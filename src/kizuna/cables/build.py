"""What to build next: the single new cable (between existing landing stations, within a plausible length) or
the corridor avoidance (re-routing one cable around a failed corridor) that raises min-cuts the most.

A new two-landing cable between places A and B raises the min-cut of (s, t) by exactly one when A is on the
source side of the minimum cut nearest to s and B on the target side of the minimum cut nearest to t (or the
other way round), and leaves it unchanged otherwise; so each candidate is scored exactly from two max-flows per
pair, with no trial insertion.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry import MultiLineString

from kizuna.cables.analysis import pair_cut
from kizuna.cables.corridors import Corridor, find_corridor
from kizuna.cables.critical import region_places
from kizuna.cables.flow import FlowNetwork
from kizuna.cables.places_graph import distance_km, hypergraph, parse_endpoint
from kizuna.cables.rules import BuildRules, build_rules
from kizuna.cables.scenario import Scenario, View, apply
from kizuna.core.errors import InputError


@dataclass(slots=True)
class Candidate:
    """A proposed cable between two existing landing stations, and the pairs whose min-cut it raises."""

    station_a: str
    station_b: str
    place_a: str
    place_b: str
    length_km: float  # estimated: great-circle distance x route factor
    gain: int  # pairs whose min-cut rises by one
    pairs: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "new-cable", "from": self.station_a, "to": self.station_b,
                "places": [self.place_a, self.place_b],
                "estimated_length_km": round(self.length_km), "pairs_raised": self.gain, "pairs": self.pairs,
                "explanation": f"a new cable {self.station_a} – {self.station_b} (about {self.length_km:,.0f} km) "
                               f"raises the min-cut of {self.gain} pair(s) by one: {', '.join(self.pairs[:8])}"
                               f"{' …' if len(self.pairs) > 8 else ''}"}


@dataclass(slots=True)
class Reroute:
    """Re-routing one cable so that it avoids a failed corridor."""

    cable_id: str
    name: str
    corridor: str
    gain: int
    pairs: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "corridor-avoidance", "cable": self.name, "cable_id": self.cable_id,
                "corridor": self.corridor, "pairs_raised": self.gain, "pairs": self.pairs,
                "explanation": f"re-routing {self.name} around the {self.corridor} corridor restores it and raises "
                               f"the min-cut of {self.gain} pair(s)"}


@dataclass(slots=True)
class BuildPlan:
    target: str
    partners: list[str]
    before: dict[str, int]
    candidates: list[Candidate]
    reroutes: list[Reroute]
    rules: BuildRules


def _great_circle(lat1: float, lon1: float, lat2: float, lon2: float, points: int) -> MultiLineString:
    """A great-circle path as lon/lat segments, split where it crosses the antimeridian."""
    def vec(lat: float, lon: float) -> np.ndarray:
        la, lo = math.radians(lat), math.radians(lon)
        return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])

    a, b = vec(lat1, lon1), vec(lat2, lon2)
    omega = math.acos(max(-1.0, min(1.0, float(a @ b))))
    coords = []
    for f in np.linspace(0, 1, points):
        p = a if omega < 1e-9 else (math.sin((1 - f) * omega) * a + math.sin(f * omega) * b) / math.sin(omega)
        coords.append((math.degrees(math.atan2(p[1], p[0])), math.degrees(math.asin(max(-1, min(1, p[2]))))))
    parts, current = [], [coords[0]]
    for prev, nxt in itertools.pairwise(coords):
        if abs(nxt[0] - prev[0]) > 180:
            parts.append(current)
            current = []
        current.append(nxt)
    parts.append(current)
    return MultiLineString([p for p in parts if len(p) >= 2] or [[coords[0], coords[-1]]])


def _avoids(station_a: Any, station_b: Any, corridors: list[Corridor], points: int) -> bool:
    if not corridors:
        return True
    path = _great_circle(station_a.lat, station_a.lon, station_b.lat, station_b.lon, points)
    return not any(path.intersects(c.geometry) for c in corridors)


def plan(view: View, target: str, partner: str | None = None, region: str | None = "indo-pacific",
         top: int = 10) -> BuildPlan:
    """For ``target`` and one partner (or every place of ``region``), the new cables and corridor avoidances
    that raise the most min-cuts, best first (ties: the shortest cable). For a country alone, new cables must
    land in it; for a pair they may land anywhere the pair's minimum cuts leave room."""
    network = view.network
    end = parse_endpoint(target, network)
    if end.kind != "country":
        raise InputError("what-to-build-next works on countries (ISO alpha-2)", field="target")
    partners = [parse_endpoint(partner, network).key] if partner else \
        [p for p in region_places(region, view) if p != end.key]
    mapping = {lp: p.country for lp, p in network.landing_points.items()}
    rules = build_rules()
    gains: dict[tuple[str, str], list[str]] = {}
    before: dict[str, int] = {}
    for other in partners:
        graph = hypergraph(view, mapping, {end.key, other})
        if end.key not in graph.index or other not in graph.index:
            before[other] = 0
            continue
        flows = FlowNetwork(graph)
        near_s = flows.cut(end.key, other, with_routes=False)
        near_t = flows.cut(other, end.key, with_routes=False)
        before[other] = near_s.value
        for x in near_s.source_side:
            for y in near_t.source_side:
                gains.setdefault((min(x, y), max(x, y)), []).append(f"{end.key}-{other}")
    corridors = [find_corridor(c) for c in view.scenario.corridors]
    stations: dict[str, list[str]] = {}
    for landings in view.active.values():
        for lp in landings:
            point = network.landing_points[lp]
            if point.lat is not None and lp not in stations.get(point.country, []):
                stations.setdefault(point.country, []).append(lp)
    if partner is None:  # for a country alone, a new cable must land in it
        gains = {k: v for k, v in gains.items() if end.key in k}
    candidates: list[Candidate] = []
    # Whole tiers of equal gain, so that ties really go to the shortest cable (a cut-off inside a tier made the
    # answer depend on the order of a set of place codes, i.e. on Python's string hashing).
    ordered = sorted(gains.items(), key=lambda item: (-len(item[1]), item[0]))
    for _, tier in itertools.groupby(ordered, key=lambda item: len(item[1])):
        if len(candidates) >= top:
            break
        for (x, y), pairs in tier:
            best = _shortest(view, stations.get(x, []), stations.get(y, []), rules, corridors)
            if best:
                a, b, km = best
                candidates.append(Candidate(a, b, x, y, km, len(pairs), sorted(pairs)))
    candidates.sort(key=lambda c: (-c.gain, c.length_km, c.station_a, c.station_b))
    return BuildPlan(end.key, partners, before, candidates[:top], _reroutes(view, end.key, partners, before), rules)


def _shortest(view: View, xs: list[str], ys: list[str], rules: BuildRules,
              corridors: list[Corridor]) -> tuple[str, str, float] | None:
    points = view.network.landing_points
    options = []
    for a in xs:
        pa = points[a]
        for b in ys:
            pb = points[b]
            km = distance_km(pa.lat, pa.lon, pb.lat, pb.lon) * rules.route_factor  # type: ignore[arg-type]
            if km <= rules.max_length_km:
                options.append((km, a, b))
    for km, a, b in sorted(options):
        if _avoids(points[a], points[b], corridors, rules.path_points):
            return a, b, km
    return None


def _reroutes(view: View, target: str, partners: list[str], before: dict[str, int]) -> list[Reroute]:
    """Under a corridor scenario: restoring which one cable (re-routed around the corridor) raises most pairs."""
    if not view.scenario.corridors:
        return []
    corridor_names = {c: find_corridor(c).name for c in view.scenario.corridors}
    scenario = view.scenario
    out = []
    for cable_id, reason in view.removed.items():
        corridor = next((n for n in corridor_names.values() if n in reason), None)
        if corridor is None:
            continue
        kept = tuple(c for c in scenario.failed_cables)
        # The same scenario without the corridors, but with every other corridor cable failed by name.
        others = tuple(k for k, r in view.removed.items()
                       if k != cable_id and any(n in r for n in corridor_names.values()))
        trial = apply(view.network, Scenario(
            as_of=scenario.as_of, include_planned=scenario.include_planned, no_transit=scenario.no_transit,
            exclude_concern=scenario.exclude_concern, failed_cables=(*kept, *others),
            failed_stations=scenario.failed_stations, failed_countries=scenario.failed_countries),
            view.trust.concern)
        raised = [f"{target}-{p}" for p in partners if pair_cut(trial, target, p).min_cut > before.get(p, 0)]
        if raised:
            out.append(Reroute(cable_id, view.cable(cable_id).name, corridor, len(raised), raised))
    out.sort(key=lambda r: (-r.gain, r.name))
    return out

