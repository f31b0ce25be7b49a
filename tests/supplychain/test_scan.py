"""Covered vendors found by every signal the issue names, on real data: the official samples, a generated SBOM,
an inventory, an SPDX 3 document and an HBOM; non-covered devices give no finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kizuna.core.errors import InputError
from kizuna.core.tables import write_table
from kizuna.supplychain import bench, identifiers, service

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supplychain"
SAMPLES = FIXTURES / "samples"


def by_component(result: service.ScanResult) -> dict[str, dict[str, Any]]:
    return {f.item.ref: f.to_dict() for f in result.findings + result.reviews}


def test_huawei_cloud_sdk_found_by_package_url_alone() -> None:
    result = service.scan_files([SAMPLES / "generated" / "python-env-huaweicloudsdkcore.cdx-1.6.json"])
    [found] = [f.to_dict() for f in result.findings]
    assert found["component"] == "huaweicloudsdkcore==3.1.219"
    assert found["vendor"] == "Huawei" and found["confidence"] == "verified"
    assert [s["kind"] for s in found["signals"]] == ["purl"]  # the SBOM names no supplier
    assert not result.findings[0].item.parties
    assert {r["id"] for r in found["rules"]} == {"fcc-covered-list", "ndaa-889-a-1-a", "ndaa-889-a-1-b",
                                                 "entity-list", "dod-1260h"}
    assert found["text"].startswith("Huawei is on the FCC Covered List since 2021-03-12")


def test_inventory_rows_found_by_one_signal_each() -> None:
    found = by_component(service.scan_files([FIXTURES / "covered" / "devices.csv"]))
    mac_only = found["cam-001"]
    assert (mac_only["vendor"], mac_only["outcome"]) == ("Hikvision", "finding")
    assert [s["kind"] for s in mac_only["signals"]] == ["mac"]
    chinese = found["cam-002"]  # 大华: a Dahua brand in Chinese, found by screening
    assert chinese["vendor"] == "Dahua" and chinese["outcome"] == "finding"
    assert {s["kind"] for s in chinese["signals"]} == {"name"}
    assert found["cam-003"]["signals"][0]["kind"] == "fcc-id" and found["cam-003"]["vendor"] == "Hikvision"
    assert found["cam-004"]["signals"][0]["kind"] == "cpe"
    lorex = found["nvr-005"]  # divested in 2022, OEM claims secondary: a review item, never a finding
    assert (lorex["vendor"], lorex["outcome"], lorex["rule"]) == ("Dahua", "review", "review")
    for clean in ("ap-006", "phone-007", "sw-008"):  # Cisco; a randomised MAC; a wildcard CPE
        assert clean not in found


def test_locally_administered_and_wildcards_are_no_signal() -> None:
    assert identifiers.is_local("DAA119000001")
    assert identifiers.cpe_vendor("cpe:2.3:h:*:camera:*:*:*:*:*:*:*:*") is None
    assert identifiers.cpe_signal("cpe:2.3:a:dji:newsbin_pro:6.0:*:*:*:*:*:*:*") is None  # DJI Interprises
    assert identifiers.registrant("BCAD28000000") is not None


def test_ma_s_block_wins_over_its_ma_l_holder() -> None:
    found = identifiers.registrant("8C1F64AFA123")
    assert found is not None and (found.registry, found.organization) == ("MA-S", "DATA ELECTRONIC DEVICES, INC")


def test_spdx3_and_hbom_findings_carry_rule_and_path() -> None:
    found = by_component(service.scan_files([FIXTURES / "covered" / "nvr-firmware.spdx3.json",
                                             FIXTURES / "covered" / "camera-hbom.cdx.json"]))
    sdk = found["urn:kizuna:test:sdk"]
    assert sdk["vendor"] == "Hikvision" and sdk["top_level"] == "Acme NVR-16 4.2"
    obs = found["urn:kizuna:test:obs"]
    assert obs["path"] == ["Acme NVR-16 4.2", "HCNetSDK 6.1.9", "esdk-obs-python 3.24.3"]
    av = found["av"]
    assert av["vendor"] == "Kaspersky"
    assert {r["id"]: r["since"] for r in av["rules"]}["kaspersky-icts"] == "2024-07-20"
    assert found["wifi"]["vendor"] == "Quectel" and found["wifi"]["rule"] == "dod-1260h"
    assert "urn:kizuna:test:openssl" not in found and "sensor" not in found


def test_non_covered_samples_give_no_finding() -> None:
    samples = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and "huawei" not in p.name)
    result = service.scan_files(samples)
    assert result.findings == [] and result.reviews == []


def test_precision_on_generated_non_covered_devices(tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    write_table(path, bench.HEADER, bench.noncovered_rows(1000, seed=5))
    result = service.scan_files([path])
    assert result.report.facts["items"] == 1000
    assert [f.to_dict() for f in result.findings] == []


def test_bad_inventory_cell_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    path.write_text("id,mac\na,BC:AD:28:11:22:33\nb,not-a-mac\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        service.scan_files([path])
    assert (error.value.path, error.value.line, error.value.field) == (str(path), 3, "mac")
    path.write_text("id,location\na,lobby\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs one of the columns"):
        service.scan_files([path])


def test_concentration_and_scenario() -> None:
    result = service.scan_files([FIXTURES / "covered" / "camera-hbom.cdx.json"], without_countries=["CN"])
    classes = {c.component_class: c for c in result.concentration}
    power = classes["power"]  # TI 2 units, Richtek 1: (66.7)^2 + (33.3)^2
    assert round(power.supplier_hhi) == 5556 and power.single_points == []
    assert classes["radio module"].single_points == ["one country: CN"]
    [scenario] = result.scenarios
    assert scenario.products == ["Acme Dome Camera D2"]
    assert scenario.classes_without_supply == ["SoC", "radio module"]


def test_annotated_bom_carries_findings_back() -> None:
    result = service.scan_files([SAMPLES / "generated" / "python-env-huaweicloudsdkcore.cdx-1.6.json"])
    bom = service.annotated_bom(result, result.documents[0])
    [note] = bom["annotations"]
    assert note["subjects"] == ["huaweicloudsdkcore==3.1.219"]
    assert note["text"].startswith("finding [fcc-covered-list]")
    import json

    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(bom)) is None


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01\x02binary", "binary"),
    (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "deep"),
    (b'{"spdxVersion": "SPDX-2.3", "packages": "x"}', "SPDX"),
    (b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": {}}', "@graph"),
], ids=["binary", "deep-json", "spdx-wrong-type", "spdx3-no-graph"])
def test_hostile_files_are_input_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "upload.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        service.scan_files([path])
    assert error.value.path == str(path) and message.casefold() in str(error.value).casefold()


def test_xlsx_inventory(tmp_path: Path) -> None:
    path = tmp_path / "devices.xlsx"
    write_table(path, ["id", "vendor", "mac"], [["r1", "Zhejiang Dahua Technology Co., Ltd.", ""],
                                                ["r2", "", "3C-EF-8C-00-00-01"], ["r3", "=HYPERLINK(1)", ""]])
    found = by_component(service.scan_files([path]))
    assert set(found) == {"r1", "r2"} and found["r2"]["vendor"] == "Dahua"


def test_bom_of_a_covered_supplier_without_a_component(tmp_path: Path) -> None:
    # CycloneDX 1.5 metadata.manufacture only (1.6 metadata.manufacturer is the BOM author, not the maker)
    path = tmp_path / "bom.json"
    path.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "metadata": {"manufacture": '
                    '{"name": "Hangzhou Hikvision Digital Technology Co., Ltd."}}}', encoding="utf-8")
    [found] = service.scan_files([path]).findings
    assert (found.item.ref, found.vendor.name, found.signals[0].value) == (
        "metadata", "Hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd.")


def test_near_threshold_name_is_a_review_not_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"  # QuickTel is a real IEEE registrant; it screens as Quectel at 0.85
    path.write_text('id,vendor\nq,QuickTel\ni,"IEIT SYSTEMS Co., Ltd."\n', encoding="utf-8")
    found = by_component(service.scan_files([path]))
    assert found["q"]["outcome"] == "review" and found["q"]["vendor"] == "Quectel"
    assert found["i"]["outcome"] == "finding" and found["i"]["vendor"] == "Inspur"  # Inspur's renamed server maker


def test_name_memory_is_bounded_and_never_loses_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    from kizuna.supplychain import vendors

    monkeypatch.setattr(vendors, "_REMEMBERED", 2)
    monkeypatch.setattr(vendors, "_screened", {})
    vendors.screen_names(["Hikvision"])
    found = vendors.screen_names(["Hikvision", "Axis Communications AB", "大华"])  # over the bound: memory cleared
    assert [m.covered.vendor.name for m in found["Hikvision"]][:1] == ["Hikvision"]
    assert found["Axis Communications AB"] == [] and found["大华"][0].covered.vendor.name == "Dahua"
    assert len(vendors._screened) <= 2


def test_csv_bill_of_materials_findings_concentration_and_supplier_scenario() -> None:
    path = FIXTURES / "covered" / "router-bom.csv"
    result = service.scan_files([path], without_suppliers=["Quectel Wireless Solutions Co."])
    assert {(f.item.ref, f.vendor.name) for f in result.findings} == {("r-2", "Quectel"), ("r-7", "Quectel")}
    assert result.findings[0].item.path == ["Edge router ER-8", "r-2"]  # the product that pulls it in
    classes = {c.component_class: c for c in result.concentration}
    assert round(classes["DRAM"].supplier_hhi) == 5000 and classes["DRAM"].single_points == []
    assert classes["radio module"].single_points == ["one supplier: Quectel Wireless Solutions Co.", "one country: CN"]
    [scenario] = result.scenarios
    assert scenario.products == ["Access point AP-2", "Edge router ER-8"]
    assert scenario.classes_without_supply == ["radio module"]
