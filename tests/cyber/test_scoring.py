"""Exact SPRS scoring and CMMC Level 2 status: every special rule, each with a hand-computed case."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.cyber.answers import Status
from kizuna.cyber.catalog import REV2, REV3, load_catalog
from kizuna.cyber.cmmc import CONDITIONAL, FINAL, NOT_ELIGIBLE
from kizuna.cyber.rules import load_rules
from kizuna.cyber.scoring import Deduction, rollup
from kizuna.cyber.service import Evaluation, evaluate, score_file
from tests.cyber.conftest import WriteAnswers, answer_set

DAY = date(2026, 3, 1)
NM, NA = Status.NOT_MET, Status.NOT_APPLICABLE


def run(overrides: dict[str, Status] | None = None, partial: set[str] | None = None,
        poam: set[str] | None = None) -> Evaluation:
    return evaluate(load_catalog(REV2), answer_set(overrides, partial=partial, poam=poam), DAY)


def deduction(ev: Evaluation, rid: str) -> Deduction:
    return next(d for d in ev.report.deductions if d.requirement_id == rid)


# --- the data the rules come from --------------------------------------------------------------------------------
def test_weights_match_the_methodology_counts() -> None:
    rules = load_rules()
    points = Counter(w.points for w in rules.weights.values())
    assert len(rules.weights) == 110
    assert points == {5: 44, 3: 14, 1: 51, 0: 1}  # §5.d.i–iii; 3.12.4 has no value ("NA")
    assert sum(w.points for w in rules.weights.values()) == 313
    assert rules.minimum == -203 and rules.maximum == 110
    assert rules.conditional_minimum == 88  # 0.8 × 110
    assert set(rules.weights) == set(load_catalog(REV2).requirements)


def test_poam_column_agrees_with_the_derived_rule() -> None:
    """sprs_weights.csv's poam_allowed column and 32 CFR 170.21(a)(2)(ii)-(iii) as encoded give the same answer."""
    rules = load_rules()
    for rid, weight in rules.weights.items():
        derived = "conditional" if rid in rules.poam_exceptions else "yes" if rules.poam_eligible(rid, False) else "no"
        assert derived == weight.poam_allowed, rid
    assert sorted(rules.never_on_poam) == ["3.1.20", "3.1.22", "3.10.3", "3.10.4", "3.10.5", "3.12.4"]


def test_catalog_counts() -> None:
    rev2, rev3 = load_catalog(REV2), load_catalog(REV3)
    assert (len(rev2.requirements), rev2.objective_count, len(rev2.families)) == (110, 320, 14)
    assert (len(rev3.requirements), rev3.objective_count, len(rev3.withdrawn)) == (97, 422, 33)
    assert [o.id for o in rev2.requirements["3.1.1"].objectives] == [f"3.1.1[{c}]" for c in "abcdef"]
    assert rev2.requirements["3.13.11"].objectives[0].id == "3.13.11"  # single-objective requirement
    assert "Define the types of system accounts" in rev3.requirements["03.01.01"].statement


# --- the ends of the range ---------------------------------------------------------------------------------------
def test_all_met_is_110_and_final() -> None:
    ev = run()
    assert ev.report.sprs_score == 110 and ev.report.deductions == []
    assert ev.cmmc is not None and ev.cmmc.status == FINAL and ev.cmmc.to_final == []


def test_all_unmet_is_minus_203_and_not_eligible() -> None:
    ev = evaluate(load_catalog(REV2), answer_set(default=NM), DAY)
    assert ev.report.sprs_score == -203
    assert len(ev.report.deductions) == 109  # every requirement but 3.12.4, which has no value
    assert ev.cmmc is not None and ev.cmmc.status == NOT_ELIGIBLE
    assert not ev.report.complete


def test_unanswered_objectives_count_as_not_met() -> None:
    catalog = load_catalog(REV2)
    answers = answer_set()
    del answers.answers["3.1.1[c]"]
    ev = evaluate(catalog, answers, DAY)
    assert ev.report.sprs_score == 105
    assert "1 unanswered" in deduction(ev, "3.1.1").reason


# --- roll-up -----------------------------------------------------------------------------------------------------
def test_rollup_requirement_met_only_when_all_applicable_objectives_met() -> None:
    catalog = load_catalog(REV2)
    answers = answer_set({"3.1.1[a]": NA, "3.1.2[b]": NM, "3.1.3": NA})
    by_id = {r.id: r for r in rollup(catalog, answers)}
    assert by_id["3.1.1"].status == "met" and by_id["3.1.1"].objectives_not_applicable == 1
    assert by_id["3.1.2"].status == "not_met" and by_id["3.1.2"].open_objectives == ["3.1.2[b]"]
    assert by_id["3.1.3"].status == "not_applicable"


def test_one_objective_fails_the_whole_requirement() -> None:
    ev = run({"3.1.1[f]": NM})
    assert ev.report.sprs_score == 105  # 3.1.1 is worth 5
    assert "1 of 6 objectives not met (3.1.1[f])" in deduction(ev, "3.1.1").reason


# --- special rules -----------------------------------------------------------------------------------------------
def test_mfa_partial_subtracts_3_and_full_miss_5() -> None:
    partial = run({"3.5.3[d]": NM}, partial={"3.5.3"})
    assert partial.report.sprs_score == 107
    assert deduction(partial, "3.5.3").status == "partial" and "§5.e.i" in deduction(partial, "3.5.3").citation
    assert run({"3.5.3": NM}).report.sprs_score == 105
    # 3.5.3 partial is worth 3 points: too many for a POA&M, so no Conditional status.
    assert partial.cmmc is not None and partial.cmmc.status == NOT_ELIGIBLE
    assert any("IA.L2-3.5.3" in r and "170.21(a)(2)(ii)" in r for r in partial.cmmc.reasons)


def test_fips_partial_subtracts_3_and_is_the_poam_exception() -> None:
    partial = run({"3.13.11": NM}, partial={"3.13.11"})
    assert partial.report.sprs_score == 107
    assert partial.cmmc is not None and partial.cmmc.status == CONDITIONAL
    assert deduction(partial, "3.13.11").poam_eligible is True
    no_crypto = run({"3.13.11": NM})
    assert no_crypto.report.sprs_score == 105
    assert no_crypto.cmmc is not None and no_crypto.cmmc.status == NOT_ELIGIBLE


def test_ssp_gates_the_assessment() -> None:
    ev = run({"3.12.4": NM})
    assert ev.report.sprs_score == 110  # no point value…
    assert ev.report.complete is False  # …but the assessment could not be completed
    assert ev.cmmc is not None and ev.cmmc.status == NOT_ELIGIBLE
    assert "could not be completed" in ev.report.notes[0]
    assert ev.cmmc.to_final[0].requirement_id == "3.12.4"
    assert ev.cmmc.to_conditional[0].requirement_id == "3.12.4"


@pytest.mark.parametrize("rid", ["3.1.12", "3.1.13", "3.1.16", "3.1.17", "3.1.18"])
def test_not_permitted_capabilities_are_not_deducted(rid: str) -> None:
    ev = run({rid: NA})
    assert ev.report.sprs_score == 110
    result = next(r for r in ev.report.requirements if r.id == rid)
    assert "not permitted" in result.reason and "Annex A" in result.citation
    assert run({rid: NM}).report.sprs_score == 105  # the same requirement not met costs its 5 points


def test_not_permitted_without_policy_costs_one_point() -> None:
    ev = run({"3.1.16": NM}, partial={"3.1.16"})
    assert ev.report.sprs_score == 109
    assert "§5.i.i" in deduction(ev, "3.1.16").citation


def test_other_not_applicable_is_not_deducted_but_flagged() -> None:
    ev = run({"3.1.3": NA})
    assert ev.report.sprs_score == 110
    result = next(r for r in ev.report.requirements if r.id == "3.1.3")
    assert "§5.j" in result.citation


def test_plan_of_action_earns_no_credit() -> None:
    ev = run({"3.1.3": NM}, poam={"3.1.3"})
    assert ev.report.sprs_score == 109
    assert "no credit" in deduction(ev, "3.1.3").reason


def test_unplanned_gap_makes_3_12_2_not_met() -> None:
    # 3.1.3 (1) not met, no plan of action: 3.12.2 (3) is assessed not implemented too -> 110 - 1 - 3.
    ev = run({"3.1.3": NM}, poam=set())
    assert ev.report.sprs_score == 106
    assert "§5.g.iii" in deduction(ev, "3.12.2").citation
    # Without plan-of-action information the check is not made, and the report says so.
    unknown = run({"3.1.3": NM})
    assert unknown.report.sprs_score == 109
    assert any("plan-of-action check" in n for n in unknown.report.notes)


def test_conditional_threshold_is_88_points() -> None:
    rules = load_rules()
    eligible = [rid for rid, w in rules.weights.items() if rules.poam_eligible(rid, False)]
    at_88 = run({rid: NM for rid in eligible[:22]})
    assert at_88.report.sprs_score == 88
    assert at_88.cmmc is not None and at_88.cmmc.status == CONDITIONAL
    assert at_88.cmmc.closeout_deadline == "2026-08-28"  # 2026-03-01 + 180 days
    at_87 = run({rid: NM for rid in eligible[:23]})
    assert at_87.report.sprs_score == 87
    assert at_87.cmmc is not None and at_87.cmmc.status == NOT_ELIGIBLE
    assert any("below 88" in r for r in at_87.cmmc.reasons)
    # The cheapest way back: one more requirement (each is worth 1 point, one objective open first).
    assert len(at_87.cmmc.to_conditional) == 1


@pytest.mark.parametrize("rid", ["3.1.20", "3.1.22", "3.10.3", "3.10.4", "3.10.5"])
def test_never_on_poam_blocks_conditional(rid: str) -> None:
    ev = run({rid: NM})
    assert ev.report.sprs_score == 109
    assert ev.cmmc is not None and ev.cmmc.status == NOT_ELIGIBLE
    assert any("may never be on a POA&M" in r for r in ev.cmmc.reasons)
    assert [f.requirement_id for f in ev.cmmc.to_conditional] == [rid]


def test_fixes_are_listed_cheapest_first() -> None:
    # 3.1.1 (5 pts, 6 objectives open) and 3.1.2 (5 pts, 1 open): both block; 3.1.2 is cheaper to close.
    ev = run({"3.1.1": NM, "3.1.2[a]": NM, "3.1.3": NM})
    assert ev.cmmc is not None
    assert [f.requirement_id for f in ev.cmmc.to_conditional] == ["3.1.2", "3.1.1"]
    assert ev.cmmc.to_final[0].requirement_id == "3.1.2"


def test_rev3_has_no_sprs_score() -> None:
    catalog = load_catalog(REV3)
    from kizuna.cyber.answers import Answer, AnswerSet

    answers = AnswerSet(REV3, {o: Answer(o, Status.MET) for o in catalog.objectives})
    ev = evaluate(catalog, answers, DAY)
    assert ev.report.sprs_score is None and ev.cmmc is None
    assert ev.report.counts()["met"] == 97


def test_requirement_level_file_scores_like_objective_level(requirement_csv: WriteAnswers) -> None:
    path = requirement_csv({"3.1.3": "not_met", "3.13.11": "partial", "3.1.12": "not_applicable"})
    ev = score_file(path, REV2, DAY)
    assert ev.report.sprs_score == 110 - 1 - 3
    assert ev.cmmc is not None and ev.cmmc.status == CONDITIONAL


def test_partial_only_where_the_rules_define_it(requirement_csv: WriteAnswers) -> None:
    with pytest.raises(InputError, match=r"3\.1\.1 has no partial case"):
        score_file(requirement_csv({"3.1.1": "partial"}), REV2, DAY)


def test_rule_files_are_typed_and_errors_name_file_line_and_field(tmp_path: Path) -> None:
    from kizuna.core.paths import bundled
    from kizuna.core.rules import load_rules as load_rule_file
    from kizuna.cyber.rule_files import RegistryPolicy

    text = bundled("cyber", "registry.yaml").read_text(encoding="utf-8")
    assert "max_assessment_age_days: 1095" in text
    path = tmp_path / "registry.yaml"
    path.write_text(text.replace("max_assessment_age_days: 1095", "max_assessment_age_days: -5"), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_rule_file(path, RegistryPolicy)
    assert error.value.field == "max_assessment_age_days"
    assert error.value.line == text.splitlines().index("max_assessment_age_days: 1095") + 1
    path.write_text(text + "\nmax_age_dayz: 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="Extra inputs") as error:
        load_rule_file(path, RegistryPolicy)  # a misspelt key is refused, not ignored
    assert error.value.field == "max_age_dayz"


def test_the_report_states_each_requirement_as_a_core_finding_with_its_citation() -> None:
    from kizuna.core.evidence import Outcome
    from kizuna.cyber.report import findings, render_html
    from kizuna.cyber.service import evaluate
    from tests.cyber.conftest import answer_set

    evaluation = evaluate(load_catalog(REV2), answer_set({"3.1.3": Status.NOT_MET, "3.1.12": Status.NOT_APPLICABLE}),
                          date(2026, 3, 1))
    found = findings(evaluation)
    assert Counter(f.outcome for f in found.values()) == {Outcome.MET: 108, Outcome.NOT_MET: 1,
                                                          Outcome.NOT_APPLICABLE: 1}
    unmet = found["3.1.3"]
    assert unmet.text.startswith("AC.L2-3.1.3, −1: NOT MET") and unmet.citation is not None
    assert unmet.citation.citation == "DoD AM v1.2.1 §5.d.iii, Annex A: value 1"
    assert unmet.evidence[0].data["open_objectives"] == [f"3.1.3[{x}]" for x in "abcde"]
    assert found["3.1.1"].text == "AC.L2-3.1.1 met: 6 of 6 applicable objectives met"
    html = render_html(evaluation)
    assert html.count('data-outcome="not met"') == 1 and unmet.text in html
