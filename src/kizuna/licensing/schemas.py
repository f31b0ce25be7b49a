"""Response model of ``POST /v1/licensing/assess``: the ``Assessment.to_dict`` shape (keys as issue 15 names them)."""

from __future__ import annotations

from typing import Any, Literal

from kizuna.core.schemas import CitationOut, EvidenceOut, FindingOut, Out

AnswerOut = bool | Literal["unknown"]


class DeterminationOut(Out):
    jurisdiction: str
    rule: str
    citation: str
    licence_required: AnswerOut
    reason: str
    applies: bool
    exception: bool
    question: str | None
    edition: str
    source: CitationOut
    evidence: list[EvidenceOut]


class HitSummaryOut(Out):
    list: str
    entry_id: str
    name: str
    matched_name: str
    score: float
    explanation: str
    source_url: str
    data_date: str


class PartyOut(Out):
    role: str
    name: str
    country: str | None
    headquarters: str | None
    hits: list[HitSummaryOut]


class RecommendationOut(Out):
    answer: Literal["licence required", "licence not required", "cannot tell"]
    text: str
    reasons: list[str]
    exceptions: list[str]
    questions: list[str]


class EditionOut(Out):
    text: str
    edition: str
    url: str
    verified: str


class LicenceAssessmentOut(Out):
    licence_required: AnswerOut
    determinations: list[DeterminationOut]
    parties: list[PartyOut]
    red_flags: list[FindingOut]
    allied_denials: list[dict[str, Any]]
    recommendation: RecommendationOut
    classification: str | None
    chip: dict[str, Any] | None
    editions: list[EditionOut]
    not_checked: list[str]
    as_of: str
    list_snapshot: str
    lists: dict[str, str]
    shipment: dict[str, Any]
