"""Criticality rankings and what to build next, checked by actually failing or adding the cable."""

from __future__ import annotations

from dataclasses import replace

from kizuna.cables.analysis import all_pairs, pair_cut
from kizuna.cables.build import plan
from kizuna.cables.critical import rank, region_places, scenario_impact
from kizuna.cables.model import Cable, Network
from kizuna.cables.scenario import Scenario, apply


def test_pacific_islands_ranking_is_what_failing_the_cable_does(network: Network) -> None:
    view = apply(network, Scenario())
    ranked = rank(view, "pacific-islands", top=5)
    assert ranked.cables[0].name in ("Manatua", "Southern Cross NEXT")
    top = ranked.cables[0]
    # Recompute the top cable's impact by failing it through a scenario.
    failed = apply(network, Scenario(failed_cables=(top.id,)))
    impact = scenario_impact(view, failed, "pacific-islands")
    assert impact["pairs_disconnected"] == top.pairs_disconnected
    assert impact["pairs_weakened"] == top.pairs_weakened
    assert ranked.stations[0].id == "suva-fiji"
    assert [i.pairs_disconnected for i in ranked.cables] == sorted((i.pairs_disconnected for i in ranked.cables),
                                                                   reverse=True)
    assert ("TO", "cable", "tonga-cable") in {(s.place, s.kind, s.id) for s in ranked.single_points}


def test_the_proposed_cable_raises_exactly_the_pairs_it_claims(network: Network) -> None:
    view = apply(network, Scenario())
    proposal = plan(view, "TO", region="pacific-islands", top=3)
    best = proposal.candidates[0]
    assert "TO" in (best.place_a, best.place_b)
    assert best.length_km <= proposal.rules.max_length_km
    new = Cable("proposed", "Proposed", (best.station_a, best.station_b), rfs_year=2022)
    extended = Network({**network.cables, "proposed": new}, network.landing_points, network.dataset)
    after = apply(extended, Scenario())
    partners = region_places("pacific-islands", view)
    raised = {f"TO-{p}" for p in partners if p != "TO" and pair_cut(after, "TO", p).min_cut
              > pair_cut(view, "TO", p).min_cut}
    assert raised == set(best.pairs) and best.gain == len(raised) > 0


def test_pair_proposal_and_corridor_avoidance(network: Network) -> None:
    view = apply(network, Scenario(corridors=("luzon",)))
    proposal = plan(view, "JP", "PH")
    assert proposal.before == {"PH": pair_cut(view, "JP", "PH").min_cut}
    assert all(c.gain == 1 for c in proposal.candidates)
    assert proposal.reroutes, "re-routing a Luzon cable must help Japan-Philippines"
    reroute = proposal.reroutes[0]
    restored = apply(network, Scenario(failed_cables=tuple(c for c in view.removed if c != reroute.cable_id)))
    assert pair_cut(restored, "JP", "PH").min_cut == proposal.before["PH"] + 1


def test_scenario_impact_counts_pairs(network: Network) -> None:
    base = apply(network, Scenario(as_of=2006))
    hit = apply(network, replace(base.scenario, corridors=("luzon",)))
    impact = scenario_impact(base, hit, "indo-pacific")
    before = all_pairs(base, region_places("indo-pacific", base))
    assert impact["pairs"] == len(before.places) * (len(before.places) - 1) // 2
    assert any(c["a"] == "JP" and c["b"] == "TW" and c["after"] == 0 for c in impact["changes"])


def test_ties_go_to_the_shortest_cable_of_the_whole_tier(network: Network) -> None:
    # Under the Luzon scenario every JP-PH candidate raises one pair; the proposal must be the shortest of all of
    # them, not of the first few a set happened to yield (which made the answer change from run to run).
    view = apply(network, Scenario(corridors=("luzon",)))
    proposal = plan(view, "JP", "PH", top=3)
    best = proposal.candidates[0]
    assert {best.station_a, best.station_b} == {"melonguane-indonesia", "davao-philippines"}
    assert round(best.length_km) == 409
    assert [c.length_km for c in proposal.candidates] == sorted(c.length_km for c in proposal.candidates)
    new = Cable("proposed", "Proposed", (best.station_a, best.station_b), rfs_year=2022)
    after = apply(Network({**network.cables, "proposed": new}, network.landing_points, network.dataset),
                  Scenario(corridors=("luzon",)))
    assert pair_cut(after, "JP", "PH").min_cut == proposal.before["PH"] + 1
