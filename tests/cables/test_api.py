"""The HTTP API under /v1/cables (FastAPI TestClient on the real application)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.web.app import create_app


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def test_cut(client: TestClient) -> None:
    response = client.get("/v1/cables/cut", params={"a": "JP", "b": "TW", "no_transit": "CN"})
    assert response.status_code == 200
    body = response.json()
    assert body["min_cut"] == 9 and len(body["cut_cables"]) == 9
    assert body["scenario"]["no_transit"] == ["CN"]
    hops = client.get("/v1/cables/cut", params={"a": "JP", "b": "SG", "max_hops": 2}).json()["hop_limited"]
    assert hops["disjoint_routes"] == 10


def test_pairs_table(client: TestClient) -> None:
    body = client.get("/v1/cables/pairs", params={"a": "JP", "partners": "TW,PH,SG,US"}).json()
    assert [(r["b"], r["all"], r["no_transit"], r["trusted"], r["trusted_no_transit"]) for r in body["rows"]] == [
        ("TW", 11, 9, 3, 3), ("PH", 10, 10, 7, 7), ("SG", 21, 21, 11, 11), ("US", 21, 21, 13, 13)]


def test_scenario_and_monte_carlo(client: TestClient) -> None:
    body = client.get("/v1/cables/scenario", params={"corridor": "luzon", "as_of": 2006}).json()
    assert len(body["cables_down"]) == 5 and body["impact"]["pairs_weakened"] > 0
    carlo = client.get("/v1/cables/montecarlo", params={"a": "TO", "b": "FJ", "failures": 1, "trials": 50}).json()
    assert carlo["trials"] == 50 and 0.9 <= carlo["probability_connected"] <= 1.0


def test_critical_next_summary_and_map(client: TestClient) -> None:
    critical = client.get("/v1/cables/critical", params={"region": "pacific-islands", "top": 2}).json()
    assert len(critical["cables"]) == 2
    proposal = client.get("/v1/cables/next", params={"target": "TO", "region": "pacific-islands"}).json()
    assert proposal["new_cables"][0]["pairs_raised"] > 0
    summary = client.get("/v1/cables/summary").json()
    assert summary["cables_up"] == 461 and "HK" in summary["places"]
    geo = client.get("/v1/cables/map.geojson", params={"a": "JP", "b": "TW"}).json()
    assert sum(1 for f in geo["features"] if f["properties"].get("cut")) == 11


def test_errors_are_clear(client: TestClient) -> None:
    response = client.get("/v1/cables/cut", params={"a": "JP", "b": "Atlantis"})
    assert response.status_code == 422 and "unknown place" in response.json()["detail"]
    response = client.get("/v1/cables/cut", params={"a": "JP", "b": "TW", "corridor": "atlantis"})
    assert response.status_code == 422 and "unknown corridor" in response.json()["detail"]


def test_leaflet_is_served_locally(client: TestClient) -> None:
    script = client.get("/cables/assets/leaflet.js")
    assert script.status_code == 200 and "Leaflet" in script.text[:300]
    assert client.get("/cables/assets/other.js").status_code == 404
