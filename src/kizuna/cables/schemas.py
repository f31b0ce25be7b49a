"""Response models of ``/v1/cables/*``: the shape of each ``cables.service`` result, shown in the OpenAPI
document. Records whose keys depend on data (the pair table's policy columns, GeoJSON properties) are typed as
mappings; everything else is a field."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kizuna.core.schemas import Out


class DatasetOut(Out):
    name: str
    path: str
    data_date: str
    licence: str
    attribution: str
    layout: str


class ScenarioOut(Out):
    as_of: int | None
    include_planned: bool
    no_transit: list[str]
    exclude_concern: bool
    corridors: list[str]
    failed_cables: list[str]
    failed_stations: list[str]
    failed_countries: list[str]
    max_hops: int | None


class ViewOut(Out):
    """What every result under a scenario says about it."""

    scenario: ScenarioOut
    description: str
    cables_up: int
    cables_down: int
    stations_down: int
    dataset: DatasetOut


class SinglePointOut(Out):
    place: str
    place_name: str
    kind: str
    id: str
    name: str
    explanation: str


class ConcernOut(Out):
    concern_list: str = Field(alias="list", description="The concern list the trust policy read.")
    cables: int
    by_role: dict[str, int]
    matched_names: dict[str, list[str]] = Field(description="Data name → ids of the parties of concern it matched.")


class CorridorOut(Out):
    cables: int
    names: list[str]


class SummaryOut(ViewOut):
    warnings: list[str]
    cables_total: int
    cables_in_analysis: int
    cables_international: int
    planned_in_data: int
    landing_points: int
    places: list[str]
    concern: ConcernOut
    corridors: dict[str, CorridorOut]
    region: str
    single_points_of_failure: list[SinglePointOut]


class CutCableOut(Out):
    id: str
    name: str
    rfs_year: int | None
    places: list[str]
    owners: list[str]
    suppliers: list[str]
    trust: str
    trust_brief: str
    trust_why: str


class HopOut(Out):
    cable: str
    to: str


class HopLimitedOut(Out):
    max_hops: int
    disjoint_routes: int
    min_cut: int
    cut_cables: list[str]
    routes: list[list[str]]
    minimal_routes_enumerated: int


class CutOut(ViewOut):
    a: str
    b: str
    a_name: str
    b_name: str
    level: str
    min_cut: int
    cut_cables: list[str]
    cut: list[CutCableOut]
    disjoint_routes: int
    routes: list[list[HopOut]]
    explanation: str
    hop_limited: HopLimitedOut | None = None


class PairsOut(Out):
    a: str
    no_transit: list[str]
    columns: dict[str, str] = Field(description="Policy key → label; each row has the key (min-cut) and key_cut.")
    rows: list[dict[str, Any]]
    scenario: str
    dataset: DatasetOut


class CableDownOut(Out):
    id: str
    name: str
    rfs_year: int | None
    places: list[str]
    why: str


class PairChangeOut(Out):
    a: str
    b: str
    before: int
    after: int
    disconnected: bool


class ImpactOut(Out):
    region: str | None
    places: int
    pairs: int
    pairs_weakened: int
    pairs_disconnected: int
    changes: list[PairChangeOut]


class MonteCarloOut(Out):
    a: str
    b: str
    failures: int
    trials: int
    seed: int
    cables_at_risk: int
    stays_connected: int
    probability_connected: float
    ci95: list[float]
    explanation: str


class ScenarioImpactOut(ViewOut):
    cables_down: list[CableDownOut]  # type: ignore[assignment]  # the scenario lists them rather than counts
    region: str
    impact: ImpactOut
    monte_carlo: MonteCarloOut | None


class WorstPairOut(Out):
    a: str
    b: str
    before: int
    after: int


class RankedOut(Out):
    kind: str
    id: str
    name: str
    places: list[str]
    pairs_disconnected: int
    pairs_weakened: int
    min_cut_drop: int
    worst_pairs: list[WorstPairOut]


class CriticalOut(ViewOut):
    region: str
    places: list[str]
    max_flows: int
    seconds: float
    cables: list[RankedOut]
    stations: list[RankedOut]
    single_points_of_failure: list[SinglePointOut]


class NewCableOut(Out):
    kind: str
    from_: str = Field(alias="from")
    to: str
    places: list[str]
    estimated_length_km: int
    pairs_raised: int
    pairs: list[str]
    explanation: str


class RerouteOut(Out):
    kind: str
    cable: str
    cable_id: str
    corridor: str
    pairs_raised: int
    pairs: list[str]
    explanation: str


class BuildRulesOut(Out):
    route_factor: float
    max_length_km: float
    path_points: int


class BuildNextOut(ViewOut):
    target: str
    partners: list[str]
    min_cut_before: dict[str, int]
    rules: BuildRulesOut
    new_cables: list[NewCableOut]
    corridor_avoidance: list[RerouteOut]


class GeoJsonOut(Out):
    type: str
    features: list[dict[str, Any]]
