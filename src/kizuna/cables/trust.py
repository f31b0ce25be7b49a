"""Trust by role: which cables have a supplier or owner of concern, matched through kizuna.screening.

The parties of concern, the roles, the share that triggers a rule and the words of each finding are data
(``data/cables/concern.yaml`` or a user's file in the same shape, read through ``core.rules``). Each owner and
supplier name of the dataset is screened against the parties with ``kizuna.screening.screen`` (one screener per
concern list per process), so spellings, scripts and legal-form variants match without any hand-written test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from kizuna.cables.model import Cable, Network
from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance
from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Finding, Outcome, Reason
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, load_rules
from kizuna.screening import Hit, screen

LIST_CODE = "cables-concern"
Role = Literal["supplier", "owner"]
ROLES: tuple[Role, ...] = ("supplier", "owner")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class RoleRule(RuleModel):
    """When a party of concern in this role makes a cable untrusted, and the words of the finding."""

    enabled: bool = True
    min_share: Annotated[float, Field(ge=0, le=1)] = 0.0  # assumed share (1 / listed parties) that triggers
    why: str = ""
    finding: str = "{role} {data_name!r} matches {party} ({citation}, assumed share {share:.0%})"


class ConcernPartyRule(RuleModel):
    id: Text
    name: Text
    aliases: list[str] = Field(default_factory=list)
    roles: list[Role] = Field(min_length=1)
    country: str | None = None
    why: str = ""
    citation: Text
    source_url: str = ""
    confidence: Confidence = Confidence.VERIFIED  # recalled: the cited text was not checked (shown unconfirmed)


class ConcernFile(RuleModel):
    """``data/cables/concern.yaml``: the match threshold, the rule of each role and the parties of concern."""

    match_threshold: Annotated[float, Field(gt=0, le=1)] = 0.8
    rules: dict[Role, RoleRule] = Field(default_factory=dict)
    parties: list[ConcernPartyRule] = Field(min_length=1)


@dataclass(frozen=True, slots=True, eq=False)
class ConcernParty:
    """A supplier or owner of concern: the party, the roles in which it matters, why, and the act that says so."""

    party: Party
    roles: tuple[Role, ...]
    why: str
    citation: Citation

    @property
    def id(self) -> str:
        return self.party.id


@dataclass(frozen=True, slots=True, eq=False)
class ConcernList:
    """Parties of concern and the rules that make a cable untrusted; ``path`` is the file they came from."""

    path: str
    parties: tuple[ConcernParty, ...]
    rules: dict[Role, RoleRule]
    match_threshold: float
    entries: tuple[Entry, ...]  # the parties as screening entries

    def party(self, party_id: str) -> ConcernParty:
        return next(p for p in self.parties if p.id == party_id)


@dataclass(slots=True)
class TrustReport:
    """For each cable of a dataset, the findings that make it untrusted under a concern list."""

    concern: ConcernList
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # cable id -> findings that trigger
    matches: dict[str, list[Hit]] = field(default_factory=dict)  # data name -> its hits among the parties

    def untrusted(self, cable_id: str) -> bool:
        return bool(self.findings.get(cable_id))

    def status(self, cable_id: str) -> str:
        """``concern`` or ``trusted`` (no supplier or owner of concern in the data)."""
        return "concern" if self.untrusted(cable_id) else "trusted"

    def why(self, cable_id: str) -> str:
        return "; ".join(f.text for f in self.findings.get(cable_id, []))

    def brief(self, cable_id: str) -> str:
        """``supplier HMN Technologies Co., Ltd.; owner China Telecom`` (the citations are in ``why``)."""
        return "; ".join(dict.fromkeys(f"{role_of(f)} {f.evidence[0].data['party']}"
                                       for f in self.findings.get(cable_id, [])))

    def by_role(self, cable_ids: list[str]) -> dict[str, int]:
        """How many of ``cable_ids`` have a finding in each role."""
        return {role: sum(any(role_of(f) == role for f in self.findings.get(c, [])) for c in cable_ids)
                for role in ROLES}


def role_of(finding: Finding) -> str:
    """The role (supplier, owner) a trust finding is about."""
    return str(finding.evidence[0].data["role"])


def load_concern(path: str | Path | None = None) -> ConcernList:
    """Read a concern list (the bundled one by default); InputError naming file, line and field."""
    return _load_concern(Path(path).resolve() if path else bundled("cables", "concern.yaml"))


@cache
def _load_concern(path: Path) -> ConcernList:
    if not path.is_file():
        raise InputError("concern list not found", path=path)
    data = load_rules(path, ConcernFile)
    parties = tuple(ConcernParty(
        Party(p.name, PartyKind.ORGANIZATION, p.id, [Name(a, NameKind.ALIAS) for a in p.aliases], p.country,
              source=str(path), source_url=p.source_url),
        tuple(p.roles), p.why.strip(), Citation(p.id, p.why.strip(), p.citation, p.source_url, p.confidence))
        for p in data.parties)
    rules = {role: data.rules.get(role, RoleRule()) for role in ROLES}
    return ConcernList(str(path), parties, rules, data.match_threshold, _entries(str(path), parties))


def _entries(path: str, parties: tuple[ConcernParty, ...]) -> tuple[Entry, ...]:
    return tuple(Entry(list_code=LIST_CODE, entry_id=p.id, name=p.party.name, entity_type=p.party.kind,
                       provenance=Provenance(LIST_CODE, path, "", p.party.source_url), aliases=list(p.party.aliases),
                       countries=[p.party.country] if p.party.country else [], citation=p.citation.citation,
                       remarks=p.why)
                 for p in parties)


_reports: dict[tuple[int, str], TrustReport] = {}


def match_names(names: set[str], concern: ConcernList) -> dict[str, list[Hit]]:
    """Each data name's hits among the parties of concern, best first (names with none are left out)."""
    found: dict[str, list[Hit]] = {}
    for name in sorted(names):
        # The data says nothing of the kind of an owner or supplier: screened as of unknown kind.
        hits = screen(Party(name), entries=concern.entries, threshold=concern.match_threshold)
        if hits:
            found[name] = hits
    return found


def assess(network: Network, concern: ConcernList | None = None) -> TrustReport:
    """Which cables a concern list makes untrusted, by role and share."""
    concern = concern or load_concern()
    key = (id(network), concern.path)  # networks are cached per path, so id() is stable
    if key in _reports:
        return _reports[key]
    names = {n for c in network.cables.values() for n in (*c.owners, *c.suppliers)}
    report = TrustReport(concern, matches=match_names(names, concern))
    for cable in network.cables.values():
        findings = _findings(cable, report.matches, concern)
        if findings:
            report.findings[cable.id] = findings
    _reports[key] = report
    return report


def _findings(cable: Cable, matches: dict[str, list[Hit]], concern: ConcernList) -> list[Finding]:
    out = []
    by_role: tuple[tuple[Role, tuple[str, ...]], ...] = (("supplier", cable.suppliers), ("owner", cable.owners))
    for role, names in by_role:
        rule = concern.rules[role]
        if not rule.enabled or not names:
            continue
        share = 1.0 / len(names)  # the data gives no shares: equal shares among the listed parties
        if share < rule.min_share:
            continue
        for name in names:
            hit = next((h for h in matches.get(name, []) if role in concern.party(h.entry_id).roles), None)
            if hit is not None:
                out.append(_finding(role, name, share, hit, concern.party(hit.entry_id), rule))
    return out


def _finding(role: Role, data_name: str, share: float, hit: Hit, party: ConcernParty, rule: RoleRule) -> Finding:
    """A data name matched to a party of concern: the evidence is the screening hit and the assumed share."""
    values = {"role": role, "data_name": data_name, "party": party.party.name, "party_id": party.id,
              "citation": party.citation.label(), "share": share, "min_share": rule.min_share}
    evidence = Evidence(
        EvidenceKind.LIST_HIT, f"{data_name!r} matches {party.party.name}", Party(data_name).ref(), hit.score,
        (Reason("screening-match", hit.explanation, {"matched_name": hit.matched_name, "score": round(hit.score, 4)}),
         Reason("assumed-share", f"assumed share {share:.0%} (1 of {round(1 / share)} listed {role}s)",
                {"share": round(share, 3), "min_share": rule.min_share})),
        party.citation,
        {"role": role, "data_name": data_name, "party_id": party.id, "party": party.party.name,
         "match_score": round(hit.score, 4), "assumed_share": round(share, 3)})
    return Finding.from_rule(Outcome.MET, rule.finding, values, rule=f"cables.concern.{role}",
                             citations=(party.citation,), evidence=(evidence,))
