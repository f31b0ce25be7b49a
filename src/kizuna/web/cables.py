"""Submarine cables: the API under /v1/cables/… and the console page /cables (map + pair table)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, Response

from kizuna.cables import analysis, build, critical, maps, montecarlo
from kizuna.cables.corridors import crosses, load_corridors
from kizuna.cables.loader import load_network
from kizuna.cables.scenario import Scenario, View, apply, parse_places
from kizuna.core.errors import KizunaError
from kizuna.web.i18n import gettext
from kizuna.web.templating import templates

router = APIRouter()
DEFAULT_PARTNERS = ["TW", "PH", "SG", "US"]


def _scenario(
    as_of: Annotated[int | None, Param(description="Network as of this year (RFS year).", ge=1850, le=2100)] = None,
    include_planned: Annotated[bool, Param(description="Count planned cables.")] = False,
    no_transit: Annotated[str | None, Param(description="Places barred from transit, ISO alpha-2, comma-separated.")]
    = None,
    exclude_concern: Annotated[bool, Param(description="Drop cables with an owner or supplier of concern.")] = False,
    corridor: Annotated[list[str] | None, Param(description="Corridors that fail: luzon, taiwan-strait, malacca, "
                                                "red-sea.")] = None,
    fail_cable: Annotated[list[str] | None, Param(description="Cables that fail (id or name).")] = None,
    fail_station: Annotated[list[str] | None, Param(description="Landing stations that fail (id).")] = None,
    fail_country: Annotated[list[str] | None, Param(description="Places whose every station fails.")] = None,
    max_hops: Annotated[int | None, Param(description="Also count disjoint routes of at most N cables.",
                                          ge=1, le=6)] = None,
) -> Scenario:
    return Scenario(as_of=as_of, include_planned=include_planned,
                    no_transit=parse_places([no_transit] if no_transit else [], "no_transit"),
                    exclude_concern=exclude_concern, corridors=tuple(c for c in corridor or () if c),
                    failed_cables=tuple(fail_cable or ()), failed_stations=tuple(fail_station or ()),
                    failed_countries=tuple(fail_country or ()), max_hops=max_hops)


ScenarioDep = Annotated[Scenario, Depends(_scenario)]


def _view(scenario: Scenario) -> View:
    return apply(load_network(), scenario)


@router.get("/v1/cables/summary", tags=["cables"])
def summary(scenario: ScenarioDep) -> dict[str, Any]:
    """The dataset under a scenario: counts, cables of concern, corridor crossings, single points of failure."""
    view = _view(scenario)
    up = [view.cable(c) for c in view.active]
    return {**view.summary(), "warnings": view.network.warnings, "cables_total": len(view.network.cables),
            "cables_international": len(view.international()), "places": sorted(view.places()),
            "cables_of_concern": sum(view.trust.untrusted(c.id) for c in up),
            "corridors": {cid: sorted(c.name for c in up if crosses(c, corridor))
                          for cid, corridor in load_corridors().items()},
            "single_points_of_failure": [s.to_dict() for s in critical.single_points(view, sorted(view.places()))]}


@router.get("/v1/cables/cut", tags=["cables"])
def cut(a: Annotated[str, Param(description="ISO alpha-2, hub:NAME or landing station id.", examples=["JP"])],
        b: Annotated[str, Param(examples=["TW"])], scenario: ScenarioDep) -> dict[str, Any]:
    """The exact minimum number of cables whose failure separates A from B, the cut set and disjoint routes."""
    return analysis.pair_cut(_view(scenario), a, b).to_dict()


@router.get("/v1/cables/pairs", tags=["cables"])
def pairs(scenario: ScenarioDep, a: str = "JP", partners: str = ",".join(DEFAULT_PARTNERS),
          barred: Annotated[str, Param(alias="restrict_transit", description="Places barred in the restricted "
                                       "columns.")] = "CN") -> dict[str, Any]:
    """Min-cuts from A to each partner with and without transit and trust restrictions."""
    return _pair_table(scenario, a, partners, barred)


def _pair_table(scenario: Scenario, a: str, partners: str, barred: str) -> dict[str, Any]:
    network = load_network()
    codes = [c.strip().upper() for c in partners.split(",") if c.strip()]
    parse_places(codes, "partners")
    home = next(iter(parse_places([a], "a")))

    def view_for(blocked: frozenset[str], exclude: bool) -> View:
        return apply(network, replace(scenario, no_transit=blocked, exclude_concern=exclude, max_hops=None))

    table = analysis.policy_table(view_for, home, [c for c in codes if c != home], parse_places([barred], "barred"))
    return {**table, "scenario": scenario.describe(), "dataset": network.dataset.to_dict()}


@router.get("/v1/cables/scenario", tags=["cables"])
def scenario_impact(scenario: ScenarioDep, region: str = "indo-pacific") -> dict[str, Any]:
    """The cables a scenario takes down (with why) and what it does to the region's pairs."""
    view = _view(scenario)
    base = _view(replace(scenario, corridors=(), failed_cables=(), failed_stations=(), failed_countries=()))
    down = [{"id": k, "name": view.cable(k).name, "rfs_year": view.cable(k).rfs_year, "why": why}
            for k, why in view.removed.items()]
    return {**view.summary(), "cables_down": sorted(down, key=lambda d: (d["rfs_year"] or 0, d["name"])),
            "impact": critical.scenario_impact(base, view, None if region == "all" else region)}


@router.get("/v1/cables/critical", tags=["cables"])
def critical_ranking(scenario: ScenarioDep, region: str = "pacific-islands",
                     top: Annotated[int, Param(ge=1, le=100)] = 10) -> dict[str, Any]:
    """Cables and stations ranked by the region's pairs they cut off or weaken; single points of failure."""
    view = _view(scenario)
    ranked = critical.rank(view, None if region == "all" else region, top)
    return {**view.summary(), "region": region, "places": ranked.places, "max_flows": ranked.flows,
            "cables": [i.to_dict() for i in ranked.cables], "stations": [i.to_dict() for i in ranked.stations],
            "single_points_of_failure": [s.to_dict() for s in ranked.single_points]}


@router.get("/v1/cables/next", tags=["cables"])
def build_next(target: str, scenario: ScenarioDep, partner: str | None = None, region: str = "indo-pacific",
               top: Annotated[int, Param(ge=1, le=50)] = 5) -> dict[str, Any]:
    """The new cable or corridor avoidance that raises the most min-cuts for a place (or one pair)."""
    view = _view(scenario)
    proposal = build.plan(view, target, partner, None if region == "all" else region, top)
    return {**view.summary(), "target": proposal.target, "min_cut_before": proposal.before,
            "new_cables": [c.to_dict() for c in proposal.candidates],
            "corridor_avoidance": [r.to_dict() for r in proposal.reroutes]}


@router.get("/v1/cables/montecarlo", tags=["cables"])
def random_failures(a: str, b: str, failures: Annotated[int, Param(ge=1, le=1000)], scenario: ScenarioDep,
                    trials: Annotated[int, Param(ge=1, le=20000)] = 2000, seed: int = 0) -> dict[str, Any]:
    """Probability that A and B stay connected when N random cables fail (seeded)."""
    return montecarlo.random_failures(_view(scenario), a, b, failures, trials, seed).to_dict()


@router.get("/v1/cables/map.geojson", tags=["cables"])
def map_geojson(scenario: ScenarioDep, a: str | None = None, b: str | None = None) -> dict[str, Any]:
    """GeoJSON of the cables (status: trusted, concern or down; ``cut`` when in the A-B cut), stations, corridors."""
    view = _view(scenario)
    highlight = set(analysis.pair_cut(view, a, b).cut_cables) if a and b else set()
    return maps.features(view, highlight)


@router.get("/cables/assets/{name}", include_in_schema=False)
def leaflet_asset(name: str) -> Response:
    """The vendored Leaflet (served locally: the console works offline)."""
    script, style = maps.leaflet_assets()
    if name == "leaflet.js":
        return Response(script, media_type="application/javascript")
    if name == "leaflet.css":
        return Response(style, media_type="text/css")
    return Response(status_code=404)


@router.get("/cables", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, a: str = "JP", b: str = "TW", no_transit: str = "", exclude_concern: bool = False,
         corridor: str = "", as_of: str = "", partners: str = ",".join(DEFAULT_PARTNERS)) -> HTMLResponse:
    """The console page: a pair's cut with the map, and the pair table."""
    context: dict[str, Any] = {"a": a, "b": b, "no_transit": no_transit, "exclude_concern": exclude_concern,
                               "corridor": corridor, "as_of": as_of, "partners": partners,
                               "corridors": load_corridors(), "error": None, "result": None, "table": None}
    try:
        year = int(as_of) if as_of.strip() else None
        scenario = _scenario(as_of=year, no_transit=no_transit or None, exclude_concern=exclude_concern,
                             corridor=[corridor] if corridor else None)
        view = _view(scenario)
        result = analysis.pair_cut(view, a, b)
        context["result"] = result.to_dict()
        context["table"] = _pair_table(replace(scenario, no_transit=frozenset(), exclude_concern=False),
                                       result.a.key if result.a.kind == "country" else "JP", partners,
                                       no_transit or "CN")
        payload = maps.map_payload(view, set(result.cut_cables))
        for item in payload["legend"]:  # the legend is a label: in the page's language
            item["label"] = gettext(request, item["label"])
        context["map_json"] = maps.script_json(payload)
        context["backdrop_json"] = maps.script_json(maps.backdrop())
        context["colours_json"] = maps.script_json(maps.COLOURS)
        context["bounds_json"] = maps.script_json(maps.DEFAULT_BOUNDS)
        context["map_script"] = maps.map_script()
        context["dataset"] = view.network.dataset
    except ValueError:
        context["error"] = gettext(request, "as of must be a year, not {value}", value=repr(as_of))
    except KizunaError as exc:
        context["error"] = str(exc)
    return templates.TemplateResponse(request, "cables/index.html", {"active": "cables", **context})
