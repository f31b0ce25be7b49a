"""The impact of a proposed control over the API (GET on shipped data, POST with an upload) and the console form,
the form driven in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from kizuna.web.app import create_app
from tests.conftest import screenshot

BACI = Path(__file__).resolve().parents[1] / "fixtures" / "controls_impact" / "baci_sme.csv"


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def test_get_on_the_shipped_taiwan_data(client: TestClient) -> None:
    response = client.get("/v1/controls/impact", params={"hs": "854239", "to": "CN", "adopters": "TW",
                                                         "year": 2024})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["total_value"] == pytest.approx(40.826e9, rel=1e-4) and data["covered_share"] == 1.0
    assert data["trade"]["dataset"] == "taiwan-8542" and "rows" not in data


def test_get_compare_gives_rows(client: TestClient) -> None:
    response = client.get("/v1/controls/impact", params=[("hs", "854231"), ("to", "CN,HK"), ("compare", "US,JP"),
                                                         ("compare", "US,JP,TW"), ("year", "2024")])
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [(r["destination"], r["adopters"], r["covered_share"]) for r in rows] == [
        ("CN", ["US", "JP"], 0.0), ("CN", ["US", "JP", "TW"], 1.0),
        ("HK", ["US", "JP"], 0.0), ("HK", ["US", "JP", "TW"], 1.0)]


def test_post_an_upload_is_the_same_answer_as_the_command(client: TestClient) -> None:
    response = client.post("/v1/controls/impact", files={"file": ("my-baci.csv", BACI.read_bytes(), "text/csv")},
                           data={"hs": "848620", "to": "CN", "compare": "US,JP US,JP,NL", "tariff_equivalent": "0.25"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert [r["covered_value"] for r in data["rows"]] == [700_000, 900_000]
    assert data["rows"][0]["diversion"]["diverted_value"] == pytest.approx(325_837.6, abs=0.1)
    assert data["trade"] == {"file": "my-baci.csv"}


def test_a_bad_upload_is_a_422_naming_the_senders_file(client: TestClient) -> None:
    bad = b"t,i,j,k,v,q\n2023,842,156,848620,lots,1\n"
    response = client.post("/v1/controls/impact", files={"file": ("mine.csv", bad, "text/csv")},
                           data={"hs": "848620", "to": "CN", "adopters": "US"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("mine.csv, line 2, field 'v'")
    assert client.get("/v1/controls/impact", params={"to": "CN", "adopters": "TW"}).status_code == 422


def test_the_console_names_a_bad_upload_by_the_senders_file(client: TestClient) -> None:
    bad = b"t,i,j,k,v,q\n2023,842,156,848620,lots,1\n"
    response = client.post("/controls/impact", files={"file": ("mine.csv", bad, "text/csv")},
                           data={"hs": "848620", "to": "CN", "adopters": "US"})
    assert response.status_code == 422
    assert "mine.csv, line 2, field &#39;v&#39;: &#39;lots&#39; is not a number" in response.text
    assert "kizuna-upload-" not in response.text  # never the server's temporary path
    # Without a file the form answers on the shipped dataset it names.
    shipped = client.post("/controls/impact", data={"hs": "854231", "to": "HK", "adopters": "TW", "year": "2024"})
    assert shipped.status_code == 200 and "10.38 bn" in shipped.text


def test_the_console_form_in_chromium(page: Page, live_server: str) -> None:
    page.goto(live_server + "/controls/impact")
    assert page.locator("nav a[aria-current='page']").inner_text() == "Control impact"
    page.fill("input[name=hs]", "848620")
    page.fill("input[name=to]", "CN,HK")
    page.fill("input[name=compare]", "US,JP US,JP,NL")
    page.fill("input[name=tariff_equivalent]", "0.25")
    page.set_input_files("input[name=file]", str(BACI))
    page.click("button[type=submit]")
    row = page.locator("tr[data-row='CN-848620-US,JP']")
    assert row.locator("[data-col=total]").inner_text() == "1.00 m"
    assert row.locator("[data-col=covered_share]").inner_text() == "70.0%"
    assert row.locator("[data-col=foreign]").inner_text() == "30.0%"
    assert row.locator("[data-col=diverted]").inner_text() == "0.33 m"
    assert "NL 20.0%" in row.inner_text()
    assert page.locator("tr[data-row='CN-848620-US,JP,NL'] [data-col=covered_share]").inner_text() == "90.0%"
    assert "ln(1 + T)" in page.locator("#impact-model").inner_text()
    assert "Hong Kong" in page.locator("#impact-not-captured").inner_text()
    screenshot(page, "controls-impact-upload")


def test_the_console_on_shipped_data_and_a_bad_code(page: Page, live_server: str) -> None:
    page.goto(live_server + "/controls/impact?eccn=3A090&to=CN&adopters=US,JP&compare=US,JP,TW&year=2024")
    assert page.locator("tr[data-row='CN-854239-US,JP,TW'] [data-col=covered_share]").inner_text() == "100.0%"
    assert "one exporter only" in page.locator("#impact-notes").inner_text()
    assert "not a legal concordance" in page.locator("#impact-indicative").inner_text()
    screenshot(page, "controls-impact-taiwan")
    page.goto(live_server + "/controls/impact?hs=854231&to=China&adopters=TW")
    assert "not an ISO alpha-2 country code" in page.locator("p.error").inner_text()
    page.goto(live_server + "/controls/impact?hs=854231&to=HK&adopters=TW&year=2024&lang=ja")
    assert page.locator("h1").inner_text() == "規制案の影響"
    assert page.locator("[data-col=total]").inner_text() == "10.38 bn"  # data is not translated
    screenshot(page, "controls-impact-ja")
