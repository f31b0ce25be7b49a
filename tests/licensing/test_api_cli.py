"""The assessment through the API, the command line and the determination record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import kizuna


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> TestClient:
    from kizuna.web.app import create_app

    return TestClient(create_app())


def test_api_answers_with_the_issue_keys(client: TestClient) -> None:
    body = {"destination": "SG", "item": "3A090.b", "end_uses": ["none"],
            "parties": [{"role": "end_user", "name": "Lion City Compute Pte Ltd", "country": "SG",
                         "headquarters": "CN"}]}
    answer = client.post("/v1/licensing/assess", json=body).json()
    assert {"licence_required", "determinations", "parties", "red_flags", "allied_denials", "recommendation",
            "classification"} <= answer.keys()
    assert answer["licence_required"] is True and answer["classification"] is None
    rule = next(d for d in answer["determinations"] if d["rule"] == "ear-744.23-a-3-i")
    assert {"jurisdiction", "rule", "citation", "licence_required", "reason"} <= rule.keys()
    assert rule["citation"] == "15 CFR 744.23(a)(3)(i)" and "89 FR 23886" in rule["edition"]
    assert answer["parties"][0]["name"] == "Lion City Compute Pte Ltd"


def test_api_unknown_is_an_answer_with_questions(client: TestClient) -> None:
    body = {"destination": "CN", "item": "EAR99", "parties": [{"name": "Beijing Example Retail Co", "country": "CN"}]}
    answer = client.post("/v1/licensing/assess", json=body).json()
    assert answer["licence_required"] == "unknown"
    assert answer["recommendation"]["answer"] == "cannot tell" and answer["recommendation"]["questions"]


@pytest.mark.parametrize(("body", "field"), [
    ({"destination": "China", "item": "EAR99"}, "destination"),
    ({"destination": "CN", "item": "3A09"}, "eccn"),
    ({"destination": "CN", "item": "3A090.a3A090.a"}, "eccn"),
    ({"destination": "ZZ", "item": "EAR99"}, "to"),
    ({"destination": "CN", "item": "EAR99", "end_uses": ["spying"]}, "end_use"),
    ({"destination": "CN"}, "item"),
])
def test_api_refuses_bad_input_naming_the_field(client: TestClient, body: dict[str, object], field: str) -> None:
    response = client.post("/v1/licensing/assess", json=body)
    assert response.status_code in (400, 422)
    assert field in response.text


def test_cli_json_and_record(kizuna_home: Path, tmp_path: Path) -> None:
    out = kizuna("licence", "assess", "--item", "EAR99", "--to", "CN", "--end-user", "华为技术有限公司",
                 "--end-user-country", "CN", "--end-use-is", "none", "--json", home=kizuna_home)
    answer = json.loads(out.stdout)
    assert answer["licence_required"] is True
    assert any(d["rule"] == "ear-744.11-a" and d["licence_required"] is True for d in answer["determinations"])
    record = tmp_path / "record.html"
    table = kizuna("licence", "assess", "--item", "3A090.a", "--to", "NL", "--end-user", "Amsterdam AI Compute BV",
                   "--end-user-country", "NL", "--end-use-is", "none", "--record", str(record), home=kizuna_home)
    assert "licence required" in table.stdout and "742.6(a)(6)(iii)(A)" in table.stdout
    html = record.read_text(encoding="utf-8")
    for part in ("Facts as given", "Rules checked", "Texts and data used", "2026-07-23", "list snapshot",
                 "not applicable"):
        assert part in html


def test_cli_bad_destination_is_a_clear_error(kizuna_home: Path) -> None:
    out = kizuna("licence", "assess", "--item", "EAR99", "--to", "Atlantis", home=kizuna_home, check=False)
    assert out.returncode != 0 and "not a country" in out.stderr and "Traceback" not in out.stderr
    named = kizuna("licence", "assess", "--item", "EAR99", "--to", "Germany", "--end-use-is", "none", "--json",
                   home=kizuna_home)
    assert json.loads(named.stdout)["shipment"]["destination"] == "DE"


class _Denials:
    """A DenialSource holding one allied denial of 3A090.a to Sugon."""

    def active_denials(self, today: object) -> list[object]:
        from kizuna.controls import parse
        from kizuna.core.entity import PartyKind
        from kizuna.core.party import Party
        from kizuna.licensing import Denial

        return [Denial("denial--1", Party("Sugon", PartyKind.ORGANIZATION, country="CN"), (parse("3A090.a"),),
                       "2026-05-01", "identity--jp", "METI", True, own=False)]


def test_an_essentially_identical_allied_denial_is_in_the_answer(kizuna_home: Path) -> None:
    from kizuna.licensing.assess import assess
    from kizuna.licensing.service import build_shipment

    shipment = build_shipment("US", "CN", item="3A090.a", parties=[("end_user", "Sugon", "CN", "CN")],
                              end_uses=["none"])
    answer = assess(shipment, denials=_Denials()).to_dict()  # type: ignore[arg-type]
    (match,) = answer["allied_denials"]
    assert match["relation"] == "same" and match["originator"] == "METI"
    assert not any("exchange node" in n for n in answer["not_checked"])
    assert any("exchange node" in n for n in assess(shipment).not_checked)


def test_red_flags_from_stated_facts_join_the_answer(client: TestClient) -> None:
    body = {"destination": "AE", "item": "EAR99", "end_uses": ["none"], "facts": {"cash_payment": "yes"},
            "parties": [{"name": "Dubai Example Trading FZE", "country": "AE"}]}
    answer = client.post("/v1/licensing/assess", json=body).json()
    assert answer["licence_required"] is False
    assert [f["rule"] for f in answer["red_flags"]] == ["BISWEB-05"]
    assert "1 red flag" in answer["recommendation"]["text"]


def test_description_candidates_are_shown_never_chosen(kizuna_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types
    from dataclasses import dataclass

    from kizuna.licensing import assess as assess_module
    from kizuna.licensing.service import build_shipment

    @dataclass
    class Hit:  # the shape kizuna.controls.ccl.SearchHit has (the controls-lists branch)
        reference: str
        text: str

        def to_dict(self) -> dict[str, str]:
            return {"reference": self.reference, "text": self.text}

    class Ccl:
        def search(self, query: str, limit: int = 50) -> list[Hit]:
            return [Hit("6A005.b", "Non-\"tunable\" continuous wave \"lasers\" …")] if "laser" in query else []

    module = types.ModuleType("kizuna.controls.ccl")
    module.bundled_ccl = Ccl  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kizuna.controls.ccl", module)
    assess_module._published.cache_clear()
    try:
        shipment = build_shipment("US", "BR", description="fibre laser", end_uses=["none"],
                                  parties=[("end_user", "Sao Paulo Metalworks Ltda", "BR", "BR")])
        result = assess_module.assess(shipment)
    finally:
        assess_module._published.cache_clear()
    (item,) = [d for d in result.determinations if d.rule == "ear-item"]
    assert item.licence_required == "unknown" and "6A005.b" in item.reason and "none chosen" in item.reason
    assert result.licence_required == "unknown"
    assert not any(d.rule.startswith("ear-738-chart:6A005") for d in result.determinations)
