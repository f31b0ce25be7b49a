"""The Japan pair table, the all-pairs table against direct max-flows, and the naive baseline it replaces."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from kizuna.cables.analysis import all_pairs, naive_edge_connectivity, pair_cut, policy_table
from kizuna.cables.flow import FlowNetwork
from kizuna.cables.model import Network
from kizuna.cables.places_graph import hypergraph
from kizuna.cables.scenario import Scenario, View, apply

# Min-cut in whole cables from Japan, TeleGeography data of 2022-11-10, cables in service:
# every cable | no transit through CN | trusted cables only | trusted and no transit through CN.
JAPAN_TABLE = {"TW": (11, 9, 3, 3), "PH": (10, 10, 7, 7), "SG": (21, 21, 11, 11), "US": (21, 21, 13, 13)}


def test_japan_pair_table(network: Network) -> None:
    base = Scenario()

    def view_for(blocked: frozenset[str], exclude: bool) -> View:
        return apply(network, replace(base, no_transit=blocked, exclude_concern=exclude))

    table = policy_table(view_for, "JP", list(JAPAN_TABLE), frozenset({"CN"}))
    got = {row["b"]: (row["all"], row["no_transit"], row["trusted"], row["trusted_no_transit"])
           for row in table["rows"]}
    assert got == JAPAN_TABLE


def test_japan_taiwan_is_taiwans_international_cables(network: Network) -> None:
    # Independent check from the raw records: with transit allowed, Taiwan is the bottleneck, so the cut is the
    # set of in-service cables landing in Taiwan and somewhere else.
    taiwan = {c.id for c in network.cables.values() if not c.is_planned
              and "TW" in network.countries_of(c) and len(network.countries_of(c)) > 1}
    result = pair_cut(apply(network, Scenario()), "JP", "TW")
    assert set(result.cut_cables) == taiwan and len(taiwan) == 11
    trusted = pair_cut(apply(network, Scenario(exclude_concern=True)), "JP", "TW")
    assert [network.cables[c].name for c in trusted.cut_cables] == [
        "EAC-C2C", "FLAG North Asia Loop/REACH North Asia Loop", "Pacific Light Cable Network (PLCN)"]
    assert all(c["trust"] == "trusted" for c in trusted.to_dict()["cut"])


def test_naive_edge_count_overstates(network: Network) -> None:
    view = apply(network, Scenario())
    naive = naive_edge_connectivity(view, ["JP", "TW"])
    assert naive[0, 1] == 69  # 64 when Hong Kong and Macao are filed under China, as in the raw data
    assert pair_cut(view, "JP", "TW").min_cut == 11


def test_all_pairs_with_transit_policy_matches_direct_max_flows(network: Network) -> None:
    view = apply(network, Scenario(no_transit=frozenset({"CN", "RU"})))
    table = all_pairs(view)
    assert len(table.places) == 180  # places with an international cable in service
    mapping = {lp: p.country for lp, p in network.landing_points.items()}
    rng = random.Random(3)
    pairs = [tuple(rng.sample(table.places, 2)) for _ in range(40)]
    pairs += [("CN", p) for p in ("JP", "TW", "HK", "RU", "US")] + [("RU", "JP")]
    for a, b in pairs:
        graph = hypergraph(view, mapping, {a, b})
        expected = FlowNetwork(graph).value(a, b) if a in graph.index and b in graph.index else 0
        assert table.value(a, b) == expected, (a, b)
    assert np.array_equal(table.values, table.values.T)
    assert table.value("JP", "TW") == 9
