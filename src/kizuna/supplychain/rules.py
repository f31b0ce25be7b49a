"""The supply-chain rule files (data/supplychain/*.yaml) as typed records, read once per process."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence
from kizuna.core.paths import bundled
from kizuna.core.report import data_version
from kizuna.core.rules import RuleModel, bundled_rules

Status = Literal["covered", "former", "review", "none"]
CONFIDENCE_RANK = {"verified": 0, "secondary": 1, "recalled": 2}  # the source files' words, strongest first


def rank(confidence: str) -> int:
    """How weak a source file's confidence word is (0 = verified; unknown words weakest)."""
    return CONFIDENCE_RANK.get(confidence, len(CONFIDENCE_RANK))


def spaced(name: str, *, fold: bool = False) -> str:
    """``name`` with its runs of white space made one space (and case-folded with ``fold``): the key a name is
    screened and looked up under."""
    return " ".join((name.casefold() if fold else name).split())


class LegalRule(RuleModel):
    id: str
    title: str
    text: str
    citation: str
    url: str = ""
    since: str
    confidence: Confidence
    note: str = ""
    finding: str

    def cite(self, since: str) -> Citation:
        """The rule as a shared ``Citation``, dated ``since`` (the vendor's own listing date)."""
        return Citation(self.id, self.text, self.citation, self.url, self.confidence, self.note, since)


class RuleFile(RuleModel):
    rules: list[LegalRule]


class AppliedRule(RuleModel):
    """One rule reaching one vendor: the date its own listing took effect and the list entry."""

    rule: str
    since: str
    entry: str


class Vendor(RuleModel):
    key: str
    name: str
    country: str = Field(min_length=2, max_length=2)
    names: list[str]
    scope: str = ""
    rules: list[AppliedRule]


class Label(RuleModel):
    prefix: str
    vendor: str | None = None
    status: Status = "covered"


class VendorFile(RuleModel):
    vendors: list[Vendor]
    labels: list[Label]
    former_notes: list[str]


class MacRegistry(RuleModel):
    registry: str
    file: str
    bits: int = Field(ge=24, le=36)


class MacRules(RuleModel):
    local_bit: int
    group_bit: int
    registries: list[MacRegistry]


class FccGrantee(RuleModel):
    new_first: str
    new_length: int
    old_length: int


class Concentration(RuleModel):
    highly_concentrated_hhi: float = Field(ge=0, le=10_000)
    citation: str


class Signals(RuleModel):
    finding_confidence: list[str]
    name_threshold: float | None = Field(default=None, ge=0, le=1)
    name_finding_score: float = Field(ge=0, le=1)
    min_name_chars: int
    mac: MacRules
    fcc_grantee: FccGrantee
    review_words: list[str]
    review_only_kinds: list[str]
    min_model_prefix_chars: int
    concentration: Concentration
    cyclonedx_library_max_components: int = Field(ge=0)


RULES_FILE = "supplychain/rules.yaml"
VENDORS_FILE = "supplychain/vendors.yaml"
SIGNALS_FILE = "supplychain/signals.yaml"


def signals() -> Signals:
    """The signal policy (signals.yaml)."""
    return bundled_rules(SIGNALS_FILE, Signals)


@cache
def legal_rules() -> dict[str, LegalRule]:
    """The legal rules by id (rules.yaml)."""
    return {rule.id: rule for rule in bundled_rules(RULES_FILE, RuleFile).rules}


@cache
def vendors() -> dict[str, Vendor]:
    """The covered parents by key; each rule a vendor names must be in rules.yaml."""
    data = bundled_rules(VENDORS_FILE, VendorFile)
    known = legal_rules()
    for number, vendor in enumerate(data.vendors):
        for applied in vendor.rules:
            if applied.rule not in known:
                raise InputError(f"unknown rule {applied.rule!r}", path=bundled(VENDORS_FILE),
                                 field=f"vendors.{number}.rules")
    return {vendor.key: vendor for vendor in data.vendors}


def label(text: str) -> tuple[Vendor | None, Status]:
    """The vendor and status a source file's free-text parent label stands for (first matching prefix)."""
    folded = text.strip().casefold()
    for entry in bundled_rules(VENDORS_FILE, VendorFile).labels:
        if folded.startswith(entry.prefix.casefold()):
            return (vendors()[entry.vendor] if entry.vendor else None), entry.status
    return None, "none"


def former_notes() -> list[str]:
    """The note prefixes that mark a brand row as a former unit."""
    return bundled_rules(VENDORS_FILE, VendorFile).former_notes


DATA_FILES = ("rules.yaml", "vendors.yaml", "signals.yaml", "covered_vendors_brands.csv",
              "mac_oui_covered_vendors.csv", "mac_oui_name_exclusions.csv", "cpe_vendor_strings.csv",
              "software_namespaces.csv", "device_identifiers.csv")


def rule_data_version() -> str:
    """The fingerprint of every supply-chain data file a scan applies."""
    return data_version(bundled(f"supplychain/{name}") for name in DATA_FILES)
