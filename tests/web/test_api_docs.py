"""The API's documentation page in headless Chromium with every request off the loopback refused (offline)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_docs_render_the_operations_offline(page: Page, live_server: str) -> None:
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(live_server + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/v1/screen" in paths and "/v1/lists" in paths
    assert "Kizuna" in page.locator(".info").inner_text()
    assert outside == []
    screenshot(page, "api-docs")
