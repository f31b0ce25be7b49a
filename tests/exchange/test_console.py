"""The exchange console in headless Chromium: login, denial inbox, licence check, consultation queue, settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from kizuna.core.party import Party
from kizuna.exchange import objects, users
from kizuna.exchange.markings import rel_to_definition
from kizuna.exchange.sync import sync_peer
from tests.conftest import screenshot
from tests.exchange.conftest import AgencyNode, link, make_node, serve_all

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("console")
    jp, us = make_node(base, "JP"), make_node(base, "US")
    link([jp, us])
    node = jp.node
    address = rel_to_definition(["JPN", "USA"])
    node.save_definitions([address])
    denials = []
    for name, place in (("Beijing University of Aeronautics and Astronautics", "37 Xueyuan Road, Haidian, Beijing"),
                        ("Shenzhen Precision Optics Co., Ltd.", "9 Gaoxin South Road, Shenzhen")):
        denials.append(node.create(objects.new_denial(
            creator=node.identity_id, codes=["3B001.f.1.b"], item="ArF immersion scanner (NA 1.35)",
            end_user=Party(name, country="CN", addresses=[place]), denial_date="2026-10-01",
            reason="military end use", end_use="wafer fab for a defence programme",
            markings=node.markings("amber", ["USA", "KOR"]),
            granular=[{"marking_ref": address["id"], "selectors": ["end_user.address"]}]), "test"))
    node.revise(denials[1]["id"], {"status": "revoked", "status_reason": "end user relocated", "revoked": True},
                "test", "revoked")
    for agency, role, name, nationality in ((us, "licensing-officer", "officer", "USA"),
                                            (us, "supervisor", "chief", "USA"),
                                            (us, "analyst", "liaison", "KOR"),
                                            (us, "admin", "admin", "USA"),
                                            (jp, "licensing-officer", "tanaka", "JPN")):
        users.add_user(agency.node, name, role, "CONTROLLED", nationality, PASSWORD)
    serve_all([jp, us])
    sync_peer(us.node, us.node.peer(jp.node.identity_id))
    yield {"jp": jp, "us": us, "denials": denials}
    for agency in (jp, us):
        agency.stop()
        agency.node.close()


def login(page: Page, agency: AgencyNode, username: str, password: str = PASSWORD) -> None:
    page.goto(agency.url + "/exchange/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_login_and_denial_inbox(page: Page, pair: dict[str, Any]) -> None:
    us = pair["us"]
    login(page, us, "officer", "wrong password, clearly")
    assert "wrong user name or password" in page.locator(".error").inner_text()
    screenshot(page, "exchange-login")
    login(page, us, "officer")
    page.wait_for_selector("#summary")
    rows = page.locator("tr.denial")
    assert rows.count() == 1  # the revoked one is filtered out by default
    row = rows.first
    assert "Beijing University of Aeronautics and Astronautics" in row.inner_text()
    assert "37 Xueyuan Road" in row.inner_text()
    assert "TLP:AMBER" in row.inner_text() and "REL TO JPN, KOR, USA" in row.inner_text()
    assert "Ministry of Economy, Trade and Industry" in row.inner_text()
    screenshot(page, "exchange-inbox")
    page.select_option("select[name=status]", "revoked")
    page.click("form.xc-filter button")
    assert "Shenzhen Precision Optics" in page.locator("tr.denial").first.inner_text()
    assert page.locator("tr.denial").first.get_attribute("data-status") == "revoked"


def test_field_marking_hides_the_address_from_a_user_of_another_nationality(
        page: Page, pair: dict[str, Any]) -> None:
    us = pair["us"]
    login(page, us, "liaison")
    page.wait_for_selector("tr.denial")
    row = page.locator("tr.denial").first
    assert "Beijing University" in row.inner_text()
    assert "address withheld" in row.inner_text() and "37 Xueyuan Road" not in page.content()
    page.click("tr.denial a")
    assert "end_user.address" in page.locator("#withheld").inner_text()
    assert "37 Xueyuan" not in page.locator("details.xc-json pre").inner_text()
    screenshot(page, "exchange-denial-withheld")
    # An administrator reads up to TLP:GREEN: the AMBER denial is not shown at all.
    page.context.clear_cookies()
    login(page, us, "admin")
    assert page.locator("tr.denial").count() == 0
    assert "does not allow" in page.locator("#summary").inner_text()


def test_licence_check_consultation_and_approval(page: Page, pair: dict[str, Any]) -> None:
    us, jp = pair["us"], pair["jp"]
    login(page, us, "officer")
    page.goto(us.url + "/exchange/licence")
    page.fill("input[name=control]", "3.B.1.f")
    page.fill("input[name=end_user]", "Beijing Univ. of Aeronautics & Astronautics")
    page.fill("input[name=end_user_country]", "CN")
    page.fill("input[name=end_use]", "lithography research")
    page.click("form.xc-form button[type=submit]")
    page.wait_for_selector("#result")
    match = page.locator("li.match-same").first
    assert "same entry" in match.inner_text() and "Consultation opened" in match.inner_text()
    screenshot(page, "exchange-licence-check")
    # The supervisor cannot approve while the consultation is open.
    page.context.clear_cookies()
    login(page, us, "chief")
    page.goto(us.url + "/exchange/consultations")
    page.locator("tr.application button").first.click()
    assert "cannot be approved" in page.locator(".error").inner_text()
    assert page.locator("#outgoing tr.consultation").first.get_attribute("data-status") == "open"
    screenshot(page, "exchange-consultations-blocked")
    # JP's licensing officer answers in JP's console; the answer reaches the US on its next sync.
    page.context.clear_cookies()
    sync_peer(jp.node, jp.node.peer(us.node.identity_id))
    login(page, jp, "tanaka")
    page.goto(jp.url + "/exchange/consultations")
    form = page.locator("#incoming form.xc-answer").first
    form.locator("select").select_option("no-objection")
    form.locator("textarea").fill("No objection: the programme was cancelled in 2026.")
    form.locator("button").click()
    assert "answer recorded" in page.locator(".ok").inner_text()
    screenshot(page, "exchange-consultation-answer")
    sync_peer(us.node, us.node.peer(jp.node.identity_id))
    page.context.clear_cookies()
    login(page, us, "chief")
    page.goto(us.url + "/exchange/consultations")
    assert page.locator("#outgoing tr.consultation").first.get_attribute("data-status") == "answered"
    page.locator("tr.application button").first.click()
    assert "approved" in page.locator(".ok").inner_text()
    assert page.locator("tr.application").first.get_attribute("data-status") == "approved"


def test_sharing_settings(page: Page, pair: dict[str, Any]) -> None:
    jp = pair["jp"]
    login(page, jp, "tanaka")
    page.goto(jp.url + "/exchange/settings")
    peer = page.locator("tr.peer[data-country=USA]")
    assert peer.locator("td .xc-code").inner_text() == "US"  # countries shown as ISO alpha-2 on every page
    assert "Bureau of Industry and Security" in peer.inner_text() and "http://127.0.0.1" in peer.inner_text()
    assert page.locator("tr.peer").count() == 1
    assert "CHIP4" in page.locator("body").inner_text()
    assert "RUS" in page.locator("#concerns").inner_text()  # what no marking may release to
    screenshot(page, "exchange-settings")


def test_an_administrator_suspends_and_resumes_a_peer(page: Page, pair: dict[str, Any]) -> None:
    us = pair["us"]
    login(page, us, "officer")
    page.goto(us.url + "/exchange/settings")
    assert page.locator("tr.peer[data-country=JPN] form").count() == 0  # only an administrator may change sharing
    page.context.clear_cookies()
    login(page, us, "admin")
    page.goto(us.url + "/exchange/settings")
    page.locator("tr.peer[data-country=JPN] button").click()
    assert "saved" in page.locator(".ok").inner_text()
    assert not us.node.peer(pair["jp"].node.identity_id).enabled
    page.locator("tr.peer[data-country=JPN] button").click()  # resume: the other tests share this pair
    assert us.node.peer(pair["jp"].node.identity_id).enabled


def test_a_page_asks_for_login_and_returns_to_it(page: Page, pair: dict[str, Any]) -> None:
    us = pair["us"]
    page.context.clear_cookies()
    page.goto(us.url + "/exchange/consultations")
    assert "/exchange/login?next=/exchange/consultations" in page.url
    page.fill("input[name=username]", "chief")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.url.endswith("/exchange/consultations")
    assert page.locator("#outgoing").count() == 1
