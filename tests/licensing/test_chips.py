"""The 3A090 / 4A090 classifier against the eCFR text it quotes and the published figures of well-known accelerators.

Published figures: tests/fixtures/licensing/chips_tpp.csv, the 26 rows of s-w-kelly/chip-export-controls @ d813a66
(src/data/chipData.js) that cite their own sources (vendor datasheets, white papers, press; the `source` column).
Its ECCN labels are the tracker's, "not an official BIS classification". Where its label and the printed thresholds
disagree (H20, MI308: labelled 3A090.b.2 with PD 2.91, below b.2's 3.2), the classifier follows the thresholds and
the test shows both.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.core.tables import read_table
from kizuna.licensing.assessment import Shipment, ShipmentParty, ShipmentRole
from kizuna.licensing.chips import (
    MacRate,
    classify,
    classify_shipment,
    rules,
    total_processing_performance,
    unit_tpp,
)

FIXTURE = Path(__file__).parent.parent / "fixtures" / "licensing" / "chips_tpp.csv"
# The tracker's label against the thresholds as printed: both shown, the thresholds decide.
LABEL_DISAGREES = {"NVIDIA H20 SXM": ("3A090.b.2", None), "AMD MI308 (estimate)": ("3A090.b.2", None)}
# MI308: the tracker copies the H20's PD (2.91) beside its own die-area estimate (2368 ÷ 1017 = 2.33).
PD_INCONSISTENT = {"AMD MI308 (estimate)"}


def _published() -> list[dict[str, str]]:
    return [{k: str(v or "") for k, v in row.items()} for _, row in read_table(FIXTURE).records()]


def test_every_threshold_is_in_the_ecfr_text_it_quotes() -> None:
    """Each quote is verbatim in the stored eCFR text of 3A090/4A090, and each bound is a number in its quote."""
    text = " ".join(bundled(rules().text_file).read_text(encoding="utf-8").split())
    chips = rules()
    quotes = [chips.tpp.quote, chips.tpp.highest_quote, chips.tpp.dense_quote, chips.pd.quote,
              chips.not_datacenter.quote, chips.not_datacenter.exceptions_quote,
              *(p.quote for p in chips.paragraphs), *(c.quote for c in chips.computers)]
    for quote in quotes:
        assert " ".join(quote.split()) in text, quote
    for paragraph in chips.paragraphs:
        printed = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", paragraph.quote.split(". ", 1)[1])}
        bounds = [paragraph.tpp, *([paragraph.pd] if paragraph.pd else [])]
        used = {b for bound in bounds for b in (bound.min, bound.below) if b is not None}
        assert used == printed, paragraph.id
    assert f"{chips.tpp.factor:g} × 'MacTOPS'" in chips.tpp.quote
    assert f"{chips.not_datacenter.tpp_below:g} or more" in chips.not_datacenter.quote


def test_tpp_helper_reproduces_the_technical_note_examples() -> None:
    """Technical Note 2 to 3A090: "the 'TPP' threshold of 4800 can be met with 600 tera integer operations (or
    2 × 300 'MacTOPS') at 8 bits or 300 tera FLOPS (or 2 × 150 'MacTOPS') at 16 bits"."""
    assert total_processing_performance([[MacRate(300, 8)]]) == 4800
    assert total_processing_performance([[MacRate.from_datasheet(300, 16)]]) == 4800
    # The highest TPP over the bit lengths of one unit, summed over units (TPP = TPP1 + … + TPPn).
    assert unit_tpp([MacRate(150, 16), MacRate(250, 8)]) == 4800
    assert total_processing_performance([[MacRate(150, 16)], [MacRate(100, 8)]]) == 4800 + 1600


def test_tpp_from_datasheets() -> None:
    """H100 SXM: dense FP8 1,979 TFLOPS (NVIDIA H100 datasheet; 3,958 with sparsity, which 3A090 excludes) gives
    1979 × 8 = 15,832, the tracker's TPP. A100: dense FP16 tensor 312 TFLOPS (NVIDIA A100 datasheet) × 16 = 4,992,
    and INT8 624 TOPS × 8 gives the same 4,992, so the highest is 4,992."""
    h100 = total_processing_performance([[MacRate.from_datasheet(1979, 8), MacRate.from_datasheet(989, 16)]])
    assert h100 == pytest.approx(15832)
    a100 = total_processing_performance([[MacRate.from_datasheet(312, 16), MacRate.from_datasheet(624, 8)]])
    assert a100 == pytest.approx(4992)


@pytest.mark.parametrize("row", _published(), ids=lambda r: r["chip"])
def test_published_accelerators(row: dict[str, str]) -> None:
    """Each accelerator classified from its published TPP and die area: the PD is the published one, and the
    paragraph is the tracker's label (to paragraph level) unless the test lists the disagreement."""
    tpp = float(row["tpp"])
    area = float(row["die_area_mm2"]) if row["die_area_mm2"] else None
    result = classify(tpp, area, datacenter=True)
    if area is not None and row["chip"] not in PD_INCONSISTENT:
        assert result.pd == pytest.approx(float(row["performance_density"]), abs=0.01)
    label = row["published_classification"]
    if row["chip"] in LABEL_DISAGREES:
        published, ours = LABEL_DISAGREES[row["chip"]]
        assert label == published and result.paragraph == ours
        assert result.determination.reason.startswith("Not 3A090")
    elif label:
        assert result.paragraph == label[:len("3A090.a")]
    else:  # H200: the tracker gives no ECCN; the thresholds give 3A090.a.1
        assert result.paragraph == "3A090.a" and result.met == "3A090.a.1"
    if result.paragraph:
        # The tracker's derived column names the same sub-paragraph, e.g. "3A090.a (a.1: TPP>=4800)".
        assert result.met is not None and result.met.split(".")[-1] in row["derived_from_3a090_thresholds"]


def test_h20_shows_the_numbers_and_the_rule_that_decides() -> None:
    """H20 SXM: TPP 2368, die 814 mm², PD 2368/814 = 2.91. a.1: 2368 < 4800. a.2: PD 2.91 < 5.92. b.1: TPP 2368 <
    2400. b.2: PD 2.91 < 3.2. So not 3A090 by the printed thresholds, although the tracker labels it 3A090.b.2."""
    result = classify(2368, 814)
    assert result.paragraph is None and result.met is None
    assert result.determination.licence_required is False and not result.determination.applies
    failed = {(c.paragraph, c.quantity, c.op, c.threshold) for c in result.comparisons if c.holds is False}
    assert failed == {("3A090.a.1", "TPP", ">=", 4800), ("3A090.a.2", "PD", ">=", 5.92),
                      ("3A090.b.1", "TPP", ">=", 2400), ("3A090.b.2", "PD", ">=", 3.2)}
    assert "TPP 2368, PD 2.91" in result.determination.reason
    assert result.determination.citation.date == "2026-07-23"


def test_mi210_is_3a090_b1() -> None:
    """MI210: TPP 2896, die 790 mm², PD 3.67: 2400 <= 2896 < 4800 and 1.6 <= 3.67 < 5.92 → b.1 (a.2 fails on PD)."""
    result = classify(2896, 790, datacenter=True)
    assert (result.paragraph, result.met) == ("3A090.b", "3A090.b.1")
    assert result.determination.rule == "ear-ccl-3a090.b"
    assert "meets 3A090.b.1" in result.determination.reason


def test_boundaries_are_inclusive_at_or_more_and_exclusive_at_less_than() -> None:
    """"4800 or more": 4800 is a.1, 4799.9 is not. "less than 5.92": a PD of exactly 5.92 is a.2, not b."""
    assert classify(4800).met == "3A090.a.1"
    assert classify(4799.9, pd=1.0, datacenter=True).paragraph is None
    assert classify(1600, pd=5.92, datacenter=True).met == "3A090.a.2"
    assert classify(1600, pd=5.919, datacenter=True).met == "3A090.b.2"
    assert classify(1599.9, pd=100, datacenter=True).paragraph is None


def test_a_computer_containing_the_ic_is_4a090() -> None:
    """4A090.a: computers containing ICs "any of which meets or exceeds the limits in 3A090.a"; H100 → 4A090.a."""
    result = classify(15832, 814, computer=True)
    assert result.paragraph == "4A090.a" and result.met == "3A090.a.1"
    assert "4A090" in result.determination.citation.citation
    assert classify(2896, 790, datacenter=True, computer=True).paragraph == "4A090.b"


def test_note_2_non_datacenter_ics() -> None:
    """Note 2: an IC not designed for datacenters with TPP < 4800 is outside 3A090 even if a.2/b thresholds are met;
    at TPP >= 4800 (RTX 4090-like, 5285) it stays 3A090.a and NAC/ACA are named; unstated → the question."""
    outside = classify(2896, 790, datacenter=False)
    assert outside.paragraph is None and outside.met == "3A090.b.1" and "Note 2" in outside.determination.reason
    gaming = classify(5285, 608.5, datacenter=False)
    assert gaming.paragraph == "3A090.a" and "NAC and ACA" in gaming.determination.reason
    unstated = classify(2896, 790)
    assert unstated.determination.licence_required == "unknown" and unstated.met == "3A090.b.1"
    assert unstated.determination.question == rules().texts.datacenter_question


def test_missing_figures_are_questions_not_answers() -> None:
    """No TPP: nothing can be classified. TPP 3000 without die area or PD: a.1 fails, but a.2/b.1/b.2 depend on PD."""
    no_tpp = classify(None, 800)
    assert no_tpp.determination.licence_required == "unknown" and "TPP" in (no_tpp.determination.question or "")
    no_pd = classify(3000)
    assert no_pd.determination.licence_required == "unknown" and no_pd.paragraph is None
    assert "3A090.a.2, 3A090.b.1, 3A090.b.2" in no_pd.determination.reason
    assert "die area" in (no_pd.determination.question or "")
    assert classify(9600).met == "3A090.a.1"  # Groq LP30: TPP alone decides a.1; the die area is not needed


@pytest.mark.parametrize(("args", "field"), [((-1.0,), "--tpp"), ((math.nan,), "--tpp"), ((100.0, 0.0), "--die-area"),
                                             ((15832.0, 814.0, 5.0), "--pd")])
def test_bad_figures_name_their_field(args: tuple[float, ...], field: str) -> None:
    with pytest.raises(InputError) as caught:
        classify(*args)
    assert caught.value.field == field


def _to_d5_headquartered(**facts: str) -> Shipment:
    """A chip for a Singapore data centre of a company headquartered in China (Country Group D:5)."""
    party = ShipmentParty(ShipmentRole.END_USER, Party("Lion City Compute Pte Ltd", country="SG"), headquarters="CN")
    return Shipment("US", "SG", item="chip", parties=(party,), tpp=15832, die_area_mm2=814, facts=facts)


def test_a_3a090_chip_to_a_d5_headquartered_customer_is_classified_first() -> None:
    """H100 SXM figures (TPP 15,832; 814 mm²; PD 19.45) for a D:5-headquartered customer: 3A090.a (a.1: TPP >= 4800).
    The classifier decides the paragraph only, whoever the customer is; the licence under §742.6(a)(6) and §744.23
    is the EAR rules' (licensing-ear), so the classification itself requires nothing."""
    result = classify_shipment(_to_d5_headquartered(datacenter="yes"))
    assert (result.paragraph, result.met) == ("3A090.a", "3A090.a.1")
    assert result.determination.licence_required is False and result.determination.applies


def test_a_server_with_3a090_chips_is_4a090() -> None:
    """The same chips built into a server (fact computer = yes): 4A090.a ("containing integrated circuits, any of
    which meets or exceeds the limits in 3A090.a")."""
    assert classify_shipment(_to_d5_headquartered(datacenter="yes", computer="yes")).paragraph == "4A090.a"


def test_an_h20_for_a_d5_headquartered_customer_is_not_3a090() -> None:
    """H20 SXM figures (TPP 2,368; 814 mm²) for the same customer: not 3A090 by the thresholds (see the H20 test);
    the answer carries the numbers so the EAR end-use rules can be looked at next."""
    shipment = Shipment("US", "SG", item="chip", tpp=2368, die_area_mm2=814, facts={"datacenter": "yes"},
                        parties=_to_d5_headquartered().parties)
    result = classify_shipment(shipment)
    assert result.paragraph is None and "TPP 2368, PD 2.91" in result.determination.reason


def test_a_fact_that_is_not_yes_or_no_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        classify_shipment(_to_d5_headquartered(datacenter="maybe"))
    assert caught.value.field == "datacenter"
