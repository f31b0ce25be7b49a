"""The ownership page in real headless Chromium: the drawn graph, highlighted listed parties, regime answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import bounds, kizuna, screenshot
from tests.ownership.conftest import EXAMPLES, GRAPHS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def loaded(kizuna_home: Path) -> None:
    kizuna("ownership", "load", str(GRAPHS / "deal.csv"), "--name", "deal-page", home=kizuna_home)


def test_graph_page_draws_owners_shares_and_listed_parties(page: Page, live_server: str, loaded: None) -> None:
    page.goto(live_server + "/ownership")
    page.select_option("select[name=graph]", "deal-page")
    page.wait_for_selector("select[name=target]")
    page.select_option("select[name=target]", "kpkk")
    page.fill("input[name=as_of]", "2026-03-01")
    page.click("button:has-text('Assess')")
    page.wait_for_selector("svg#ownership-graph")
    assert page.locator("#target-name").inner_text() == "Kizuna Precision KK"
    nodes = page.locator("svg#ownership-graph g.node")
    assert nodes.count() == 8
    listed = set(page.locator("g.node.listed").evaluate_all("els => els.map(e => e.dataset.id)"))
    assert listed == {"brossiya", "rosob"}
    flagged = set(page.locator("g.node.flagged").evaluate_all("els => els.map(e => e.dataset.id)"))
    assert flagged == {"harbour"}
    labels = page.locator("g.link .share").evaluate_all("els => els.map(e => e.textContent)")
    assert "30 %" in labels and "20–30 %" in labels
    assert page.locator("g.link.back").count() >= 1  # the Kizuna Precision / Kizuna Trading cross-holding
    # nodes do not overlap
    boxes = page.locator("g.node rect").evaluate_all("els => els.map(e => { const b = e.getBoundingClientRect(); "
                                                      "return [b.x, b.y, b.width, b.height]; })")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
    row = page.locator("tr[data-regime='us-bis-affiliates']")
    assert "suspended" in row.inner_text()
    assert "blocked" in page.locator("#statuses").inner_text()
    assert (page.locator("tr[data-regime='jp-fefta'] a").first.get_attribute("href") or "").startswith("https://")
    screenshot(page, "ownership-graph")


def test_page_upload_and_bad_file(page: Page, live_server: str, kizuna_home: Path, tmp_path: Path) -> None:
    page.goto(live_server + "/ownership")
    page.set_input_files("input[type=file]", str(EXAMPLES / "bods-package-fi-soe.json"))
    page.fill("input[name=name]", "soe-page")
    page.click("button:has-text('Load')")
    page.wait_for_url("**/ownership?graph=soe-page")
    page.select_option("select[name=target]", "19f1c5afe9d7")
    page.click("button:has-text('Assess')")
    page.wait_for_selector("svg#ownership-graph")
    assert page.locator("g.node.kind-state").count() == 2
    assert "matches with control attributed" in page.locator("#claims").inner_text()
    screenshot(page, "ownership-soe")
    bad = tmp_path / "bad.csv"
    bad.write_text("owner,owned\nA,B\n")
    page.goto(live_server + "/ownership")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('Load')")
    assert "header must include" in page.locator(".error").inner_text()
    error = page.locator(".error").inner_text()
    assert error.startswith("bad.csv") and "/tmp" not in error


def test_answers_are_coloured_by_meaning(page: Page, live_server: str, loaded: None) -> None:
    page.goto(live_server + "/ownership?graph=deal-page&target=kpkk&as_of=2026-03-01")
    # EU AMLR YES (beneficial owners found) is a finding, not a warning; OFAC 50 % YES means the target is blocked.
    amlr, ofac = page.locator("tr[data-regime='eu-amlr']"), page.locator("tr[data-regime='us-ofac-50']")
    assert amlr.get_attribute("data-meaning") == "finding" and "YES" in amlr.locator("td.answer").inner_text()
    assert ofac.get_attribute("data-meaning") in ("adverse", "clear")
    colour = amlr.locator("td.answer").evaluate("e => getComputedStyle(e).color")
    assert colour == page.locator("body").evaluate("e => getComputedStyle(e).color")


def test_graph_labels_fit_and_do_not_collide(page: Page, live_server: str, loaded: None) -> None:
    page.goto(live_server + "/ownership?graph=deal-page&target=kpkk&as_of=2026-03-01")
    page.wait_for_selector("svg#ownership-graph")
    # Every name is drawn whole inside its box (as the browser measures it), and no two share labels overlap.
    for node in page.locator("svg#ownership-graph g.node").all():
        box = bounds(node.locator("rect"))
        for text in node.locator("text").all():
            drawn = bounds(text)
            assert drawn["x"] + drawn["width"] <= box["x"] + box["width"] + 0.5, node.get_attribute("data-id")
        assert "…" not in (node.locator("text.name").text_content() or "")
    labels = [bounds(t) for t in page.locator("svg#ownership-graph text.share").all()]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                     or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
            assert apart, (a, b)
