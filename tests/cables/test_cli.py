"""The commands as a user runs them (subprocess), with JSON and CSV output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import kizuna


def test_cut_json(tmp_path: Path) -> None:
    result = json.loads(kizuna("cables", "cut", "JP", "TW", "--json", home=tmp_path).stdout)
    assert result["a"] == "JP" and result["b"] == "TW"
    assert result["min_cut"] == 11 and len(result["cut_cables"]) == 11
    assert "Pacific Light Cable Network (PLCN)" in result["cut_cables"]
    assert all(len(p) == 2 and p.isupper() for c in result["cut"] for p in c["places"])
    assert result["dataset"]["licence"] == "CC BY-NC-SA 3.0"


def test_cut_with_restrictions_and_corridor(tmp_path: Path) -> None:
    result = json.loads(kizuna("cables", "cut", "JP", "TW", "--no-transit", "CN", "--exclude-concern",
                               "--corridor", "luzon", "--json", home=tmp_path).stdout)
    assert result["scenario"]["no_transit"] == ["CN"] and result["scenario"]["corridors"] == ["luzon"]
    assert result["min_cut"] == 1 and result["cut_cables"] == ["Pacific Light Cable Network (PLCN)"]
    text = kizuna("cables", "cut", "JP", "TW", "--no-transit", "CN", home=tmp_path).stdout
    assert "min-cut 9 cables" in text and "TeleGeography" in text


def test_cut_csv(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(kizuna("cables", "cut", "TO", "FJ", "--csv", home=tmp_path).stdout)))
    assert [(r["a"], r["b"], r["min_cut"], r["name"]) for r in rows] == [("TO", "FJ", "1", "Tonga Cable")]


def test_pairs_table_csv(tmp_path: Path) -> None:
    out = kizuna("cables", "pairs", "JP", "TW", "PH", "SG", "US", "--csv", home=tmp_path).stdout
    rows = {r["b"]: r for r in csv.DictReader(io.StringIO(out))}
    assert list(rows) == ["TW", "PH", "SG", "US"]
    assert (rows["TW"]["all"], rows["TW"]["no_transit"], rows["TW"]["trusted"]) == ("11", "9", "3")


def test_scenario_hengchun_json(tmp_path: Path) -> None:
    result = json.loads(kizuna("cables", "scenario", "--corridor", "luzon", "--as-of", "2006", "--json",
                               home=tmp_path).stdout)
    assert len(result["cables_down"]) == 5
    assert result["impact"]["pairs_disconnected"] > 0


def test_scenario_monte_carlo(tmp_path: Path) -> None:
    result = json.loads(kizuna("cables", "scenario", "--random", "20", "--pair", "TO", "US", "--trials", "300",
                               "--seed", "3", "--region", "pacific-islands", "--json", home=tmp_path).stdout)
    carlo = result["monte_carlo"]
    assert carlo["trials"] == 300 and 0.8 < carlo["probability_connected"] < 1.0
    assert kizuna("cables", "scenario", "--random", "5", home=tmp_path, check=False).returncode == 2


def test_critical_and_summary(tmp_path: Path) -> None:
    result = json.loads(kizuna("cables", "critical", "--region", "pacific-islands", "--top", "3", "--json",
                               home=tmp_path).stdout)
    assert len(result["cables"]) == 3 and result["stations"][0]["name"] == "Suva, Fiji"
    assert any(s["place"] == "TO" and s["name"] == "Tonga Cable" for s in result["single_points_of_failure"])
    summary = json.loads(kizuna("cables", "summary", "--json", home=tmp_path).stdout)
    assert summary["cables_in_analysis"] == 461 and summary["concern"]["cables"] == 46
    assert summary["corridors"]["luzon"]["cables"] == 10
    out = kizuna("cables", "summary", "--csv", home=tmp_path).stdout
    assert out.startswith("metric,value")


def test_next_and_map(tmp_path: Path) -> None:
    result = json.loads(kizuna("cables", "next", "TO", "--region", "pacific-islands", "--json",
                               home=tmp_path).stdout)
    assert result["new_cables"][0]["pairs_raised"] > 0
    png = tmp_path / "map.png"
    out = json.loads(kizuna("cables", "map", "--pair", "JP", "TW", "-o", str(png), "--json", home=tmp_path).stdout)
    assert out["min_cut"] == 11 and png.stat().st_size > 100_000


def test_errors_are_one_line(tmp_path: Path) -> None:
    missing = kizuna("cables", "cut", "JP", "TW", "--data", str(tmp_path / "none"), home=tmp_path, check=False)
    assert missing.returncode == 2 and "KIZUNA_CABLES_DATA" in missing.stderr and "Traceback" not in missing.stderr
    bad = kizuna("cables", "cut", "JP", "Atlantis", home=tmp_path, check=False)
    assert bad.returncode == 2 and "unknown place 'Atlantis'" in bad.stderr
    both = kizuna("cables", "cut", "JP", "TW", "--json", "--csv", home=tmp_path, check=False)
    assert both.returncode == 2


def test_bench_runs_and_checks_itself(tmp_path: Path) -> None:
    out = kizuna("bench", "cables", "--check", "20", "--show", "3", home=tmp_path).stdout
    assert "0 mismatches" in out and "JP–TW" in out and "naive" in out
