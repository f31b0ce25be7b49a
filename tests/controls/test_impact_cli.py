"""``kizuna controls impact`` as a user runs it (a subprocess through kizuna.cli.main; see impact_cli.py for the
stand-in ``controls`` group used until that group is registered)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kizuna.capabilities import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
BACI = ROOT / "tests" / "fixtures" / "controls_impact" / "baci_sme.csv"


def kizuna(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KIZUNA_HOME": str(home), "COLUMNS": "200",
                   "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "tests.controls.impact_cli", *args], capture_output=True,
                          text=True, timeout=120, env=environment, cwd=ROOT)


def test_the_command_is_registered_under_controls() -> None:
    commands = REGISTRY.commands(parent="controls")
    assert [(c.name, c.target) for c in commands if c.name == "impact"] == [
        ("impact", "kizuna.cli.controls_impact:impact")]


def test_json_has_the_keys_of_the_issue_at_the_top_level(tmp_path: Path) -> None:
    result = kizuna("controls", "impact", "--trade", str(BACI), "--hs", "848620", "--to", "CN",
                    "--adopters", "US,JP", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # 700 of 1,000 thousand USD from US+JP (worked out in test_impact.py).
    assert (data["total_value"], data["covered_value"]) == (1_000_000, 700_000)
    assert data["covered_share"] == pytest.approx(0.7)
    assert data["foreign_availability_share"] == pytest.approx(0.3)


def test_compare_sets_follow_one_another_on_the_command_line(tmp_path: Path) -> None:
    result = kizuna("controls", "impact", "--trade", str(BACI), "--hs", "848620", "--to", "CN",
                    "--compare", "US,JP", "US,JP,NL", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [(r["adopters"], r["covered_share"]) for r in rows] == [
        (["US", "JP"], pytest.approx(0.7)), (["US", "JP", "NL"], pytest.approx(0.9))]


def test_table_output_shows_figures_formula_and_limits(tmp_path: Path) -> None:
    result = kizuna("controls", "impact", "--trade", str(BACI), "--eccn", "3B001", "--to", "CN",
                    "--adopters", "US,JP", "--tariff-equivalent", "0.25", home=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "70.0%" in out and "NL 20.0%" in out and "0.33 m" in out  # 848620 row: 325,837.6 USD diverted
    assert "ln(1 + T)" in out and "assumption:" in out and "not captured:" in out
    assert "indicative: 3B001 → 848620" in out and "not a legal concordance" in out


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = kizuna("controls", "impact", "--trade", str(tmp_path / "absent.csv"), "--hs", "848620", "--to", "CN",
                    "--adopters", "US", home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "absent.csv: no such file" in result.stderr
    result = kizuna("controls", "impact", "--dataset", "taiwan-8542", "--hs", "854231", "--to", "China",
                    "--adopters", "TW", home=tmp_path)
    assert result.returncode == 2 and "field '--to'" in result.stderr


def test_csv_has_one_line_per_row(tmp_path: Path) -> None:
    result = kizuna("controls", "impact", "--trade", str(BACI), "--hs", "848620", "--to", "CN",
                    "--compare", "US,JP", "US,JP,NL", "--csv", home=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("destination,product,adopters,year,total_value,covered_value,covered_share")
    assert lines[1].startswith('CN,848620,"US,JP",2023,1000000,700000,0.7,0.3,NL 0.2000; KR 0.0500; SG 0.0500,')
    assert lines[2].startswith('CN,848620,"US,JP,NL",2023,1000000,900000,0.9,')
    assert len(lines) == 3
