"""The records a scan passes around: one signal that a thing is a covered vendor's, and the things scanned
(an SBOM component, an inventory row), each holding the party its supplier or maker is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Reason
from kizuna.core.party import Party
from kizuna.supplychain import rules
from kizuna.supplychain.rules import Status, Vendor


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason to think a component or device is ``vendor``'s: what was read (``value`` of ``kind``: name,
    mac, cpe, purl, fcc-id, model), why it points there, and how sure the source is."""

    kind: str
    value: str
    vendor: Vendor
    status: Status
    confidence: str  # verified, secondary, recalled (the source row's own word)
    explanation: str
    source: str  # data file and line, or the screening entry
    score: float | None = None

    @property
    def finding_grade(self) -> bool:
        """True when this signal alone can make a finding: a covered vendor on verified evidence."""
        settings = rules.signals()
        return (self.status == "covered" and self.confidence in settings.finding_confidence
                and self.kind not in settings.review_only_kinds
                and (self.score is None or self.score >= settings.name_finding_score))

    def to_dict(self) -> dict[str, Any]:
        """The signal as JSON (the API and ``--json``)."""
        return {"kind": self.kind, "value": self.value, "vendor": self.vendor.name, "status": self.status,
                "confidence": self.confidence, "explanation": self.explanation, "source": self.source,
                **({"score": round(self.score, 4)} if self.score is not None else {})}

    def evidence(self) -> Evidence:
        """The signal as shared ``Evidence`` for the report, with its source row as the citation."""
        confidence = Confidence.VERIFIED if self.confidence == "verified" else Confidence.RECALLED
        return Evidence(EvidenceKind.DEVICE_SIGNATURE if self.kind != "name" else EvidenceKind.LIST_HIT,
                        f"{self.kind} {self.value}: {self.explanation}", score=self.score,
                        reasons=(Reason(f"supplychain.{self.kind}", self.explanation,
                                        {"value": self.value, "vendor": self.vendor.key, "status": self.status,
                                         "confidence": self.confidence}),),
                        source=Citation(self.source, self.explanation, self.source, confidence=confidence),
                        data=self.to_dict())


@dataclass(slots=True)
class Item:
    """One thing scanned: an SBOM component (``ref`` its bom-ref or SPDX id) or an inventory row (``ref`` its id).

    ``parties`` are the organisations the source names for it (supplier, manufacturer, publisher, author, vendor)
    with the field each came from in ``Party.source``; ``path`` is the chain of components from the top-level
    product down to this one."""

    ref: str
    name: str
    version: str = ""
    kind: str = ""  # CycloneDX type, SPDX purpose, or "device"
    parties: list[Party] = field(default_factory=list)
    purl: str = ""
    cpes: list[str] = field(default_factory=list)
    macs: list[str] = field(default_factory=list)
    fcc_ids: list[str] = field(default_factory=list)
    model: str = ""
    country: str = ""  # country of origin where the source gives one
    line: int | None = None  # where it is in its file
    path: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        """Name and version, as paths and tables show the item."""
        return f"{self.name} {self.version}".strip() if self.name else self.ref

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON."""
        return {"ref": self.ref, "name": self.name, "version": self.version, "kind": self.kind,
                "parties": [{"name": p.name, "field": p.source} for p in self.parties], "purl": self.purl,
                "cpes": self.cpes, "macs": self.macs, "fcc_ids": self.fcc_ids, "model": self.model,
                "country": self.country, "line": self.line, "path": self.path}
