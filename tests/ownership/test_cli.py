"""End to end through the installed ``kizuna`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import kizuna
from tests.ownership.conftest import EXAMPLES, GRAPHS


def test_share_json_for_the_issue_example(kizuna_home: Path) -> None:
    out = kizuna("ownership", "share", str(GRAPHS / "cross.csv"), "A", "C", "--json", home=kizuna_home)
    data = json.loads(out.stdout)
    assert data["share"] == pytest.approx(30.0) and data["regime"] == "none"
    cfius = json.loads(kizuna("ownership", "share", str(GRAPHS / "cross.csv"), "A", "C", "--regime", "us-cfius",
                              "--json", home=kizuna_home).stdout)
    assert cfius["share"] == pytest.approx(50.0) and cfius["citations"]


def test_share_json_with_a_range(kizuna_home: Path) -> None:
    out = kizuna("ownership", "share", str(GRAPHS / "deal.csv"), "Tanaka Ichiro", "kpkk", "--json",
                 home=kizuna_home)
    assert json.loads(out.stdout)["share"] == [pytest.approx(1.2), pytest.approx(1.8)]


def test_load_check_ubo_and_chain(kizuna_home: Path) -> None:
    kizuna("ownership", "load", str(GRAPHS / "deal.csv"), "--name", "deal-cli", home=kizuna_home)
    listed = json.loads(kizuna("ownership", "list", "--json", home=kizuna_home).stdout)
    assert "deal-cli" in {g["name"] for g in listed}
    ubo = json.loads(kizuna("ownership", "ubo", "deal-cli", "harbour", "--regime", "us-ofac-50", "--json",
                            home=kizuna_home).stdout)
    assert ubo["answer"] == "yes" and ubo["aggregate"] == pytest.approx(55.0)
    assert {h["name"] for h in ubo["holders"]} == {"Bank Rossiya", "Rosoboronexport"}
    check = json.loads(kizuna("ownership", "check", "deal-cli", "kpkk", "--as-of", "2026-03-01", "--json",
                              home=kizuna_home).stdout)
    assert set(check["answers"]) == {"eu-amlr", "us-cta", "us-cfius", "us-ofac-50", "us-bis-affiliates",
                                     "jp-fefta", "none"}
    assert any("Harbour Ridge Capital Ltd: blocked" in s for s in check["statuses"])
    assert check["answers"]["us-bis-affiliates"]["status"] == "suspended"
    chain = kizuna("ownership", "chain", "deal-cli", "kpkk", home=kizuna_home)
    assert "Bank Rossiya" in chain.stdout and "us-ofac-sdn" in chain.stdout


def test_failed_load_keeps_the_previous_graph(kizuna_home: Path, tmp_path: Path) -> None:
    kizuna("ownership", "load", str(GRAPHS / "cross.csv"), "--name", "keep", home=kizuna_home)
    bad = tmp_path / "bad.csv"
    bad.write_text("owner,owned,share\nA,B,60\nB,C,abc\n")
    result = kizuna("ownership", "load", str(bad), "--name", "keep", home=kizuna_home, check=False)
    assert result.returncode == 2
    assert "line 3" in result.stderr and "field 'share'" in result.stderr and "Traceback" not in result.stderr
    again = json.loads(kizuna("ownership", "share", "keep", "A", "C", "--json", home=kizuna_home).stdout)
    assert again["share"] == pytest.approx(30.0)


def test_bods_example_loads_and_checks(kizuna_home: Path) -> None:
    out = kizuna("ownership", "load", str(EXAMPLES / "bods-package-fi-soe.json"), "--json", home=kizuna_home)
    assert json.loads(out.stdout)["source_format"] == "bods"
    check = kizuna("ownership", "check", "bods-package-fi-soe", "Gasgrid Finland Oy", home=kizuna_home)
    assert "matches with control attributed" in check.stdout


def test_invest_check_fefta_and_cfius_with_note(kizuna_home: Path, tmp_path: Path) -> None:
    note = tmp_path / "note.json"
    out = kizuna("invest", "check", "--graph", str(GRAPHS / "deal.csv"), "--target", "kpkk", "--investor",
                 "harbour", "--stake", "5%", "--regime", "jp-fefta", "--sector", "semiconductors", "--json",
                 "--note", str(note), home=kizuna_home)
    data = json.loads(out.stdout)
    assert data["required"] == "yes" and data["facts"]["holding_after"] == pytest.approx(11.0)
    shared = json.loads(note.read_text())
    assert shared["investor"]["name"] == "Harbour Ridge Capital Ltd"
    assert shared["regimes"]["us-ofac-50"]["answer"] == "yes" and shared["citations"]
    cfius = kizuna("invest", "check", "--graph", str(GRAPHS / "deal.csv"), "--target", "kpkk", "--investor",
                   "harbour", "--stake", "30%", "--regime", "us-cfius", "--tid", "critical-technologies",
                   "--right", "board", "--export-licence", home=kizuna_home)
    assert "mandatory declaration required" in cfius.stdout and "800.401" in cfius.stdout
    # The old spelling still works: scripts written against it keep running.
    alias = kizuna("invest", "check", "--graph", str(GRAPHS / "deal.csv"), "--target", "kpkk", "--investor",
                   "harbour", "--stake", "30%", "--regime", "us-cfius", "--tid", "critical-technologies",
                   "--right", "board", "--export-license", home=kizuna_home)
    assert alias.stdout == cfius.stdout
    bad = kizuna("invest", "check", "--graph", str(GRAPHS / "deal.csv"), "--target", "kpkk", "--investor",
                 "harbour", "--stake", "5%", "--regime", "jp-fefta", "--sector", "bakeries", home=kizuna_home,
                 check=False)
    assert bad.returncode == 2 and "unknown FEFTA sector" in bad.stderr


def test_unknown_regime_and_party_are_clear_errors(kizuna_home: Path) -> None:
    bad = kizuna("ownership", "share", str(GRAPHS / "cross.csv"), "A", "C", "--regime", "uk-psc",
                 home=kizuna_home, check=False)
    assert bad.returncode == 2 and "eu-amlr" in bad.stderr
    missing = kizuna("ownership", "share", str(GRAPHS / "cross.csv"), "Z", "C", home=kizuna_home, check=False)
    assert missing.returncode == 2 and "no party 'Z'" in missing.stderr


def test_bench_runs_small(kizuna_home: Path) -> None:
    out = kizuna("bench", "ownership", "--companies", "20000", "--edges", "40000", "--baseline-budget", "0.5",
                 home=kizuna_home)
    assert "naive path enumeration" in out.stdout and "largest difference" in out.stdout
