"""The licence assessment form in real headless Chromium: the answer, the rules with their paragraphs, the
questions when a fact is missing, and the determination record."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import bounds, screenshot

pytestmark = pytest.mark.browser


def test_form_assesses_a_chip_for_a_d5_headquartered_customer(page: Page, live_server: str) -> None:
    page.goto(live_server + "/licensing")
    page.fill("input[name=to]", "MY")
    page.fill("input[name=item]", "chip")
    page.fill("input[name=tpp]", "4992")
    page.fill("input[name=die_area]", "814")
    page.fill("input[name=end_user]", "Kuala Lumpur AI Cloud Sdn Bhd")
    page.fill("input[name=end_user_country]", "MY")
    page.fill("input[name=end_user_hq]", "CN")
    page.check("input[name=end_uses][value=none]")
    page.click("button:has-text('Assess')")
    page.wait_for_selector("#answer")
    assert page.locator("#answer").inner_text().startswith("licence required")
    assert "3A090.a" in page.locator("#classification").inner_text()
    rules = page.locator("#determinations").inner_text()
    assert "15 CFR 744.23(a)(3)(i)" in rules and "15 CFR 742.6(a)(6)(iii)(A)" in rules
    background = page.locator("#answer").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(253, 226, 225)"  # the "required" colour
    # the form and the answer are laid out without overlap
    assert bounds(page.locator("#assess")).get("y", 0) + bounds(page.locator("#assess"))["height"] <= \
        bounds(page.locator("#answer"))["y"]
    screenshot(page, "licensing-chip")
    page.click("#record-link")
    page.wait_for_selector("text=Facts as given")
    assert "Texts and data used" in page.content()
    screenshot(page, "licensing-record")


def test_missing_facts_are_questions_and_bad_input_an_error(page: Page, live_server: str) -> None:
    page.goto(live_server + "/licensing?to=CN&item=EAR99&end_user=Beijing+Example+Retail+Co&end_user_country=CN")
    assert page.locator("#answer").inner_text().startswith("cannot tell")
    assert "advanced-node" in page.locator("#questions").inner_text()
    screenshot(page, "licensing-unknown")
    page.goto(live_server + "/licensing?to=CN&item=3A09")
    assert "is not an ECCN" in page.locator(".error").inner_text()


def test_japanese_labels(page: Page, live_server: str) -> None:
    page.goto(live_server + "/licensing?lang=ja")
    assert page.locator("h1").inner_text() == "許可要否の判定"


def test_stated_facts_raise_red_flags_on_the_page(page: Page, live_server: str) -> None:
    page.goto(live_server + "/licensing?to=AE&item=EAR99&end_user=Dubai+Example+Trading+FZE&end_user_country=AE"
              "&end_uses=none&facts=cash_payment%3Dyes")
    assert page.locator("#answer").inner_text().startswith("licence not required")
    assert "pay cash" in page.locator("#red-flags").inner_text()
    page.goto(live_server + "/licensing?to=AE&item=EAR99&facts=cash")
    assert "facts" in page.locator(".error").inner_text()
