"""Cases: the four-eyes rule in its one place (service, CLI and API all refused the same way), clearing that lasts
until the entry or the party changes or it expires, the append-only audit log, register files with bad cells."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.core import credentials
from kizuna.core.entity import Entry
from kizuna.core.errors import InputError
from kizuna.monitoring import analysts, service
from kizuna.monitoring.cases import CaseError, FourEyesError
from kizuna.monitoring.registers import PartyInput
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore
from kizuna.web.app import create_app
from tests.conftest import kizuna
from tests.monitoring.conftest import PASSWORD, make_snapshot, sign_in


@pytest.fixture()
def huawei_case(monitored: Callable[[], MonitoringStore], listed: list[Entry]) -> Iterator[tuple[MonitoringStore, int]]:
    """A register party that hits a listed Huawei entry, and its alert taken into review."""
    make_snapshot(listed)
    store = monitored()
    party = service.add_party(store, "suppliers", PartyInput("Huawei Technologies Co., Ltd.", "S-1", "organization",
                                                             "CN", owner="aiko"), sign_in(store, "aiko"))
    alerts = [a for a in service.alerts(store) if a.party_id == party.id]
    assert alerts, "the party should hit a listed Huawei entry"
    alert = alerts[-1]
    service.act(store, alert.id, sign_in(store, "aiko"), "review")
    yield store, alert.id
    store.close()


def test_clearing_needs_a_second_analyst(huawei_case: tuple[MonitoringStore, int]) -> None:
    store, alert_id = huawei_case
    aiko, ben = sign_in(store, "aiko"), sign_in(store, "ben")
    proposed = service.act(store, alert_id, aiko, "decide", decision="cleared", comment="different company")
    assert proposed.state == "in_review" and proposed.proposed == "cleared" and proposed.proposed_by == "aiko"
    with pytest.raises(FourEyesError, match=r"aiko proposed 'cleared'.*cannot also approve"):
        service.act(store, alert_id, aiko, "approve")
    with pytest.raises(FourEyesError, match="sign in as an enabled analyst"):
        service.act(store, alert_id, None, "approve")
    cleared = service.act(store, alert_id, ben, "approve")
    assert cleared.state == "cleared" and cleared.decided_by == "ben" and cleared.whitelist_until
    history = service.case(store, alert_id)["history"]
    assert [e["action"] for e in history][-3:] == ["review", "decide cleared", "approve"]
    audit = [r for r in store.audit_log(f"alert:{alert_id}")]
    assert {r["actor"] for r in audit} == {"kizuna", "aiko", "ben"}
    assert all(r["list_version"] for r in audit)


def test_only_an_enabled_analyst_who_signed_in_acts(huawei_case: tuple[MonitoringStore, int]) -> None:
    store, alert_id = huawei_case
    service.act(store, alert_id, sign_in(store, "aiko"), "decide", decision="confirmed")
    with pytest.raises(FourEyesError, match="sign in"):  # a name nobody signed in with is only a claim
        service.act(store, alert_id, analysts.Analyst("mallory"), "approve")
    with pytest.raises(credentials.NotSignedIn, match="wrong analyst name or password"):
        analysts.with_password(store, "ben", PASSWORD)  # not an analyst yet: refused like a wrong password
    ben = sign_in(store, "ben")
    with pytest.raises(credentials.NotSignedIn):
        analysts.with_password(store, "ben", PASSWORD + "!")
    analysts.disable(store, "ben", "test")
    with pytest.raises(FourEyesError, match="enabled"):  # disabled since signing in
        service.act(store, alert_id, ben, "approve")
    with pytest.raises(credentials.NotSignedIn):
        analysts.with_password(store, "ben", PASSWORD)
    with pytest.raises(InputError, match="Kizuna's own re-screen"):
        analysts.add(store, "kizuna", PASSWORD, "test")
    with pytest.raises(InputError, match="at least 12"):
        analysts.add(store, "carol", "short", "test")
    with pytest.raises(CaseError, match="enabled analyst"):
        service.act(store, alert_id, sign_in(store, "carol"), "assign", assignee="ben")
    refusals = [r for r in store.audit_log() if r["action"] == "sign-in refused"]
    assert {r["subject"] for r in refusals} == {"analyst:ben"} and len(refusals) == 3
    assert service.case(store, alert_id)["alert"].proposed_by == "aiko"  # nothing changed


def test_repeated_wrong_passwords_lock_a_name_out(monitored: Callable[[], MonitoringStore]) -> None:
    store = monitored()
    analysts.add(store, "aiko", PASSWORD, "test")
    limit = rules().sign_in.max_failures
    for _ in range(limit):
        with pytest.raises(credentials.NotSignedIn):
            analysts.with_password(store, "aiko", "guess " * 3)
    with pytest.raises(credentials.LockedOut, match="try again in"):
        analysts.with_password(store, "aiko", PASSWORD)  # even the right password, for the window
    assert [r["action"] for r in store.audit_log("analyst:aiko")][:2] == ["sign-in locked", "sign-in refused"]
    store.close()


def test_a_decision_is_refused_where_the_state_does_not_allow_it(huawei_case: tuple[MonitoringStore, int]) -> None:
    store, alert_id = huawei_case
    with pytest.raises(CaseError, match="no proposed decision to reject"):
        service.act(store, alert_id, sign_in(store, "ben"), "reject")
    with pytest.raises(CaseError, match="unknown decision"):
        service.act(store, alert_id, sign_in(store, "aiko"), "decide", decision="fine")
    # one analyst may escalate
    escalated = service.act(store, alert_id, sign_in(store, "aiko"), "decide", decision="escalated")
    assert escalated.state == "escalated"
    with pytest.raises(CaseError, match="needs it to be in_review"):
        service.act(store, alert_id, sign_in(store, "ben"), "decide", decision="confirmed")


def test_the_four_eyes_rule_is_the_same_on_the_command_line_and_the_api(
        huawei_case: tuple[MonitoringStore, int]) -> None:
    store, alert_id = huawei_case
    home = Path(store.url).parent.parent
    kizuna("analysts", "add", "ben", home=home, input=PASSWORD + "\n")
    kizuna("alerts", "decide", str(alert_id), "confirmed", "--user", "aiko", home=home, input=PASSWORD + "\n")
    refused = kizuna("alerts", "approve", str(alert_id), "--user", "aiko", home=home, check=False,
                     input=PASSWORD + "\n")
    assert refused.returncode == 2 and "four-eyes" in refused.stderr
    wrong = kizuna("alerts", "approve", str(alert_id), "--user", "ben", home=home, check=False, input="guess\n")
    assert wrong.returncode == 2 and "wrong analyst name or password" in wrong.stderr
    aiko_token = kizuna("analysts", "token", "aiko", home=home, input=PASSWORD + "\n").stdout.strip()
    ben_token = kizuna("analysts", "token", "ben", "--days", "1", home=home, input=PASSWORD + "\n").stdout.strip()
    client = TestClient(create_app())
    answer = client.post(f"/v1/monitoring/alerts/{alert_id}/actions", json={"action": "approve"},
                         headers={"Authorization": f"Bearer {aiko_token}"})
    assert answer.status_code == 400 and "four-eyes" in answer.json()["detail"]
    claimed = client.post(f"/v1/monitoring/alerts/{alert_id}/actions", json={"action": "approve"},
                          headers={"X-Kizuna-User": "ben"})  # a name is not proof
    assert claimed.status_code == 401 and claimed.headers["WWW-Authenticate"] == "Bearer"
    assert client.get(f"/v1/monitoring/alerts/{alert_id}").status_code == 401  # reading needs a token too
    approved = client.post(f"/v1/monitoring/alerts/{alert_id}/actions", json={"action": "approve"},
                           headers={"Authorization": f"Bearer {ben_token}"})
    assert approved.status_code == 200 and approved.json()["state"] == "confirmed"
    case = client.get(f"/v1/monitoring/alerts/{alert_id}", headers={"Authorization": f"Bearer {ben_token}"}).json()
    assert case["evidence"]["entry"]["name"] and case["evidence"]["hit"]["explanation"]
    assert case["evidence"]["snapshot_id"] == case["alert"]["snapshot_id"]
    kizuna("analysts", "add", "aiko", home=home, input=PASSWORD + "?\n")  # a reset ends aiko's tokens
    assert client.get("/v1/monitoring/alerts", headers={"Authorization": f"Bearer {aiko_token}"}).status_code == 401
    kizuna("analysts", "disable", "ben", home=home)
    assert client.get("/v1/monitoring/alerts", headers={"Authorization": f"Bearer {ben_token}"}).status_code == 401


def _cleared(store: MonitoringStore, alert_id: int) -> None:
    if service.case(store, alert_id)["alert"].state == "new":
        service.act(store, alert_id, sign_in(store, "aiko"), "review")
    service.act(store, alert_id, sign_in(store, "aiko"), "decide", decision="cleared")
    service.act(store, alert_id, sign_in(store, "ben"), "approve")


def test_a_cleared_false_positive_stays_cleared_until_the_entry_changes(
        huawei_case: tuple[MonitoringStore, int], listed: list[Entry]) -> None:
    store, alert_id = huawei_case
    _cleared(store, alert_id)
    alert = service.case(store, alert_id)["alert"]
    key = (alert.list_code, alert.entry_id)
    make_snapshot(list(listed))  # a new snapshot, the entry unchanged
    assert [a.id for a in service.alerts(store) if (a.list_code, a.entry_id) == key] == [alert_id]
    edited = [replace(e, remarks=(e.remarks or "") + " amended") if (e.list_code, e.entry_id) == key else e
              for e in listed]
    make_snapshot(edited)  # the listed entry changed: the clearing no longer stands
    again = [a for a in service.alerts(store) if (a.list_code, a.entry_id) == key and a.party_id == alert.party_id]
    assert len(again) == 2 and again[0].state == "new" and again[0].id > alert_id


def test_a_cleared_false_positive_comes_back_when_the_party_is_edited_or_it_expires(
        huawei_case: tuple[MonitoringStore, int]) -> None:
    store, alert_id = huawei_case
    _cleared(store, alert_id)
    alert = service.case(store, alert_id)["alert"]
    edited = PartyInput("Huawei Technologies Co., Ltd.", "S-1", "organization", "CN", aliases=["华为技术有限公司"],
                        owner="aiko")
    service.edit_party(store, alert.party_id, edited, sign_in(store, "aiko"))
    latest = [a for a in service.alerts(store) if (a.list_code, a.entry_id) == (alert.list_code, alert.entry_id)]
    assert latest[0].state == "new" and latest[0].id > alert_id
    _cleared(store, latest[0].id)
    with store.transaction():
        store.run("UPDATE alerts SET whitelist_until = '2000-01-01' WHERE id = :i", {"i": latest[0].id})
        store.run("UPDATE parties SET screened_on = NULL WHERE id = :i", {"i": alert.party_id})
    service.rescreen_registers(store, sign_in(store, "aiko"))
    newest = [a for a in service.alerts(store) if (a.list_code, a.entry_id) == (alert.list_code, alert.entry_id)]
    assert newest[0].state == "new" and newest[0].id > latest[0].id


def test_removing_a_party_closes_its_open_alerts(huawei_case: tuple[MonitoringStore, int]) -> None:
    store, alert_id = huawei_case
    party_id = service.case(store, alert_id)["alert"].party_id
    service.remove_party(store, party_id, sign_in(store, "aiko"))
    states = {a.state for a in service.alerts(store) if a.party_id == party_id}
    assert states == {"closed"}
    assert store.run("SELECT COUNT(*) FROM hits WHERE party_id = :p", {"p": party_id}).scalar() == 0


def test_the_audit_log_cannot_be_changed(huawei_case: tuple[MonitoringStore, int]) -> None:
    from sqlalchemy.exc import DatabaseError as SQLError

    store, _ = huawei_case
    for statement in ("UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"):
        with pytest.raises(SQLError, match="append-only"):
            store.run(statement)
    assert {r["actor"] for r in store.audit_log()} >= {"aiko", "kizuna"}


def test_a_register_file_with_a_bad_cell_names_file_line_and_column(
        monitored: Callable[[], MonitoringStore], tmp_path: Path) -> None:
    store = monitored()
    bad = tmp_path / "register.csv"
    bad.write_text("id,name,country\nA1,Sakura Bearings KK,JP\nA2,Kobe Valves,Atlantis\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        service.import_register(store, bad, "suppliers", sign_in(store, "aiko"))
    assert (error.value.line, error.value.field) == (3, "country") and error.value.path == str(bad)
    assert service.registers(store) == []  # nothing of the file was stored
    twice = tmp_path / "twice.csv"
    twice.write_text("id,name\nA1,Sakura Bearings KK\nA1,Kobe Valves\n", encoding="utf-8")
    with pytest.raises(InputError, match="also on line 2"):
        service.import_register(store, twice, "suppliers", sign_in(store, "aiko"))
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("name,colour\nSakura,blue\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown column"):
        service.import_register(store, unknown, "suppliers", sign_in(store, "aiko"))
    store.close()


def test_a_register_imports_names_in_any_script_with_owner_and_tags(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], tmp_path: Path) -> None:
    make_snapshot(listed)
    store = monitored()
    path = tmp_path / "r.csv"
    path.write_text("id,name,kind,country,aliases,owner,tags\n"
                    "C1,Kim Jong Un,person,KP,김정은;金正恩,aiko,vip;review\n"
                    "C2,Sakura Bearings KK,organization,JP,さくらベアリング,ben,supplier\n"
                    "C3,Huawei Technologies Co Ltd,organization,CN,华为技术有限公司,ben,\n", encoding="utf-8")
    result = service.import_register(store, path, "customers", sign_in(store, "aiko"))
    assert result.added == 3 and result.rescreen and result.rescreen["screened"] == 3
    kim = service.parties(store, "customers")[0]
    assert [a.text for a in kim.party.aliases] == ["김정은", "金正恩"] and kim.owner == "aiko"
    assert kim.tags == ["vip", "review"] and kim.party.source == "r.csv line 2"
    huawei = service.parties(store, "customers")[2]
    assert any(a.party_id == huawei.id for a in service.alerts(store))
    hits = store.all_hits()
    store.close()
    home = Path(store.url).parent.parent
    assert json.loads(kizuna("registers", "list", "--json", home=home).stdout)[0]["parties"] == 3
    run = json.loads(kizuna("registers", "rescreen", "--full", "--dask", "local:2", "--json", home=home).stdout)
    assert run["mode"] == "full" and run["screened"] == 3 and run["alerts_raised"] == 0
    with MonitoringStore() as again:
        assert again.all_hits() == hits  # screened on the cluster's workers, as in this process


def test_rules_refuse_a_blank_four_eyes_list(tmp_path: Path) -> None:
    from kizuna.core.rules import load_rules
    from kizuna.monitoring.rules import MonitoringRules

    text = (Path(__file__).resolve().parents[2] / "data" / "monitoring" / "rules.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("decisions: [cleared, confirmed]", "decisions: []"), encoding="utf-8")
    with pytest.raises(InputError, match="cannot be switched off"):
        load_rules(path, MonitoringRules)


def test_the_console_signs_analysts_in_and_its_forms_need_the_session_token(
        huawei_case: tuple[MonitoringStore, int]) -> None:
    import re

    store, alert_id = huawei_case
    client = TestClient(create_app())
    away = client.get(f"/monitoring/alerts/{alert_id}", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/monitoring/sign-in?next=")
    client.get("/monitoring/sign-in")
    forged = client.post("/monitoring/sign-in", data={"name": "aiko", "password": PASSWORD, "login_csrf": "x"},
                         follow_redirects=False)
    assert forged.status_code == 403  # a sign-in posted from another site's form
    login_csrf = re.search(r'name="login_csrf" value="([^"]+)"', forged.text)  # the form shown again, fresh
    assert login_csrf
    signed = client.post("/monitoring/sign-in", follow_redirects=False, data={
        "name": "aiko", "password": PASSWORD, "login_csrf": login_csrf.group(1),
        "next": "https://evil.example/monitoring/"})
    assert signed.status_code == 303 and signed.headers["location"] == "/monitoring/"  # no open redirect
    case = client.get(f"/monitoring/alerts/{alert_id}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', case)
    assert csrf and "Signed in as" in case
    refused = client.post(f"/monitoring/alerts/{alert_id}", data={"action": "comment", "comment": "hi",
                                                                   "csrf": "forged"})
    assert refused.status_code == 422 and "the form expired" in refused.text
    done = client.post(f"/monitoring/alerts/{alert_id}", data={"action": "comment", "comment": "hi",
                                                                "csrf": csrf.group(1)})
    assert done.status_code == 200 and [e["actor"] for e in service.case(store, alert_id)["history"]][-1] == "aiko"
