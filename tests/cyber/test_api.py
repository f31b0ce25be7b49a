"""The /v1/cyber API through FastAPI's TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.cyber import service
from kizuna.cyber.rules import load_rules
from kizuna.cyber.store import CyberStore
from kizuna.web.app import create_app


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def all_requirements(**overrides: str) -> list[dict[str, str]]:
    return [{"requirement_id": rid, "status": overrides.get(rid.replace(".", "_"), "met")}
            for rid in load_rules().weights]


def test_score_endpoint(client: TestClient) -> None:
    body = {"assessed_on": "2026-03-01", "answers": all_requirements(**{"3_5_3": "partial", "3_1_3": "not_met"})}
    data = client.post("/v1/cyber/score", json=body).json()
    assert data["sprs_score"] == 110 - 3 - 1
    assert data["cmmc_level2_status"] == "not_eligible"  # 3.5.3's partial case is worth 3: no POA&M
    assert data["to_conditional"][0]["requirement_id"] == "3.5.3"


def test_score_endpoint_errors_name_the_answer(client: TestClient) -> None:
    body = {"answers": [{"objective_id": "3.1.1[a]", "status": "met"}, {"objective_id": "3.1.1[a]", "status": "met"}]}
    response = client.post("/v1/cyber/score", json=body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("answers, line 2, field 'objective_id': objective 3.1.1[a] answered "
                                                "twice")
    assert client.post("/v1/cyber/score", json={"catalog": "nope", "answers": body["answers"]}).status_code == 404


def test_assessment_answers_history_poam_oscal(client: TestClient) -> None:
    created = client.post("/v1/cyber/assessments", json={
        "organization": "Kita Optics", "system": "Design office", "assessed_on": "2026-04-01"}).json()
    url = f"/v1/cyber/assessments/{created['id']}"
    first = client.put(f"{url}/answers", json=all_requirements(**{"3_1_3": "not_met"})).json()
    assert first["revision"] == 1 and first["sprs_score"] == 109
    bad = client.put(f"{url}/answers", json=[{"requirement_id": "3.12.4", "status": "not_applicable"}])
    assert bad.status_code == 422 and "cannot be not_applicable" in bad.json()["detail"]
    second = client.put(f"{url}/answers", json=all_requirements()).json()
    assert second["revision"] == 2 and second["cmmc_level2_status"] == "final"
    history = client.get(f"{url}/history").json()
    assert [(h["revision"], h["sprs_score"]) for h in history] == [(1, 109), (2, 110)]
    with CyberStore() as store:  # the API's history is the service's, as the CLI prints it
        assert history == service.history(store, created["id"])
    assert client.get(url, params={"revision": 1}).json()["sprs_score"] == 109
    # a POA&M of the final revision is empty; of a revision with gaps it is not
    client.put(f"{url}/answers", json=all_requirements(**{"3_1_3": "not_met", "3_3_3": "not_met"}))
    items = client.post(f"{url}/poam", json={"owner": "CISO", "owners": {"AU": "Log team"}, "due_days": 90}).json()
    assert [(i["requirement_id"], i["owner"], i["due_date"]) for i in items] == [
        ("3.1.3", "CISO", "2026-06-30"), ("3.3.3", "Log team", "2026-06-30")]
    poam = client.get(f"{url}/oscal/poam").json()
    assert len(poam["plan-of-action-and-milestones"]["poam-items"]) == 2
    results = client.get(f"{url}/oscal/assessment-results").json()
    assert results["assessment-results"]["results"][0]["props"][1] == {
        "name": "sprs-score", "ns": "urn:kizuna:oscal:cyber", "value": "108"}
    assert client.get("/v1/cyber/assessments/99999").status_code == 404


def test_registry_api_filters(client: TestClient) -> None:
    for name, country, score, status, day in [
        ("Hangzhou Hikvision Digital Technology Co., Ltd.", "CN", 110, "final", "2026-02-01"),
        ("Minato Composites", "JP", 110, "final", "2026-05-01"),
        ("Ohio Avionics LLC", "US", 91, "conditional", "2026-06-01"),
        ("Old Forge Metals", "US", 110, "final", "2022-01-10"),
    ]:
        response = client.post("/v1/cyber/registry", json={"name": name, "country": country, "sector": "aerospace",
                                                           "sprs_score": score, "cmmc_status": status,
                                                           "assessed_on": day})
        assert response.status_code == 201
    rows = {r["name"]: r for r in client.get("/v1/cyber/registry").json()}
    assert rows["Hangzhou Hikvision Digital Technology Co., Ltd."]["trusted"] is False
    hikvision = rows["Hangzhou Hikvision Digital Technology Co., Ltd."]
    hit = hikvision["screening"]["hits"][0]
    assert hit["source_url"] and hit["explanation"] and hit["matched_name"] and 0 < hit["score"] <= 1
    assert hikvision["party"]["kind"] == "organization" and hikvision["party"]["country"] == "CN"
    assert hikvision["party"]["source"] == f"cyber registry, company {hikvision['company_id']}"
    assert rows["Old Forge Metals"]["trusted"] is False and "days old" in rows["Old Forge Metals"]["why"][0]
    assert rows["Minato Composites"]["trusted"] is True
    found = client.get("/v1/cyber/registry", params={"min_score": 100, "country": "US"}).json()
    assert "Old Forge Metals" in [r["name"] for r in found] and "Ohio Avionics LLC" not in [r["name"] for r in found]
    assert all(r["country"] == "US" and r["sprs_score"] >= 100 for r in found)
    names = [r["name"] for r in client.get("/v1/cyber/registry", params={"status": "conditional"}).json()]
    assert "Ohio Avionics LLC" in names and "Minato Composites" not in names
    assert client.get("/v1/cyber/registry", params={"status": "gold"}).status_code == 422
    bad = client.post("/v1/cyber/registry", json={"name": "X", "country": "Atlantis", "sector": "aerospace",
                                                  "sprs_score": 100, "cmmc_status": "conditional",
                                                  "assessed_on": "2026-01-01"})
    assert bad.status_code == 422 and "unknown country" in bad.json()["detail"]


def test_every_cyber_route_has_a_response_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = [(path, method, op) for path, item in paths.items() if path.startswith("/v1/cyber/")
                  for method, op in item.items()]
    assert len(operations) == 11
    for path, method, op in operations:
        status = "201" if method == "post" and path in ("/v1/cyber/assessments", "/v1/cyber/registry") else "200"
        schema = op["responses"][status]["content"]["application/json"]["schema"]
        assert schema.get("$ref") or schema.get("items", {}).get("$ref") or schema.get("type") == "object", path
