"""The research capability's rule file (``data/research/rules.yaml``), typed."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from kizuna.core.evidence import Citation, Confidence
from kizuna.core.paths import bundled
from kizuna.core.report import data_version
from kizuna.core.rules import RuleModel, bundled_rules

RULES_FILE = "research/rules.yaml"


class Resolution(RuleModel):
    accept: float = Field(ge=0, le=1)
    separators: list[str]
    max_run: int = Field(ge=1)
    max_parts: int = Field(ge=1)
    cjk_org_suffixes: list[str]
    candidates: int = Field(ge=1)
    tie: float = Field(ge=0)
    distinguishing: list[list[str]]
    abbreviations: dict[str, str]
    max_chars: int = Field(ge=1)


class EvidenceSource(RuleModel):
    file: str
    release: str
    data_date: str
    url: str


class FetchSource(RuleModel):
    url: str
    max_download_bytes: int = Field(ge=1)
    max_json_bytes: int = Field(ge=1)


class Sources(RuleModel):
    ror_union: EvidenceSource
    openalex_crosswalk: EvidenceSource
    fetch_ror: FetchSource


class DiligenceRules(RuleModel):
    verified_hit: float = Field(ge=0, le=1)
    max_team: int = Field(ge=1)
    max_team_file_bytes: int = Field(ge=1)
    max_coauthor_institutions: int = Field(ge=0)


class CountryCounts(RuleModel):
    file: str
    concept: str


class PriorityData(RuleModel):
    country_counts: CountryCounts | None = None
    works: str | None = None
    terms: list[str] = Field(default_factory=list)  # subjects placing a work in it (kizuna.research.area)


class Rule(RuleModel):
    id: str
    listing: bool  # findings are restrictions ("met"); False: notes for review
    text: str
    citation: str
    url: str = ""
    date: str = ""
    confidence: Confidence
    note: str = ""
    lists: list[str]
    basis: list[str]

    def cite(self) -> Citation:
        return Citation(self.id, self.text, self.citation, self.url, self.confidence, self.note, self.date)


class Templates(RuleModel):
    self_: str = Field(alias="self")
    parent: str
    child: str
    list_hit: str
    not_resolved: str
    not_checked: str


class ResearchRules(RuleModel):
    resolution: Resolution
    sources: Sources
    diligence: DiligenceRules
    rules: list[Rule]
    findings: Templates
    priority_data: dict[str, PriorityData]
    coauthorship_file: str

    def rules_for_list(self, list_code: str) -> list[Rule]:
        return [rule for rule in self.rules if list_code in rule.lists]

    def rules_for_basis(self, basis: str) -> list[Rule]:
        return [rule for rule in self.rules if basis in rule.basis]


def rules() -> ResearchRules:
    """The bundled research rules, read and validated once per process."""
    return bundled_rules(RULES_FILE, ResearchRules)


@cache
def rules_version() -> str:
    """The fingerprint of the research rule and data files an answer applied."""
    folder = bundled("research")
    return data_version(p for p in folder.iterdir() if p.is_file() and p.name != "SOURCES.md")
