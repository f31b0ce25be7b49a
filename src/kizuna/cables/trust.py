"""Trust by role: which cables have a supplier or owner of concern, matched through kizuna.screening.

The parties of concern, the roles and the share that triggers a filter are data (``data/cables/concern.yaml``
or a user's file in the same shape). Each owner and supplier name of the dataset is screened against the
parties with the project's name matcher, so spellings, scripts and legal-form variants match without any
hand-written string test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.cables.model import Cable, Network
from kizuna.core.datafiles import read_yaml
from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.screening.index import ScreeningIndex
from kizuna.screening.model import Query
from kizuna.screening.screener import Screener

LIST_CODE = "cables-concern"
ROLES = ("supplier", "owner")


@dataclass(frozen=True, slots=True)
class Party:
    """A supplier or owner of concern, with the roles in which it matters and why."""

    id: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    country: str | None
    why: str
    citation: str
    source_url: str


@dataclass(frozen=True, slots=True)
class Rule:
    role: str
    enabled: bool
    min_share: float
    why: str


@dataclass(frozen=True, slots=True)
class ConcernList:
    """Parties of concern and the rules that make a cable untrusted; ``path`` is the file they came from."""

    path: str
    parties: tuple[Party, ...]
    rules: dict[str, Rule]
    match_threshold: float


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a cable is untrusted: a data name matched to a party of concern in a role."""

    role: str
    data_name: str
    party_id: str
    party_name: str
    score: float
    share: float
    citation: str
    source_url: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "data_name": self.data_name, "party": self.party_name, "party_id": self.party_id,
                "match_score": self.score, "assumed_share": round(self.share, 3), "citation": self.citation,
                "source_url": self.source_url}

    def explain(self) -> str:
        share = "" if self.role == "supplier" else f", assumed share {self.share:.0%}"
        return f"{self.role} {self.data_name!r} matches {self.party_name} ({self.citation}{share})"


@dataclass(slots=True)
class TrustReport:
    """For each cable of a dataset, the findings that make it untrusted under a concern list."""

    concern: ConcernList
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # cable id -> findings that trigger
    matches: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # data name -> (party id, score)

    def untrusted(self, cable_id: str) -> bool:
        return bool(self.findings.get(cable_id))

    def status(self, cable_id: str) -> str:
        """``concern`` or ``trusted`` (no supplier or owner of concern in the data)."""
        return "concern" if self.untrusted(cable_id) else "trusted"

    def why(self, cable_id: str) -> str:
        return "; ".join(f.explain() for f in self.findings.get(cable_id, []))

    def brief(self, cable_id: str) -> str:
        """``supplier HMN Technologies Co., Ltd.; owner China Telecom`` (the citations are in ``why``)."""
        return "; ".join(dict.fromkeys(f"{f.role} {f.party_name}" for f in self.findings.get(cable_id, [])))


def _text(value: Any, path: Path, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError("missing or not text", path=path, field=field_name)
    return value.strip()


def load_concern(path: str | Path | None = None) -> ConcernList:
    """Read a concern list (the bundled one by default)."""
    return _load_concern(Path(path).resolve() if path else bundled("cables", "concern.yaml"))


@cache
def _load_concern(path: Path) -> ConcernList:
    if not path.is_file():
        raise InputError("concern list not found", path=path)
    data = read_yaml(path)
    parties = []
    for i, item in enumerate(data.get("parties") or []):
        where = f"parties[{i}]"
        roles = tuple(item.get("roles") or ())
        if not roles or any(r not in ROLES for r in roles):
            raise InputError(f"roles must be a list of {', '.join(ROLES)}", path=path, field=f"{where}.roles")
        parties.append(Party(
            id=_text(item.get("id"), path, f"{where}.id"), name=_text(item.get("name"), path, f"{where}.name"),
            aliases=tuple(str(a) for a in item.get("aliases") or ()), roles=roles, country=item.get("country"),
            why=str(item.get("why", "")).strip(), citation=_text(item.get("citation"), path, f"{where}.citation"),
            source_url=str(item.get("source_url", ""))))
    if not parties:
        raise InputError("no parties", path=path, field="parties")
    rules = {}
    for role in ROLES:
        raw = (data.get("rules") or {}).get(role) or {}
        share = raw.get("min_share", 0.0)
        if not isinstance(share, int | float) or not 0 <= share <= 1:
            raise InputError("min_share must be a number from 0 to 1", path=path, field=f"rules.{role}.min_share")
        rules[role] = Rule(role, bool(raw.get("enabled", True)), float(share), str(raw.get("why", "")))
    threshold = data.get("match_threshold", 0.8)
    if not isinstance(threshold, int | float) or not 0 < threshold <= 1:
        raise InputError("match_threshold must be a number in (0, 1]", path=path, field="match_threshold")
    return ConcernList(str(path), tuple(parties), rules, float(threshold))


def concern_entries(concern: ConcernList) -> list[Entry]:
    """The parties of concern as screening entries."""
    return [Entry(list_code=LIST_CODE, entry_id=p.id, name=p.name, entity_type=PartyKind.ORGANIZATION,
                  provenance=Provenance(LIST_CODE, concern.path, "", p.source_url),
                  aliases=[Name(a, NameKind.ALIAS) for a in p.aliases],
                  countries=[p.country] if p.country else [], citation=p.citation, remarks=p.why)
            for p in concern.parties]


_screeners: dict[str, Screener] = {}
_reports: dict[tuple[int, str], TrustReport] = {}


def _screener(concern: ConcernList) -> Screener:
    if concern.path not in _screeners:
        _screeners[concern.path] = Screener(ScreeningIndex.build(concern_entries(concern), snapshot_id=LIST_CODE))
    return _screeners[concern.path]


def match_names(names: set[str], concern: ConcernList) -> dict[str, list[tuple[str, float]]]:
    """Each data name's matches among the parties of concern: (party id, screening score), best first."""
    screener = _screener(concern)
    found: dict[str, list[tuple[str, float]]] = {}
    for name in sorted(names):
        hits = screener.screen(Query(name), threshold=concern.match_threshold)
        if hits:
            found[name] = [(h.entry_id, h.score) for h in hits]
    return found


def assess(network: Network, concern: ConcernList | None = None) -> TrustReport:
    """Which cables a concern list makes untrusted, by role and share."""
    concern = concern or load_concern()
    key = (id(network), concern.path)  # networks are cached per path, so id() is stable
    if key in _reports:
        return _reports[key]
    names = {n for c in network.cables.values() for n in (*c.owners, *c.suppliers)}
    matches = match_names(names, concern)
    parties = {p.id: p for p in concern.parties}
    report = TrustReport(concern, matches=matches)
    for cable in network.cables.values():
        findings = _findings(cable, matches, parties, concern)
        if findings:
            report.findings[cable.id] = findings
    _reports[key] = report
    return report


def _findings(cable: Cable, matches: dict[str, list[tuple[str, float]]], parties: dict[str, Party],
              concern: ConcernList) -> list[Finding]:
    out = []
    for role, names in (("supplier", cable.suppliers), ("owner", cable.owners)):
        rule = concern.rules[role]
        if not rule.enabled or not names:
            continue
        share = 1.0 / len(names)  # the data gives no shares: equal shares among the listed parties
        if share < rule.min_share:
            continue
        for name in names:
            for party_id, score in matches.get(name, []):
                party = parties[party_id]
                if role in party.roles:
                    out.append(Finding(role, name, party.id, party.name, score, share, party.citation,
                                       party.source_url))
                    break
    return out
