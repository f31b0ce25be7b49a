"""The HTTP API through FastAPI's test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.ownership.report import assess, investor_note
from kizuna.ownership.store import load_and_save, open_graph
from kizuna.web.app import create_app
from tests.ownership.conftest import EXAMPLES, GRAPHS


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> TestClient:
    load_and_save(GRAPHS / "deal.csv", "deal-api")
    return TestClient(create_app())


def test_regimes_and_graphs(client: TestClient) -> None:
    regimes = client.get("/v1/ownership/regimes").json()
    assert {r["code"] for r in regimes} >= {"eu-amlr", "jp-fefta"}
    assert "deal-api" in {g["name"] for g in client.get("/v1/ownership/graphs").json()}


def test_share_ubo_check(client: TestClient) -> None:
    share = client.get("/v1/ownership/graphs/deal-api/share", params={"owner": "harbour", "owned": "kpkk",
                                                                     "regime_code": "us-ofac-50"}).json()
    assert share["share"] == pytest.approx(6.0) and share["regime"] == "us-ofac-50"
    ubo = client.get("/v1/ownership/graphs/deal-api/ubo", params={"target": "harbour",
                                                                 "regime_code": "us-ofac-50"}).json()
    assert ubo["answer"] == "yes"
    check = client.get("/v1/ownership/graphs/deal-api/check", params={"target": "kpkk"}).json()
    assert check["target_name"] == "Kizuna Precision KK"
    assert {p["name"] for p in check["parties"] if p["screening"]["hits"]} == {"Bank Rossiya", "Rosoboronexport"}


def test_upload_and_errors(client: TestClient) -> None:
    with (EXAMPLES / "indirect-ownership.json").open("rb") as handle:
        stored = client.post("/v1/ownership/graphs", files={"file": ("indirect.json", handle)},
                             data={"name": "indirect"}).json()
    assert stored["source_format"] == "bods" and stored["claims"] == 1
    bad = client.post("/v1/ownership/graphs", files={"file": ("bad.csv", b"owner,owned,share\nA,B,x\n")})
    assert bad.status_code == 422 and "line 2" in bad.json()["detail"]
    # The error names the file as uploaded, never the server's temporary copy.
    assert bad.json()["detail"].startswith("bad.csv, line 2") and "/tmp" not in bad.json()["detail"]
    assert client.get("/v1/ownership/graphs/nothing/check", params={"target": "x"}).status_code == 404


def test_invest_check_with_note(client: TestClient) -> None:
    body = {"graph": "deal-api", "target": "kpkk", "investor": "harbour", "stake": 5, "regime": "jp-fefta",
            "sectors": ["semiconductors"], "note": True}
    result = client.post("/v1/invest/check", json=body).json()
    assert result["required"] == "yes" and result["note"]["kind"] == "kizuna.investor-note"
    body = {"graph": "deal-api", "target": "kpkk", "investor": "harbour", "stake": 30, "regime": "us-cfius",
            "tid": ["critical-technologies"], "rights": ["board"]}
    assert client.post("/v1/invest/check", json=body).json()["required"] == "undetermined"
    for spelling in ("export_licence", "export_license"):  # the old spelling is still accepted
        assert client.post("/v1/invest/check", json={**body, spelling: True}).json()["required"] == "yes"


def test_investor_note_is_plain_data(client: TestClient) -> None:
    import json

    note = investor_note(assess(open_graph("deal-api"), "harbour"))
    json.dumps(note)  # plain JSON-ready data for the exchange
    assert note["investor"]["id"] == "harbour"
    assert {e["owner"] for e in note["chain"]["edges"]} == {"brossiya", "rosob", "tanaka"}
    assert any("Bank Rossiya" in c for c in note["concerns"])
    assert {c["id"] for c in note["citations"]} >= {"ofac-50-2014", "amlr-52-1"}
