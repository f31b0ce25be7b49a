"""Objective roll-up and the SPRS score (DoD Assessment Methodology v1.2.1), each deduction with its reason.

A requirement is met only when all its applicable objectives are met; unanswered objectives count as not met.
The score is 110 minus the points of every requirement not met (``rules.weights``), with the partial, not-permitted,
plan-of-action and SSP rules of ``sprs_rules.yaml``. Catalogs the methodology does not cover (rev3, imports) get the
roll-up without a score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kizuna.cyber.answers import AnswerSet, Status
from kizuna.cyber.catalog import Catalog
from kizuna.cyber.rules import Rules

MET, NOT_MET, NOT_APPLICABLE, PARTIAL = "met", "not_met", "not_applicable", "partial"
OPEN = (NOT_MET, PARTIAL)


@dataclass(slots=True)
class RequirementResult:
    """One requirement's rolled-up status and what it cost."""

    id: str
    family_id: str
    title: str
    status: str  # met / not_met / not_applicable / partial
    objectives_total: int
    objectives_met: int
    objectives_not_applicable: int
    open_objectives: list[str]  # not met or unanswered
    unanswered: int
    points: int = 0  # deducted from 110
    reason: str = ""
    citation: str = ""
    practice_id: str = ""
    poam_eligible: bool | None = None  # for an open requirement, per 32 CFR 170.21
    has_plan: bool | None = None  # on a plan of action, when the answers say

    @property
    def cost(self) -> int:
        """Effort to close: the objectives still open (at least 1)."""
        return max(1, len(self.open_objectives))


@dataclass(slots=True)
class Deduction:
    requirement_id: str
    practice_id: str
    points: int
    status: str
    reason: str
    citation: str
    poam_eligible: bool | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ScoreReport:
    """The score of one set of answers against one catalog."""

    catalog_id: str
    requirements: list[RequirementResult]
    sprs_score: int | None
    maximum: int | None
    minimum: int | None
    ssp_present: bool | None  # 3.12.4 met; None when the catalog has no SSP gate
    notes: list[str] = field(default_factory=list)

    @property
    def deductions(self) -> list[Deduction]:
        return [Deduction(r.id, r.practice_id, r.points, r.status, r.reason, r.citation, r.poam_eligible)
                for r in self.requirements if r.points]

    @property
    def complete(self) -> bool:
        """False when the SSP gate fails: the methodology says the assessment could not be completed."""
        return self.ssp_present is not False

    @property
    def unanswered(self) -> int:
        return sum(r.unanswered for r in self.requirements)

    def counts(self) -> dict[str, int]:
        out = {MET: 0, NOT_MET: 0, NOT_APPLICABLE: 0, PARTIAL: 0}
        for r in self.requirements:
            out[r.status] += 1
        return out

    def by_family(self) -> dict[str, list[RequirementResult]]:
        families: dict[str, list[RequirementResult]] = {}
        for r in self.requirements:
            families.setdefault(r.family_id, []).append(r)
        return families

    def open_requirements(self) -> list[RequirementResult]:
        return [r for r in self.requirements if r.status in OPEN]


def rollup(catalog: Catalog, answers: AnswerSet) -> list[RequirementResult]:
    """Each requirement's status from its objectives (met only if every applicable objective is met)."""
    results = []
    given = answers.answers
    for requirement in catalog.requirements.values():
        met = na = unanswered = 0
        open_ids = []
        for objective in requirement.objectives:
            answer = given.get(objective.id)
            if answer is None:
                unanswered += 1
                open_ids.append(objective.id)
            elif answer.status is Status.MET:
                met += 1
            elif answer.status is Status.NOT_APPLICABLE:
                na += 1
            else:
                open_ids.append(objective.id)
        total = len(requirement.objectives)
        if na == total:
            status = NOT_APPLICABLE
        elif not open_ids:
            status = MET
        else:
            status = PARTIAL if requirement.id in answers.partial else NOT_MET
        results.append(RequirementResult(requirement.id, requirement.family_id, requirement.title, status, total, met,
                                         na, open_ids, unanswered))
    return results


def _describe_open(result: RequirementResult) -> str:
    parts = []
    answered_open = len(result.open_objectives) - result.unanswered
    if answered_open:
        parts.append(f"{answered_open} of {result.objectives_total} objectives not met")
    if result.unanswered:
        parts.append(f"{result.unanswered} unanswered (counted as not met)")
    shown = ", ".join(result.open_objectives[:6]) + (" …" if len(result.open_objectives) > 6 else "")
    return f"NOT MET: {'; '.join(parts)} ({shown})"


def score(catalog: Catalog, answers: AnswerSet, rules: Rules | None) -> ScoreReport:
    """Roll the answers up and score them; ``rules`` None (or a catalog the rules do not cover) gives no score."""
    results = rollup(catalog, answers)
    if rules is None or set(catalog.requirements) != set(rules.weights):
        unscored = ["no SPRS score: the DoD Assessment Methodology scores the 110 requirements of NIST SP 800-171 "
                 "Rev 2 only; this catalog is reported as requirements met"]
        return ScoreReport(catalog.id, results, None, None, None, None, unscored)
    by_id = {r.id: r for r in results}
    notes: list[str] = []
    for r in results:
        r.practice_id = rules.practice_id(r.id)
        if answers.poam is not None and r.status in OPEN:
            r.has_plan = r.id in answers.poam

    # §5.g.iii: unmet requirements without a plan of action make 3.12.2 NOT MET.
    plan_req = by_id[rules.poa_requirement]
    if answers.poam is None:
        notes.append(f"plan-of-action check of {rules.poa_requirement} not made: the answers do not say which "
                     f"unmet requirements have a plan of action (add a 'poam' column or generate a POA&M)")
    else:
        uncovered = [r.id for r in results if r.status in OPEN and r.has_plan is False and r.id != plan_req.id]
        if uncovered and plan_req.status in (MET, NOT_APPLICABLE):
            plan_req.status = NOT_MET
            plan_req.reason = (f"NOT MET by rule: {len(uncovered)} unmet requirement(s) have no plan of action "
                               f"({', '.join(uncovered[:8])}{' …' if len(uncovered) > 8 else ''})")
            plan_req.citation = rules.poa_rule

    total = rules.maximum
    for r in results:
        weight = rules.weights[r.id]
        if r.status == MET:
            continue
        if r.status == NOT_APPLICABLE:
            permitted = rules.not_permitted.get(r.id)
            if permitted:
                r.reason = f"not applicable: {permitted.capability} not permitted, no deduction"
                r.citation = permitted.citation
            else:
                r.reason = "not applicable: no deduction (scored as implemented only if the DoD CIO adjudicated it)"
                r.citation = rules.not_applicable_citation
            continue
        if r.status == PARTIAL:
            rule = rules.partial[r.id]
            r.points = rule.points
            r.reason = f"PARTIAL: {rule.meaning}"
            r.citation = rule.citation
        else:
            r.points = weight.points
            if not r.reason:
                r.reason = _describe_open(r)
                r.citation = rules.weight_citation(r.id)
                if r.has_plan:
                    r.reason += "; a plan of action earns no credit"
                    r.citation += f"; {rules.poa_no_credit}"
        r.poam_eligible = rules.poam_eligible(r.id, r.status == PARTIAL)
        total -= r.points

    gate = by_id[rules.gate_requirement]
    ssp_present = gate.status == MET
    if not ssp_present:
        gate.reason = f"NO SYSTEM SECURITY PLAN: {rules.gate_finding}"
        gate.citation = rules.gate_citation
        notes.insert(0, f"{rules.gate_requirement} not met: {rules.gate_finding} ({rules.gate_citation}); "
                        "the score below is arithmetic only")
    unanswered = sum(r.unanswered for r in results)
    if unanswered:
        notes.append(f"{unanswered} objective(s) unanswered, counted as not met")
    return ScoreReport(catalog.id, results, total, rules.maximum, rules.minimum, ssp_present, notes)
