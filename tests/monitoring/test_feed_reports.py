"""The alert feed's webhook (a real HTTP receiver on loopback that fails before it answers), the reports with their
charts through the shared renderer, and the store on a real PostgreSQL server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kizuna.core import report as renderer
from kizuna.core.entity import Entry
from kizuna.core.errors import InputError
from kizuna.monitoring import feed, service
from kizuna.monitoring.registers import PartyInput
from kizuna.monitoring.store import MonitoringStore
from tests.exchange.conftest import Postgres, postgres  # noqa: F401 - the temporary PostgreSQL cluster fixture
from tests.monitoring.conftest import make_snapshot, sign_in


class Receiver:
    """A webhook receiver on loopback; ``fail_next(n)`` makes it answer 500 to the next ``n`` posts (else 204)."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.failing = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if receiver.failing:
                    receiver.failing -= 1
                    self.send_response(500)
                else:
                    receiver.bodies.append(body)
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail_next(self, n: int) -> None:
        self.failing = n

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture()
def with_alert(monitored: Callable[[], MonitoringStore], listed: list[Entry], receiver: Receiver
               ) -> Iterator[tuple[MonitoringStore, int]]:
    make_snapshot(listed)
    store = monitored()
    service.add_webhook(store, receiver.url, sign_in(store, "aiko"))
    party = service.add_party(store, "suppliers", PartyInput("Huawei Technologies Co., Ltd.", "S-1", "organization",
                                                             "CN"), sign_in(store, "aiko"))
    yield store, next(a.id for a in service.alerts(store) if a.party_id == party.id)
    store.close()


def test_every_alert_raised_is_posted_to_the_webhook(
        with_alert: tuple[MonitoringStore, int], receiver: Receiver) -> None:
    store, _ = with_alert
    raised = service.alerts(store)
    assert sorted(b["alert"]["id"] for b in receiver.bodies) == sorted(a.id for a in raised)
    assert all(b["event"] == "alert raised" and b["explanation"] and b["source_url"] for b in receiver.bodies)
    assert feed.webhooks(store)[0]["delivered"] == len(raised)


def test_a_failed_post_is_retried_with_a_pause_that_doubles(
        with_alert: tuple[MonitoringStore, int], receiver: Receiver) -> None:
    store, alert_id = with_alert
    receiver.fail_next(3)
    service.act(store, alert_id, sign_in(store, "aiko"), "review")
    # one attempt: refused, stays pending
    service.act(store, alert_id, sign_in(store, "aiko"), "decide", decision="escalated")
    assert feed.webhooks(store)[0]["pending"] == 1
    pauses: list[float] = []
    assert feed.deliver(store, sleep=pauses.append) == {"delivered": 1, "failed": 0, "pending": 0}
    assert pauses == [1.0, 2.0, 4.0]  # attempts 2 and 3 refused after pauses of 1 s and 2 s; the 4th taken after 4 s
    assert receiver.bodies[-1]["event"] == "case escalated" and receiver.bodies[-1]["alert"]["id"] == alert_id


def test_a_webhook_that_keeps_failing_is_marked_failed_and_retried_on_request(
        with_alert: tuple[MonitoringStore, int], receiver: Receiver) -> None:
    store, alert_id = with_alert
    receiver.fail_next(100)
    service.act(store, alert_id, sign_in(store, "aiko"), "review")
    service.act(store, alert_id, sign_in(store, "aiko"), "decide", decision="escalated")
    pauses: list[float] = []
    assert feed.deliver(store, sleep=pauses.append)["failed"] == 1
    assert pauses == [1.0, 2.0, 4.0, 8.0] and feed.webhooks(store)[0]["failed"] == 1
    receiver.fail_next(0)
    assert feed.deliver(store, sleep=pauses.append)["delivered"] == 0  # failed ones wait to be asked for
    assert feed.deliver(store, retry_failed=True, sleep=pauses.append)["delivered"] == 1


def test_the_reports_draw_their_charts_through_the_shared_renderer(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], tmp_path: Path) -> None:
    make_snapshot(listed)
    store = monitored()
    party = service.add_party(store, "suppliers", PartyInput("Huawei Technologies Co., Ltd.", "S-1", "organization",
                                                             "CN"), sign_in(store, "aiko"))
    alert = next(a for a in service.alerts(store) if a.party_id == party.id)
    service.act(store, alert.id, sign_in(store, "aiko"), "review")
    service.act(store, alert.id, sign_in(store, "aiko"), "decide", decision="cleared")
    service.act(store, alert.id, sign_in(store, "ben"), "approve")
    report, charts = service.cases_report(store, date.today())
    html = renderer.write(report, tmp_path / "cases.html", template=service.reports.TEMPLATE, charts=charts)
    text = html.read_text(encoding="utf-8")
    assert text.count("<svg") == 4 and "Open cases by age" in text and "False-positive rate per list" in text
    rates = {row["list"]: row["false_positive_rate"] for row in report.facts["per_list"]}
    assert rates[alert.list_code] == 1.0
    assert report.facts["time_to_decision_hours"]["cleared"]["decisions"] == 1
    daily = service.daily_summary(store, date.today())
    assert daily.facts["alerts raised"] == len(service.alerts(store)) and daily.facts["decisions"] == 1
    written = json.loads(renderer.write(daily, tmp_path / "daily.json").read_text(encoding="utf-8"))
    assert written["findings"][0]["evidence"][0]["kind"] == "list-hit"
    assert renderer.write(daily, tmp_path / "daily.csv").read_text(encoding="utf-8").startswith("outcome,")
    store.close()


def test_the_store_on_postgresql(postgres: Postgres, listed: list[Entry], tmp_path: Path,  # noqa: F811
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIZUNA_HOME", str(tmp_path / "home"))
    url = postgres.new_database()
    monkeypatch.setenv("KIZUNA_MONITORING_DB", url)
    make_snapshot(listed[100:])
    with MonitoringStore() as store:
        party = service.add_party(store, "suppliers", PartyInput("Huawei Technologies Co., Ltd.", "S-1",
                                                                 "organization", "CN"), sign_in(store, "aiko"))
        alert = next(a for a in service.alerts(store) if a.party_id == party.id)
        service.act(store, alert.id, sign_in(store, "aiko"), "review")
        service.act(store, alert.id, sign_in(store, "aiko"), "decide", decision="confirmed")
        with pytest.raises(service.cases.FourEyesError):
            service.act(store, alert.id, sign_in(store, "aiko"), "approve")
        assert service.act(store, alert.id, sign_in(store, "ben"), "approve").state == "confirmed"
    make_snapshot(listed)  # an update: the hook re-screens the registers on PostgreSQL
    with MonitoringStore() as store:
        assert store.url == url
        assert any(r["action"] == "re-screen" and r["detail"]["run"]["diff_entries"] == 100
                   for r in store.audit_log())
        from sqlalchemy.exc import DatabaseError as SQLError

        with pytest.raises(SQLError, match="append-only"):
            store.run("DELETE FROM audit")


def test_a_webhook_url_must_be_http(monitored: Callable[[], MonitoringStore]) -> None:
    store = monitored()
    with pytest.raises(InputError, match="http"):
        service.add_webhook(store, "file:///etc/passwd", sign_in(store, "aiko"))
    store.close()
