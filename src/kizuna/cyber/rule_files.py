"""The typed models of the cyber rule files (``data/cyber/*.yaml``), read through ``core.rules``: a missing key, a
misspelt one, a wrong type or a number out of range is an InputError naming the file, the line and the field."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from kizuna.core.rules import RuleModel, bundled_rules

Ratio = Annotated[float, Field(gt=0, le=1)]
Points = Annotated[int, Field(ge=0)]


class Source(RuleModel):
    title: str
    url: str
    date: str = ""
    publisher: str = ""
    read_in: str = ""
    federal_register: str = ""


class WeightFile(RuleModel):
    file: str
    citation_by_points: dict[int, str]
    verified: bool


class PartialCase(RuleModel):
    points: Points
    meaning: str
    citation: str
    verified: bool = False


class NotPermitted(RuleModel):
    capability: str
    citation: str
    verified: bool = False


class NotApplicable(RuleModel):
    citation: str
    verified: bool
    never: list[str]
    never_citation: str


class Gate(RuleModel):
    requirement: str
    finding: str
    citation: str
    verified: bool


class PlanOfAction(RuleModel):
    requirement: str
    rule: str
    no_credit: str
    verified: bool


class RequirementFindingTexts(RuleModel):
    """The report's sentence per requirement status (``str.format`` templates over the result's values)."""

    met: str
    not_met: str
    partial: str
    not_applicable: str


class SprsRules(RuleModel):
    """``sprs_rules.yaml``: the DoD Assessment Methodology v1.2.1 scoring rules."""

    source: Source
    catalog: str
    maximum: Annotated[int, Field(gt=0)]
    maximum_citation: str
    weights: WeightFile
    partial: dict[str, PartialCase]
    not_permitted: dict[str, NotPermitted]
    not_applicable: NotApplicable
    gate: Gate
    plan_of_action: PlanOfAction
    findings: RequirementFindingTexts


class PoamException(RuleModel):
    case: Literal["partial"]
    points: Points
    citation: str
    verified: bool


class Conditional(RuleModel):
    minimum_ratio: Ratio
    total_requirements: Annotated[int, Field(gt=0)]
    ratio_citation: str
    ratio_verified: bool
    maximum_poam_points: Points
    points_citation: str
    points_verified: bool
    exceptions: dict[str, PoamException]
    never_on_poam: list[str]
    never_citation: str
    never_verified: bool


class Closeout(RuleModel):
    days: Annotated[int, Field(gt=0)]
    rule: str
    citation: str
    verified: bool
    counted_from: str


class CmmcLevel2(RuleModel):
    """``cmmc_level2.yaml``: 32 CFR 170.21 (Conditional status, POA&M and close-out)."""

    source: Source
    practice_id: str
    practice_id_citation: str
    conditional: Conditional
    closeout: Closeout


class RegistryPolicy(RuleModel):
    """``registry.yaml``: when the trusted-capital registry shows a company as trusted."""

    trusted_statuses: list[Literal["final", "conditional", "not_eligible"]] = Field(min_length=1)
    trusted_statuses_basis: str
    max_assessment_age_days: Annotated[int, Field(gt=0)]
    max_age_citation: str
    max_age_verified: bool
    screening: str
    sectors: list[str] = Field(min_length=1)


class Profile(RuleModel):
    """``profiles/*.yaml``: a national standard mapped onto a catalog's families and requirements."""

    id: str
    title: str
    catalog: str
    basis: str
    official_source: str
    verified: bool
    families: dict[str, str]
    requirements: dict[str, str]


def sprs_rules() -> SprsRules:
    return bundled_rules("cyber/sprs_rules.yaml", SprsRules)


def cmmc_level2() -> CmmcLevel2:
    return bundled_rules("cyber/cmmc_level2.yaml", CmmcLevel2)


def registry_policy() -> RegistryPolicy:
    return bundled_rules("cyber/registry.yaml", RegistryPolicy)


def profile(name: str) -> Profile:
    return bundled_rules(f"cyber/profiles/{name}.yaml", Profile)
