"""The cables service: the only thing ``kizuna cables …`` and ``/v1/cables/*`` call. Each command and route has
one result here (a JSON-ready dict whose shape is ``cables.schemas``), so the CLI and the API cannot drift: they
parse their arguments into a ``Scenario`` and options, call one function, and format what it returns.

Every function takes ``data`` (a dataset directory, None for the default) and ``concern`` (a user's concern list,
None for the bundled one). ``region`` None is the default region of ``data/cables/regions.yaml``; ``"all"`` is
every place with an international cable.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from kizuna.cables import analysis, build, critical, maps, montecarlo
from kizuna.cables.corridors import crosses, load_corridors
from kizuna.cables.loader import load_network
from kizuna.cables.rules import regions
from kizuna.cables.scenario import Scenario, View, apply, parse_places
from kizuna.cables.trust import load_concern
from kizuna.core.errors import InputError

ALL = "all"


def default_region() -> str:
    """The region used when none is given (``default`` of ``data/cables/regions.yaml``)."""
    return regions().default


def view(scenario: Scenario, data: Path | None = None, concern: Path | None = None) -> View:
    """The dataset under ``scenario``, with trust assessed under the concern list."""
    return apply(load_network(data), scenario, load_concern(concern) if concern else None)


def _region(region: str | None) -> tuple[str, str | None]:
    """(the region's name for the result, the name ``critical`` takes: None for every place)."""
    name = region or default_region()
    return name, None if name == ALL else name


def summary(scenario: Scenario = Scenario(), region: str | None = None, data: Path | None = None,
            concern: Path | None = None) -> dict[str, Any]:
    """The dataset: counts, cables of concern by role, corridor crossings, the region's single points of failure."""
    name, places_of = _region(region)
    current = view(scenario, data, concern)
    network, trust = current.network, current.trust
    up = [current.cable(c) for c in current.active]
    concern_ids = [c.id for c in up if trust.untrusted(c.id)]
    corridors = {cid: sorted(c.name for c in up if crosses(c, corridor)) for cid, corridor in load_corridors().items()}
    spofs = critical.single_points(current, critical.region_places(places_of, current))
    return {
        **current.summary(), "warnings": network.warnings, "cables_total": len(network.cables),
        "cables_in_analysis": len(up), "cables_international": len(current.international()),
        "planned_in_data": sum(c.is_planned for c in network.cables.values()),
        "landing_points": len({lp for c in up for lp in c.landings}), "places": sorted(current.places()),
        "concern": {"list": trust.concern.path, "cables": len(concern_ids), "by_role": trust.by_role(concern_ids),
                    "matched_names": {k: [h.entry_id for h in v] for k, v in sorted(trust.matches.items())}},
        "corridors": {cid: {"cables": len(names), "names": names} for cid, names in corridors.items()},
        "region": name, "single_points_of_failure": [s.to_dict() for s in spofs]}


def cut(a: str, b: str, scenario: Scenario = Scenario(), data: Path | None = None,
        concern: Path | None = None) -> dict[str, Any]:
    """The least number of whole cables whose failure separates A from B, which ones, and the disjoint routes."""
    return analysis.pair_cut(view(scenario, data, concern), a, b).to_dict()


def partner_codes(values: list[str], option: str = "partners") -> list[str]:
    """Partner places (codes or names, comma-separated allowed) in the order given, each once."""
    codes: list[str] = []
    for value in values:
        for item in value.split(","):
            if item.strip():
                codes += [c for c in sorted(parse_places([item], option)) if c not in codes]
    return codes


def pairs(a: str, partners: list[str], barred: list[str], scenario: Scenario = Scenario(),
          data: Path | None = None, concern: Path | None = None) -> dict[str, Any]:
    """Min-cuts from A to each partner with and without the transit bar and the trust policy. The scenario's own
    transit, trust and hop settings are replaced by the table's four policies."""
    network = load_network(data)
    concern_list = load_concern(concern) if concern else None
    home = parse_places([a], "a")
    if len(home) != 1:
        raise InputError(f"give one place, not {a!r}", field="a")
    base = replace(scenario, no_transit=frozenset(), exclude_concern=False, max_hops=None)

    def view_for(blocked: frozenset[str], exclude: bool) -> View:
        return apply(network, replace(base, no_transit=blocked, exclude_concern=exclude), concern_list)

    code = next(iter(home))
    table = analysis.policy_table(view_for, code, [c for c in partner_codes(partners) if c != code],
                                  parse_places(barred, "no_transit"))
    return {**table, "scenario": base.describe(), "dataset": network.dataset.to_dict()}


def scenario_impact(scenario: Scenario, region: str | None = None, data: Path | None = None,
                    concern: Path | None = None, random_failures: int = 0, pair: tuple[str, str] | None = None,
                    trials: int = 2000, seed: int = 0) -> dict[str, Any]:
    """The cables a scenario takes down (with why) and what that does to the region's pairs, measured against the
    same period and policy without the failures; with ``random_failures`` and ``pair``, a seeded Monte Carlo."""
    if random_failures and not pair:
        raise InputError("random failures need a pair A B", field="--pair")
    name, places_of = _region(region)
    current = view(replace(scenario, max_hops=None), data, concern)
    base = view(replace(scenario, corridors=(), failed_cables=(), failed_stations=(), failed_countries=(),
                        max_hops=None), data, concern)
    down_ids = sorted(current.removed, key=lambda k: (current.cable(k).rfs_year or 0, current.cable(k).name))
    down = [{"id": k, "name": current.cable(k).name, "rfs_year": current.cable(k).rfs_year,
             "places": current.network.countries_of(current.cable(k)), "why": current.removed[k]} for k in down_ids]
    result: dict[str, Any] = {**current.summary(), "region": name, "cables_down": down,
                              "impact": critical.scenario_impact(base, current, places_of), "monte_carlo": None}
    if random_failures and pair:
        result["monte_carlo"] = montecarlo.random_failures(current, pair[0], pair[1], random_failures, trials,
                                                           seed).to_dict()
    return result


def critical_ranking(scenario: Scenario = Scenario(), region: str | None = None, top: int = 10,
                     data: Path | None = None, concern: Path | None = None) -> dict[str, Any]:
    """Cables and landing stations ranked by the region's pairs they disconnect or weaken; single points of
    failure; ``seconds`` is the time the exact ranking took."""
    name, places_of = _region(region)
    current = view(scenario, data, concern)
    started = time.perf_counter()
    ranked = critical.rank(current, places_of, top)
    seconds = time.perf_counter() - started
    return {**current.summary(), "region": name, "places": ranked.places, "max_flows": ranked.flows,
            "seconds": round(seconds, 2), "cables": [i.to_dict() for i in ranked.cables],
            "stations": [i.to_dict() for i in ranked.stations],
            "single_points_of_failure": [s.to_dict() for s in ranked.single_points]}


def build_next(target: str, partner: str | None = None, scenario: Scenario = Scenario(), region: str | None = None,
               top: int = 5, data: Path | None = None, concern: Path | None = None) -> dict[str, Any]:
    """The new cable (between existing stations) or corridor avoidance that raises the most min-cuts."""
    _, places_of = _region(region)
    current = view(scenario, data, concern)
    proposal = build.plan(current, target, partner, places_of, top)
    return {**current.summary(), "target": proposal.target, "partners": proposal.partners,
            "min_cut_before": proposal.before, "rules": proposal.rules.model_dump(),
            "new_cables": [c.to_dict() for c in proposal.candidates],
            "corridor_avoidance": [r.to_dict() for r in proposal.reroutes]}


def random_failures(a: str, b: str, failures: int, scenario: Scenario = Scenario(), trials: int = 2000,
                    seed: int = 0, data: Path | None = None, concern: Path | None = None) -> dict[str, Any]:
    """Probability that A and B stay connected when N random cables fail (seeded)."""
    return montecarlo.random_failures(view(scenario, data, concern), a, b, failures, trials, seed).to_dict()


def map_features(scenario: Scenario = Scenario(), pair: tuple[str, str] | None = None, data: Path | None = None,
                 concern: Path | None = None) -> dict[str, Any]:
    """GeoJSON of the cables (trusted, concern or down; ``cut`` when in the pair's cut), stations, corridors."""
    current = view(scenario, data, concern)
    highlight = set(analysis.pair_cut(current, *pair).cut_cables) if pair else set()
    return maps.features(current, highlight)


def write_map(output: Path, scenario: Scenario = Scenario(), pair: tuple[str, str] | None = None,
              data: Path | None = None, concern: Path | None = None) -> dict[str, Any]:
    """Draw the cables (coloured by trust, failed ones dashed) and a pair's cut to an HTML or PNG map."""
    current = view(scenario, data, concern)
    highlight: set[str] = set()
    title, min_cut = "Submarine cables", None
    if pair:
        result = analysis.pair_cut(current, pair[0], pair[1])
        highlight, min_cut = set(result.cut_cables), result.min_cut
        title = f"{result.a.label} – {result.b.label}: min-cut {result.min_cut} cables"
    path = maps.write_map(current, output, highlight, title)
    return {"output": str(path), "bytes": path.stat().st_size, "title": title,
            "cables_drawn": len(current.active) + len(current.removed),
            "cut_cables": sorted(current.cable(c).name for c in highlight), "min_cut": min_cut, **current.summary()}
