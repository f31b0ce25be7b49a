"""Response models of ``/v1/cyber/*``: the shape of each service result, shown in the OpenAPI document. Records
the capability already defines as dataclasses (deductions, fixes, POA&M items, stored records) are used as they
are, so the schema is their fields and cannot drift from them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kizuna.core.schemas import Out
from kizuna.cyber.cmmc import Fix
from kizuna.cyber.scoring import Deduction
from kizuna.cyber.store import PoamRecord
from kizuna.screening.schemas import HitOut


class CatalogOut(Out):
    id: str
    title: str
    version: str
    source: str
    families: int
    requirements: int
    objectives: int
    withdrawn: int


class AssessmentOut(Out):
    id: int
    organization: str
    system: str
    catalog_id: str
    assessor: str
    assessed_on: str
    created_at: str
    revisions: int
    revision: int | None = None


class EvaluationOut(Out):
    """The score of a set of answers: SPRS score, CMMC Level 2 status, every deduction with its citation."""

    catalog: str
    sprs_score: int | None
    maximum: int | None
    minimum: int | None
    cmmc_level2_status: str | None
    assessment_complete: bool
    ssp_present: bool | None
    assessed_on: str | None
    closeout_deadline: str | None
    status_reasons: list[str]
    requirements: dict[str, int] = Field(description="Requirements by status (met, not_met, not_applicable, partial).")
    unanswered_objectives: int
    deductions: list[Deduction]
    to_conditional: list[Fix]
    to_final: list[Fix]
    notes: list[str]
    assessment: AssessmentOut | None = None
    poam: list[PoamRecord] | None = None


class SavedEvaluationOut(EvaluationOut):
    revision: int = Field(description="The revision the answers were stored as.")


class HistoryOut(Out):
    revision: int
    saved_at: str
    author: str
    note: str
    answered: int
    sprs_score: int | None
    cmmc_level2_status: str | None




class CompanyScreeningOut(Out):
    listed: bool
    snapshot: str
    threshold: float
    hits: list[HitOut]


class RegistryRowOut(Out):
    company_id: int
    name: str
    country: str
    sector: str
    sprs_score: int
    cmmc_status: str
    assessed_on: str
    assessor: str
    evidence_summary: str
    assessment_id: int | None
    registered_at: str
    party: dict[str, Any] = Field(description="The company as a core party (name, kind, country, source).")
    age_days: int
    trusted: bool
    why: list[str]
    closeout_deadline: str | None
    screening: CompanyScreeningOut


class RegisteredOut(Out):
    company_id: int


class OscalDocumentOut(Out):
    """An OSCAL 1.1 document: one of its two top-level models, as NIST's schema defines it (its inside is
    validated against that schema by the tests, not repeated here)."""

    assessment_results: dict[str, Any] | None = Field(None, alias="assessment-results")
    plan_of_action_and_milestones: dict[str, Any] | None = Field(None, alias="plan-of-action-and-milestones")
