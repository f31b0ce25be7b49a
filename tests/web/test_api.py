"""The HTTP API: POST /v1/screen and GET /v1/lists; bad requests get a clear 4xx, never a 500."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from kizuna.screening.explain import render
from kizuna.screening.explain import to_dict as step_dict
from kizuna.screening.schemas import StepOut
from kizuna.web.app import create_app


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
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


def test_hits_carry_their_typed_steps_beside_the_words(client: TestClient) -> None:
    body = client.post("/v1/screen", json={"name": "Huawei Technologies Japan", "country": "JP", "limit": 3}).json()
    [hit, *_] = body["results"][0]["hits"]
    kinds = [step["step"] for step in hit["steps"]]
    assert kinds[0] == "query_path" and kinds[-1] == "score" and "shared" in kinds and "evidence" in kinds
    evidence = next(step for step in hit["steps"] if step["step"] == "evidence")
    assert evidence == {"step": "evidence", "fact": "country", "query": "JP", "listed": ["JP"], "agrees": True,
                        "change": 0.03}
    assert "parts" not in hit
    # The words are the steps rendered: the API's steps, read back, give the API's explanation.
    steps = TypeAdapter(list[StepOut]).validate_python(hit["steps"])
    assert render(steps) == hit["explanation"]
    assert [step_dict(s) for s in steps] == hit["steps"]


def test_screening_api_and_console_have_no_party_class_of_their_own() -> None:
    """The API reads parties into the core Party (its request item is PartyIn), as the command line does."""
    src = Path(__file__).parents[2] / "src" / "kizuna"
    files = [path for folder in ("web", "cli", "screening") for path in (src / folder).rglob("*.py")]
    found = [str(path.relative_to(src)) for path in files
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.ClassDef) and node.name == "Party"]
    assert found == []


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x", "parties": [{"name": "y"}]},
                                     {"name": "x", "threshold": 2}, {"parties": []}])
def test_invalid_requests_are_422(client: TestClient, payload: dict) -> None:
    assert client.post("/v1/screen", json=payload).status_code == 422


def _post(client: TestClient, body: str | bytes) -> httpx.Response:
    return client.post("/v1/screen", content=body, headers={"content-type": "application/json"})


@pytest.mark.parametrize(("body", "message"), [
    ('{"name": "Huawei", "lists": ["us-bis-entyty"]}', "unknown list 'us-bis-entyty'; did you mean 'us-bis-entity'"),
    ('{"name": "Huawei", "lists": ["us-bis-uvl"]}', "'us-bis-uvl' (Unverified List) has no entries"),
    ('{"name": "Huawei", "lists": []}', "field 'lists': no list code"),
    ('{"name": "Huawei", "threshold": NaN}', "threshold nan is not a score from 0 to 1"),
    ('{"name": "Huawei", "threshold": Infinity}', "threshold inf is not a score from 0 to 1"),
    ('{"name": "Huawei", "threshold": -1}', "threshold -1.0 is not a score from 0 to 1"),
    ('{"name": "Huawei", "limit": 0}', "field 'limit': limit 0 is not from 1 to 200"),
    ('{"name": "Huawei", "limit": -2}', "limit -2 is not from 1 to 200"),
    ('{"name": "Kim Jong Un", "birth_date": "not-a-date"}', "date of birth 'not-a-date' is not a date"),
    ('{"name": "   "}', "field 'name': empty name"),
    ('{"name": "\\ud800Huawei"}', "field 'name': character 1 is a lone surrogate (U+D800)"),
    ('{"parties": [{"name": "Huawei"}, {"name": "x", "id": "\\udcff"}]}', "field 'parties[1].id': character 1"),
    ('{"parties": [{"name": "Huawei"}, {"name": "x", "country": "Atlantis"}]}', "field 'parties[1].country': "
     "unknown country 'Atlantis'"),
    (json.dumps({"name": "ア" * 501}), "name of 501 characters is longer than the 500 allowed"),
])
def test_options_that_would_screen_less_are_422(client: TestClient, body: str, message: str) -> None:
    response = _post(client, body)
    assert response.status_code == 422 and message in response.json()["detail"]


@pytest.mark.parametrize("body", [
    '{"name": "Huawei", "type": "\\ud800"}',  # pydantic's own 422 echoes the value: escaped, not a 500
    '{"name": "Huawei", "threshold": "abc\\ud800"}',
    '{"name": "Huawei", "limit": 1e400}',
    '{"parties": [{"name": "x", "type": "\\ud800"}], "lists": {"\\ud800": 1}}',
    '{"name": "Huawei", "threshold": [Infinity]}',
])
def test_validation_errors_with_unencodable_input_are_422_not_500(client: TestClient, body: str) -> None:
    response = _post(client, body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list) and all({"loc", "msg"} <= set(error) for error in detail)


def test_bodies_that_do_not_parse_are_4xx(client: TestClient) -> None:
    assert _post(client, b'{"name": "\xff\xfe"}').status_code == 400
    assert _post(client, b"[" * 200_000 + b"]" * 200_000).status_code == 400


def test_the_work_of_one_request_is_bounded(client: TestClient) -> None:
    too_many = client.post("/v1/screen", json={"parties": [{"name": "Huawei"}] * 1001})
    assert too_many.status_code == 413 and "1,001 parties in one request; at most 1,000" in too_many.json()["detail"]
    too_long = client.post("/v1/screen", json={"parties": [{"name": "ア" * 300}] * 100})
    assert too_long.status_code == 413 and "30,000 characters in all; at most 20,000" in too_long.json()["detail"]
    huge = _post(client, json.dumps({"name": "x" * 1_500_000}))
    assert huge.status_code == 413 and "request body larger than 1,000,000 bytes" in huge.json()["detail"]

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "Huawei", "pad": "'
        for _ in range(150):
            yield b"x" * 10_000
        yield b'"}'

    chunked = client.post("/v1/screen", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    fine = client.post("/v1/screen", json={"parties": [{"name": "Hikvision"}] * 1000, "limit": 1})
    assert fine.status_code == 200 and len(fine.json()["results"]) == 1000


def test_bad_country_is_a_clear_422(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"name": "Hikvision", "country": "Atlantis"})
    assert response.status_code == 422 and "unknown country 'Atlantis'" in response.json()["detail"]


def test_lists_endpoint_and_openapi(client: TestClient) -> None:
    lists = client.get("/v1/lists").json()
    assert {item["code"] for item in lists["lists"]} >= {"us-bis-entity", "jp-meti-eul", "un-sc", "us-ofac-sdn"}
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/screen" in paths and "/v1/lists" in paths
    assert {"413", "422"} <= set(paths["/v1/screen"]["post"]["responses"])
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    steps = schemas["HitOut"]["properties"]["steps"]["items"]
    assert steps["discriminator"]["propertyName"] == "step"
    assert {"QueryPath", "Shared", "Coverage", "EvidenceAdjustment", "CrossListLink", "FinalScore"} <= set(schemas)
    assert "PartyIn" in schemas and "Party" not in schemas


def test_api_pages_load_their_assets_from_kizuna_not_a_cdn(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "/static-docs/" in html and "cdn." not in html and "fonts.googleapis" not in html
    assert client.get("/static-docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static-docs/swagger-ui.css").status_code == 200
