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
from tests.conftest import free_port, screenshot
from tests.monitoring.conftest import make_snapshot


@pytest.fixture()
def monitoring_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: list[Entry]
                       ) -> Iterator[str]:
    """``kizuna serve`` over a data directory with a snapshot of the test entries."""
    home = tmp_path / "home"
    monkeypatch.setenv("KIZUNA_HOME", str(home))
    monkeypatch.delenv("KIZUNA_MONITORING_DB", raising=False)
    make_snapshot(listed)
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


def test_registers_alerts_and_a_case_in_the_console(page: Page, monitoring_server: str) -> None:
    page.goto(monitoring_server + "/monitoring/registers")
    expect(page.locator("#registers")).to_contain_text("No register yet.")
    form = page.locator("#add-party")
    form.locator("input[name=register]").fill("suppliers")
    form.locator("input[name=name]").fill("Huawei Technologies Co., Ltd.")
    form.locator("input[name=aliases]").fill("华为技术有限公司")
    form.locator("input[name=country]").fill("CN")
    form.locator("input[name=owner]").fill("aiko")
    form.locator("input[name=user]").fill("aiko")
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

    expect(page.locator("#evidence")).to_contain_text("Huawei")
    expect(page.locator("#why")).to_contain_text("→")  # the explanation, step by step, to the score
    expect(page.locator("#evidence")).to_contain_text("snapshot")
    act = page.locator("#act")

    def record(user: str, action: str, decision: str = "") -> None:
        act.locator("input[name=user]").fill(user)
        act.locator("select[name=action]").select_option(action)
        if decision:
            act.locator("select[name=decision]").select_option(decision)
        act.locator("button[type=submit]").click()

    record("aiko", "review")
    expect(page.locator("#state")).to_contain_text("in review")
    record("aiko", "decide", "cleared")
    expect(page.locator("#state")).to_contain_text("awaiting a second analyst")
    record("aiko", "approve")
    expect(page.locator(".error")).to_contain_text("four-eyes")
    record("ben", "approve")
    expect(page.locator("#state")).to_contain_text("cleared as a false positive")
    expect(page.locator("#state")).to_contain_text("decided by ben")
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(4)  # raised, review, decide, approve — the refused approval changed nothing
    expect(page.locator("#audit")).to_contain_text("case approve")
    screenshot(page, "monitoring-case")

    page.goto(monitoring_server + "/monitoring/alerts?lang=ja")
    expect(page.locator("h1")).to_have_text("アラート")
