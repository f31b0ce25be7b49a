"""The BIS "know your customer" red flags (15 CFR part 732, Supplement No. 3) that the stated facts of a shipment
raise, each as a ``Finding`` naming the flag, its citation and the fact that raised it.

Which fact raises which flag is ``data/licensing/red_flags.yaml``; the flags' own words are
``data/licensing/kyc_red_flags.csv`` (the BIS page's verbatim list and paraphrases of the later Supplement No. 3
flags, shown as unconfirmed). A flag is a reason to look further, never a licence answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Finding, Outcome, Reason
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.core.tables import read_table, yes_no
from kizuna.licensing.assessment import Shipment, ShipmentParty

if TYPE_CHECKING:
    from kizuna.screening import Hit

RULE_FILE = "licensing/red_flags.yaml"


class Detector(RuleModel):
    flag: str
    kind: str  # fact, list_hit, no_end_use, end_use_words, party_words, country_mismatch
    text: str
    outcome: Outcome = Outcome.MET
    fact: str = ""
    lists: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


class RedFlagRules(RuleModel):
    """``data/licensing/red_flags.yaml``."""

    citation: str
    url: str
    flags_file: str
    verbatim_status_prefix: str
    detectors: list[Detector]


@dataclass(frozen=True, slots=True)
class Flag:
    """One row of the flags file."""

    id: str
    number: str
    text: str
    status: str
    source: str
    url: str


@cache
def rules() -> RedFlagRules:
    return bundled_rules(RULE_FILE, RedFlagRules)


@cache
def flags() -> dict[str, Flag]:
    """The red flags by id; a detector naming a flag the file lacks is an error naming the rule file."""
    path = bundled(rules().flags_file)
    table = read_table(path)
    table.require("id", "source", "number", "text_or_paraphrase", "text_status", "source_url")
    found = {str(r["id"]): Flag(str(r["id"]), str(r["number"]), str(r["text_or_paraphrase"]), str(r["text_status"]),
                                str(r["source"]), str(r["source_url"])) for _, r in table.records()}
    missing = sorted({d.flag for d in rules().detectors} - set(found))
    if missing:
        raise InputError(f"detectors name flags {', '.join(missing)} that {path.name} lacks",
                         path=bundled(RULE_FILE), field="detectors")
    return found


def red_flags(shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> list[Finding]:
    """Every red flag the shipment's facts, parties and screening hits raise, in the rule file's order."""
    findings: list[Finding] = []
    for detector in rules().detectors:
        for values, evidence in _detect(detector, shipment, hits):
            findings.append(Finding.from_rule(detector.outcome, detector.text, values, rule=detector.flag,
                                              citations=(citation(detector.flag),), evidence=(evidence,)))
    return findings


def citation(flag_id: str) -> Citation:
    """The flag's citation: Supplement No. 3 to part 732, with the flag's own words; a paraphrase is unconfirmed."""
    flag, red = flags()[flag_id], rules()
    verbatim = flag.status.startswith(red.verbatim_status_prefix)
    where = f"{red.citation}; {flag.source}, item {flag.number}"
    return Citation(flag.id, flag.text, where, flag.url or red.url,
                    Confidence.VERIFIED if verbatim else Confidence.RECALLED, "" if verbatim else flag.status)


Detected = list[tuple[dict[str, Any], Evidence]]


def _detect(detector: Detector, shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> Detected:
    if detector.kind == "fact":
        return _fact(detector, shipment)
    if detector.kind == "list_hit":
        return _list_hit(detector, hits)
    if detector.kind == "no_end_use":
        stated = shipment.end_use.strip() or shipment.end_uses
        return [] if stated else [({}, _record("no end use stated", {"end_use": "", "end_uses": []}))]
    if detector.kind == "end_use_words":
        words = _words(detector, shipment.end_use)
        return [({"end_use": shipment.end_use, "words": ", ".join(words)},
                 _record(f"stated end use: {shipment.end_use}", {"end_use": shipment.end_use, "words": words}))
                ] if words else []
    if detector.kind == "party_words":
        return [({"party": p.party.name, "words": ", ".join(words)},
                 _record(f"{p.role.value}: {p.party.name}", {"party": p.party.name, "words": words}, p))
                for p in _parties(detector, shipment) if (words := _words(detector, p.party.name))]
    if detector.kind == "country_mismatch":
        destination = shipment.destination.upper()
        return [({"party": p.party.name, "country": p.party.country, "destination": destination},
                 _record(f"{p.role.value} {p.party.name} in {p.party.country}, shipped to {destination}",
                         {"party": p.party.name, "country": p.party.country, "destination": destination}, p))
                for p in _parties(detector, shipment)
                if p.party.country and p.party.country.upper() != destination]
    raise ValueError(f"{RULE_FILE}: detector kind {detector.kind!r} of {detector.flag} is not known")


def _fact(detector: Detector, shipment: Shipment) -> Detected:
    """A stated yes/no fact; a value that is neither is an InputError naming the fact."""
    raw = shipment.facts.get(detector.fact)
    if raw is None or not yes_no(str(raw), path="facts", line=None, field=detector.fact):
        return []
    values = {"fact": detector.fact, "value": raw}
    return [(values, _record(f"fact {detector.fact} = {raw}", values))]


def _list_hit(detector: Detector, hits: Sequence[tuple[ShipmentParty, Hit]]) -> Detected:
    found: Detected = []
    for party, hit in hits:
        if hit.list_code not in detector.lists:
            continue
        values = {"role": party.role.value.replace("_", " ").capitalize(), "party": party.party.name,
                  "listed": hit.name, "date": hit.data_date, "score": hit.score}
        summary = hit.summary()  # the explanation is rendered once, for the reason and the record
        found.append((values, Evidence(EvidenceKind.LIST_HIT, f"{party.party.name} → {hit.name} ({hit.list_code})",
                                       subject=party.party.ref(), score=hit.score,
                                       reasons=(Reason("list-match", summary["explanation"], {"entry": hit.entry_id}),),
                                       data=summary)))
    return found


def _parties(detector: Detector, shipment: Shipment) -> list[ShipmentParty]:
    return [p for p in shipment.parties if p.role.value in detector.roles]


def _words(detector: Detector, text: str) -> list[str]:
    folded = text.casefold()
    return [w for w in detector.words if w.casefold() in folded]


def _record(summary: str, data: dict[str, Any], party: ShipmentParty | None = None) -> Evidence:
    """The fact that raised a flag, as evidence."""
    return Evidence(EvidenceKind.RECORD, summary, subject=party.party.ref() if party else None, data=data)
