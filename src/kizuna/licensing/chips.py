"""The 3A090 / 4A090 classifier: an integrated circuit's total processing performance (TPP) and performance
density (PD) against the thresholds of ECCN 3A090.a and .b, read from ``data/licensing/chips.yaml`` (the eCFR text
of 2026-07-23, quoted there), giving the paragraph met or "not 3A090" with the numbers compared.

The classification is a step before the licence rules: its determination never requires a licence by itself
(``licence_required`` False), except that it is "unknown", with the question to ask, when a figure it needs is
missing. The paragraph it gives is then assessed under that ECCN's licence requirements.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Evidence, EvidenceKind, Reason
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.core.tables import yes_no
from kizuna.licensing.assessment import Answer, Determination, Shipment

RULE_FILE = "licensing/chips.yaml"


class Bounds(RuleModel):
    min: float | None = None  # "N or more"
    below: float | None = None  # "less than N"


class ChipParagraph(RuleModel):
    id: str
    paragraph: str
    quote: str
    tpp: Bounds
    pd: Bounds | None = None


class TppRule(RuleModel):
    quote: str
    factor: float
    highest_quote: str
    dense_quote: str


class PdRule(RuleModel):
    quote: str
    tolerance: float


class NotDatacenter(RuleModel):
    id: str
    quote: str
    exceptions_quote: str
    tpp_below: float


class Computer(RuleModel):
    paragraph: str
    ic_paragraph: str
    quote: str


class ChipTexts(RuleModel):
    met: str
    computer: str
    not_met: str
    not_datacenter: str
    not_datacenter_exceptions: str
    no_tpp: str
    no_tpp_question: str
    no_pd: str
    no_pd_question: str
    datacenter: str
    datacenter_question: str


class Facts(RuleModel):
    datacenter: str
    computer: str


class ChipRules(RuleModel):
    """``data/licensing/chips.yaml``."""

    edition: str
    source: str
    url: str
    text_file: str
    facts: Facts
    tpp: TppRule
    pd: PdRule
    paragraphs: list[ChipParagraph]
    not_datacenter: NotDatacenter
    computers: list[Computer]
    texts: ChipTexts


@cache
def rules() -> ChipRules:
    return bundled_rules(RULE_FILE, ChipRules)


@dataclass(frozen=True, slots=True)
class MacRate:
    """One rate a processing unit is rated at: tera multiply-accumulates per second at a bit length (dense)."""

    mac_tops: float
    bit_length: int

    @classmethod
    def from_datasheet(cls, tops: float, bit_length: int) -> MacRate:
        """A datasheet's dense TOPS or TFLOPS, which count one multiply-accumulate as two operations."""
        return cls(tops / rules().tpp.factor, bit_length)


def unit_tpp(rates: Iterable[MacRate]) -> float:
    """One processing unit's TPP: 2 × MacTOPS × bit length at the rate giving the highest value (Technical Note 2)."""
    return max((rules().tpp.factor * r.mac_tops * r.bit_length for r in rates), default=0.0)


def total_processing_performance(units: Iterable[Iterable[MacRate]]) -> float:
    """The IC's TPP: the TPP of each processing unit, summed (TPP = TPP1 + TPP2 + … + TPPn)."""
    return sum(unit_tpp(rates) for rates in units)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One number compared with one bound of a paragraph: ``value op threshold`` and whether it held."""

    paragraph: str  # the sub-paragraph, "3A090.a.2"
    quantity: str  # "TPP" or "PD"
    value: float | None
    op: str  # ">=" or "<"
    threshold: float
    holds: bool | None  # None when the value is not known

    def text(self) -> str:
        """``3A090.a.2: PD 2.91 >= 5.92 — not met``."""
        value = "?" if self.value is None else f"{self.value:.2f}" if self.quantity == "PD" else f"{self.value:g}"
        verdict = {True: "met", False: "not met", None: "not known"}[self.holds]
        return f"{self.paragraph}: {self.quantity} {value} {self.op} {self.threshold:g} — {verdict}"


@dataclass(frozen=True, slots=True)
class ChipClassification:
    """The 3A090 / 4A090 paragraph met (None for "not 3A090", or when a figure is missing), the sub-paragraph
    whose thresholds decided it, and every comparison made."""

    paragraph: str | None
    determination: Determination
    tpp: float | None
    pd: float | None
    die_area_mm2: float | None
    met: str | None = None  # "3A090.a.1"
    comparisons: tuple[Comparison, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"paragraph": self.paragraph, "met": self.met, "tpp": self.tpp, "pd": self.pd,
                "die_area_mm2": self.die_area_mm2,
                "comparisons": [{"paragraph": c.paragraph, "quantity": c.quantity, "value": c.value, "op": c.op,
                                 "threshold": c.threshold, "holds": c.holds} for c in self.comparisons]}


def classify(tpp: float | None, die_area_mm2: float | None = None, pd: float | None = None, *,
             datacenter: bool | None = None, computer: bool = False) -> ChipClassification:
    """Classify an IC (or, with ``computer``, a computer, assembly or component containing it) under 3A090 /
    4A090 from its TPP and its applicable die area or performance density.

    ``datacenter``: whether the IC is designed or marketed for datacenters (Note 2), None when not stated — it
    matters only below a TPP of 4800. A missing figure that the answer depends on gives an "unknown" determination
    with the question to ask.
    """
    tpp = _figure(tpp, "--tpp")
    pd = _density(tpp, _figure(die_area_mm2, "--die-area", positive=True), _figure(pd, "--pd"))
    figures = {"TPP": tpp, "PD": pd}
    if tpp is None:
        return _unknown(None, pd, die_area_mm2, (), "no-tpp", rules().texts.no_tpp, {},
                        rules().texts.no_tpp_question)
    comparisons: list[Comparison] = []
    open_paragraphs: list[str] = []
    for paragraph in rules().paragraphs:
        tests = _compare(paragraph, figures)
        comparisons.extend(tests)
        outcome = _all(t.holds for t in tests)
        if outcome is None:
            open_paragraphs.append(paragraph.id)
        elif outcome and not open_paragraphs:
            return _met(paragraph, tpp, pd, die_area_mm2, tuple(comparisons), datacenter, computer)
    if open_paragraphs:
        return _unknown(tpp, pd, die_area_mm2, tuple(comparisons), "no-pd", rules().texts.no_pd,
                        {"tpp": tpp, "open": ", ".join(open_paragraphs)}, rules().texts.no_pd_question)
    values = {"numbers": _numbers(tpp, pd), "edition": rules().edition}
    determination = _determination("not-3a090", _citation("not-3A090", "; ".join(p.quote for p in rules().paragraphs),
                                                          "3A090.a and 3A090.b"),
                                   False, rules().texts.not_met.format(**values), tuple(comparisons), applies=False)
    return ChipClassification(None, determination, tpp, pd, die_area_mm2, None, tuple(comparisons))


def classify_shipment(shipment: Shipment) -> ChipClassification:
    """``classify`` with a shipment's figures and its stated facts ``datacenter`` and ``computer`` (yes/no)."""
    names = rules().facts
    datacenter, computer = (yes_no(shipment.facts.get(name, ""), path="facts", line=None, field=name)
                            for name in (names.datacenter, names.computer))
    return classify(shipment.tpp, shipment.die_area_mm2, shipment.pd, datacenter=datacenter,
                    computer=bool(computer))


def _met(paragraph: ChipParagraph, tpp: float, pd: float | None, area: float | None,
         comparisons: tuple[Comparison, ...], datacenter: bool | None, computer: bool) -> ChipClassification:
    """A paragraph's thresholds are met: Note 2 (datacenter) and 4A090 (computers) decide what that makes it."""
    note, texts = rules().not_datacenter, rules().texts
    values = {"id": paragraph.id, "quote": paragraph.quote, "paragraph": paragraph.paragraph,
              "numbers": _numbers(tpp, pd), "edition": rules().edition, "limit": note.tpp_below,
              "tpp": tpp, "pd": pd if pd is not None else math.nan, "item": "The integrated circuit"}
    below_note = tpp < note.tpp_below
    if below_note and datacenter is None:
        return _unknown(tpp, pd, area, comparisons, "datacenter", texts.datacenter, values, texts.datacenter_question,
                        citation=_citation(note.id, note.quote, "3A090, Note 2 to 3A090.a and 3A090.b"),
                        met=paragraph.id)
    if below_note and datacenter is False:
        determination = _determination("not-3a090-note-2", _citation(note.id, note.quote,
                                                                     "3A090, Note 2 to 3A090.a and 3A090.b"),
                                       False, texts.not_datacenter.format(**values), comparisons, applies=False)
        return ChipClassification(None, determination, tpp, pd, area, paragraph.id, comparisons)
    reason = texts.met.format(**values)
    if datacenter is False:
        reason += " " + texts.not_datacenter_exceptions.format(**values)
    found, citation = paragraph.paragraph, _citation(paragraph.id, paragraph.quote, paragraph.id)
    if computer:
        chosen = next(c for c in rules().computers if c.ic_paragraph == paragraph.paragraph)
        found, citation = chosen.paragraph, _citation(chosen.paragraph, chosen.quote, chosen.paragraph, "4A090")
        reason = texts.computer.format(**{**values, "paragraph": chosen.paragraph, "quote": chosen.quote,
                                          "ic_paragraph": paragraph.paragraph})
    determination = _determination(found.lower(), citation, False, reason, comparisons)
    return ChipClassification(found, determination, tpp, pd, area, paragraph.id, comparisons)


def _compare(paragraph: ChipParagraph, figures: dict[str, float | None]) -> list[Comparison]:
    tests = []
    for quantity, bounds in (("TPP", paragraph.tpp), ("PD", paragraph.pd)):
        if bounds is None:
            continue
        value = figures[quantity]
        for op, threshold in ((">=", bounds.min), ("<", bounds.below)):
            if threshold is not None:
                holds = None if value is None else (value >= threshold if op == ">=" else value < threshold)
                tests.append(Comparison(paragraph.id, quantity, value, op, threshold, holds))
    return tests


def _all(results: Iterable[bool | None]) -> bool | None:
    """False if any comparison fails, None if none fails but one is unknown, else True."""
    seen = list(results)
    if False in seen:
        return False
    return None if None in seen else True


def _figure(value: float | None, field: str, positive: bool = False) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or math.isnan(value) or math.isinf(value) or value < 0 or (
            positive and value == 0):
        raise InputError(f"{value!r} is not a {'positive' if positive else 'non-negative'} number", field=field)
    return float(value)


def _density(tpp: float | None, area: float | None, pd: float | None) -> float | None:
    """PD = TPP ÷ applicable die area; a stated PD must agree with the stated area (to its rounding)."""
    if tpp is None or area is None:
        return pd
    computed = tpp / area
    if pd is not None and abs(pd - computed) > rules().pd.tolerance:
        raise InputError(f"performance density {pd:g} contradicts TPP {tpp:g} ÷ die area {area:g} mm² = "
                         f"{computed:.2f}; give one of the two", field="--pd")
    return computed


def _numbers(tpp: float, pd: float | None) -> str:
    return f"TPP {tpp:g}" + ("" if pd is None else f", PD {pd:.2f}")


def _citation(ident: str, quote: str, paragraph: str, eccn: str = "3A090") -> Citation:
    chips = rules()
    return Citation(ident, quote, f"15 CFR part 774, Supp. No. 1, ECCN {eccn} ({paragraph})", chips.url,
                    date=chips.edition)


def _determination(rule: str, citation: Citation, answer: Answer, reason: str, comparisons: tuple[Comparison, ...],
                   applies: bool = True, question: str | None = None) -> Determination:
    evidence = Evidence(EvidenceKind.ASSESSMENT, reason, reasons=tuple(
        Reason("threshold-" + ("met" if c.holds else "unknown" if c.holds is None else "not-met"), c.text(),
               {"paragraph": c.paragraph, "quantity": c.quantity, "value": c.value, "op": c.op,
                "threshold": c.threshold}) for c in comparisons), source=citation)
    return Determination("US", f"ear-ccl-{rule}", citation, answer, reason, applies, question, (evidence,))


def _unknown(tpp: float | None, pd: float | None, area: float | None, comparisons: tuple[Comparison, ...],
             rule: str, template: str, values: dict[str, object], question: str,
             citation: Citation | None = None, met: str | None = None) -> ChipClassification:
    citation = citation or _citation("3A090", "; ".join(p.quote for p in rules().paragraphs), "3A090.a and 3A090.b")
    determination = _determination(f"3a090-{rule}", citation, "unknown", template.format(**values), comparisons,
                                   question=question)
    return ChipClassification(None, determination, tpp, pd, area, met, comparisons)
