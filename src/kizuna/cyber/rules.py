"""The scoring rules, read once from the cited data files under ``data/cyber/``.

``sprs_weights.csv`` (point values), ``sprs_rules.yaml`` (DoD Assessment Methodology v1.2.1 special cases) and
``cmmc_level2.yaml`` (32 CFR 170.21 POA&M rules). Nothing here hard-codes a number: every threshold comes from
those files, and each rule object keeps the citation the reports print.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.tables import read_table
from kizuna.cyber.rule_files import cmmc_level2, sprs_rules


@dataclass(frozen=True, slots=True)
class Weight:
    requirement_id: str
    family: str  # CMMC domain abbreviation (AC, AT, ...)
    points: int
    poam_allowed: str  # yes / no / conditional, as published in sprs_weights.csv
    notes: str


@dataclass(frozen=True, slots=True)
class PartialRule:
    requirement_id: str
    points: int
    meaning: str
    citation: str
    verified: bool


@dataclass(frozen=True, slots=True)
class NotPermittedRule:
    requirement_id: str
    capability: str
    citation: str


@dataclass(frozen=True, slots=True)
class Rules:
    """Every rule the SPRS score and the CMMC Level 2 status use, with citations."""

    catalog_id: str
    maximum: int
    weights: dict[str, Weight]
    partial: dict[str, PartialRule]
    not_permitted: dict[str, NotPermittedRule]
    never_not_applicable: frozenset[str]
    not_applicable_citation: str
    gate_requirement: str
    gate_finding: str
    gate_citation: str
    poa_requirement: str
    poa_rule: str
    poa_no_credit: str
    weight_citations: dict[int, str]
    source_title: str
    source_url: str
    # CMMC Level 2 (32 CFR 170.21)
    practice_id_pattern: str
    conditional_ratio: float
    total_requirements: int
    max_poam_points: int
    poam_exceptions: dict[str, PartialRule]  # requirement -> the partial case allowed on a POA&M
    never_on_poam: frozenset[str]
    cmmc_citations: dict[str, str]
    closeout_days: int
    closeout_citation: str
    closeout_verified: bool
    cmmc_source_url: str
    practice_ids: dict[str, str]  # requirement -> CMMC practice id, computed once

    @property
    def minimum(self) -> int:
        """The lowest possible score: every requirement unmet."""
        return self.maximum - sum(w.points for w in self.weights.values())

    @property
    def conditional_minimum(self) -> int:
        """The least whole score whose ratio to the requirement count reaches the threshold (88 of 110)."""
        needed = self.conditional_ratio * self.total_requirements
        return int(needed) if float(int(needed)) == needed else int(needed) + 1

    def weight_citation(self, requirement_id: str) -> str:
        points = self.weights[requirement_id].points
        return f"{self.weight_citations[points]}: value {points}"

    def practice_id(self, requirement_id: str) -> str:
        return self.practice_ids.get(requirement_id, requirement_id)

    def poam_eligible(self, requirement_id: str, partial: bool) -> bool:
        """Whether a NOT MET requirement may sit on a POA&M for a Conditional status (32 CFR 170.21(a)(2)(ii)-(iii))."""
        if requirement_id in self.never_on_poam:
            return False
        exception = self.poam_exceptions.get(requirement_id)
        if exception is not None and partial:
            return True
        return self.weights[requirement_id].points <= self.max_poam_points


def read_weights(path: Path) -> dict[str, Weight]:
    """``sprs_weights.csv``: one row per requirement, InputError naming the line of a bad row."""
    weights: dict[str, Weight] = {}
    table = read_table(path)
    table.require("requirement_id", "family", "points", "poam_allowed")
    for line, row in table.records():
        rid = row["requirement_id"].strip()
        try:
            points = int(row["points"])
        except ValueError as exc:
            raise InputError(f"points must be a whole number, not {row['points']!r}", path=path, line=line,
                             field="points") from exc
        if not rid or rid in weights:
            raise InputError(f"requirement id {rid!r} is empty or repeated", path=path, line=line,
                             field="requirement_id")
        weights[rid] = Weight(rid, row["family"].strip(), points, row["poam_allowed"].strip(),
                              str(row.get("notes") or "").strip())
    return weights


@cache
def load_rules() -> Rules:
    """The rules of the bundled data files (read and validated once per process)."""
    sprs, cmmc = sprs_rules(), cmmc_level2()
    weights = read_weights(bundled("cyber", sprs.weights.file))
    partial = {rid: PartialRule(rid, r.points, r.meaning, r.citation, r.verified) for rid, r in sprs.partial.items()}
    cond = cmmc.conditional
    exceptions = {}
    for rid, exc in cond.exceptions.items():
        if rid not in partial or exc.points != partial[rid].points:
            raise InputError(f"POA&M exception for {rid} must name its partial case with the same points",
                             path=bundled("cyber", "cmmc_level2.yaml"), field=f"conditional.exceptions.{rid}")
        exceptions[rid] = partial[rid]
    return Rules(
        catalog_id=sprs.catalog,
        maximum=sprs.maximum,
        weights=weights,
        partial=partial,
        not_permitted={rid: NotPermittedRule(rid, r.capability, r.citation) for rid, r in sprs.not_permitted.items()},
        never_not_applicable=frozenset(sprs.not_applicable.never),
        not_applicable_citation=sprs.not_applicable.citation,
        gate_requirement=sprs.gate.requirement,
        gate_finding=sprs.gate.finding,
        gate_citation=sprs.gate.citation,
        poa_requirement=sprs.plan_of_action.requirement,
        poa_rule=sprs.plan_of_action.rule,
        poa_no_credit=sprs.plan_of_action.no_credit,
        weight_citations=dict(sprs.weights.citation_by_points),
        source_title=sprs.source.title,
        source_url=sprs.source.url,
        practice_id_pattern=cmmc.practice_id,
        conditional_ratio=cond.minimum_ratio,
        total_requirements=cond.total_requirements,
        max_poam_points=cond.maximum_poam_points,
        poam_exceptions=exceptions,
        never_on_poam=frozenset(cond.never_on_poam),
        cmmc_citations={"ratio": cond.ratio_citation, "points": cond.points_citation, "never": cond.never_citation},
        closeout_days=cmmc.closeout.days,
        closeout_citation=cmmc.closeout.citation,
        closeout_verified=cmmc.closeout.verified,
        cmmc_source_url=cmmc.source.url,
        practice_ids={rid: cmmc.practice_id.format(family=w.family, requirement=rid) for rid, w in weights.items()},
    )
