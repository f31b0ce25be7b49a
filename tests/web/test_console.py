"""The console in a real headless Chromium: search, read the hits, follow the sources; the list page."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_search_shows_ranked_explained_hits(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/")
    page.fill("input[name=q]", "北京航空航天大学")
    page.click("button[type=submit]")
    page.wait_for_selector("ol.hits li.hit")
    first = page.locator("li.hit").first
    assert "Beijing University of Aeronautics and Astronautics" in first.locator(".name").inner_text()
    assert "北京航空航天大学" in first.locator(".why").inner_text()
    link = first.locator("a", has_text="official source")
    assert link.get_attribute("href").startswith("https://www.meti.go.jp/")
    assert "1 hit" in page.locator("#summary").inner_text() or "hits" in page.locator("#summary").inner_text()
    screenshot(page, "console-search")


def test_search_with_no_hits_says_so(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/?q=Toyota+Motor+Corporation")
    assert "0 hits" in page.locator("#summary").inner_text()
    assert "This is not clearance" in page.locator(".none").inner_text()


def test_list_filter_and_bad_country(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/")
    page.fill("input[name=q]", "Hikvision")
    page.click("details.lists summary")
    page.check("input[value='us-dod-1260h']")
    page.click("button[type=submit]")
    page.wait_for_selector("li.hit")
    assert set(page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.list)")) == {"us-dod-1260h"}
    page.goto(live_server + "/?q=Hikvision&country=Atlantis")
    assert "unknown country" in page.locator(".error").inner_text()


def test_lists_page_shows_counts_dates_and_sources(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/lists")
    row = page.locator("tr[data-code='jp-meti-eul']")
    assert "835" in row.inner_text() and "2025-09-29" in row.inner_text()
    assert page.locator("tbody tr").count() == 16
    screenshot(page, "console-lists")
