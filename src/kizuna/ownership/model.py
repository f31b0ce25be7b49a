"""The ownership graph: parties, ownership and control edges, shares that are exact, ranges or unknown.

Shares are kept as fractions of 1 in closed intervals ``[lo, hi]``. An exact share has ``lo == hi``; an unknown
share is ``None`` on the edge and becomes an interval only when the engine reads it (see
``integrated.edge_bounds``), so the assumption made about it is applied in one place and named in every answer.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from kizuna.core.entity import Identifier, PartyKind
from kizuna.core.errors import InputError
from kizuna.core.evidence import Outcome
from kizuna.core.party import Party

# An exclusive bound (BODS exclusiveMinimum/exclusiveMaximum, "<5", ">50") is nudged inward by this much, so that
# "more than 25 %" is definitely at or above 25 % and "less than 50 %" is definitely below 50 %.
EXCLUSIVE_NUDGE = 1e-9


@dataclass(frozen=True, slots=True)
class Share:
    """A share as a closed interval of fractions (0.3 = 30 %)."""

    lo: float
    hi: float

    def __post_init__(self) -> None:
        if not (0.0 <= self.lo <= self.hi <= 1.0 + 1e-12) or math.isnan(self.lo) or math.isnan(self.hi):
            raise ValueError(f"not a share interval: [{self.lo}, {self.hi}]")

    @classmethod
    def exact(cls, fraction: float) -> Share:
        return cls(fraction, fraction)

    @property
    def is_exact(self) -> bool:
        return abs(self.hi - self.lo) < 1e-12

    def percent(self) -> float | list[float]:
        """The share in percent: a number when exact, ``[min, max]`` otherwise (rounded to 6 decimals)."""
        if self.is_exact:
            return round(self.lo * 100, 6)
        return [round(self.lo * 100, 6), round(self.hi * 100, 6)]

    def label(self) -> str:
        """A short human label: ``30 %`` or ``25–50 %``."""
        if self.is_exact:
            return f"{_num(self.lo * 100)} %"
        return f"{_num(self.lo * 100)}–{_num(self.hi * 100)} %"

    def at_least(self, threshold: float) -> Tri:
        """Whether the share is at or above ``threshold`` (a fraction): yes, no, or undetermined by the data."""
        if self.lo >= threshold - 1e-12:
            return Tri.YES
        if self.hi < threshold - 1e-12:
            return Tri.NO
        return Tri.UNDETERMINED

    def more_than(self, threshold: float) -> Tri:
        """Whether the share is strictly above ``threshold``."""
        if self.lo > threshold + 1e-12:
            return Tri.YES
        if self.hi <= threshold + 1e-12:
            return Tri.NO
        return Tri.UNDETERMINED


class Tri(StrEnum):
    """A threshold answer under interval data."""

    YES = "yes"
    NO = "no"
    UNDETERMINED = "undetermined"

    @property
    def outcome(self) -> Outcome:
        """The answer as a finding's outcome: yes → met, no → not met."""
        return {Tri.YES: Outcome.MET, Tri.NO: Outcome.NOT_MET}.get(self, Outcome.UNDETERMINED)


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


_NUMBER = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(rf"^{_NUMBER}\s*%?\s*(?:-|–|to)\s*{_NUMBER}\s*%?$")
_SINGLE = re.compile(rf"^(<=|>=|<|>|≤|≥)?\s*{_NUMBER}\s*%?$")


def parse_share(text: str | None) -> Share | None:
    """Parse ``"60"``, ``"60%"``, ``"25-50"``, ``"<5"``, ``">50"`` or ``""`` (unknown → None), in percent.

    Raises ValueError with a readable message when the text is not a share.
    """
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    match = _RANGE.match(value)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise ValueError(f"range {value!r} has its minimum above its maximum")
        return _bounded(low, high, value)
    match = _SINGLE.match(value)
    if match:
        op, number = match.group(1), float(match.group(2))
        if op in ("<", "<="):
            return _bounded(0.0, number - (EXCLUSIVE_NUDGE if op == "<" else 0.0), value)
        if op in (">", ">="):
            return _bounded(number + (EXCLUSIVE_NUDGE if op == ">" else 0.0), 100.0, value)
        if op in ("≤",):
            return _bounded(0.0, number, value)
        if op in ("≥",):
            return _bounded(number, 100.0, value)
        return _bounded(number, number, value)
    raise ValueError(f"{value!r} is not a share (use a percent such as 60, a range such as 25-50, or leave it empty)")


def _bounded(low: float, high: float, text: str) -> Share:
    if low < 0 or high > 100:
        raise ValueError(f"share {text!r} is outside 0-100 %")
    return Share(low / 100.0, high / 100.0)


def share_from_bods(share: dict[str, Any]) -> Share | None:
    """A BODS ``share`` object (exact | minimum/maximum | exclusiveMinimum/exclusiveMaximum, percent)."""
    if not share:
        return None
    if "exact" in share:
        return Share.exact(float(share["exact"]) / 100.0)
    low = 0.0
    high = 100.0
    if "minimum" in share:
        low = float(share["minimum"])
    elif "exclusiveMinimum" in share:
        low = float(share["exclusiveMinimum"]) + EXCLUSIVE_NUDGE
    if "maximum" in share:
        high = float(share["maximum"])
    elif "exclusiveMaximum" in share:
        high = float(share["exclusiveMaximum"]) - EXCLUSIVE_NUDGE
    if not {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} & set(share):
        return None
    return Share(max(0.0, low) / 100.0, min(100.0, high) / 100.0)


class InterestKind(StrEnum):
    OWNERSHIP = "ownership"  # shares, voting rights: feeds the arithmetic
    CONTROL = "control"  # board appointment, consolidation, other control: no share arithmetic


@dataclass(slots=True)
class Edge:
    """``owner`` holds an interest in ``owned``. ``share`` None means the source gives no share."""

    owner: str
    owned: str
    share: Share | None
    kind: InterestKind = InterestKind.OWNERSHIP
    interest_types: list[str] = field(default_factory=list)  # e.g. shareholding, votingRights, boardMember
    source: str = ""
    voting: Share | None = None  # the voting share where the source gives one apart from the economic share

    def label(self) -> str:
        """``60 %``, ``25–50 %``, ``control`` (a control-only link) or ``unknown share``."""
        if self.share is not None:
            return self.share.label()
        return "control" if self.kind == InterestKind.CONTROL else "unknown share"

    def measure(self, voting: bool) -> Share | None:
        """The share a regime counts: votes when it asks for votes and the source gives them, else the share."""
        return self.voting if voting and self.voting is not None else self.share


@dataclass(slots=True)
class Claim:
    """A declared indirect interest (BODS indirect relationship, GLEIF ultimate parent): a claim to check."""

    owner: str
    owned: str
    share: Share | None
    interest_types: list[str]
    source: str


@dataclass(slots=True)
class Graph:
    """Parties and their interests, read from one source file.

    ``listed_companies`` holds the one fact about a party that only ownership records: whether the source says the
    company is publicly listed on a stock exchange (party id → yes/no; absent when the source does not say)."""

    parties: dict[str, Party] = field(default_factory=dict)
    listed_companies: dict[str, bool] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    source: str = ""
    source_format: str = ""
    notes: list[str] = field(default_factory=list)

    def add_party(self, party: Party, listed_company: bool | None = None) -> Party:
        """Add a party, merging facts into an existing one with the same id."""
        if listed_company is not None:
            self.listed_companies.setdefault(party.id, listed_company)
        existing = self.parties.get(party.id)
        if existing is None:
            self.parties[party.id] = party
            return party
        if existing.name == existing.id and party.name != party.id:
            existing.name = party.name
        if existing.kind in (PartyKind.ORGANIZATION, PartyKind.UNKNOWN) and party.kind not in (PartyKind.ORGANIZATION,
                                                                                         PartyKind.UNKNOWN):
            existing.kind = party.kind
        existing.country = existing.country or party.country
        existing.identifiers.extend(i for i in party.identifiers if i not in existing.identifiers)
        return existing

    def listed_company(self, party_id: str) -> bool | None:
        """Whether the source says ``party_id`` is publicly listed (None: it does not say)."""
        return self.listed_companies.get(party_id)

    def owners_of(self, owned: str) -> list[Edge]:
        return [e for e in self.edges if e.owned == owned]

    def holdings_of(self, owner: str) -> list[Edge]:
        return [e for e in self.edges if e.owner == owner]

    def ancestors(self, target: str) -> list[str]:
        """Every party with a path of interests to ``target`` (target included), nearest first."""
        incoming: dict[str, list[str]] = defaultdict(list)
        for edge in self.edges:
            incoming[edge.owned].append(edge.owner)
        seen = [target]
        known = {target}
        for node in seen:
            for owner in incoming.get(node, []):
                if owner not in known:
                    known.add(owner)
                    seen.append(owner)
        return seen

    def resolve(self, text: str) -> str:
        """A party id from an id or an exact (case-insensitive) name; raises InputError when unknown or ambiguous."""
        if text in self.parties:
            return text
        wanted = " ".join(text.casefold().split())
        found = [p.id for p in self.parties.values() if " ".join(p.name.casefold().split()) == wanted]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError(f"{text!r} names {len(found)} parties ({', '.join(found)}): use an id")
        sample = ", ".join(sorted(self.parties)[:8])
        raise InputError(f"no party {text!r} in {self.source or 'the graph'} (ids include: {sample})")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``Graph.from_dict`` reads it back."""
        return {
            "source": self.source, "source_format": self.source_format, "notes": self.notes,
            "parties": [_party_dict(p, self.listed_company(p.id)) for p in self.parties.values()],
            "edges": [_edge_dict(e) for e in self.edges],
            "claims": [{"owner": c.owner, "owned": c.owned, "share": _share_dict(c.share),
                        "interest_types": c.interest_types, "source": c.source} for c in self.claims],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Graph:
        graph = cls(source=data.get("source", ""), source_format=data.get("source_format", ""),
                    notes=list(data.get("notes", [])))
        for item in data.get("parties", []):
            party = _party_from(item)
            graph.parties[party.id] = party
            if item.get("listed_company") is not None:
                graph.listed_companies[party.id] = bool(item["listed_company"])
        for item in data.get("edges", []):
            graph.edges.append(Edge(**{**item, "share": _share_from(item["share"]),
                                       "voting": _share_from(item.get("voting")),
                                       "kind": InterestKind(item["kind"])}))
        for item in data.get("claims", []):
            graph.claims.append(Claim(**{**item, "share": _share_from(item["share"])}))
        return graph


def _party_dict(party: Party, listed_company: bool | None) -> dict[str, Any]:
    return {**party.to_dict(), "listed_company": listed_company}


def _party_from(item: dict[str, Any]) -> Party:
    """A party as stored; graphs stored before the shared party type wrote identifiers as ``"scheme:value"``
    strings (and a company's kind as "entity", which ``PartyKind`` still reads)."""
    data = {k: v for k, v in item.items() if k != "listed_company"}
    data["identifiers"] = [i if isinstance(i, dict) else _identifier_dict(_identifier(str(i)))
                           for i in data.get("identifiers", [])]
    return Party.from_dict(data)


def _identifier_dict(found: Identifier) -> dict[str, Any]:
    return {"type": found.type, "value": found.value, "country": found.country}


def _identifier(text: str) -> Identifier:
    """``"LEI:5299..."`` → Identifier("LEI", "5299..."); a text without a scheme keeps an empty type."""
    scheme, _, value = text.partition(":")
    return Identifier(scheme, value) if value else Identifier("", text)


def _share_dict(share: Share | None) -> list[float] | None:
    return None if share is None else [share.lo, share.hi]


def _share_from(value: list[float] | None) -> Share | None:
    return None if value is None else Share(value[0], value[1])


def _edge_dict(edge: Edge) -> dict[str, Any]:
    data = asdict(edge)
    data["share"] = _share_dict(edge.share)
    data["voting"] = _share_dict(edge.voting)
    return data
