"""Affiliation strings in any script resolve to their ROR organisation, or to "no match", never a look-alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.research import bench
from kizuna.research.resolve import candidate_parts, distinguished, resolve
from kizuna.research.rules import rules
from tests.research.conftest import BENCH

pytestmark = pytest.mark.usefixtures("research_home")


@pytest.mark.parametrize(("affiliation", "ror_id", "name"), [
    ("東京大学大学院工学系研究科", "057zh3y96", "The University of Tokyo"),
    ("Dept. of Physics, Tsinghua Univ., Beijing", "03cve4549", "Tsinghua University"),
    ("서울대학교 공과대학", "04h9pn542", "Seoul National University"),
    ("北京航空航天大学", "00wk2mp56", "Beihang University"),
    ("KAIST", "05apxxy63", "Korea Advanced Institute of Science and Technology"),
    ("Univeristy of Tokyo", "057zh3y96", "The University of Tokyo"),
])
def test_affiliations_in_any_script_resolve(affiliation: str, ror_id: str, name: str) -> None:
    result = resolve(affiliation).to_dict()
    assert result["ror_id"] == f"https://ror.org/{ror_id}"
    assert result["name"] == name
    assert result["score"] >= rules().resolution.accept
    assert result["reasons"] and result["ror_release"].startswith("ror-records union 2026-06-23")


def test_the_department_is_cut_off_and_said() -> None:
    result = resolve("Dept. of Physics, Tsinghua Univ., Beijing")
    assert result.matched_part == "Tsinghua University"
    assert any("matched the part" in r.text for r in result.reasons)


def test_a_unit_is_resolved_with_its_parent_named_in_the_string() -> None:
    result = resolve("Institute of Physics, Chinese Academy of Sciences, Beijing 100190, China")
    assert result.organisation is not None and result.organisation.ror_id == "05cvf7v30"
    assert result.parent is not None and result.parent.name == "Chinese Academy of Sciences"
    assert any(r.code == "parent-named" for r in result.reasons)


@pytest.mark.parametrize(("affiliation", "ror_id"), [
    ("Czech Academy of Sciences, Institute of Physics, Prague", "02yhj4v17"),  # an alias of the institute
    ("Czech Academy of Sciences, Institute of Physics of Materials", "02d02f052"),
    ("Institute of Physics, Czech Academy of Sciences", "02yhj4v17"),
])
def test_a_unit_named_by_a_longer_part_is_chosen_over_its_parent(affiliation: str, ror_id: str) -> None:
    """The institute's own record (a ROR child of the Academy) is named by a part that contains the Academy's
    name: the more specific record is the answer, not the parent the shorter part names."""
    result = resolve(affiliation)
    assert result.organisation is not None and result.organisation.ror_id == ror_id
    assert result.parent is not None and result.parent.name == "Czech Academy of Sciences"


@pytest.mark.parametrize(("affiliation", "ror_id"), [
    ("Lawrence Berkeley Natl Lab", "02jbv0t02"),
    ("Brookhaven Natl Lab", "02ex6cf31"),
    ("Argonne National Lab, Lemont, IL", "05gvnxz63"),
    ("Czech Acad Sci, Inst Phys", "02yhj4v17"),
])
def test_abbreviations_without_a_full_stop_are_written_out(affiliation: str, ror_id: str) -> None:
    result = resolve(affiliation)
    assert result.organisation is not None and result.organisation.ror_id == ror_id


def test_nthu_is_not_tsinghua() -> None:
    # NTHU is missing from the ROR union; the OpenAlex crosswalk supplies the right record.
    nthu = resolve("National Tsing Hua University, Hsinchu, Taiwan").organisation
    assert nthu is not None and nthu.ror_id == "00zdnkx70" and nthu.origin == "openalex-ror"
    assert resolve("國立清華大學").organisation is not None
    assert resolve("國立清華大學").organisation.ror_id != "03cve4549"  # type: ignore[union-attr]


def test_hokkaido_university_is_not_its_hospital() -> None:
    university = resolve("Graduate School of Engineering, Hokkaido University, Sapporo 060-8628, Japan")
    assert university.organisation is not None and university.organisation.ror_id == "02e16g702"
    hospital = resolve("Hokkaido University Hospital, Sapporo")
    assert hospital.organisation is not None and hospital.organisation.ror_id == "0419drx70"
    # The union has the hospital's Japanese name but not the university's: the university in Japanese is
    # "no match", never the hospital.
    assert resolve("北海道大学").organisation is None


def test_a_distinguishing_word_refuses_a_candidate() -> None:
    groups = rules().resolution.distinguishing
    assert distinguished("北海道大学", "北海道大学病院", groups)
    assert distinguished("Beijing University", "Beijing Normal University", groups)
    assert not distinguished("Hokkaido University Hospital", "Hokkaido University Hospital", groups)


@pytest.mark.parametrize("affiliation", ["AIST", "Hsinchu, Taiwan", "Acme Quantum Widgets LLC",
                                         "Independent Researcher", "123 Main Street, Springfield"])
def test_unmatched_strings_say_so(affiliation: str) -> None:
    result = resolve(affiliation).to_dict()
    assert result["ror_id"] is None and result["name"] is None
    assert result["reasons"]


def test_an_ambiguous_name_is_no_match_naming_the_candidates() -> None:
    result = resolve("Northeastern University")
    assert result.organisation is None
    assert result.reasons[0].code == "ambiguous" and len(result.reasons[0].values["candidates"]) >= 2
    # The organisation's country (as OpenAlex and ORCID give it) tells them apart.
    us = resolve("Northeastern University", "US").organisation
    assert us is not None and us.ror_id == "04t5xt781"


def test_a_ror_id_is_taken_as_given() -> None:
    result = resolve("https://ror.org/0419drx70")
    assert result.organisation is not None and result.organisation.name == "Hokkaido University Hospital"
    assert resolve("https://ror.org/0zzzzzz00").organisation is None


def test_candidate_parts_cover_runs_prefixes_and_acronyms() -> None:
    parts = [p for p, _ in candidate_parts("National Institute for Materials Science (NIMS), Tsukuba",
                                           rules().resolution)]
    assert "National Institute for Materials Science" in parts and "NIMS" in parts
    assert "東京大学" in [p for p, _ in candidate_parts("東京大学大学院工学系研究科", rules().resolution)]


def test_bad_input_is_an_error_naming_the_field() -> None:
    with pytest.raises(InputError, match="affiliation"):
        resolve("   ")
    with pytest.raises(InputError, match="affiliation"):
        resolve("x" * 501)
    with pytest.raises(InputError, match="country"):
        resolve("Kyoto University", "Atlantis")


def test_held_out_precision_beside_the_baseline() -> None:
    """The must-reach figure on the held-out half of the labelled set (the other half was used to develop)."""
    result = bench.resolution(BENCH / "affiliations.csv", "test")
    ours, baseline = result["kizuna"], result["baseline"]
    assert result["strings"] >= 150
    assert ours["p_at_1"] >= 0.95, ours["wrong"]
    assert ours["no_match_recall"] >= 0.9, ours["wrong"]
    assert ours["p_at_1"] > baseline["p_at_1"] and ours["no_match_recall"] > baseline["no_match_recall"]


def test_the_labelled_set_is_big_enough_and_half_from_the_samples() -> None:
    rows = bench.read_labelled(BENCH / "affiliations.csv")
    assert len(rows) >= 300
    assert sum(r.category.startswith("sample") for r in rows) >= len(rows) / 2
    assert {r.split for r in rows} == {"dev", "test"}
    assert any(not r.ror_id for r in rows)


def test_the_labelled_file_is_read_through_the_core_reader(tmp_path: Path) -> None:
    bad = tmp_path / "labelled.csv"
    bad.write_text("affiliation,ror_id,category,split\n,https://ror.org/057zh3y96,x,dev\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        bench.read_labelled(bad)
