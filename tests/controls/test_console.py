"""The control-list pages in headless Chromium: look up a paragraph, search, the gap matrix with its filters,
what changed between two dates."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_entry_lookup_and_search(page: Page, live_server: str) -> None:
    page.goto(live_server + "/controls")
    assert page.locator("#lists tr[data-list='ccl']").inner_text().count("637") == 1
    page.fill("input[name=ref]", "3A090.a.2")
    page.click("button[type=submit]")
    page.wait_for_selector("#entry")
    text = page.locator("#entry-text").inner_text()
    assert "1600" in text and "5.92" in text
    assert page.locator("details.note summary").first.inner_text() == "Note 1 to 3A090.a:"
    assert "secondary" in page.locator("#crosswalk").inner_text()
    assert page.locator("#licence-requirements tr[data-applies='true']").count() == 2  # RS 3A090.a and AT
    screenshot(page, "controls-entry")
    page.goto(live_server + "/controls?q=extreme+ultraviolet&category=3B")
    hits = page.locator("ol.control-hits li").evaluate_all("els => els.map(e => e.dataset.reference)")
    assert "3B001.j.1" in hits
    page.locator("ol.control-hits li[data-reference='3B001.j.1'] a").click()
    page.wait_for_selector("#entry[data-reference='3B001.j.1']")
    screenshot(page, "controls-search")


def test_gap_matrix_with_filters(page: Page, live_server: str) -> None:
    page.goto(live_server + "/controls/gaps")
    row = page.locator("tr[data-family='3B001.a.4']")
    assert row.locator("td[data-jurisdiction='JP']").inner_text().splitlines()[:2] == ["controlled", "2023-07-23"]
    assert "2023-09-01" in row.locator("td[data-jurisdiction='NL']").inner_text()
    assert page.locator("tr[data-family='3B001.c.1.a'] .unconfirmed").count() > 1  # the row and its cells
    screenshot(page, "controls-gaps")
    page.fill("input[name=as_of]", "2023-08-31")
    page.select_option("select[name=show]", "unilateral")
    page.click("button[type=submit]")
    page.wait_for_selector("#gap-matrix")
    rows = page.locator("#gap-matrix tbody tr")
    assert rows.count() > 0 and rows.count() == page.locator("#gap-matrix tbody tr.unilateral").count()
    # On 2023-08-31, 3B001.a.4 is Japan's alone: the Dutch measure starts the next day, the US one in November.
    alone = page.locator("tr[data-family='3B001.a.4']")
    assert alone.locator("td[data-status='controlled']").evaluate_all("els => els.map(e => e.dataset.jurisdiction)") \
        == ["JP"]
    page.goto(live_server + "/controls/gaps?category=3A&jurisdiction=KR")
    families = page.locator("#gap-matrix tbody tr").evaluate_all("els => els.map(e => e.dataset.family)")
    assert "3A090.a" in families and "3A090.b" not in families
    page.goto(live_server + "/controls/gaps?as_of=2023-02-30x")
    assert "not a date" in page.locator(".error").inner_text()


def test_diff_page(page: Page, live_server: str) -> None:
    page.goto(live_server + "/controls/diff")
    assert "cells changed" in page.locator("#summary").inner_text()
    change = page.locator("#changes tr[data-jurisdiction='NL'][data-family='3B993.f.1']")
    assert "2024-09-07" in change.inner_text() and "not controlled → controlled" in change.inner_text()
    assert page.locator("#measures li").count() == 5
    screenshot(page, "controls-diff")


def test_japan_item_beside_the_ccl(page: Page, live_server: str) -> None:
    page.goto(live_server + "/controls")
    page.fill("input[name=ref]", "jp 7")
    page.click("button[type=submit]")
    page.wait_for_selector("#jp-item[data-item='7']")
    assert "（一）　集積回路" in page.locator("ol.jp-sentences").inner_text()
    assert page.locator("#jp-sme tbody tr").count() == 23
    assert page.locator("#jp-sme .unconfirmed").count() > 0
    screenshot(page, "controls-jp")
