"""The console in a real headless Chromium: search, read the parties, follow the entries and sources, export and
print; the list page; the language switch."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_search_shows_ranked_explained_hits(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.fill("input[name=q]", "北京航空航天大学")
    page.click("button[type=submit]")
    page.wait_for_selector("ol.hits li.hit")
    first = page.locator("li.hit").first
    assert "Beijing University of Aeronautics and Astronautics" in first.locator(".name").inner_text()
    assert "北京航空航天大学" in first.locator(".why").inner_text()
    # The explanation one step a line: the query meeting the listed name first, the final score last.
    steps = first.locator(".why li").all_inner_texts()
    assert steps[0].startswith("'北京航空航天大学' → cjk characters") and steps[-1].startswith("score ")
    assert any(step.startswith("query coverage") for step in steps)
    # METI's entry, with the Entity List and Section 1286 entries it is linked to, in one card: METI first.
    link = first.locator("li.member").first.locator("a", has_text="official source")
    assert (link.get_attribute("href") or "").startswith("https://www.meti.go.jp/")
    assert (first.get_attribute("data-lists") or "").split() == ["jp-meti-eul", "us-bis-entity", "us-dod-1286"]
    assert "1 hit" in page.locator("#summary").inner_text() or "hits" in page.locator("#summary").inner_text()
    screenshot(page, "console-search")


def test_search_with_no_hits_says_so(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=Toyota+Motor+Corporation")
    assert "0 hits" in page.locator("#summary").inner_text()
    assert "This is not clearance" in page.locator(".none").inner_text()


def test_list_filter_and_bad_country(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.fill("input[name=q]", "Hikvision")
    page.click("details.lists summary")
    page.check("input[value='us-dod-1260h']")
    page.click("button[type=submit]")
    page.wait_for_selector("li.hit")
    assert set(page.locator("li.member").evaluate_all("els => els.map(e => e.dataset.list)")) == {"us-dod-1260h"}
    page.goto(live_server + "/?q=Hikvision&country=Atlantis")
    assert "unknown country" in page.locator(".error").inner_text()


def test_lists_page_shows_counts_dates_and_sources(page: Page, live_server: str) -> None:
    page.goto(live_server + "/lists")
    row = page.locator("tr[data-code='jp-meti-eul']")
    assert "835" in row.inner_text() and "2025-09-29" in row.inner_text()
    assert page.locator("tbody tr").count() == 21
    screenshot(page, "console-lists")


def test_results_group_one_party_across_lists(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=" + "ファーウェイ")
    cards = page.locator("ol.parties > li.party")
    members = page.locator("li.member")
    assert cards.count() < members.count()  # hits naming one party share a card
    by_name = {card.locator(".head .name").inner_text(): card for card in cards.all()}
    holding = by_name["Huawei Investment & Holding Co., Ltd."]
    lists = holding.locator("li.member").evaluate_all("els => els.map(e => e.dataset.list)")
    assert sorted(lists) == ["us-dod-1260h", "us-ofac-eo14032", "us-ofac-nonsdn", "us-ofac-nscmic"]
    assert "on 4 lists" in holding.inner_text()
    technologies = by_name["Huawei Technologies Co., Ltd."]
    entity = technologies.locator("li.member[data-list='us-bis-entity']")
    assert "84 FR 22963" in entity.locator(".fact-citation").inner_text()
    assert "For all items subject to the EAR" in entity.locator(".fact-remarks").inner_text()
    assert "Shenzhen" in entity.locator(".fact-address").inner_text()
    # Ten parties first; the rest one click away, and all of them in print.
    assert page.locator("li.party:visible").count() == 10
    total = cards.count()
    page.click("#show-all")
    assert page.locator("li.party:visible").count() == total
    entity.locator("a.entry-link").click()
    page.wait_for_url("**/entries/us-bis-entity/**")
    assert page.locator("#entry-name").inner_text() == "Huawei Technologies Co., Ltd."
    provenance = page.locator("#provenance").inner_text()
    assert "2026-07" in provenance and "bis_entity_list.json" in provenance and "https://www.ecfr.gov/" in provenance
    assert page.locator("#linked li").count() >= 4
    screenshot(page, "console-entry")


def test_results_export_and_print(page: Page, live_server: str, tmp_path: Path) -> None:
    page.goto(live_server + "/?q=Hikvision&threshold=0.9")
    with page.expect_download() as download:
        page.click("#export a:has-text('CSV')")
    target = tmp_path / "out.csv"
    download.value.save_as(target)
    assert download.value.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    meta = {r[0]: r[1] for r in rows[: rows.index([])]}
    assert meta["threshold"] == "0.90" and meta["query_name"] == "Hikvision" and meta["kizuna_version"]
    assert sum(1 for key in meta if key.startswith("list ")) == 21
    header = rows[rows.index([]) + 1]
    assert header[:4] == ["party", "score", "list", "entry_id"] and len(rows) > rows.index([]) + 2
    with page.expect_download() as download:
        page.click("#export a:has-text('JSON')")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["threshold"] == 0.9 and data["parties"][0]["hits"][0]["entry"]["entry_id"]
    page.emulate_media(media="print")
    assert not page.locator("form.search").is_visible() and not page.locator("#export").is_visible()
    screened = page.locator(".run-lists")
    assert screened.is_visible() and "us-bis-entity (2026-07)" in screened.inner_text()


def test_list_picker_offers_only_loaded_lists(page: Page, live_server: str) -> None:
    loaded = {item["code"] for item in page.request.get(live_server + "/v1/lists").json()["lists"]}
    page.goto(live_server + "/")
    offered = set(page.locator("details.lists input[name=lists]").evaluate_all("els => els.map(e => e.value)"))
    assert offered == loaded and "us-bis-uvl" not in offered
    response = page.goto(live_server + "/?q=Huawei&lists=us-bis-uvl")
    assert response is not None and response.status == 422
    assert "not loaded: us-bis-uvl" in page.locator(".error").inner_text()
    assert page.locator("#summary").count() == 0  # no "no hits" when nothing was screened


def test_language_switch_translates_labels_not_data(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=北京航空航天大学")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#lang-switch a[hreflang=ja]")
    page.wait_for_selector("html[lang=ja]")
    assert page.locator("h1").inner_text() == "取引先のスクリーニング"
    assert page.locator("input[name=q]").input_value() == "北京航空航天大学"  # the search is kept
    first = page.locator("li.party").first
    assert "Beijing University of Aeronautics and Astronautics" in first.inner_text()  # data as published
    assert "公式出典" in first.inner_text()
    screenshot(page, "console-search-ja")
    for path, heading in [("/lists", "読み込み済みリスト"), ("/cyber/registry", "信頼できる資本のレジストリ"),
                          ("/ownership", "所有構造と投資審査"), ("/cables", "海底ケーブル：つながりは保たれるか")]:
        page.goto(live_server + path)  # the choice is remembered
        assert page.locator("html").get_attribute("lang") == "ja" and page.locator("h1").inner_text() == heading
    page.click("#lang-switch a[hreflang=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Submarine cables: who stays connected"


def test_lists_page_dates_do_not_wrap(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 900, "height": 800})
    page.goto(live_server + "/lists")
    for cell in page.locator("td.date").all():
        assert cell.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        lines = cell.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                              "return r.getClientRects().length; }")
        assert lines == 1, cell.inner_text()


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("width", [700, 1357, 1700])
def test_header_fits_the_window_and_keeps_each_label_on_one_line(page: Page, live_server: str, width: int,
                                                                   lang: str) -> None:
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"{live_server}/?lang={lang}")
    header = page.locator("header.top")
    assert header.evaluate("e => e.scrollWidth <= e.clientWidth")
    links = page.locator("header.top a").all()
    assert len(links) > 10
    for link in links:
        lines = link.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                              "return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }")
        assert lines == 1, (width, lang, link.inner_text())
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, link.inner_text()


def test_exchange_without_a_node_says_so_before_asking_a_password(page: Page, live_server: str) -> None:
    page.goto(live_server + "/exchange/")
    page.wait_for_url("**/exchange/login**")
    assert "no exchange node in this data directory" in page.locator("#no-node").inner_text()
    assert page.locator("input[type=password]").count() == 0
