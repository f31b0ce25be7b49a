"""The supply-chain API and console page: upload, results, errors, and the page in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from kizuna.web.app import create_app
from tests.conftest import screenshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supplychain"
DEVICES = FIXTURES / "covered" / "devices.csv"
HBOM = FIXTURES / "covered" / "camera-hbom.cdx.json"


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def test_api_scan(client: TestClient) -> None:
    response = client.post("/v1/supplychain/scan", files=[("files", ("devices.csv", DEVICES.read_bytes())),
                                                         ("files", ("hbom.json", HBOM.read_bytes()))],
                           data={"without_country": "CN"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert {f["component"] for f in data["findings"]} >= {"cam-001", "cam-002", "av", "wifi"}
    assert data["files"][0]["file"] == "devices.csv"
    assert data["scenarios"][0]["unavailable"] == "CN"
    assert any(c["class"] == "power" and c["supplier_hhi"] == 5556 for c in data["concentration"])


def test_api_bad_upload_names_the_senders_file(client: TestClient) -> None:
    response = client.post("/v1/supplychain/scan", files=[("files", ("mine.csv", b"id,mac\nx,nope\n"))])
    assert response.status_code == 422
    assert "mine.csv, line 2, field 'mac'" in response.text and "/tmp/" not in response.text


def test_page_renders(client: TestClient) -> None:
    response = client.get("/supplychain")
    assert response.status_code == 200 and 'name="files"' in response.text


def test_console_page_upload_and_results(page: Page, live_server: str) -> None:
    page.goto(live_server + "/supplychain")
    page.set_input_files("input[type=file]", [str(DEVICES), str(HBOM)])
    page.fill("input[name=without_country]", "CN")
    page.click("button:has-text('Scan')")
    page.wait_for_selector("#findings")
    assert "finding(s)" in page.locator("#outcome").inner_text()
    row = page.locator("tr[data-component='cam-002']")
    assert "Dahua" in row.inner_text() and "FCC Covered List" in row.inner_text()
    assert page.locator("tr.review[data-component='nvr-005']").count() == 1
    assert "Acme Dome Camera D2" in page.locator("p.scenario").inner_text()
    screenshot(page, "supplychain-scan")
    page.goto(live_server + "/supplychain")
    bad = FIXTURES.parent.parent / "supplychain" / "test_cli.py"  # not an inventory: no id column
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('Scan')")
    assert "missing column: id" in page.locator("p.error").inner_text()
