"""The cited rule data: each regime's attribution rule and the filing-trigger tables, read into typed records."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.datafiles import read_yaml
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled

METHODS = ("multiply", "parent-full", "aggregate-50")
REGIME_CODES = ("eu-amlr", "us-cta", "us-cfius", "us-ofac-50", "us-bis-affiliates", "jp-fefta", "none")


@dataclass(frozen=True, slots=True)
class Citation:
    """One legal rule: what it says, where it is, and whether its text was checked against the primary source."""

    id: str
    text: str
    citation: str
    url: str
    verified: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "citation": self.citation, "url": self.url,
                "verified": self.verified, **({"note": self.note} if self.note else {})}


@dataclass(frozen=True, slots=True)
class Regime:
    """A regime's attribution rule as data (see data/ownership/regimes/<code>.yaml)."""

    code: str
    name: str
    jurisdiction: str
    method: str
    measure: str
    threshold: float
    owners: str
    rules: tuple[Citation, ...]
    control_interests: tuple[str, ...] = ()
    listed_lists: tuple[str, ...] = ()
    parent_threshold: float = 0.5
    home_country: str = ""
    effective_from: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    interpretation: tuple[str, ...] = field(default_factory=tuple)
    yes_means: str = "finding"  # "restricted" when a YES answer means the target itself is blocked or restricted

    @property
    def voting(self) -> bool:
        return self.measure == "voting"

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

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "method": self.method, "rule": self.describe(),
                "threshold_percent": self.threshold * 100, "measure": self.measure,
                "citations": [c.to_dict() for c in self.rules]}


def _citation(item: dict[str, Any]) -> Citation:
    return Citation(item["id"], " ".join(item["text"].split()), item["citation"].strip(), item["url"],
                    bool(item.get("verified", False)),
                    " ".join((item.get("note") or item.get("verified_against") or "").split()))


def _yes_means(path: Path, data: dict[str, Any]) -> str:
    value = data.get("yes_means", "finding")
    if value not in ("finding", "restricted"):
        raise InputError(f"unknown yes_means {value!r} (finding or restricted)", path=path, field="yes_means")
    return str(value)


@cache
def regimes() -> dict[str, Regime]:
    """Every regime, by code, from data/ownership/regimes/."""
    found = {}
    for path in sorted(bundled("ownership", "regimes").glob("*.yaml")):
        data = read_yaml(path)
        if data["method"] not in METHODS:
            raise InputError(f"unknown method {data['method']!r}", path=path, field="method")
        found[data["code"]] = Regime(
            code=data["code"], name=data["name"], jurisdiction=data.get("jurisdiction", ""), method=data["method"],
            measure=data.get("measure", "ownership"), threshold=float(data["threshold"]), owners=data["owners"],
            rules=tuple(_citation(r) for r in data["rules"]),
            control_interests=tuple(data.get("control_interests", [])),
            listed_lists=tuple(data.get("listed_lists", [])),
            parent_threshold=float(data.get("parent_threshold", 0.5)), home_country=data.get("home_country", ""),
            effective_from=data.get("effective_from"), suspended_from=data.get("suspended_from"),
            suspended_until=data.get("suspended_until"),
            interpretation=tuple(" ".join(t.split()) for t in data.get("interpretation", [])),
            yes_means=_yes_means(path, data))
    return found


def regime(code: str) -> Regime:
    """One regime by code; InputError listing the codes when unknown."""
    known = regimes()
    if code not in known:
        raise InputError(f"unknown regime {code!r} (one of: {', '.join(REGIME_CODES)})", field="--regime")
    return known[code]


@cache
def trigger_table(code: str) -> dict[str, Any]:
    """The filing-trigger table of jp-fefta or us-cfius."""
    return read_yaml(bundled("ownership", "triggers", f"{code}.yaml"))


@cache
def fefta_sectors() -> dict[str, dict[str, Any]]:
    """FEFTA designated sectors by code, each with ``core``."""
    sectors: dict[str, dict[str, Any]] = read_yaml(bundled("ownership", "fefta_sectors.yaml"))["sectors"]
    return sectors


def trigger_citation(item: dict[str, Any], rule_id: str) -> Citation:
    """A Citation from one entry of a trigger table."""
    return Citation(rule_id, " ".join(str(item.get("text", "")).split()), item["citation"], item["url"],
                    bool(item.get("verified", False)), " ".join(str(item.get("note", "")).split()))
