"""A licence assessment as a whole: screen every party once, classify a chip from its figures, apply the rules of
the exporter's jurisdiction (US EAR here; Japan FEFTA through ``kizuna.licensing.japan``), the KYC red flags and
the allies' denials, and put the determinations together into one answer — licence required, not required, or
"unknown" with the questions to ask — with a printable determination record.

Stateless: nothing is stored. The rule modules of the other helper (chips, japan, redflags, allies) are called
through their published signatures; one that is not installed is reported as not checked, never as "no licence".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Finding, Outcome
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.licensing.assessment import Answer, Determination, Shipment, ShipmentParty

if TYPE_CHECKING:
    from kizuna.core.report import Report
    from kizuna.licensing.chips import ChipClassification
    from kizuna.licensing.denials import DenialSource
    from kizuna.ownership.model import Graph
    from kizuna.screening import Hit
    from kizuna.screening.screener import Screener

RULE_FILE = "licensing/assessment.yaml"


class AssessmentTexts(RuleModel):
    required: str
    not_required: str
    unknown: str
    not_checked: str
    item_question: str
    item_unknown: str
    candidates: str
    not_installed: str
    not_installed_question: str
    no_denial_source: str
    red_flags: str
    jurisdiction: str


class AssessmentRules(RuleModel):
    """``data/licensing/assessment.yaml``: how the answer is put in words."""

    jurisdictions: list[str]
    exception_rules: list[str]
    texts: AssessmentTexts


def assessment_rules() -> AssessmentRules:
    return bundled_rules(RULE_FILE, AssessmentRules)


@dataclass(slots=True)
class LicenceAssessment:
    """One shipment assessed: every determination (those that do not apply included), the screening hits of every
    party, the chip classification, red flags and allied denials, and what was not checked."""

    shipment: Shipment
    as_of: str
    determinations: list[Determination]
    hits: list[tuple[ShipmentParty, Hit]]
    classification: ChipClassification | None = None
    red_flags: list[Finding] = field(default_factory=list)
    allied_denials: list[Any] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    snapshot: str = ""
    lists: dict[str, str] = field(default_factory=dict)

    @property
    def licence_required(self) -> Answer:
        """True if any rule requires a licence; else "unknown" if any rule cannot tell; else False."""
        answers = [d.licence_required for d in self.determinations if d.applies]
        if any(a is True for a in answers):
            return True
        return "unknown" if any(a == "unknown" for a in answers) else False

    def questions(self) -> list[str]:
        return list(dict.fromkeys(d.question for d in self.determinations if d.question and
                                  d.licence_required == "unknown"))

    def recommendation(self) -> dict[str, Any]:
        texts = assessment_rules().texts
        answer = self.licence_required
        if answer is True:
            required = [d for d in self.determinations if d.applies and d.licence_required is True]
            exceptions = [d.reason for d in required if is_exception(d)]
            reasons = [f"{d.citation.label()}: {d.reason}" for d in required if not is_exception(d)]
            return {"answer": "licence required", "text": texts.required.format(n=len(reasons)), "reasons": reasons,
                    "exceptions": exceptions, "questions": self.questions()}
        if answer == "unknown":
            questions = self.questions()
            return {"answer": "cannot tell", "text": texts.unknown.format(questions="; ".join(questions)),
                    "reasons": [d.reason for d in self.determinations if d.licence_required == "unknown"],
                    "exceptions": [], "questions": questions}
        flags = texts.red_flags.format(n=len(self.red_flags)) if self.red_flags else ""
        return {"answer": "licence not required", "reasons": [f.text for f in self.red_flags], "exceptions": [],
                "text": texts.not_required.format(n=len(self.determinations)) + flags, "questions": []}

    def editions(self) -> list[dict[str, str]]:
        """Each text the answer used, with its edition."""
        seen: dict[str, dict[str, str]] = {}
        for d in self.determinations:
            c = d.citation
            seen.setdefault(f"{c.url}|{c.date}", {"text": c.citation, "edition": c.date, "url": c.url,
                                                  "verified": str(c.verified).lower()})
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer (keys as issue 15 names them)."""
        return {"licence_required": self.licence_required,
                "determinations": [_determination(d) for d in self.determinations],
                "parties": _parties(self.shipment, self.hits),
                "red_flags": [f.to_dict() for f in self.red_flags],
                "allied_denials": [m.shown() if hasattr(m, "shown") else m for m in self.allied_denials],
                "recommendation": self.recommendation(),
                "classification": None if self.classification is None else self.classification.paragraph,
                "chip": None if self.classification is None else self.classification.to_dict(),
                "editions": self.editions(), "not_checked": self.not_checked,
                "as_of": self.as_of, "list_snapshot": self.snapshot, "lists": self.lists,
                "shipment": shipment_dict(self.shipment)}

    def report(self) -> Report:
        """The printable determination record: the facts as given, every rule checked and why, the data versions."""
        from kizuna.core.report import Report, data_version

        findings = [_finding(d) for d in self.determinations] + self.red_flags
        end_user = next((p.party for p in self.shipment.parties if p.role.value == "end_user"), None)
        recommendation = self.recommendation()
        version = data_version(p for p in bundled("licensing").rglob("*") if p.is_file())
        sources = [Citation(f"list-{code}", f"{code} as of {day}", code, "", Confidence.VERIFIED, "", day)
                   for code, day in self.lists.items()]
        return Report("Licence determination record", end_user.ref() if end_user else "shipment", self.as_of,
                      findings, sources, version, "licensing", recommendation["answer"],
                      {"shipment": shipment_dict(self.shipment), "recommendation": recommendation,
                       "questions": self.questions(), "classification": self.to_dict()["chip"],
                       "editions": self.editions(), "list_snapshot": self.snapshot, "not_checked": self.not_checked,
                       "allied_denials": self.to_dict()["allied_denials"]})


def assess(shipment: Shipment, *, graph: Graph | None = None, denials: DenialSource | None = None,
           as_of: date | None = None, screener: Screener | None = None) -> LicenceAssessment:
    """Assess ``shipment``: every party screened once (``kizuna.screening.screen_many``), then the rules."""
    from kizuna.screening import screen_many
    from kizuna.screening.service import get_screener

    rules = assessment_rules()
    if shipment.exporter not in rules.jurisdictions:
        raise InputError(rules.texts.jurisdiction.format(exporter=shipment.exporter,
                                                         known=", ".join(rules.jurisdictions)), field="from")
    day = (as_of or date.today()).isoformat()
    active = screener or get_screener()
    parties = list(shipment.parties)
    hits = [(p, h) for p, found in zip(parties, screen_many([p.party for p in parties], screener=active),
                                       strict=True) for h in found]
    result = LicenceAssessment(shipment, day, [], hits, snapshot=active.snapshot_id, lists=dict(active.lists))
    _apply_rules(result, graph)
    result.red_flags = _optional(result, "kizuna.licensing.redflags", "red_flags", [], shipment, hits)
    result.allied_denials = _optional(result, "kizuna.licensing.allies", "allied_denials", [], shipment, denials)
    if denials is None:
        result.not_checked.append(rules.texts.no_denial_source)
    return result


def _apply_rules(result: LicenceAssessment, graph: Graph | None) -> None:
    shipment = result.shipment
    if shipment.exporter == "JP":
        from kizuna.licensing.ear import fdp_determination

        found = _optional(result, "kizuna.licensing.japan", "assess_japan", None, shipment, result.hits)
        result.determinations.extend(found if found is not None else [_not_assessed(shipment.exporter)])
        # A Japanese-made item can still be subject to the EAR through a foreign-direct product rule.
        result.determinations.append(fdp_determination(shipment, result.hits))
        return
    from kizuna.licensing.ear import assess_us, item_of

    item = item_of(None if shipment.item in (None, "chip") else shipment.item)
    if shipment.item == "chip":
        item = _classify(result, item_of)
    if not item.known:
        result.determinations.append(_item_question(shipment))
    result.determinations.extend(assess_us(shipment, item, result.hits, graph, result.as_of))


def _classify(result: LicenceAssessment, item_of: Any) -> Any:
    """The chip classifier first; its paragraph is then the item assessed (none met: the item is not known)."""
    from kizuna.licensing.chips import classify

    shipment = result.shipment
    datacenter = {"yes": True, "no": False}.get(shipment.facts.get("datacenter", "").casefold())
    classification = classify(shipment.tpp, shipment.die_area_mm2, shipment.pd, datacenter=datacenter)
    result.classification = classification
    result.determinations.append(classification.determination)
    return item_of(classification.paragraph) if classification.paragraph else item_of(None)


def _not_assessed(jurisdiction: str) -> Determination:
    """The jurisdiction's rules are not installed: "unknown", never "not required"."""
    texts = assessment_rules().texts
    cited = Citation(f"{jurisdiction.lower()}-rules", texts.not_installed, texts.not_installed, "",
                     Confidence.RECALLED, "", "not installed")
    return Determination(jurisdiction, f"{jurisdiction.lower()}-rules", cited, "unknown", texts.not_installed,
                         question=texts.not_installed_question)


def _item_question(shipment: Shipment) -> Determination:
    texts = assessment_rules().texts
    described = shipment.description or shipment.item or "not stated"
    from kizuna.licensing.ear.rules import citation

    cited = citation("ear-item", "ccl", "15 CFR 738.2 (classification against the CCL)",
                     "the item's ECCN, or EAR99 for an item subject to the EAR on no entry of the CCL")
    candidates = _candidates(shipment.description)
    shown = texts.candidates.format(found="; ".join(f"{c.reference} ({c.text[:80]})" for c in candidates[:5]))
    reason = texts.item_unknown.format(item=described) + (f" {shown}" if candidates else "")
    evidence = tuple(Evidence(EvidenceKind.CONTROL_MATCH, f"candidate {c.reference}", data=c.to_dict())
                     for c in candidates)
    return Determination("US", "ear-item", cited, "unknown", reason,
                         question=texts.item_question.format(item=described), evidence=evidence)


def _candidates(description: str | None) -> list[Any]:
    """CCL paragraphs whose text holds every word of the description (``kizuna.controls.ccl``, where installed):
    shown to the exporter, never chosen."""
    bundled_ccl = _published("kizuna.controls.ccl", "bundled_ccl")
    if not description or bundled_ccl is None:
        return []
    try:
        return list(bundled_ccl().search(description, limit=10))
    except InputError:
        return []


def _optional(result: LicenceAssessment, module: str, name: str, default: Any, *args: Any) -> Any:
    """A rule module of another part of issue 15 by its published signature; not installed: noted, not guessed."""
    function = _published(module, name)
    if function is None:
        result.not_checked.append(assessment_rules().texts.not_checked.format(module=f"{module}.{name}"))
        return default
    return list(function(*args))


@cache
def _published(module: str, name: str) -> Any:
    """The function, or None when its module is not installed (looked up once per process)."""
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError):
        return None


def is_exception(d: Determination) -> bool:
    """Whether ``d`` names licence exceptions (it qualifies a requirement; it is not one)."""
    return d.rule.startswith(tuple(assessment_rules().exception_rules))


def _determination(d: Determination) -> dict[str, Any]:
    return {"jurisdiction": d.jurisdiction, "rule": d.rule, "citation": d.citation.label(),
            "licence_required": d.licence_required, "reason": d.reason, "applies": d.applies,
            "exception": is_exception(d),
            "question": d.question, "edition": d.citation.date, "source": d.citation.to_dict(),
            "evidence": [e.to_dict() for e in d.evidence]}


def _finding(d: Determination) -> Finding:
    outcome = (Outcome.UNDETERMINED if d.licence_required == "unknown" else
               Outcome.MET if d.licence_required is True else
               Outcome.NOT_MET if d.applies else Outcome.NOT_APPLICABLE)
    text = d.reason if not d.question else f"{d.reason} Question: {d.question}"
    return Finding(outcome, text, d.rule, (d.citation,), d.evidence)


def _parties(shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> list[dict[str, Any]]:
    return [{"role": p.role.value, "name": p.party.name, "country": p.party.country, "headquarters": p.headquarters,
             "hits": [h.summary() for q, h in hits if q is p]} for p in shipment.parties]


def shipment_dict(shipment: Shipment) -> dict[str, Any]:
    """The facts as given."""
    return {"exporter": shipment.exporter, "destination": shipment.destination, "item": shipment.item,
            "description": shipment.description, "end_use": shipment.end_use, "end_uses": list(shipment.end_uses),
            "tpp": shipment.tpp, "die_area_mm2": shipment.die_area_mm2, "pd": shipment.pd,
            "informed": shipment.informed, "facts": dict(shipment.facts),
            "parties": [{"role": p.role.value, "name": p.party.name, "country": p.party.country,
                         "headquarters": p.headquarters} for p in shipment.parties]}
