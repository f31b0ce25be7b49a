"""The cited rule data: each regime's attribution rule, the filing-trigger tables, the FEFTA sectors and the
interest types — every file read through ``kizuna.core.rules`` into a typed, validated model, so a bad rule file is
an InputError naming its file, line and field."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import Field

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules, load_rules

METHODS = ("multiply", "parent-full", "aggregate-50")
REGIME_CODES = ("eu-amlr", "us-cta", "us-cfius", "us-ofac-50", "us-bis-affiliates", "jp-fefta", "none")

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


def _words(text: str) -> str:
    return " ".join(text.split())


class Cited(RuleModel):
    """Where a rule is and how far its text was checked (``verified: false`` = recalled, shown as unconfirmed)."""

    citation: str
    url: str
    verified: bool = False
    note: str = ""
    verified_against: str = ""
    text: str = ""

    def cite(self, rule_id: str, text: str = "") -> Citation:
        """This rule as the one citation type."""
        return Citation(rule_id, _words(text or self.text), self.citation.strip(), self.url,
                        Confidence.VERIFIED if self.verified else Confidence.RECALLED,
                        _words(self.note or self.verified_against))


class RegimeRule(Cited):
    id: str
    text: str


class Regime(RuleModel):
    """A regime's attribution rule as data (see data/ownership/regimes/<code>.yaml)."""

    code: str
    name: str
    jurisdiction: str = ""
    method: Literal["multiply", "parent-full", "aggregate-50"]
    measure: Literal["ownership", "voting"] = "ownership"
    threshold: Fraction
    comparison: Literal["at_least"] = "at_least"  # the one comparison of ``threshold`` the engine applies
    owners: Literal["any", "natural-persons", "listed-parties", "foreign-parties"]
    rules: tuple[RegimeRule, ...] = Field(min_length=1)
    control_interests: tuple[str, ...] = ()
    listed_lists: tuple[str, ...] = ()
    parent_threshold: float = Field(0.5, ge=0.0, le=1.0)  # CFIUS parent: more than this share of the votes
    home_country: str = ""
    effective_from: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    interpretation: tuple[str, ...] = ()
    yes_means: Literal["finding", "restricted"] = "finding"  # restricted: a YES means the target is blocked

    @property
    def voting(self) -> bool:
        return self.measure == "voting"

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(r.cite(r.id) for r in self.rules)

    def citation(self, rule_id: str) -> Citation:
        return next(c for c in self.citations if c.id == rule_id)

    def notes(self) -> list[str]:
        return [_words(t) for t in self.interpretation]

    def describe(self) -> str:
        """One sentence naming the arithmetic this regime applies."""
        if self.method == "multiply":
            return ("multiply shares along each chain, add across chains (cross-holdings counted once), "
                    f"threshold {self.threshold * 100:g} %" if self.threshold else
                    "multiply shares along each chain, add across chains (cross-holdings counted once)")
        if self.method == "parent-full":
            return (f"a parent's interest (more than {self.parent_threshold * 100:g} %) counts as 100 %, other "
                    f"interests proportionally; threshold {self.threshold * 100:g} %")
        return (f"an entity owned {self.threshold * 100:g} % or more in aggregate, directly or through entities "
                "that meet the test themselves, meets it too; holdings of such entities count in full")

    def status_on(self, day: str) -> str:
        """in force, not yet in force or suspended on an ISO date."""
        if self.effective_from and day < self.effective_from:
            return "not yet in force"
        if self.suspended_from and self.suspended_until and self.suspended_from <= day <= self.suspended_until:
            return "suspended"
        return "in force"

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "method": self.method, "rule": self.describe(),
                "threshold_percent": self.threshold * 100, "measure": self.measure,
                "citations": [c.to_dict() for c in self.citations]}


# --- FEFTA prior notification (data/ownership/triggers/jp-fefta.yaml) ---

class Condition(RuleModel):
    id: str
    text: str


class ListedThreshold(Cited):
    value: Fraction
    finding: str  # template: {sectors}, {after}, {value}


class PostInvestmentReport(Cited):
    listed_threshold: Fraction
    finding: str  # template: {listed_threshold}


class Exemption(Cited):
    core_cap: Fraction
    core_cap_text: str
    soe_threshold: Fraction  # state share at or above which the investor is treated as state-owned
    soe_finding: str  # template: {state_share}, {soe_threshold}
    ineligible: tuple[Condition, ...]
    basic_conditions: tuple[Condition, ...]
    core_conditions: tuple[Condition, ...]
    financial_institutions: str
    reporting: str


class FeftaRules(RuleModel):
    listed_threshold: ListedThreshold
    unlisted_any: Cited
    post_investment_report: PostInvestmentReport
    exemption: Exemption
    not_foreign_finding: str  # template: {investor}, {foreign_share}, {threshold}


# --- CFIUS mandatory declarations (data/ownership/triggers/us-cfius.yaml) ---

class ForeignGovernment(Cited):
    investor_threshold: Fraction
    government_threshold: Fraction
    finding: str  # template: {answer}, {after}, {investor_threshold}, {of_country}, {government}, ...


class CriticalTechnology(Cited):
    voting_threshold: Fraction  # holders of this voting share of the investor count as export recipients
    question: str  # template: {voting_threshold}, {holders}


class ForeignPerson(Cited):
    control_threshold: Fraction  # foreign persons holding more than this of the votes control the entity


class Exceptions(Cited):
    questions: tuple[Condition, ...]


class CfiusRules(RuleModel):
    foreign_government: ForeignGovernment
    critical_technology: CriticalTechnology
    covered_investment: Cited
    foreign_person: ForeignPerson
    exceptions: Exceptions


class FeftaTable(RuleModel):
    code: Literal["jp-fefta"]
    name: str
    rules: FeftaRules


class CfiusTable(RuleModel):
    code: Literal["us-cfius"]
    name: str
    rules: CfiusRules


class Sector(RuleModel):
    name: str
    core: bool


class Sectors(RuleModel):
    verified: bool = False
    sectors: dict[str, Sector] = Field(min_length=1)


class Interests(RuleModel):
    ownership: tuple[str, ...]
    voting: tuple[str, ...]
    control: tuple[str, ...]


@cache
def regimes() -> dict[str, Regime]:
    """Every regime, by code, from data/ownership/regimes/."""
    found = {}
    for path in sorted(bundled("ownership", "regimes").glob("*.yaml")):
        rule = load_rules(path, Regime)
        found[rule.code] = rule
    return found


def regime(code: str) -> Regime:
    """One regime by code; InputError listing the codes when unknown."""
    known = regimes()
    if code not in known:
        raise InputError(f"unknown regime {code!r} (one of: {', '.join(REGIME_CODES)})", field="--regime")
    return known[code]


def fefta_rules() -> FeftaRules:
    """The FEFTA prior-notification table."""
    return bundled_rules("ownership/triggers/jp-fefta.yaml", FeftaTable).rules


def cfius_rules() -> CfiusRules:
    """The CFIUS mandatory-declaration table."""
    return bundled_rules("ownership/triggers/us-cfius.yaml", CfiusTable).rules


def fefta_sectors() -> dict[str, Sector]:
    """FEFTA designated sectors by code, each with ``core``."""
    return bundled_rules("ownership/fefta_sectors.yaml", Sectors).sectors


def interests() -> Interests:
    """Which interest types feed the share arithmetic, measure votes, or confer control."""
    return bundled_rules("ownership/interests.yaml", Interests)
