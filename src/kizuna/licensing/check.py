"""The no-undercut check: which active denials an application is essentially identical to (the same control
entry, ``kizuna.controls.compare``, and the same end user, screened with ``kizuna.screening`` across scripts),
stated as ``Finding`` records with their evidence and the rule's citation, and as one ``Report``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from kizuna.controls import ControlEntry, ControlMatch, compare
from kizuna.core.entity import Entry, PartyKind, Provenance
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Finding, Outcome, Reason
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.licensing.denials import Denial

if TYPE_CHECKING:
    from kizuna.core.report import Report
    from kizuna.screening import Hit

RULE_FILE = "licensing/no_undercut.yaml"


class RuleText(RuleModel):
    id: str
    text: str
    citation: str
    url: str
    confidence: Confidence
    note: str = ""


class LicenceFindingTexts(RuleModel):
    same: str
    own: str
    related: str
    withheld: str
    withheld_related: str
    none: str


class NoUndercut(RuleModel):
    """``data/licensing/no_undercut.yaml``."""

    rule: RuleText
    findings: LicenceFindingTexts


@cache
def rules() -> NoUndercut:
    return bundled_rules(RULE_FILE, NoUndercut)


def citation() -> Citation:
    rule = rules().rule
    return Citation(rule.id, rule.text, rule.citation, rule.url, rule.confidence, rule.note)


@dataclass(slots=True)
class DenialMatch:
    """One active denial an application is essentially identical (``same``) or ``related`` to, and why.

    ``consultation``: the consultation opened with the denying authority, where the workflow opens one.
    """

    denial: Denial
    control: ControlMatch
    hit: Hit
    consultation: str | None = None

    @property
    def relation(self) -> str:
        return self.control.relation

    @property
    def score(self) -> float:
        return self.hit.score

    def shown(self) -> dict[str, Any]:
        """The match as the officer who ran the check may see it: all of it, or, for a denial they may not see
        (or whose control entry or end user is withheld from them), only that one is there and whether it blocks."""
        if not self.denial.visible:
            return {"visible": False, "relation": self.relation, "blocks": self.consultation is not None}
        return {"visible": True, "relation": self.relation, "denial": self.denial.id,
                "denial_date": self.denial.denial_date, "listed": self.denial.end_user.name,
                "originator": self.denial.originator_name, "control": self.control.explanation,
                "end_user": self.hit.explanation, "score": self.score, "consultation": self.consultation}

    def finding(self) -> Finding:
        """The match as a finding: for a denial the officer may not see, the block alone and no evidence."""
        texts = rules().findings
        if not self.denial.visible:
            template = texts.withheld if self.relation == "same" else texts.withheld_related
            return Finding.from_rule(_outcome(self.relation), template, {}, rule=rules().rule.id,
                                     citations=(citation(),))
        values = {"originator": self.denial.originator_name, "denial": self.denial.id,
                  "denial_date": self.denial.denial_date, "control": self.control.explanation,
                  "end_user": self.hit.explanation}
        template = texts.own if self.relation == "same" and self.denial.own else getattr(texts, self.relation)
        return Finding.from_rule(_outcome(self.relation), template, values,
                                 rule=rules().rule.id, citations=(citation(),), evidence=self.evidence())

    def evidence(self) -> tuple[Evidence, ...]:
        """The control-entry match and the denial's end-user match, each with its structured reasons."""
        ours, theirs = self.control.ours, self.control.theirs
        control = Evidence(EvidenceKind.CONTROL_MATCH, self.control.explanation, reasons=(
            Reason(f"control-{self.relation}", self.control.explanation,
                   {"ours": ours.label(), "theirs": theirs.label(), "ours_key": ours.key, "theirs_key": theirs.key}),),
            data={"relation": self.relation, "ours": ours.to_dict(), "theirs": theirs.to_dict()})
        denial = Evidence(EvidenceKind.DENIAL, f"{self.denial.originator_name}'s denial of {self.denial.denial_date}",
                          subject=self.denial.end_user.ref(), score=self.score, reasons=(
                              Reason("end-user-match", self.hit.explanation,
                                     {"listed": self.denial.end_user.name, "matched_name": self.hit.matched_name,
                                      "score": round(self.score, 4)}),),
                          data={"denial": self.denial.id, "denial_date": self.denial.denial_date,
                                "originator": self.denial.originator, "originator_name": self.denial.originator_name,
                                "consultation": self.consultation})
        return control, denial


def _outcome(relation: str) -> Outcome:
    return Outcome.MET if relation == "same" else Outcome.UNDETERMINED


def find_matches(denials: list[Denial], codes: list[ControlEntry], end_user: Party) -> list[DenialMatch]:
    """The denials with the same (or a related) control entry whose end user screens as ``end_user``; essentially
    identical ones first, then by end-user score."""
    from kizuna.screening import screen  # the matcher is loaded only when a check runs

    named = {d.id: d for d in denials if d.end_user.name.strip()}
    if not named:
        return []
    entries = [_entry(d) for d in named.values()]
    matches = []
    for hit in screen(end_user, entries=entries, limit=len(entries)):
        denial = named[hit.entry_id]
        best = _best_control(codes, denial.controls)
        if best is not None:
            matches.append(DenialMatch(denial, best, hit))
    return sorted(matches, key=lambda m: (m.relation != "same", -m.score))


def _entry(denial: Denial) -> Entry:
    """A denial's end user as a screening entry (the screener over a node's denials is built once per set)."""
    user = denial.end_user
    return Entry(list_code="denial", entry_id=denial.id, name=user.name, entity_type=PartyKind.UNKNOWN,
                 provenance=Provenance("denial", denial.originator_name, denial.denial_date, ""),
                 countries=[user.country] if user.country else [], addresses=list(user.addresses[:1]))


def _best_control(codes: list[ControlEntry], theirs: tuple[ControlEntry, ...]) -> ControlMatch | None:
    """The first ``same`` match between the application's entries and the denial's, else the first related."""
    best: ControlMatch | None = None
    for entry in theirs:
        for ours in codes:
            found = compare(ours, entry)
            if found and (best is None or (found.relation == "same" and best.relation != "same")):
                best = found
    return best


@dataclass(slots=True)
class LicenceCheck:
    """An application's control entries and end user, the day it was checked for, and what was found."""

    controls: list[ControlEntry]
    end_user: Party
    as_of: date
    denials_checked: int
    matches: list[DenialMatch] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """Whether an essentially identical denial by another authority means consulting before approval."""
        return any(m.relation == "same" and not m.denial.own for m in self.matches)

    def findings(self) -> list[Finding]:
        if self.matches:
            return [m.finding() for m in self.matches]
        values = {"controls": ", ".join(c.label() for c in self.controls), "end_user": self.end_user.name,
                  "denials": self.denials_checked}
        return [Finding.from_rule(Outcome.NOT_MET, rules().findings.none, values, rule=rules().rule.id,
                                  citations=(citation(),))]

    def report(self, title: str = "Licence check (no undercut)") -> Report:
        """The check as the one report (JSON, CSV, HTML, PDF through ``kizuna.core.report``)."""
        from kizuna.core.report import Report, data_version  # its renderers are loaded only to write a report

        same = [m for m in self.matches if m.relation == "same"]
        outcome = ("consult before approving" if self.blocked else "would reverse an own denial" if same else
                   "check related denials by hand" if self.matches else "no undercut")
        return Report(title, self.end_user.ref(), self.as_of.isoformat(), self.findings(), [citation()],
                      data_version([bundled(RULE_FILE), bundled("controls", "numbering.yaml")]), "licensing",
                      outcome, {"controls": [c.label() for c in self.controls], "end_user": self.end_user.to_dict(),
                                "denials_checked": self.denials_checked})
