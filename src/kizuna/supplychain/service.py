"""The supply-chain answers the CLI and the web give: a scan of SBOMs, hardware BOMs and inventories for covered
vendors (findings, review items, concentration, scenarios) as one ``ScanResult`` holding the shared ``Report``."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna.core.evidence import Citation
from kizuna.core.report import Report
from kizuna.supplychain import concentration as conc
from kizuna.supplychain import rules, sbom
from kizuna.supplychain.inventory import read_inventory
from kizuna.supplychain.model import Item
from kizuna.supplychain.scan import ScanFinding, scan

SOURCES = (Citation("covered_vendors_brands.csv", "Covered vendors, subsidiaries, brands and OEM relabels",
                    "data/supplychain/covered_vendors_brands.csv (2026-11-29)"),
           Citation("ieee-registries", "IEEE RA MA-L, MA-M, MA-S and IAB public listings",
                    "data/supplychain/ieee/ (2026-05-21)", "https://regauth.standards.ieee.org/"),
           Citation("fcc-covered-list", "FCC Covered List", "47 CFR 1.50002",
                    "https://www.fcc.gov/supplychain/coveredlist"))


@dataclass(slots=True)
class FileRead:
    path: str
    format: str
    spec_version: str
    reader: str
    items: int

    def to_dict(self) -> dict[str, Any]:
        """The file as JSON: its format, version, the reader used and how many items it gave."""
        return {"file": self.path, "format": self.format, "spec_version": self.spec_version,
                "reader": self.reader, "items": self.items}


@dataclass(slots=True)
class ScanResult:
    files: list[FileRead]
    findings: list[ScanFinding]
    reviews: list[ScanFinding]
    concentration: list[conc.ClassConcentration]
    scenarios: list[conc.SupplyScenario]
    report: Report
    documents: list[sbom.Document] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What ``--json`` prints and the API returns."""
        return {"files": [f.to_dict() for f in self.files], "findings": [f.to_dict() for f in self.findings],
                "reviews": [f.to_dict() for f in self.reviews],
                "concentration": [c.to_dict() for c in self.concentration],
                "scenarios": [s.to_dict() for s in self.scenarios],
                "rule_data_version": self.report.rule_data_version, "outcome": self.report.outcome}


def scan_files(paths: Sequence[Path], *, names: Sequence[str] | None = None,
               without_countries: Sequence[str] = (), without_suppliers: Sequence[str] = ()) -> ScanResult:
    """Scan each file (its kind read from its content); ``names`` are the names to show for them (an upload's)."""
    shown = list(names) if names is not None else [str(p) for p in paths]
    files: list[FileRead] = []
    documents: list[sbom.Document] = []
    pairs: list[tuple[str, Item]] = []
    for path, name in zip(paths, shown, strict=True):
        kind = sbom.detect(path)
        if kind == "inventory":
            items = read_inventory(path)
            files.append(FileRead(name, "inventory", "", "kizuna.core.tables", len(items)))
        else:
            document = sbom.read(path, kind)
            documents.append(document)
            items = document.items
            files.append(FileRead(name, document.format, document.spec_version, document.reader, len(items)))
        pairs.extend((name, item) for item in items)
    found = scan(pairs)
    findings = [f for f in found if not f.review]
    reviews = [f for f in found if f.review]
    all_items: list[Item] = [item for _, item in pairs]
    scenarios = [conc.scenario(all_items, country=c) for c in without_countries]
    scenarios += [conc.scenario(all_items, supplier_name=s) for s in without_suppliers]
    report = _report(shown, files, findings, reviews, len(all_items))
    return ScanResult(files, findings, reviews, conc.concentration(all_items), scenarios, report, documents)


def _report(names: list[str], files: list[FileRead], findings: list[ScanFinding], reviews: list[ScanFinding],
            items: int) -> Report:
    vendors = sorted({f.vendor.name for f in findings})
    outcome = (f"{len(findings)} finding(s): {', '.join(vendors)}" if findings else "no covered vendor found") + \
        (f"; {len(reviews)} to review" if reviews else "")
    return Report("Supply-chain vendor scan", ", ".join(names), datetime.now(UTC).date().isoformat(),
                  [f.finding for f in findings + reviews], list(SOURCES), rules.rule_data_version(),
                  "supplychain", outcome, {"files": [f.to_dict() for f in files], "items": items,
                                           "findings": len(findings), "reviews": len(reviews)})


def annotated_bom(result: ScanResult, document: sbom.Document) -> dict[str, Any]:
    """The CycloneDX JSON document with each finding and review item as a CycloneDX annotation on its component
    (VEX-style: the BOM carries the assessment back to whoever reads it). 1.4 documents become 1.5, the first
    version with annotations."""
    if document.raw is None:
        raise ValueError("only CycloneDX JSON documents can be annotated")
    bom = copy.deepcopy(document.raw)
    if str(bom.get("specVersion", "1.5")) < "1.5":
        bom["specVersion"] = "1.5"
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    annotations = list(bom.get("annotations") or [])
    own = {id(item) for item in document.items}
    for number, found in enumerate(result.findings + result.reviews):
        if id(found.item) not in own:  # a finding of another input file
            continue
        annotations.append({"bom-ref": f"kizuna-supplychain-{number}", "subjects": [found.item.ref],
                            "annotator": {"organization": {"name": "Kizuna supply-chain scan"}},
                            "timestamp": stamp,
                            "text": f"{'finding' if not found.review else 'review'} [{found.finding.rule}]: "
                                    f"{found.finding.text}"})
    bom["annotations"] = annotations
    return bom
