"""Every sample SBOM parses through the libraries (or the SPDX 3 reader), and the large-document reader gives the
same items as cyclonedx-python-lib."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.supplychain import sbom

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supplychain"
SAMPLES = sorted(p for p in (FIXTURES / "samples").rglob("*") if p.is_file())
FORMATS = {"cyclonedx-1.4-hbom": "cyclonedx-json", "cyclonedx-1.5": "cyclonedx-json", "cyclonedx-1.6": "cyclonedx-json",
           "generated": "cyclonedx-json", "spdx-2.3": "spdx-2-json", "cyclonedx-xml": "cyclonedx-xml",
           "spdx-2.3-tag-value": "spdx-2-tag-value", "spdx-3.0": "spdx-3-jsonld"}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_parses(path: Path) -> None:
    document = sbom.read(path)
    assert document.format == FORMATS[path.parent.name]
    assert document.reader
    for item in document.items:
        assert item.ref and item.path and item.path[-1] == item.label()


def test_hbom_components_keep_supplier_and_function() -> None:
    document = sbom.read(FIXTURES / "samples" / "cyclonedx-1.4-hbom" / "pcie-sata-adapter-board.bom.json")
    molex = next(i for i in document.items if i.ref == "molex-47155-4001")
    assert [(p.name, p.source) for p in molex.parties] == [("Molex", "supplier")]
    assert sbom.component_class(molex) == "connector"
    assert molex.path == ["pcie-sata-adaptor-board rev-1", "47155-4001"]  # the board pulls it in


def test_xml_gives_the_same_items_as_json() -> None:
    from_json = sbom.read(FIXTURES / "samples" / "cyclonedx-1.6" / "valid-bom-1.6.json")
    from_xml = sbom.read(FIXTURES / "samples" / "cyclonedx-xml" / "valid-bom-1.6.xml")
    assert sorted(i.to_dict()["purl"] for i in from_xml.items) == sorted(i.to_dict()["purl"] for i in from_json.items)


def test_spdx3_reads_suppliers_purls_cpes_and_paths() -> None:
    document = sbom.read(FIXTURES / "covered" / "nvr-firmware.spdx3.json")
    assert document.spec_version == "3.0.1"
    by_name = {i.name: i for i in document.items}
    assert [p.name for p in by_name["HCNetSDK"].parties] == ["Hangzhou Hikvision Digital Technology Co., Ltd."]
    assert by_name["openssl"].cpes == ["cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"]
    assert by_name["esdk-obs-python"].path == ["Acme NVR-16 4.2", "HCNetSDK 6.1.9", "esdk-obs-python 3.24.3"]


@pytest.mark.parametrize("path", [p for p in SAMPLES if sbom.detect(p) == "cyclonedx-json"], ids=lambda p: p.name)
def test_large_document_reader_matches_the_library(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    library = sbom._cyclonedx_library(path, data, "cyclonedx-json")
    fast = sbom._cyclonedx_fast(path, data)
    for document in (library, fast):
        sbom._assign_paths(document)

    def key(document: sbom.Document) -> list[dict[str, object]]:
        return sorted((i.to_dict() for i in document.items), key=lambda d: str(d["ref"]))

    assert key(fast) == key(library)
    assert fast.roots == library.roots


def test_broken_documents_are_input_errors(tmp_path: Path) -> None:
    broken = tmp_path / "bom.json"
    broken.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": 7}]}',
                      encoding="utf-8")
    with pytest.raises(InputError) as error:
        sbom.read(broken)
    assert error.value.path == str(broken)
    spdx = tmp_path / "doc.spdx"
    spdx.write_text("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nPackageName: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid SPDX 2 document"):
        sbom.read(spdx)
    xml = tmp_path / "bom.xml"
    xml.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>',
                   encoding="utf-8")
    with pytest.raises(InputError, match="DTD"):
        sbom.read(xml)
