"""Console results: one party per group of linked entries, exports that carry their run and are safe to open."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.lists.store import SnapshotStore
from kizuna.screening.model import Query
from kizuna.screening.screener import Screener
from kizuna.web.app import create_app
from kizuna.web.results import Run, group_hits, to_csv


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+1+1 Huawei", "-2+3 ZTE", "@SUM(A1) Hikvision"])
def test_exported_csv_neutralises_formula_cells(client: TestClient, payload: str) -> None:
    # The query is echoed in the run's metadata rows: a spreadsheet must see it as text, not run it.
    response = client.get("/results.csv", params={"q": payload})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert ["query_name", "'" + payload] in rows


def test_plain_cells_are_left_alone(client: TestClient) -> None:
    response = client.get("/results.csv", params={"q": "Huawei Technologies Co., Ltd."})
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert ["query_name", "Huawei Technologies Co., Ltd."] in rows


def test_linked_entries_are_one_party_with_every_list(screener: Screener) -> None:
    hits = screener.screen(Query("ファーウェイ"), None, 100)
    snapshot = SnapshotStore().open(screener.snapshot_id)
    try:
        groups = group_hits(screener.index, snapshot, hits)
    finally:
        snapshot.close()
    assert sum(len(g.members) for g in groups) == len(hits) and len(groups) < len(hits)
    holding = next(g for g in groups if g.best.hit.name.startswith("Huawei Investment & Holding"))
    assert set(holding.lists) == {"us-dod-1260h", "us-ofac-eo14032", "us-ofac-nonsdn", "us-ofac-nscmic"}
    assert len(set(holding.lists)) == len(holding.lists)  # a party is on each list once
    technologies = next(g for g in groups if g.best.hit.name == "Huawei Technologies Co., Ltd.")
    entity = next(m for m in technologies.members if m.hit.list_code == "us-bis-entity")
    assert entity.entry.citation == "84 FR 22963, 5/21/19" and entity.entry.addresses
    assert "For all items subject to the EAR" in (entity.entry.remarks or "")
    # Parties come in the order of their best hit.
    assert [g.score for g in groups] == sorted((g.score for g in groups), reverse=True)


def test_csv_export_neutralises_a_listed_formula(screener: Screener) -> None:
    snapshot = SnapshotStore().open(screener.snapshot_id)
    try:
        hits = screener.screen(Query("Hikvision"), None, 5)
        groups = group_hits(screener.index, snapshot, hits)
        groups[0].members[0].hit.name = "=HYPERLINK(\"http://x\")"
        text = to_csv(Run({"name": "@Hikvision"}, snapshot.id, 0.85, snapshot.lists()), groups)
    finally:
        snapshot.close()
    rows = list(csv.reader(io.StringIO(text)))
    assert ["query_name", "'@Hikvision"] in rows
    header = rows.index(next(r for r in rows if r[:2] == ["party", "score"]))
    assert rows[header + 1][4] == "'=HYPERLINK(\"http://x\")"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_export_endpoints_carry_the_run(client: TestClient) -> None:
    response = client.get("/results.csv", params={"q": "ファーウェイ", "threshold": "0.9"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    meta = {r[0]: r[1] for r in rows[: rows.index([])]}
    assert meta["threshold"] == "0.90" and meta["kizuna_version"] and meta["snapshot"] and meta["screened_at"]
    assert meta["list us-bis-entity"].startswith("2026-07 (3409 entries; https://")
    data = client.get("/results.json", params={"q": "ファーウェイ", "lists": ["us-bis-entity"]}).json()
    assert [item["code"] for item in data["lists"]] == ["us-bis-entity"] and data["kizuna_version"]
    assert data["parties"] and all(h["list"] == "us-bis-entity" for p in data["parties"] for h in p["hits"])
    assert data["parties"][0]["hits"][0]["entry"]["provenance"]["official_url"].startswith("https://")
    assert data["parties"][0]["hits"][0]["entry_page"].startswith("http://testserver/entries/us-bis-entity/")
    json.dumps(data)


def test_export_refuses_what_it_cannot_screen(client: TestClient) -> None:
    unloaded = client.get("/results.json", params={"q": "Huawei", "lists": ["us-bis-uvl"]})
    assert unloaded.status_code == 422 and "not loaded: us-bis-uvl" in unloaded.json()["detail"]
    assert client.get("/results.csv", params={"q": "Huawei", "threshold": "nan"}).status_code == 422
    assert client.get("/results.csv", params={"q": "  "}).status_code == 422


def test_entry_page_and_missing_entry(client: TestClient) -> None:
    page = client.get("/entries/us-bis-entity/af73d6fc364fb448")
    assert page.status_code == 200 and "Huawei Technologies Co., Ltd." in page.text
    assert "84 FR 22963" in page.text and "bis_entity_list.json" in page.text
    assert 'href="/entries/us-fcc-covered/' in page.text  # the same party on another list
    assert client.get("/entries/us-bis-entity/nope").status_code == 404


def test_a_cut_result_says_so(client: TestClient) -> None:
    cut = client.get("/", params={"q": "Huawei", "threshold": "0.5"}).text
    assert 'id="limited"' in cut and "Only the best 50 hits are shown" in cut
    assert 'id="limited"' not in client.get("/", params={"q": "Hikvision"}).text
