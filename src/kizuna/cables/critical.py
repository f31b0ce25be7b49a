"""Critical infrastructure: cables and landing stations ranked by what their failure costs the pairs of a
region, and the places that hang on a single cable or a single station."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kizuna.cables.analysis import all_pairs
from kizuna.cables.rules import regions
from kizuna.cables.scenario import View
from kizuna.core.countries import country_name
from kizuna.core.errors import InputError


def region_places(name: str | None, view: View) -> list[str]:
    """The places of a named region that have cables in the view (every such place when ``name`` is None)."""
    present = {p for places in view.international().values() for p in places}
    if name is None:
        return sorted(present)
    known = regions().regions
    if name not in known:
        raise InputError(f"unknown region {name!r} (known: {', '.join(sorted(known))})", field="--region")
    return sorted(set(known[name].places) & present)


@dataclass(slots=True)
class Impact:
    """What one failure does to the region's pairs."""

    kind: str  # cable or station
    id: str
    name: str
    places: list[str]
    pairs_disconnected: int  # pairs connected before and not after
    pairs_weakened: int  # pairs whose min-cut drops
    cut_drop: int  # total drop of min-cut over the region's pairs
    worst: list[tuple[str, str, int, int]] = field(default_factory=list)  # (a, b, before, after)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "places": self.places,
                "pairs_disconnected": self.pairs_disconnected, "pairs_weakened": self.pairs_weakened,
                "min_cut_drop": self.cut_drop,
                "worst_pairs": [{"a": a, "b": b, "before": x, "after": y} for a, b, x, y in self.worst]}


@dataclass(slots=True)
class SinglePoint:
    """A place whose every international cable, or every landing of them, is one."""

    place: str
    kind: str  # cable or station
    id: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"place": self.place, "place_name": country_name(self.place), "kind": self.kind, "id": self.id,
                "name": self.name, "explanation": f"{country_name(self.place)} depends on a single {self.kind}: "
                f"{self.name}; its failure cuts {self.place} off from every other place."}


@dataclass(slots=True)
class Criticality:
    region: str | None
    places: list[str]
    cables: list[Impact]
    stations: list[Impact]
    single_points: list[SinglePoint]
    flows: int


def _impact(kind: str, item_id: str, name: str, places: list[str], before: np.ndarray, after: np.ndarray,
            region: list[str]) -> Impact:
    drop = np.triu(before - after, 1)
    disconnected = np.triu((before > 0) & (after == 0), 1)
    order = np.dstack(np.unravel_index(np.argsort(-drop, axis=None), drop.shape))[0][:3]
    worst = [(region[i], region[j], int(before[i, j]), int(after[i, j])) for i, j in order if drop[i, j] > 0]
    return Impact(kind, item_id, name, places, int(disconnected.sum()), int((drop > 0).sum()), int(drop.sum()), worst)


def rank(view: View, region: str | None = "indo-pacific", top: int = 20) -> Criticality:
    """Cables and stations ranked by pairs disconnected, then by total min-cut drop, over the region's pairs.

    Exact: each candidate failure recomputes the region's all-pairs table. Candidates are the cables and
    stations with a landing in the region; a station is skipped when every cable landing there also lands
    elsewhere in the same place (its failure changes no country-level cut).
    """
    places = region_places(region, view)
    wanted = set(places)
    base = all_pairs(view, places)
    flows = base.flows
    points = view.network.landing_points
    cables = []
    for cable_id, landings in view.active.items():
        cable_places = sorted({points[lp].country for lp in landings})
        if len(cable_places) < 2 or not wanted & set(cable_places):
            continue
        reduced = {k: v for k, v in view.active.items() if k != cable_id}
        table = all_pairs(_with(view, reduced), places)
        flows += table.flows
        cables.append(_impact("cable", cable_id, view.cable(cable_id).name, cable_places, base.values,
                              table.values, places))
    stations = []
    at: dict[str, list[str]] = {}
    for cable_id, landings in view.active.items():
        for lp in landings:
            at.setdefault(lp, []).append(cable_id)
    for lp, cable_ids in at.items():
        place = points[lp].country
        if place not in wanted:
            continue
        reduced = dict(view.active)
        changed = False
        for cable_id in cable_ids:
            rest = tuple(x for x in view.active[cable_id] if x != lp)
            if all(points[x].country != place for x in rest):
                changed = True
            if len({points[x].country for x in rest}) < 2:
                reduced.pop(cable_id)
            else:
                reduced[cable_id] = rest
        if not changed:
            continue
        table = all_pairs(_with(view, reduced), places)
        flows += table.flows
        stations.append(_impact("station", lp, points[lp].name, [place], base.values, table.values, places))
    key = lambda i: (-i.pairs_disconnected, -i.cut_drop, i.name)  # noqa: E731
    cables.sort(key=key)
    stations.sort(key=key)
    return Criticality(region, places, cables[:top], stations[:top], single_points(view, places), flows)


def _with(view: View, active: dict[str, tuple[str, ...]]) -> View:
    return View(view.network, view.scenario, view.trust, active, view.removed, view.dead_stations)


def single_points(view: View, places: list[str]) -> list[SinglePoint]:
    """Places with exactly one international cable, or with all their international landings at one station."""
    points = view.network.landing_points
    cables_at: dict[str, set[str]] = {}
    stations_at: dict[str, set[str]] = {}
    for cable_id, landings in view.active.items():
        cable_places = {points[lp].country for lp in landings}
        if len(cable_places) < 2:
            continue
        for lp in landings:
            place = points[lp].country
            cables_at.setdefault(place, set()).add(cable_id)
            stations_at.setdefault(place, set()).add(lp)
    out = []
    for place in places:
        cables = cables_at.get(place, set())
        if len(cables) == 1:
            (cable_id,) = cables
            out.append(SinglePoint(place, "cable", cable_id, view.cable(cable_id).name))
        stations = stations_at.get(place, set())
        if len(stations) == 1:
            (station,) = stations
            out.append(SinglePoint(place, "station", station, points[station].name))
    return out


def scenario_impact(base: View, view: View, region: str | None = "indo-pacific") -> dict[str, Any]:
    """What a scenario does to the region's pairs compared with the same period without its failures."""
    places = region_places(region, base)
    before = all_pairs(base, places).values
    after = all_pairs(view, [p for p in places]).values
    changed = []
    for i, a in enumerate(places):
        for j in range(i + 1, len(places)):
            if after[i, j] < before[i, j]:
                changed.append((bool(after[i, j] == 0), int(after[i, j]) - int(before[i, j]), a, places[j],
                                int(before[i, j]), int(after[i, j])))
    changed.sort(key=lambda c: (not c[0], c[1], c[2], c[3]))
    pairs = [{"a": a, "b": b, "before": x, "after": y, "disconnected": cut_off}
             for cut_off, _, a, b, x, y in changed]
    return {"region": region, "places": len(places), "pairs": len(places) * (len(places) - 1) // 2,
            "pairs_weakened": len(pairs), "pairs_disconnected": sum(p["disconnected"] for p in pairs),
            "changes": pairs}
