"""The console pages in headless Chromium, against a real ``kizuna serve``: registers (add a party, see it screened),
the alert feed, and a case with its frozen evidence and history, decided under the four-eyes rule."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kizuna.core.entity import Entry
from kizuna.monitoring import analysts
from kizuna.monitoring.store import MonitoringStore
from tests.conftest import free_port, screenshot
from tests.monitoring.conftest import PASSWORD, make_snapshot


@pytest.fixture()
def monitoring_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: list[Entry]
                       ) -> Iterator[str]:
    """``kizuna serve`` over a data directory with a snapshot of the test entries."""
    home = tmp_path / "home"
    monkeypatch.setenv("KIZUNA_HOME", str(home))
    monkeypatch.delenv("KIZUNA_MONITORING_DB", raising=False)
    make_snapshot(listed)
    with MonitoringStore() as store:
        for name in ("aiko", "ben"):
            analysts.add(store, name, PASSWORD, "test")
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "kizuna"), "serve", "--port", str(port)],
                               env={**os.environ, "KIZUNA_HOME": str(home)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _sign_in(page: Page, name: str) -> None:
    form = page.locator("#sign-in form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("#signed-in")).to_contain_text(f"Signed in as {name}")


def test_registers_alerts_and_a_case_in_the_console(page: Page, monitoring_server: str) -> None:
    page.goto(monitoring_server + "/monitoring/registers")
    expect(page.locator("#sign-in")).to_be_visible()  # nobody is signed in: the sign-in page, not the register
    page.locator("#sign-in input[name=name]").fill("aiko")
    page.locator("#sign-in input[name=password]").fill("not the password")
    page.locator("#sign-in button[type=submit]").click()
    expect(page.locator(".error")).to_contain_text("wrong analyst name or password")
    screenshot(page, "monitoring-sign-in")
    _sign_in(page, "aiko")
    expect(page).to_have_url(monitoring_server + "/monitoring/registers")  # back where the analyst was going
    expect(page.locator("#registers")).to_contain_text("No register yet.")
    form = page.locator("#add-party")
    form.locator("input[name=register]").fill("suppliers")
    form.locator("input[name=name]").fill("Huawei Technologies Co., Ltd.")
    form.locator("input[name=aliases]").fill("华为技术有限公司")
    form.locator("input[name=country]").fill("CN")
    form.locator("input[name=owner]").fill("aiko")
    form.locator("button[type=submit]").click()
    expect(page.locator("#message")).to_contain_text("party added and screened")
    row = page.locator("#parties tr[data-party='Huawei Technologies Co., Ltd.']")
    expect(row).to_contain_text("华为技术有限公司")
    expect(row).not_to_contain_text("not yet")  # screened on the current snapshot
    screenshot(page, "monitoring-registers")

    page.goto(monitoring_server + "/monitoring/alerts")
    alerts = page.locator("#alerts tbody tr[data-state=new]")
    assert alerts.count() >= 1
    expect(page.locator("#states")).to_contain_text("new case")
    screenshot(page, "monitoring-alerts")
    alerts.first.locator("a").click()
    case_url = page.url

    expect(page.locator("#evidence")).to_contain_text("Huawei")
    expect(page.locator("#why")).to_contain_text("→")  # the explanation, step by step, to the score
    expect(page.locator("#evidence")).to_contain_text("snapshot")
    act = page.locator("#act")

    def record(action: str, decision: str = "") -> None:
        act.locator("select[name=action]").select_option(action)
        if decision:
            act.locator("select[name=decision]").select_option(decision)
        act.locator("button[type=submit]").click()

    record("review")
    expect(page.locator("#state")).to_contain_text("in review")
    record("decide", "cleared")
    expect(page.locator("#state")).to_contain_text("awaiting a second analyst")
    record("approve")
    expect(page.locator(".error")).to_contain_text("four-eyes")
    page.locator("#signed-in button[type=submit]").click()
    page.goto(case_url)
    _sign_in(page, "ben")
    expect(page).to_have_url(case_url)
    record("approve")
    expect(page.locator("#state")).to_contain_text("cleared as a false positive")
    expect(page.locator("#state")).to_contain_text("decided by ben")
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(4)  # raised, review, decide, approve — the refused approval changed nothing
    # In words: aiko's decision was a proposal (the state stayed in review), which ben approved.
    expect(history.nth(2)).to_contain_text("proposed: clear: a false positive")
    expect(history.nth(3)).to_contain_text("approved another analyst's proposal")
    expect(page.locator("#audit")).to_contain_text("case approve")
    screenshot(page, "monitoring-case")

    page.goto(case_url + "?lang=ja")
    expect(page.locator("#history tbody tr").nth(2)).to_contain_text("提案: 解除：誤検知")
    expect(page.locator("#history tbody tr").nth(0)).to_contain_text("アラート発生")
    for cell in page.locator("#evidence th, #history td.meta").all():
        lines = cell.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                              "return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }")
        assert lines == 1, cell.inner_text()
    screenshot(page, "monitoring-case-ja")
    page.goto(monitoring_server + "/monitoring/alerts?lang=ja")
    expect(page.locator("h1")).to_have_text("アラート")
    for cell in page.locator("#alerts th, #alerts td.meta, #alerts span.status").all():
        lines = cell.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                              "return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }")
        assert lines == 1, cell.inner_text()  # スコア, 担当者, a timestamp, 誤検知として解除: each on one line
    screenshot(page, "monitoring-alerts-ja")
    page.goto(monitoring_server + "/monitoring/registers?lang=ja")
    screenshot(page, "monitoring-registers-ja")
