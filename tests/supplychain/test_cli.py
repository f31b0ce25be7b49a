"""``kizuna supplychain scan`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import kizuna

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supplychain"


def test_scan_json_lists_findings_with_vendor_signals_rule_and_confidence(tmp_path: Path) -> None:
    result = kizuna("supplychain", "scan", str(FIXTURES / "covered" / "devices.csv"),
                    str(FIXTURES / "samples" / "generated" / "python-env-huaweicloudsdkcore.cdx-1.6.json"),
                    "--json", home=tmp_path)
    data = json.loads(result.stdout)
    findings = {f["component"]: f for f in data["findings"]}
    assert findings["cam-001"]["vendor"] == "Hikvision"
    assert findings["huaweicloudsdkcore==3.1.219"]["rule"] == "fcc-covered-list"
    for found in data["findings"]:
        assert found["signals"] and found["confidence"] == "verified" and found["rules"]
    assert [r["component"] for r in data["reviews"]] == ["nvr-005"]
    assert [f["format"] for f in data["files"]] == ["inventory", "cyclonedx-json"]


def test_scan_table_csv_html_and_vex(tmp_path: Path) -> None:
    bom = FIXTURES / "samples" / "generated" / "python-env-huaweicloudsdkcore.cdx-1.6.json"
    table = kizuna("supplychain", "scan", str(bom), home=tmp_path).stdout
    assert "1 finding(s): Huawei" in table and "pkg:pypi/huaweicloudsdkcore@3.1.219" in table
    rows = kizuna("supplychain", "scan", str(bom), "--csv", home=tmp_path).stdout.splitlines()
    assert rows[0] == "outcome,finding,rule,citations,evidence,score" and rows[1].startswith("met,Huawei is on")
    assert "<html" in kizuna("supplychain", "scan", str(bom), "--html", home=tmp_path).stdout
    out = tmp_path / "annotated.cdx.json"
    kizuna("supplychain", "scan", str(bom), "--vex", str(out), home=tmp_path)
    assert json.loads(out.read_text(encoding="utf-8"))["annotations"][0]["subjects"] == ["huaweicloudsdkcore==3.1.219"]


def test_what_if_country(tmp_path: Path) -> None:
    result = kizuna("supplychain", "scan", str(FIXTURES / "covered" / "camera-hbom.cdx.json"),
                    "--without-country", "CN", "--json", home=tmp_path)
    [scenario] = json.loads(result.stdout)["scenarios"]
    assert scenario["classes_without_supply"] == ["SoC", "radio module"]


def test_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "devices.csv"
    bad.write_text("id,mac\nx,zz:zz\n", encoding="utf-8")
    result = kizuna("supplychain", "scan", str(bad), home=tmp_path, check=False)
    assert result.returncode == 2
    assert f"{bad}, line 2, field 'mac'" in result.stderr and "Traceback" not in result.stderr
