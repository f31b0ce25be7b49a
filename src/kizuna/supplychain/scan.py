"""Turning items into findings: every signal of every item (names screened, MAC blocks, CPE vendors, package
URLs, FCC grantee codes, model prefixes), grouped by covered vendor; a vendor with a verified signal is a finding
under each rule that reaches it, one with only secondary or recalled signals a review item."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kizuna.core.evidence import Finding, Outcome
from kizuna.supplychain import identifiers, rules
from kizuna.supplychain.identifiers import Registrant
from kizuna.supplychain.model import Item, Signal
from kizuna.supplychain.rules import Vendor
from kizuna.supplychain.vendors import VendorNameMatch, screen_names


@dataclass(slots=True)
class ScanFinding:
    """One item's link to one covered vendor: a finding (``review`` False) or a review item."""

    item: Item
    vendor: Vendor
    signals: list[Signal]
    finding: Finding
    review: bool
    source: str  # the file the item was read from

    @property
    def confidence(self) -> str:
        """verified for a finding; for a review item the weakest confidence of its signals."""
        return "verified" if not self.review else max((s.confidence for s in self.signals), key=rules.rank)

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON: component, vendor, signals, rule, confidence, rules with dates, path."""
        legal = rules.legal_rules()
        return {"component": self.item.ref, "name": self.item.label(), "file": self.source, "line": self.item.line,
                "vendor": self.vendor.name, "outcome": "finding" if not self.review else "review",
                "rule": self.finding.rule, "confidence": self.confidence, "text": self.finding.text,
                "path": self.item.path, "top_level": self.item.path[0] if self.item.path else self.item.label(),
                "signals": [s.to_dict() for s in self.signals],
                "rules": [{"id": a.rule, "title": legal[a.rule].title, "since": a.since, "entry": a.entry,
                           "citation": legal[a.rule].citation, "url": legal[a.rule].url}
                          for a in self.vendor.rules] if not self.review else [],
                **({"scope": self.vendor.scope} if self.vendor.scope and not self.review else {})}


def scan(items: Iterable[tuple[str, Item]]) -> list[ScanFinding]:
    """Findings and review items of ``(source file, item)`` pairs, in item order."""
    pairs = list(items)
    registrants = {mac: identifiers.registrant(mac) for _, item in pairs for mac in item.macs
                   if not identifiers.is_local(mac)}
    excluded = identifiers.excluded_registrants()
    names = [party.name for _, item in pairs for party in item.parties]
    names += [r.organization for r in registrants.values()
              if r is not None and rules.spaced(r.organization, fold=True) not in excluded]
    matches = screen_names(names)
    found = []
    for source, item in pairs:
        signals = item_signals(item, matches, registrants)
        found.extend(_findings(source, item, signals))
    return found


def item_signals(item: Item, matches: dict[str, list[VendorNameMatch]],
                 registrants: dict[str, Registrant | None]) -> list[Signal]:
    """Every signal of one item: its parties' names screened, its MAC blocks, package URL, CPEs, FCC IDs, model."""
    signals: list[Signal] = []
    for party in item.parties:
        signals.extend(_name_signal("name", party.name, m, f"{party.source} {party.name!r}")
                       for m in matches.get(rules.spaced(party.name), []))
    for mac in item.macs:
        found = registrants.get(mac)
        if found is None:
            continue  # a locally administered or unassigned address names no maker
        curated = identifiers.mac_signal(mac, found)
        if curated is not None:
            signals.append(curated)
        else:
            signals.extend(_name_signal("mac", mac, m, f"{found.registry} {found.assignment} registrant "
                                                       f"{found.organization!r}")
                           for m in matches.get(rules.spaced(found.organization), []))
    candidates = [identifiers.purl_signal(item.purl) if item.purl else None,
                  *(identifiers.cpe_signal(c) for c in item.cpes),
                  *(identifiers.fcc_signal(f) for f in item.fcc_ids),
                  identifiers.model_signal(item.model) if item.model else None]
    signals.extend(s for s in candidates if s is not None)
    return signals


def _name_signal(kind: str, value: str, match: VendorNameMatch, what: str) -> Signal:
    covered = match.covered
    text = (f"{what} screens as {match.hit.matched_name!r} ({covered.relation} of {covered.vendor.name}, "
            f"score {match.hit.score:.2f}; {covered.evidence})")
    return Signal(kind, value, covered.vendor, covered.status, covered.confidence, text, covered.source,
                  match.hit.score)


def _findings(source: str, item: Item, signals: list[Signal]) -> list[ScanFinding]:
    by_vendor: dict[str, list[Signal]] = {}
    for signal in signals:
        if signal.status != "none":
            by_vendor.setdefault(signal.vendor.key, []).append(signal)
    found = []
    for vendor_signals in by_vendor.values():
        vendor = vendor_signals[0].vendor
        review = not any(s.finding_grade for s in vendor_signals)
        # strongest first; one signal per value read (a name matching the parent and a brand row is one signal)
        best: dict[tuple[str, str], Signal] = {}
        for signal in sorted(vendor_signals, key=lambda s: (not s.finding_grade, s.kind, -(s.score or 0.0))):
            best.setdefault((signal.kind, signal.value), signal)
        strongest = list(best.values())
        found.append(ScanFinding(item, vendor, strongest, _finding(item, vendor, strongest, review), review,
                                 source))
    return found


def _finding(item: Item, vendor: Vendor, signals: list[Signal], review: bool) -> Finding:
    legal = rules.legal_rules()
    component = " > ".join(item.path) or item.label()
    evidence = tuple(s.evidence() for s in signals)
    if review:
        statuses = sorted({f"{s.kind}: {s.status}, {s.confidence}" for s in signals})
        return Finding(Outcome.UNDETERMINED, f"Review: {component} may be {vendor.name}'s "
                       f"({'; '.join(statuses)}); no verified signal, so no finding.", "review",
                       evidence=evidence)
    first = vendor.rules[0]
    citations = tuple(legal[a.rule].cite(a.since) for a in vendor.rules)
    return Finding.from_rule(Outcome.MET, legal[first.rule].finding,
                             {"vendor": vendor.name, "since": first.since, "entry": first.entry,
                              "component": component}, rule=first.rule, citations=citations, evidence=evidence)
