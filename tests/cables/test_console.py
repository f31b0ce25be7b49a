"""The console page in headless Chromium: the map renders offline, the cut and the pair table read right."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_cables_page_map_and_pair_table(page: Page, live_server: str) -> None:
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server)
            and not r.url.startswith("data:") else None)
    page.goto(live_server + "/cables")
    assert "min-cut 11 cables" in page.locator("#cut-summary").inner_text()
    page.wait_for_selector("#map .leaflet-overlay-pane path")
    # The cut set is drawn highlighted: one orange path per cut cable route.
    highlighted = page.locator("#map path[stroke='#ff8c00']").count()
    assert highlighted >= 11
    assert page.locator("#cut-table tbody tr").count() == 11
    row = page.locator("#pair-table tr[data-pair='JP-TW']")
    assert [row.locator(f"td[data-col='{c}']").inner_text() for c in
            ("all", "no_transit", "trusted", "trusted_no_transit")] == ["11", "9", "3", "3"]
    assert "TeleGeography" in page.locator("#attribution").inner_text()
    assert external == []  # works offline: no CDN, no tiles
    screenshot(page, "cables-console")


def test_cables_page_form(page: Page, live_server: str) -> None:
    page.goto(live_server + "/cables")
    page.fill("input[name=b]", "PH")
    page.select_option("select[name=corridor]", "luzon")
    page.check("input[name=exclude_concern]")
    page.click("button[type=submit]")
    page.wait_for_selector("#cut-summary")
    summary = page.locator("#cut-summary").inner_text()
    assert "Japan – Philippines" in summary and "corridor failed: luzon" in summary
    # Leaflet draws the routes after the page's load event: wait for them before counting.
    page.wait_for_selector("#map .leaflet-overlay-pane path", state="attached")
    assert page.locator("#map path[stroke-dasharray]").count() > 0  # failed cables dashed
    screenshot(page, "cables-console-luzon")
    page.goto(live_server + "/cables?a=JP&b=Atlantis")
    assert "unknown place" in page.locator(".error").inner_text()
