"""The cyber console in real headless Chromium: create an assessment, enter answers, read the report, the registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import bounds, screenshot
from tests.cyber.conftest import requirement_rows

pytestmark = pytest.mark.browser


def create_assessment(page: Page, live_server: str, organization: str) -> str:
    page.goto(live_server + "/cyber")
    form = page.locator("#new-assessment")
    form.locator("input[name=organization]").fill(organization)
    form.locator("input[name=system]").fill("CUI enclave")
    form.locator("input[name=assessor]").fill("J. Tanaka")
    form.locator("input[name=assessed_on]").fill("2026-03-01")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/cyber/assessments/*")
    return str(page.url)


def test_enter_answers_by_family_and_read_the_report(page: Page, live_server: str, tmp_path: Path) -> None:
    url = create_assessment(page, live_server, "Sakura Precision K.K.")
    # Import everything met except two gaps, then change the MFA answers in the console.
    answers = tmp_path / "answers.csv"
    answers.write_text("requirement_id,status\n" + "".join(
        f"{rid},{status}\n" for rid, status in requirement_rows({"3.4.9": "not_met"})), encoding="utf-8")
    page.set_input_files("#import input[type=file]", str(answers))
    page.click("#import button")
    page.wait_for_selector("p.ok")
    assert page.locator("#sprs").inner_text() == "109"
    assert page.locator("#cmmc").inner_text() == "conditional"

    page.click("tr[data-family='3.5'] a")
    page.wait_for_selector("section#req-3\\.5\\.3")
    section = page.locator("section[data-requirement='3.5.3']")
    section.locator("tr[data-objective='3.5.3[d]'] input[value=not_met]").check()
    section.locator("tr[data-objective='3.5.3[d]'] textarea").fill("MFA only on VPN and admin accounts")
    section.locator("input[name='p::3.5.3']").check()
    screenshot(page, "cyber-family-entry")
    page.click(".savebar button")
    page.wait_for_selector("p.ok")
    assert "saved revision 2" in page.locator("p.ok").inner_text()
    assert page.locator("#sprs").inner_text() == "106"  # 110 - 1 (3.4.9) - 3 (3.5.3 partial)
    assert page.locator("#cmmc").inner_text() == "not eligible"
    assert page.locator("#history tbody tr").count() == 2

    page.fill("#poam-form input[name=owner]", "IT security lead")
    page.click("#poam-form button")
    page.wait_for_selector("#poam")
    assert page.locator("#poam tbody tr").count() == 2
    screenshot(page, "cyber-assessment")

    page.goto(url + "/report")
    assert page.locator("#score .big").inner_text().startswith("106")
    assert page.locator("svg.family-chart").count() == 1 and page.locator("svg.score-scale").count() == 1
    assert page.locator("svg.family-chart text.lost[data-family='3.5']").text_content() == "−3"
    rows = page.locator("#deductions tbody tr")
    assert rows.count() == 2
    assert "PARTIAL: MFA is implemented only for remote and privileged users" in page.locator(
        "#deductions tr[data-requirement='3.5.3']").inner_text()
    assert page.locator("#poam tbody tr").count() == 2
    # no external resources: everything is inline
    assert page.evaluate("[...document.querySelectorAll('script[src], link[href], img[src]')].length") == 0
    screenshot(page, "cyber-report")

    response = page.request.get(url + "/report.pdf")
    assert response.ok and response.body().startswith(b"%PDF-")


def test_form_error_is_shown_and_nothing_saved(page: Page, live_server: str) -> None:
    url = create_assessment(page, live_server, "Kita Optics")
    page.goto(url + "/family/3.12")
    for objective in page.locator("section[data-requirement='3.12.4'] tr[data-objective]").all():
        objective.locator("input[value=not_applicable]").check()
    page.click(".savebar button")
    page.wait_for_selector("p.error")
    assert "3.12.4 cannot be not_applicable" in page.locator("p.error").inner_text()
    page.goto(url)
    assert "revision none yet" in page.locator("p.summary").inner_text()


def test_registry_filters_and_listed_company(page: Page, live_server: str) -> None:
    url = create_assessment(page, live_server, "Hangzhou Hikvision Digital Technology Co., Ltd.")
    page.goto(live_server + "/cyber/registry")
    form = page.locator("#register")
    form.locator("input[name=name]").fill("Hangzhou Hikvision Digital Technology Co., Ltd.")
    form.locator("input[name=country]").fill("CN")
    form.locator("select[name=sector]").select_option("defence electronics")
    form.locator("select[name=assessment_id]").select_option(url.rsplit("/", 1)[1])
    form.locator("button").click()
    page.wait_for_url("**/cyber/registry")
    row = page.locator("tr[data-company='Hangzhou Hikvision Digital Technology Co., Ltd.']")
    assert row.get_attribute("data-listed") == "yes" and row.get_attribute("data-trusted") == "no"
    assert "LISTED" in row.locator("td.screening").inner_text()
    assert "never shown as trusted" in row.locator("td.trust").inner_text()
    # The Trusted column is a table cell like its header (a cables style once made it an inline block).
    assert row.locator("td.trust").evaluate("e => getComputedStyle(e).display") == "table-cell"
    header = bounds(page.locator("table.registry th").last)
    assert abs(bounds(row.locator("td.trust"))["x"] - header["x"]) < 1
    screenshot(page, "cyber-registry")

    page.check("#filters input[name=trusted]")
    page.click("#filters button")
    page.wait_for_load_state()
    assert page.locator("tr[data-company='Hangzhou Hikvision Digital Technology Co., Ltd.']").count() == 0
    assert all(r.get_attribute("data-trusted") == "yes" for r in page.locator("table.registry tbody tr").all())
    page.goto(live_server + "/cyber/registry?country=Atlantis")
    assert "unknown country" in page.locator("p.error").inner_text()


def test_profiles_page(page: Page, live_server: str) -> None:
    page.goto(live_server + "/cyber/profiles")
    assert page.locator("table.crosswalk tbody tr").count() == 110
    row = page.locator("tr[data-requirement='3.1.13']").inner_text()
    assert "AC.L2-3.1.13" in row and "03.13.08" in row and "アクセス制御" in row
    assert "project's own mapping" in page.locator("p.summary").inner_text()
