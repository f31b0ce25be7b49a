"""Ownership on the shared house: core Party nodes (old stores still load), typed rule files, rule values and
texts read from the data, core findings, evidence and reports, and the one service behind CLI and web."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kizuna.core.entity import Identifier, PartyKind
from kizuna.core.errors import InputError
from kizuna.core.evidence import Confidence, EvidenceKind, Outcome
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.core.report import to_json
from kizuna.core.rules import load_rules
from kizuna.ownership import service, triggers
from kizuna.ownership.csvfile import load_csv
from kizuna.ownership.model import Graph
from kizuna.ownership.rules import Regime, cfius_rules, fefta_rules, regime
from kizuna.ownership.store import load_and_save, open_graph
from kizuna.web.app import create_app
from tests.conftest import kizuna
from tests.ownership.conftest import EXAMPLES, GRAPHS, build, pct

CFIUS: dict[str, Any] = {"tid": ["critical-technologies"], "rights": ["board"]}


def test_graph_nodes_are_the_core_party_and_keep_the_listed_flag() -> None:
    graph = load_csv(GRAPHS / "deal.csv")
    assert all(type(p) is Party for p in graph.parties.values())
    assert graph.parties["brossiya"].kind is PartyKind.ORGANIZATION  # written "entity" in the file
    assert graph.listed_company("kpkk") is True and graph.listed_company("harbour") is False
    again = Graph.from_dict(json.loads(json.dumps(graph.to_dict())))
    assert again.listed_companies == graph.listed_companies
    assert again.parties["tanaka"] == graph.parties["tanaka"]


def test_a_graph_stored_by_the_old_code_still_loads() -> None:
    old = {"source": "old.json", "source_format": "gleif", "notes": [], "edges": [], "claims": [],
           "parties": [{"id": "5299", "name": "Old Holdings", "kind": "entity", "country": "JP",
                        "listed_company": True, "identifiers": ["LEI:5299"], "source": "old.json#5299",
                        "notes": []}]}
    graph = Graph.from_dict(old)
    party = graph.parties["5299"]
    assert party.kind is PartyKind.ORGANIZATION and party.identifiers == [Identifier("LEI", "5299")]
    assert graph.listed_company("5299") is True


def test_owned_listed_reads_the_shared_yes_no_words(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("owner,owned,share,owned_listed\nA,B,10,listed\nA,C,10,N\n", encoding="utf-8")
    graph = load_csv(path)
    assert graph.listed_company("B") is True and graph.listed_company("C") is False
    path.write_text("owner,owned,share,owned_listed\nA,B,10,maybe\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_csv(path)
    assert caught.value.line == 2 and caught.value.field == "owned_listed"


def test_a_bad_rule_file_names_file_line_and_field(tmp_path: Path) -> None:
    text = bundled("ownership", "regimes", "us-cfius.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "us-cfius.yaml"
    bad.write_text(text.replace("threshold: 0.25", "threshold: 2.5"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(bad, Regime)
    assert caught.value.field == "threshold" and caught.value.line == 8 and "us-cfius.yaml" in str(caught.value)
    bad.write_text(text.replace("measure: voting", "measure: voting\nthreshhold: 0.3"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(bad, Regime)
    assert caught.value.field == "threshhold"


def test_recalled_rules_are_citations_marked_unconfirmed() -> None:
    recalled = regime("us-cfius").citation("cfius-800-244")
    assert recalled.confidence is Confidence.RECALLED and recalled.label().endswith("(unconfirmed)")
    checked = cfius_rules().foreign_person.cite("foreign_person")
    assert checked.confidence is Confidence.VERIFIED and "unconfirmed" not in checked.label()


def _cfius_graph() -> Graph:
    # A state (CN) holds 45 % of an investor (a fund holds 55 %: its parent) buying 30 % of a US target's votes.
    return build([("state", "inv", pct(45)), ("fund", "inv", pct(55)), ("inv", "us", pct(10))],
                 kinds={"state": PartyKind.STATE}, countries={"state": "CN", "fund": "SG", "inv": "CN", "us": "US"})


def test_cfius_government_test_reads_its_thresholds_from_the_rule_file(monkeypatch: pytest.MonkeyPatch) -> None:
    result = triggers.cfius_check(_cfius_graph(), "us", "inv", 0.30, **CFIUS)
    government = next(f for f in result.findings if f.rule == "foreign_government")
    assert government.outcome is Outcome.NOT_MET and "vs 25%" in government.text and "vs 49%" in government.text
    lower = cfius_rules().model_copy(update={"foreign_government": cfius_rules().foreign_government.model_copy(
        update={"government_threshold": 0.40})})
    monkeypatch.setattr(triggers, "cfius_rules", lambda: lower)
    result = triggers.cfius_check(_cfius_graph(), "us", "inv", 0.30, **CFIUS)
    government = next(f for f in result.findings if f.rule == "foreign_government")
    assert government.outcome is Outcome.MET and "vs 40%" in government.text


def test_cfius_voting_threshold_names_the_export_recipients() -> None:
    result = triggers.cfius_check(_cfius_graph(), "us", "inv", 0.30, **CFIUS)
    question = next(q for q in result.questions if q.rule == "critical_technology")
    threshold = cfius_rules().critical_technology.voting_threshold
    assert f"{threshold:.0%} or more of its votes" in question.text
    # fund 55 % (a parent: counted in full) and state 45 % both reach 25 %.
    assert "fund 100 %" in question.text and "state 45 %" in question.text
    assert set(result.facts["export_recipients"]) == {"inv", "state", "fund"}


def test_fefta_soe_test_reads_its_threshold_from_the_rule_file(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = build([("state", "inv", pct(40)), ("x", "inv", pct(60)), ("inv", "t", pct(5))],
                  kinds={"state": PartyKind.STATE}, countries={"state": "CN", "x": "CN", "inv": "CN", "t": "JP"})
    graph.listed_companies["t"] = True

    def soe_findings() -> list[str]:
        result = triggers.fefta_check(graph, "t", "inv", 0.01, sectors=["broadcasting"])
        return [f.text for f in result.findings if "state-owned" in f.text]

    assert soe_findings() == []  # 40 % is below the file's 50 %
    lower = fefta_rules().model_copy(update={"exemption": fefta_rules().exemption.model_copy(
        update={"soe_threshold": 0.4})})
    monkeypatch.setattr(triggers, "fefta_rules", lambda: lower)
    assert len(soe_findings()) == 1 and "at least 40%" in soe_findings()[0]


def test_check_report_carries_ownership_paths_list_hits_and_rule_version(kizuna_home: Path) -> None:
    graph = load_csv(GRAPHS / "deal.csv")
    report = service.check_report(service.check(graph, "harbour", "2026-03-01"))
    ofac = next(f for f in report.findings if f.rule == "us-ofac-50")
    assert ofac.outcome is Outcome.MET and ofac.citations
    paths = [e for e in ofac.evidence if e.kind is EvidenceKind.OWNERSHIP_PATH]
    assert {e.data["path"][0] for e in paths} == {"brossiya", "rosob"}
    link = paths[0].reasons[0]
    assert link.code == "ownership-link" and link.values["owned"] == "harbour"
    hits = [e for f in report.findings for e in f.evidence if e.kind is EvidenceKind.LIST_HIT]
    assert {e.subject.name for e in hits if e.subject} == {"Bank Rossiya", "Rosoboronexport"}
    data = json.loads(to_json(report))
    assert data["as_of"] == "2026-03-01" and len(data["rule_data_version"]) == 12
    assert data["sources"][0]["citation"].endswith("deal.csv")


def test_cli_reports_and_unconfirmed_citations(kizuna_home: Path, tmp_path: Path) -> None:
    out = kizuna("invest", "check", "--graph", str(GRAPHS / "deal.csv"), "--target", "kpkk", "--investor",
                 "harbour", "--stake", "5%", "--regime", "jp-fefta", "--sector", "semiconductors",
                 "--as-of", "2026-03-01", "--report", str(tmp_path / "fefta.html"), home=kizuna_home).stdout
    assert "(unconfirmed)" in out and "rules as of 2026-03-01" in out
    html = (tmp_path / "fefta.html").read_text(encoding="utf-8")
    assert "prior notification required" in html and "unconfirmed" in html
    kizuna("ownership", "check", str(GRAPHS / "deal.csv"), "harbour", "--report", str(tmp_path / "c.json"),
           home=kizuna_home)
    report = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert report["capability"] == "ownership" and report["findings"]


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> TestClient:
    load_and_save(GRAPHS / "deal.csv", "deal-house")
    return TestClient(create_app())


def test_upload_records_the_file_the_user_sent(client: TestClient) -> None:
    with (EXAMPLES / "indirect-ownership.json").open("rb") as handle:
        stored = client.post("/v1/ownership/graphs", files={"file": ("my-register.json", handle)}).json()
    assert stored["source"] == "my-register.json" and stored["name"] == "my-register"
    graph = open_graph("my-register")
    sources = [graph.source, *(p.source for p in graph.parties.values()), *(e.source for e in graph.edges)]
    assert all(s.startswith("my-register.json") for s in sources), sources
    assert not any("kizuna-upload" in s for s in sources)


def test_web_invest_check_keeps_as_of(client: TestClient) -> None:
    body = {"graph": "deal-house", "target": "kpkk", "investor": "harbour", "stake": 5, "regime": "jp-fefta",
            "sectors": ["semiconductors"], "note": True, "as_of": "2026-03-01"}
    result = client.post("/v1/invest/check", json=body).json()
    assert result["as_of"] == "2026-03-01" and result["note"]["as_of"] == "2026-03-01"
    assert result["findings"][0]["outcome"] in {"met", "undetermined"}


def test_every_ownership_route_has_a_response_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    routes = {p: ops for p, ops in paths.items() if p.startswith(("/v1/ownership", "/v1/invest"))}
    assert len(routes) >= 7
    for path, operations in routes.items():
        for method, operation in operations.items():
            content = operation["responses"]["200"]["content"]
            if path.endswith("/report"):
                assert set(content) >= {"application/json", "text/html; charset=utf-8"}
                continue
            schema = content["application/json"]["schema"]
            assert "$ref" in schema or "$ref" in schema.get("items", {}), (method, path, schema)


def test_web_report_formats(client: TestClient) -> None:
    json_report = client.get("/v1/ownership/graphs/deal-house/report", params={"target": "harbour"})
    assert json_report.json()["title"].startswith("Ownership check")
    csv_report = client.get("/v1/ownership/graphs/deal-house/report", params={"target": "harbour",
                                                                              "format": "csv"})
    assert csv_report.text.startswith("outcome,finding,rule")
