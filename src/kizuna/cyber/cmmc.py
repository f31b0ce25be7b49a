"""CMMC Level 2 status from a score (32 CFR 170.21): final, conditional or not eligible, and what to fix for each.

"final" here means the answers support a Final Level 2 status (no requirement open); "conditional" that they
support a Conditional status with a POA&M (score at least 88 of 110, only POA&M-eligible requirements open, none
of the never-on-POA&M list); anything else is "not_eligible". The close-out deadline counts 180 days from the
assessment date (see ``cmmc_level2.yaml`` for what that assumes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from kizuna.cyber.rules import Rules
from kizuna.cyber.scoring import PARTIAL, RequirementResult, ScoreReport

FINAL, CONDITIONAL, NOT_ELIGIBLE = "final", "conditional", "not_eligible"


@dataclass(slots=True)
class Fix:
    """One requirement to close, and what closing it is worth."""

    requirement_id: str
    practice_id: str
    points: int
    open_objectives: int
    why: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CmmcStatus:
    status: str
    reasons: list[str]
    score: int
    conditional_minimum: int
    closeout_deadline: str | None  # ISO date, for a conditional status
    closeout_citation: str
    to_final: list[Fix] = field(default_factory=list)
    to_conditional: list[Fix] = field(default_factory=list)  # empty when already final or conditional

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["to_final"] = [f.to_dict() for f in self.to_final]
        data["to_conditional"] = [f.to_dict() for f in self.to_conditional]
        return data


def _fix(r: RequirementResult, why: str) -> Fix:
    return Fix(r.id, r.practice_id, r.points, r.cost, why)


def _cheapest_first(items: list[RequirementResult]) -> list[RequirementResult]:
    """Fewest open objectives first; among equals, the most points first."""
    return sorted(items, key=lambda r: (r.cost, -r.points, r.id))


def cmmc_status(report: ScoreReport, rules: Rules, assessed_on: date | None) -> CmmcStatus:
    """The Level 2 status the answers support, why, and the cheapest fixes toward each better status."""
    if report.sprs_score is None:
        raise ValueError("CMMC Level 2 status needs an SPRS score (a NIST SP 800-171 Rev 2 assessment)")
    score_value = report.sprs_score
    minimum = rules.conditional_minimum
    open_reqs = report.open_requirements()
    gate = next(r for r in report.requirements if r.id == rules.gate_requirement)
    reasons: list[str] = []
    blockers = [r for r in open_reqs if not r.poam_eligible]
    if not report.complete:
        # The SSP has no points, so it is not in open_reqs; it still blocks every status.
        blockers = [gate, *[b for b in blockers if b.id != gate.id]]

    if not open_reqs and report.complete:
        status = FINAL
        reasons.append("every requirement is met or not applicable")
    elif report.complete and score_value >= minimum and not blockers:
        status = CONDITIONAL
        reasons.append(f"score {score_value} ≥ {minimum} ({rules.conditional_ratio:.0%} of "
                       f"{rules.total_requirements}; {rules.cmmc_citations['ratio']}) and all "
                       f"{len(open_reqs)} open requirement(s) may go on a POA&M")
    else:
        status = NOT_ELIGIBLE
        if not report.complete:
            reasons.append(f"{gate.practice_id or gate.id} (system security plan) is not met: "
                           f"{rules.gate_finding} ({rules.gate_citation})")
        if score_value < minimum:
            reasons.append(f"score {score_value} is below {minimum} ({rules.conditional_ratio:.0%} of "
                           f"{rules.total_requirements}; {rules.cmmc_citations['ratio']})")
        for r in blockers:
            if r.id == gate.id:
                continue
            if r.id in rules.never_on_poam:
                reasons.append(f"{r.practice_id} is open and may never be on a POA&M ({rules.cmmc_citations['never']})")
            else:
                case = " (its partial case)" if r.status == PARTIAL else ""
                reasons.append(f"{r.practice_id} is open and worth {r.points} points{case}, more than the "
                               f"{rules.max_poam_points} a POA&M item may carry ({rules.cmmc_citations['points']})")

    deadline = None
    if status == CONDITIONAL and assessed_on is not None:
        deadline = (assessed_on + timedelta(days=rules.closeout_days)).isoformat()
        verified = "" if rules.closeout_verified else "; rule text not verified verbatim, see cmmc_level2.yaml"
        reasons.append(f"close the POA&M within {rules.closeout_days} days: by {deadline} "
                       f"({rules.closeout_citation}{verified})")

    to_final = [_fix(r, "open: " + (r.reason or r.status)) for r in _cheapest_first(open_reqs)]
    if not report.complete:
        to_final.insert(0, _fix(gate, "write the system security plan: the assessment cannot be completed without it"))
    to_conditional: list[Fix] = []
    if status == NOT_ELIGIBLE:
        gained = 0
        for r in _cheapest_first(blockers):
            why = ("required before any status" if r.id == gate.id else
                   "never allowed on a POA&M" if r.id in rules.never_on_poam else
                   f"worth {r.points} points: too much for a POA&M")
            to_conditional.append(_fix(r, why))
            gained += r.points
        shortfall = minimum - (score_value + gained)
        if shortfall > 0:
            # Remaining eligible items: best points per open objective first, until the score reaches the minimum.
            eligible = [r for r in open_reqs if r.poam_eligible]
            for r in sorted(eligible, key=lambda r: (r.cost / max(r.points, 1), -r.points, r.id)):
                if shortfall <= 0:
                    break
                to_conditional.append(_fix(r, f"+{r.points} toward the {minimum}-point minimum"))
                shortfall -= r.points
    return CmmcStatus(status, reasons, score_value, minimum, deadline, rules.closeout_citation, to_final,
                      to_conditional)
