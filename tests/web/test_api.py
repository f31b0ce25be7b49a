"""The HTTP API: POST /v1/screen and GET /v1/lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.web.app import create_app


@pytest.fixture(scope="module")
def client(kizuna_home: Path):  # type: ignore[no-untyped-def]
    with TestClient(create_app()) as client:
        yield client


def test_screen_one_party(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"name": "Hikvision", "country": "CN"})
    assert response.status_code == 200
    body = response.json()
    [result] = body["results"]
    assert result["hits"] and result["hits"][0]["name"].lower().startswith("hangzhou hikvision")
    assert body["threshold"] == 0.85 and body["snapshot"]


def test_screen_many_parties_in_order(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"parties": [
        {"id": "a", "name": "北京航空航天大学"}, {"id": "b", "name": "Toyota Motor Corporation"},
        {"id": "c", "name": "Kim Jong Un", "type": "person"}], "lists": ["jp-meti-eul", "us-ofac-sdn"]})
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", "b", "c"]
    assert results[0]["hits"][0]["list"] == "jp-meti-eul" and results[1]["hits"] == []
    assert results[2]["hits"][0]["list"] == "us-ofac-sdn"


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x", "parties": [{"name": "y"}]},
                                     {"name": "x", "threshold": 2}, {"parties": []}])
def test_invalid_requests_are_422(client: TestClient, payload: dict) -> None:
    assert client.post("/v1/screen", json=payload).status_code == 422


def test_bad_country_is_a_clear_422(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"name": "Hikvision", "country": "Atlantis"})
    assert response.status_code == 422 and "unknown country 'Atlantis'" in response.json()["detail"]


def test_lists_endpoint_and_openapi(client: TestClient) -> None:
    lists = client.get("/v1/lists").json()
    assert {item["code"] for item in lists["lists"]} >= {"us-bis-entity", "jp-meti-eul", "un-sc", "us-ofac-sdn"}
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/screen" in paths and "/v1/lists" in paths
