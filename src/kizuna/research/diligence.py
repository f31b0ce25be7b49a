"""Due diligence of an organisation and of the affiliations a researcher or a team documents.

For each ROR organisation an affiliation resolves to, the organisation itself and every ROR ancestor (a lab of a
listed university is part of it) are checked against (a) the cited defence-linked institution data, by ROR id and
by screening names for the rows without one, and (b) the restricted lists of the current list snapshot, through
``kizuna.screening``. Each finding names the rule it touches (from ``data/research/rules.yaml``), the relation
(the organisation itself, part of a listed one, host of a listed unit), dated evidence and its confidence.

Findings concern organisations and documented affiliations only: no person is screened by name, and nationality
or ethnicity is never an input (``kizuna.research.refusal``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kizuna.core.entity import PartyKind
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Finding, Outcome, Reason
from kizuna.core.party import PartyRef
from kizuna.lists.registry import list_info
from kizuna.research import defence
from kizuna.research.orgs import Organisation, registry
from kizuna.research.resolve import Resolved, clear_cache, resolve
from kizuna.research.rules import Rule, rules
from kizuna.screening import screen

SELF = "self"
PART_OF = "part of a listed organisation"
HOSTS = "hosts a listed unit"


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A documented tie of a person (or the subject institution itself) to an organisation."""

    text: str  # the organisation as the source writes it (or a ROR id)
    kind: str = "institution"  # employment, education, funding, co-author institution, institution
    current: bool | None = None
    period: str = ""
    source: str = ""  # where it was read: file and line, ORCID record, OpenAlex work
    country: str | None = None  # the organisation's country where the source gives it
    person: str = ""  # the team member's label (name or id) it belongs to; never screened

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "current": self.current, "period": self.period,
                "source": self.source, "person": self.person}


@dataclass(frozen=True, slots=True)
class Evidenced:
    """One piece of dated evidence that ``listed`` falls under a rule."""

    source: str  # the list or data file
    entry: str  # the list entry or basis as the source writes it
    citation: str
    date: str
    record: str  # where exactly (list code and entry id, or file:line)
    confidence: str  # verified / secondary / recalled for data rows; for list hits verified or "review"
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "entry": self.entry, "citation": self.citation, "date": self.date,
                "record": self.record, "confidence": self.confidence,
                **({"score": round(self.score, 4)} if self.score is not None else {})}


@dataclass(slots=True)
class RiskFinding:
    """An organisation an affiliation names falls under ``rule`` because ``listed`` (itself, a parent, or a unit
    it hosts) is on a list or in the cited data."""

    organisation: Organisation
    listed: Organisation | None  # None: a seed institution without a ROR id
    listed_name: str
    relation: str
    rule: Rule
    evidence: list[Evidenced] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)

    @property
    def confidence(self) -> str:
        order = ["verified", "secondary", "review", "recalled"]
        return min((e.confidence for e in self.evidence), key=lambda c: order.index(c) if c in order else 9)

    @property
    def text(self) -> str:
        first = self.evidence[0]
        templates = rules().findings
        template = {SELF: templates.self_, PART_OF: templates.parent, HOSTS: templates.child}[self.relation]
        return template.format(organisation=self.organisation.name, ror_id=self.organisation.url,
                               listed=self.listed_name, listed_id=self.listed.url if self.listed else "no ROR id",
                               source=first.source, entry=first.entry or self.listed_name, citation=first.citation)

    def to_dict(self) -> dict[str, Any]:
        return {"organisation": {"ror_id": self.organisation.url, "name": self.organisation.name},
                "listed": {"ror_id": self.listed.url if self.listed else None, "name": self.listed_name},
                "relation": self.relation, "rule": self.rule.id, "rule_text": self.rule.text,
                "rule_citation": self.rule.cite().to_dict(), "confidence": self.confidence, "text": self.text,
                "evidence": [e.to_dict() for e in self.evidence],
                "affiliations": [a.to_dict() for a in self.affiliations]}

    def finding(self) -> Finding:
        """The finding as the shared report states it."""
        outcome = Outcome.MET if self.relation != HOSTS and self.rule.listing else Outcome.NOTE
        subject = PartyRef(self.organisation.url, self.organisation.name, PartyKind.ORGANIZATION,
                           self.organisation.party.country)
        evidence = tuple(Evidence(EvidenceKind.LIST_HIT if e.score is not None else EvidenceKind.RECORD,
                                  f"{e.source}: {e.entry} — {e.citation} ({e.date}; {e.confidence})",
                                  subject, e.score,
                                  (Reason("relation", self.relation, {"listed": self.listed_name}),),
                                  Citation(e.record, e.entry, e.source, date=e.date,
                                           confidence=Confidence.VERIFIED if e.confidence == "verified"
                                           else Confidence.RECALLED), e.to_dict())
                         for e in self.evidence)
        return Finding(outcome, self.text, self.rule.id, (self.rule.cite(),), evidence)


@dataclass(frozen=True, slots=True)
class _Own:
    """What is on record about one organisation itself (before relations)."""

    rule: Rule
    evidence: Evidenced
    hosts: bool
    listed_name: str
    listed: Organisation | None


def findings_for(resolved: Resolved, affiliation: Affiliation) -> list[RiskFinding]:
    """The findings the organisation an affiliation resolved to carries, itself and through its ROR parents."""
    org = resolved.organisation
    if org is None:
        return []
    release = registry().release
    found = [_finding(org, own, SELF, affiliation) for own in _own(org.ror_id, release)]
    for ancestor, _ in registry().ancestors(org):
        found += [_finding(org, own, PART_OF, affiliation) for own in _own(ancestor.ror_id, release)
                  if not own.hosts]
    return found


def _finding(org: Organisation, own: _Own, relation: str, affiliation: Affiliation) -> RiskFinding:
    return RiskFinding(org, own.listed, own.listed_name, HOSTS if own.hosts else relation, own.rule,
                       [own.evidence], [affiliation])


@lru_cache(maxsize=8192)
def _own(ror_id: str, release: str) -> tuple[_Own, ...]:
    """What is on record about one organisation (once per organisation and ROR release)."""
    org = registry().by_id[ror_id]
    return (*_from_data(org), *_from_lists(org))


def _from_data(org: Organisation) -> list[_Own]:
    rows = list(defence.by_ror_id().get(org.ror_id, ()))
    config = rules().resolution
    for hit in screen(org.screened_party(), screener=defence.screener()):
        if hit.score >= config.accept:
            rows += defence.rows_named(hit.name)
    found = []
    for row in rows:
        evidence = Evidenced(f"{row.basis_type} (defence-linked institution data)",
                             row.list_entry or row.institution, row.citation, row.date,
                             f"data/research/{defence.BASIS}:{row.line}", row.confidence)
        # A parent hosting a listed unit: the unit (the list entry) is what is listed, and it has no ROR id here.
        if row.hosts_listed_unit:
            listed, listed_name = None, row.list_entry or row.institution
        else:
            listed, listed_name = org, org.name if row.ror_id else row.institution
        found += [_Own(rule, evidence, row.hosts_listed_unit, listed_name, listed)
                  for rule in rules().rules_for_basis(row.basis_type)]
    return found


def _from_lists(org: Organisation) -> list[_Own]:
    codes = sorted({code for rule in rules().rules for code in rule.lists})
    exact = rules().diligence.verified_hit
    found = []
    for hit in screen(org.screened_party(), lists=codes):
        info = list_info(hit.list_code)
        evidence = Evidenced(info.name, hit.name, f"{info.authority}; {info.legal_basis}".strip("; "),
                             hit.data_date, f"{hit.list_code}:{hit.entry_id}",
                             "verified" if hit.score >= exact else "review", hit.score)
        # A listed name that is the organisation's name and more ("Chinese Academy of Sciences Institute of
        # Computing Technology") is a unit it hosts, not the organisation itself.
        hosts = _contains(hit.name, org.name) or _contains(hit.matched_name, org.name)
        found += [_Own(rule, evidence, hosts, hit.name if hosts else org.name, None if hosts else org)
                  for rule in rules().rules_for_list(hit.list_code)]
    return found


def _contains(listed: str, name: str) -> bool:
    """True when ``listed`` is ``name`` and more words; a bracketed acronym ("… (NUDT)") is not more."""
    a, b = _words(re.sub(r"\([^)]*\)", " ", listed)), _words(name)
    return len(a) > len(b) and any(a[i:i + len(b)] == b for i in range(len(a) - len(b) + 1))


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", text.casefold()).split()


def clear_caches() -> None:
    """Forget resolved strings and screened organisations (between benchmark runs)."""
    clear_cache()
    _own.cache_clear()


def merge(findings: list[RiskFinding]) -> list[RiskFinding]:
    """One finding per (organisation, listed organisation, relation, rule), with all its evidence and the
    affiliations that lead to it, in first-seen order."""
    merged: dict[tuple[str, str, str, str], RiskFinding] = {}
    for f in findings:
        key = (f.organisation.ror_id, f.listed_name, f.relation, f.rule.id)
        if key not in merged:
            merged[key] = RiskFinding(f.organisation, f.listed, f.listed_name, f.relation, f.rule, [], [])
        target = merged[key]
        target.evidence += [e for e in f.evidence if e not in target.evidence]
        target.affiliations += [a for a in f.affiliations if a not in target.affiliations]
    return list(merged.values())


def check_affiliations(affiliations: list[Affiliation]) -> tuple[list[tuple[Affiliation, Resolved]],
                                                                  list[RiskFinding]]:
    """Resolve every affiliation and collect the findings of the organisations they name."""
    resolved = [(a, resolve(a.text, a.country)) for a in affiliations]
    findings = [f for a, r in resolved for f in findings_for(r, a)]
    return resolved, merge(findings)
