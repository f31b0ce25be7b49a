"""The service is the one result behind the CLI and the API: the same summary, the same default region."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.cables import bench, service
from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled
from kizuna.web.app import create_app
from tests.conftest import kizuna


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def test_cli_json_and_api_json_of_the_summary_are_equal(client: TestClient, tmp_path: Path) -> None:
    cli = json.loads(kizuna("cables", "summary", "--as-of", "2015", "--json", home=tmp_path).stdout)
    api = client.get("/v1/cables/summary", params={"as_of": 2015}).json()
    assert cli == api
    concern = cli["concern"]
    assert cli["region"] == "indo-pacific" and concern["matched_names"]["HMN Tech"] == ["hmn-tech"]
    # A cable may have a supplier and an owner of concern: the roles together count it at least once.
    assert 0 < max(concern["by_role"].values()) <= concern["cables"] <= sum(concern["by_role"].values())


def test_the_default_region_is_the_data_files(client: TestClient) -> None:
    assert service.default_region() == read_yaml(bundled("cables", "regions.yaml"))["default"] == "indo-pacific"
    # The summary (its single points of failure are the region's), not the ranking: the same default for a
    # tenth of the time.
    default = client.get("/v1/cables/summary").json()
    assert default["region"] == "indo-pacific"
    assert default == client.get("/v1/cables/summary", params={"region": "indo-pacific"}).json()
    assert default != client.get("/v1/cables/summary", params={"region": "all"}).json()


def test_every_cables_route_has_a_response_model(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    routes = [p for p in paths if p.startswith("/v1/cables/")]
    assert len(routes) == 8
    for path in routes:
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, path
    next_cable = client.get("/v1/cables/next", params={"target": "TO", "region": "pacific-islands", "top": 1}).json()
    assert set(next_cable["new_cables"][0]) >= {"from", "to", "pairs_raised"}  # the alias, not from_


def test_the_benchmark_lives_in_the_capability(tmp_path: Path) -> None:
    result = bench.run(check=20)
    assert result.mismatches == 0 and result.checked == 20
    assert result.pairs_total == len(result.places) * (len(result.places) - 1) // 2
    assert result.value("JP", "TW") is not None and result.shown_pairs(3)[0] == ("JP", "TW")
    assert result.median_overstatement() >= 1.0
    assert result.write_csv(tmp_path / "table.csv") == result.pairs_total
