"""Response schemas of the shared records (``core.evidence``, ``core.party``, ``core.report``), for every
capability's ``/v1`` routes: one schema per idea, so a finding or a citation reads the same in every API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """Base of response schemas: a result key the schema does not declare is an error (a test sees a 500), never
    silently dropped from the answer."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CitationOut(Out):
    id: str
    text: str
    citation: str
    url: str
    verified: bool  # false: recalled, not checked against the primary text (shown as unconfirmed)
    note: str | None = None
    date: str | None = None


class ReasonOut(Out):
    code: str
    text: str
    values: dict[str, Any]


class PartyRefOut(Out):
    id: str
    name: str
    kind: str
    country: str | None


class EvidenceOut(Out):
    kind: str
    summary: str
    subject: PartyRefOut | None
    score: float | None
    reasons: list[ReasonOut]
    source: CitationOut | None
    data: dict[str, Any]


class FindingOut(Out):
    outcome: str  # met, not met, undetermined, not applicable, note
    text: str
    rule: str
    citations: list[CitationOut]
    evidence: list[EvidenceOut]


class ReportOut(Out):
    """``core.report.Report`` as JSON (``to_json``)."""

    title: str
    capability: str
    subject: PartyRefOut | str
    as_of: str
    outcome: str
    facts: dict[str, Any]
    findings: list[FindingOut]
    sources: list[CitationOut]
    rule_data_version: str
    generated: str
    kizuna_version: str
