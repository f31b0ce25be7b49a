"""Scenarios on the real data: the historical checks, transit, time, failures, Monte Carlo."""

from __future__ import annotations

import pytest

from kizuna.cables.analysis import pair_cut
from kizuna.cables.critical import single_points
from kizuna.cables.model import Network
from kizuna.cables.montecarlo import random_failures
from kizuna.cables.scenario import Scenario, apply
from kizuna.core.errors import InputError

# The 2006-12-26 Hengchun earthquake broke 7 of the 9 cables then crossing the Luzon Strait (APCN, APCN-2,
# C2C, China-US CN, EAC, FLAG FNAL, SMW-3 among them; ICPC/UNEP-WCMC 2009). The 2022 data has dropped the
# retired ones (APCN, China-US CN) and lists EAC and C2C as one system: it holds these five of that era.
HENGCHUN_ERA = {"FLAG Europe-Asia (FEA)", "SeaMeWe-3", "APCN-2", "FLAG North Asia Loop/REACH North Asia Loop",
                "EAC-C2C"}


def test_hengchun_2006_luzon_corridor(network: Network) -> None:
    view = apply(network, Scenario(as_of=2006, corridors=("luzon",)))
    down = {network.cables[c].name for c in view.removed}
    assert down == HENGCHUN_ERA
    assert all(year is not None and year <= 2006 for year in (network.cables[c].rfs_year for c in view.removed))
    assert all("Luzon Strait" in why for why in view.removed.values())
    # Japan-Taiwan as of 2006: all four cables in the data then crossed the strait.
    assert pair_cut(apply(network, Scenario(as_of=2006)), "JP", "TW").min_cut == 4
    assert pair_cut(view, "JP", "TW").min_cut == 0


def test_luzon_today_cuts_later_cables_too(network: Network) -> None:
    view = apply(network, Scenario(corridors=("bashi",)))  # an alias of the same corridor
    names = {network.cables[c].name for c in view.removed}
    assert names > HENGCHUN_ERA
    assert "Southeast Asia-Japan Cable (SJC)" in names and len(names) == 10


def test_tonga_2022_single_point_of_failure(network: Network) -> None:
    view = apply(network, Scenario(as_of=2022))
    result = pair_cut(view, "TO", "FJ")
    assert result.min_cut == 1 and result.cut_cables == ["tonga-cable"]
    assert "Single point of failure: Tonga Cable" in result.explanation()
    spofs = {(s.place, s.kind, s.id) for s in single_points(view, ["TO", "JP"])}
    assert spofs == {("TO", "cable", "tonga-cable"), ("TO", "station", "nukualofa-tonga")}
    # The domestic extension (TDCE) lands only in Tonga: it adds no route out.
    assert pair_cut(view, "TO", "US").min_cut == 1


def test_transit_policy_hong_kong_is_not_china(network: Network) -> None:
    open_view = apply(network, Scenario())
    barred = apply(network, Scenario(no_transit=frozenset({"CN"})))
    assert pair_cut(open_view, "JP", "TW").min_cut == 11
    no_cn = pair_cut(barred, "JP", "TW")
    assert no_cn.min_cut == 9
    # Without transit through China, the two CN-TW cables stop counting; Hong Kong may still carry transit.
    assert "cross-straits-cable-network" not in no_cn.cut_cables
    assert all(place != "CN" for route in no_cn.routes for _, place in route[:-1])
    assert pair_cut(barred, "CN", "TW").min_cut >= 1  # a barred place can still be an endpoint
    assert pair_cut(apply(network, Scenario(no_transit=frozenset({"HK"}))), "JP", "HK").min_cut > 0


def test_time_axis(network: Network) -> None:
    assert [pair_cut(apply(network, Scenario(as_of=y)), "JP", "TW").min_cut for y in (2000, 2006, 2010)] == [1, 4, 5]
    assert pair_cut(apply(network, Scenario(include_planned=True)), "JP", "TW").min_cut == 13


def test_station_country_and_cable_failures(network: Network) -> None:
    view = apply(network, Scenario(failed_stations=("nukualofa-tonga",)))
    result = pair_cut(view, "TO", "FJ")
    assert result.min_cut == 0 and "no working cable" in result.explanation()
    assert pair_cut(apply(network, Scenario(failed_countries=("PH",))), "JP", "PH").min_cut == 0
    assert pair_cut(apply(network, Scenario(failed_cables=("SeaMeWe-3",))), "JP", "TW").min_cut == 10
    with pytest.raises(InputError, match="unknown cable"):
        apply(network, Scenario(failed_cables=("No Such Cable",)))
    with pytest.raises(InputError, match="unknown corridor"):
        apply(network, Scenario(corridors=("atlantis",)))


def test_monte_carlo_matches_the_exact_probability(ring: Network) -> None:
    # Ring JP-TW-PH-GU without the three-landing cable: JP and PH stay connected when the two failures fall on
    # the same side of the ring: 2 of the C(4,2) = 6 ways, probability 1/3.
    view = apply(ring, Scenario(failed_cables=("abc",)))
    result = random_failures(view, "JP", "PH", failures=2, trials=3000, seed=7)
    low, high = result.interval
    assert low <= 1 / 3 <= high
    assert result.to_dict() == random_failures(view, "JP", "PH", failures=2, trials=3000, seed=7).to_dict()
    assert random_failures(view, "JP", "PH", failures=1, trials=200, seed=1).probability == 1.0


def test_hop_limit_on_real_pairs(network: Network) -> None:
    view = apply(network, Scenario(max_hops=2))
    result = pair_cut(view, "JP", "SG")
    assert result.min_cut == 21
    assert result.hops is not None and result.hops.disjoint_routes == result.hops.cut == 10
    assert all(len(route) <= 2 for route in result.hops.routes)
