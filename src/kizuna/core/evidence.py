"""Why a result is what it is: the citation of a rule or fact, the evidence behind it, and the finding it supports.

Every capability states its results with these three types, so that a report, the console and the API show one
shape: a ``Finding`` (an outcome and a sentence formatted from the rule's own data values) with the ``Citation``
of the rule and the ``Evidence`` (a list hit, an ownership path, a control match, a device signature …) each with
a score and structured ``Reason`` records rather than prose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kizuna.core.party import PartyRef


class Confidence(StrEnum):
    """How far a cited text was checked: against the primary source, or recalled and still to be confirmed."""

    VERIFIED = "verified"
    RECALLED = "recalled"


@dataclass(frozen=True, slots=True)
class Citation:
    """One rule or fact and where it is: what it says, the legal or source reference, the official URL, and
    whether its text was checked against the primary source (unconfirmed ones are shown as such everywhere)."""

    id: str
    text: str
    citation: str
    url: str = ""
    confidence: Confidence = Confidence.VERIFIED
    note: str = ""
    date: str = ""  # the date the rule or source is as of, when it has one

    @property
    def verified(self) -> bool:
        return self.confidence is Confidence.VERIFIED

    def label(self) -> str:
        """``citation`` with ``(unconfirmed)`` when the text was recalled rather than checked."""
        return self.citation if self.verified else f"{self.citation} (unconfirmed)"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "citation": self.citation, "url": self.url,
                "verified": self.verified, **({"note": self.note} if self.note else {}),
                **({"date": self.date} if self.date else {})}


@dataclass(frozen=True, slots=True)
class Reason:
    """One structured step of an explanation: a code a program can test, the values it is about, and the words
    (``text``) a person reads."""

    code: str
    text: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "values": dict(self.values)}


class EvidenceKind(StrEnum):
    LIST_HIT = "list-hit"
    OWNERSHIP_PATH = "ownership-path"
    CONTROL_MATCH = "control-match"
    DENIAL = "denial"
    DEVICE_SIGNATURE = "device-signature"
    ASSESSMENT = "assessment"
    RECORD = "record"  # a fact read from a register or a file


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: what it is about, what it shows, how strong it is and why."""

    kind: EvidenceKind
    summary: str
    subject: PartyRef | None = None
    score: float | None = None  # 0..1 where the evidence is a match; None for a plain fact
    reasons: tuple[Reason, ...] = ()
    source: Citation | None = None
    data: Mapping[str, Any] = field(default_factory=dict)  # the record itself (ids, dates), for the API

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "summary": self.summary,
                "subject": None if self.subject is None else self.subject.to_dict(),
                "score": None if self.score is None else round(self.score, 4),
                "reasons": [r.to_dict() for r in self.reasons],
                "source": None if self.source is None else self.source.to_dict(), "data": dict(self.data)}


class Outcome(StrEnum):
    """What a rule found: its condition met, not met, undeterminable from the data, or a note without a test."""

    MET = "met"
    NOT_MET = "not met"
    UNDETERMINED = "undetermined"
    NOT_APPLICABLE = "not applicable"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a rule, with the rule's citations and the evidence it rests on."""

    outcome: Outcome
    text: str
    rule: str = ""  # the id of the rule in its data file
    citations: tuple[Citation, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @classmethod
    def from_rule(cls, outcome: Outcome, template: str, values: Mapping[str, Any], *, rule: str = "",
                  citations: tuple[Citation, ...] = (), evidence: tuple[Evidence, ...] = ()) -> Finding:
        """A finding whose text is the rule's template filled with the rule's own data values (thresholds are
        never spelled in code: ``"{threshold:.0%} or more"`` with ``threshold`` read from the rule file)."""
        try:
            text = template.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"rule {rule or '?'}: template {template!r} does not fit its values: {exc}") from exc
        return cls(outcome, text, rule, citations, evidence)

    @property
    def citation(self) -> Citation | None:
        """The first citation (most rules have one)."""
        return self.citations[0] if self.citations else None

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome.value, "text": self.text, "rule": self.rule,
                "citations": [c.to_dict() for c in self.citations],
                "evidence": [e.to_dict() for e in self.evidence]}
