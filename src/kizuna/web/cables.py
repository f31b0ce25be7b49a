"""Submarine cables: the API under /v1/cables/… and the console page /cables (map + pair table)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, Response

from kizuna.cables import analysis, maps, schemas, service
from kizuna.cables.corridors import load_corridors
from kizuna.cables.scenario import Scenario, parse_places
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
RegionParam = Annotated[str | None, Param(description="Region of data/cables/regions.yaml (default: its `default`), "
                                          "or 'all'.")]


@router.get("/v1/cables/summary", tags=["cables"], response_model=schemas.SummaryOut)
def summary(scenario: ScenarioDep, region: RegionParam = None) -> dict[str, Any]:
    """The dataset under a scenario: counts, cables of concern by role, corridor crossings, the region's single
    points of failure (the same result as ``kizuna cables summary --json``)."""
    return service.summary(scenario, region)


@router.get("/v1/cables/cut", tags=["cables"], response_model=schemas.CutOut)
def cut(a: Annotated[str, Param(description="ISO alpha-2, hub:NAME or landing station id.", examples=["JP"])],
        b: Annotated[str, Param(examples=["TW"])], scenario: ScenarioDep) -> dict[str, Any]:
    """The exact minimum number of cables whose failure separates A from B, the cut set and disjoint routes."""
    return service.cut(a, b, scenario)


@router.get("/v1/cables/pairs", tags=["cables"], response_model=schemas.PairsOut)
def pairs(scenario: ScenarioDep, a: str = "JP", partners: str = ",".join(DEFAULT_PARTNERS),
          barred: Annotated[str, Param(alias="restrict_transit", description="Places barred in the restricted "
                                       "columns.")] = "CN") -> dict[str, Any]:
    """Min-cuts from A to each partner with and without transit and trust restrictions."""
    return service.pairs(a, [partners], [barred], scenario)


@router.get("/v1/cables/scenario", tags=["cables"], response_model=schemas.ScenarioImpactOut)
def scenario_impact(scenario: ScenarioDep, region: RegionParam = None) -> dict[str, Any]:
    """The cables a scenario takes down (with why) and what it does to the region's pairs."""
    return service.scenario_impact(scenario, region)


@router.get("/v1/cables/critical", tags=["cables"], response_model=schemas.CriticalOut)
def critical_ranking(scenario: ScenarioDep, region: RegionParam = None,
                     top: Annotated[int, Param(ge=1, le=100)] = 10) -> dict[str, Any]:
    """Cables and stations ranked by the region's pairs they cut off or weaken; single points of failure."""
    return service.critical_ranking(scenario, region, top)


@router.get("/v1/cables/next", tags=["cables"], response_model=schemas.BuildNextOut)
def build_next(target: str, scenario: ScenarioDep, partner: str | None = None, region: RegionParam = None,
               top: Annotated[int, Param(ge=1, le=50)] = 5) -> dict[str, Any]:
    """The new cable or corridor avoidance that raises the most min-cuts for a place (or one pair)."""
    return service.build_next(target, partner, scenario, region, top)


@router.get("/v1/cables/montecarlo", tags=["cables"], response_model=schemas.MonteCarloOut)
def random_failures(a: str, b: str, failures: Annotated[int, Param(ge=1, le=1000)], scenario: ScenarioDep,
                    trials: Annotated[int, Param(ge=1, le=20000)] = 2000, seed: int = 0) -> dict[str, Any]:
    """Probability that A and B stay connected when N random cables fail (seeded)."""
    return service.random_failures(a, b, failures, scenario, trials, seed)


@router.get("/v1/cables/map.geojson", tags=["cables"], response_model=schemas.GeoJsonOut)
def map_geojson(scenario: ScenarioDep, a: str | None = None, b: str | None = None) -> dict[str, Any]:
    """GeoJSON of the cables (status: trusted, concern or down; ``cut`` when in the A-B cut), stations, corridors."""
    return service.map_features(scenario, (a, b) if a and b else None)


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
        view = service.view(scenario)
        result = analysis.pair_cut(view, a, b)
        context["result"] = result.to_dict()
        context["table"] = service.pairs(result.a.key if result.a.kind == "country" else "JP", [partners],
                                         [no_transit or "CN"], scenario)
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
