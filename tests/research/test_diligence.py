"""Due diligence on real data: listed institutions, labs of listed universities, teams, ORCID records, and the
refusal of anything but organisations."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.core.report import csv_rows, to_html, write
from kizuna.research import service
from kizuna.research.diligence import HOSTS, PART_OF, SELF
from kizuna.research.refusal import Refused
from tests.research.conftest import BENCH, FIXTURES

pytestmark = pytest.mark.usefixtures("research_home")


def test_a_listed_university_in_chinese_carries_each_rule_with_dated_evidence() -> None:
    result = service.check("北京航空航天大学").to_dict()
    rules = {f["rule"] for f in result["findings"]}
    assert {"nsf-restricted-entities", "dod-matrix-affiliation", "meti-eul", "defence-linked-indicator"} <= rules
    nsf = next(f for f in result["findings"] if f["rule"] == "nsf-restricted-entities")
    assert nsf["organisation"]["ror_id"] == "https://ror.org/00wk2mp56" and nsf["relation"] == SELF
    assert nsf["confidence"] == "verified"
    sources = {e["source"] for e in nsf["evidence"]}
    assert "Entity List" in sources and "BIS Entity List (defence-linked institution data)" in sources
    basis_file = "data/research/cn_defence_linked_institutions_basis.csv:"
    assert any(e["record"].startswith(basis_file) for e in nsf["evidence"])
    assert all(e["date"] for e in nsf["evidence"])
    assert any(e["citation"].startswith("66 FR 24266") for e in nsf["evidence"])


def test_a_lab_of_a_listed_university_is_flagged_through_its_ror_parent() -> None:
    result = service.check("State Key Laboratory of Pulsed Power Laser Technology").to_dict()
    inherited = [f for f in result["findings"] if f["relation"] == PART_OF]
    assert inherited, result
    assert {f["listed"]["name"] for f in inherited} == {"National University of Defense Technology"}
    assert inherited[0]["organisation"]["name"] == "State Key Laboratory of Pulsed Power Laser Technology"


def test_a_parent_of_a_listed_unit_is_a_note_not_a_listing() -> None:
    result = service.check("Tsinghua University")
    hosts = [f for f in result.findings if f.relation == HOSTS]
    assert hosts and all(f.finding().outcome.value == "note" for f in hosts)
    # The listed unit is named, not the university itself.
    assert all(f.listed is None and f.listed_name != "Tsinghua University" for f in hosts)
    assert "The parent itself is not listed" in hosts[0].text


def test_an_unlisted_institution_has_no_findings() -> None:
    result = service.check("The University of Tokyo").to_dict()
    assert result["findings"] == [] and result["resolved"][0]["name"] == "The University of Tokyo"
    assert "not a clearance" in result["outcome"]


@pytest.mark.parametrize("query", ["Chinese nationals at MIT", "researchers of Chinese ethnicity",
                                   "国籍が中国の研究者", "nationality: CN"])
def test_queries_about_nationality_or_ethnicity_are_refused(query: str) -> None:
    with pytest.raises(Refused, match="never risk factors"):
        service.check(query)


def test_an_organisation_whose_name_holds_a_refused_word_is_still_checked() -> None:
    # 民族 is a refused term, and the name of a real university: a name that resolves as a whole is an
    # organisation, not a question about people.
    result = service.check("中央民族大学").to_dict()
    assert result["resolved"][0]["ror_id"] == "https://ror.org/0044e2g62"
    with pytest.raises(Refused):
        service.check("中央民族大学の民族")


def test_a_name_alone_is_never_screened() -> None:
    result = service.check("Zhang Wei").to_dict()
    assert result["findings"] == [] and result["resolved"] == []
    assert "name alone is never screened" in result["not_checked"][0]["reason"]


def test_a_team_of_fifty_from_the_samples() -> None:
    result = service.check_team(BENCH / "team50.csv")
    data = result.to_dict()
    assert result.members == 50
    assert len(data["resolved"]) > 400
    tsinghua = [f for f in data["findings"] if f["organisation"]["name"] == "Tsinghua University"]
    assert tsinghua and all(a["person"] for f in tsinghua for a in f["affiliations"])
    kinds = {a["kind"] for f in data["findings"] for a in f["affiliations"]}
    assert "co-author institution" in kinds


def test_team_members_given_by_name_alone_are_listed_not_checked(tmp_path: Path) -> None:
    team = tmp_path / "team.csv"
    team.write_text("member,affiliations,funders\nA,Beihang University,\nB,,\nC,,Japan Science and Technology "
                    "Agency\n", encoding="utf-8")
    result = service.check_team(team).to_dict()
    assert [n["subject"] for n in result["not_checked"]] == ["B"]
    assert any(f["organisation"]["name"] == "Beihang University" for f in result["findings"])
    assert result["members"] == 3


@pytest.mark.parametrize("column", ["nationality", "Ethnicity", "country of birth", "国籍"])
def test_a_team_file_with_a_nationality_column_is_refused(tmp_path: Path, column: str) -> None:
    team = tmp_path / "team.csv"
    team.write_text(f"member,affiliations,{column}\nA,Kyoto University,x\n", encoding="utf-8")
    with pytest.raises(Refused):
        service.check_team(team)


def test_a_team_file_with_an_unknown_column_names_it(tmp_path: Path) -> None:
    team = tmp_path / "team.csv"
    team.write_text("member,affiliation_list\nA,Kyoto University\n", encoding="utf-8")
    with pytest.raises(InputError, match="affiliation_list"):
        service.check_team(team)


def test_an_orcid_record_gives_every_affiliation_with_dates() -> None:
    result = service.check_orcid(FIXTURES / "orcid" / "0000-0001-6270-9013.xml").to_dict()
    assert result["subject"] == "ORCID 0000-0001-6270-9013"
    names = {r["name"] for r in result["resolved"]}
    assert {"McGill University", "Sultan Qaboos University"} <= names
    past = next(r for r in result["resolved"] if r["name"] == "McGill University")
    assert past["kind"] == "employment" and past["current"] is False and past["period"] == "1999–2005"


def test_an_orcid_error_record_is_refused_naming_the_file() -> None:
    with pytest.raises(InputError, match=r"0000-0001-5078-5000\.xml"):
        service.check_orcid(FIXTURES / "orcid" / "0000-0001-5078-5000.xml")


def test_the_report_is_filed_through_the_shared_renderer(tmp_path: Path) -> None:
    report = service.check("北京航空航天大学", priority="quantum computing").report()
    assert report.capability == "research" and report.findings and report.rule_data_version
    assert report.facts["priority area"] == "quantum computing"
    html = to_html(report)
    assert "Beihang University" in html and "NSF Dear Colleague Letter" in html
    assert any(row[2] == "meti-eul" for row in csv_rows(report))
    assert write(report, tmp_path / "report.json").read_text(encoding="utf-8").startswith("{")


def test_an_unknown_priority_names_the_known_ones() -> None:
    with pytest.raises(InputError, match="quantum computing"):
        service.check("Kyoto University", priority="space")


def test_a_listed_name_with_its_acronym_in_brackets_is_the_organisation_itself() -> None:
    result = service.check("National University of Defense Technology").to_dict()
    entity = [f for f in result["findings"] if f["rule"] == "meti-eul"]
    assert entity and entity[0]["relation"] == SELF
    sources = {e["source"] for f in result["findings"] for e in f["evidence"]}
    assert {"Entity List", "End User List (外国ユーザーリスト)", "Section 1286 List of Foreign Institutions"} <= sources


def test_a_priority_narrows_what_comes_from_works_and_says_so() -> None:
    """The team's co-authors and work affiliations come from quantum-information works: filtered to AI they all
    drop out, the team file's own affiliations stay, and the answer counts what was left out."""
    team = BENCH / "team50.csv"
    everything = service.check_team(team).to_dict()
    ai = service.check_team(team, priority="AI").to_dict()
    quantum = service.check_team(team, priority="quantum computing").to_dict()
    assert everything["priority_filter"] is None
    assert quantum["priority_filter"]["works_in_area"] == quantum["priority_filter"]["works"] == 660
    assert len(quantum["findings"]) == len(everything["findings"]) and not quantum["priority_filter"]["left_out"]
    assert ai["priority_filter"]["works_in_area"] == 0 and ai["priority_filter"]["left_out"]["co-author institution"]
    assert {r["kind"] for r in ai["resolved"]} == {"employment"}
    assert len(ai["findings"]) < len(everything["findings"])
    kept = {(f["organisation"]["ror_id"], f["rule"]) for f in ai["findings"]}
    assert kept <= {(f["organisation"]["ror_id"], f["rule"]) for f in everything["findings"]}
    assert all(a["kind"] == "employment" for f in ai["findings"] for a in f["affiliations"])
    assert "left out" in ai["priority_filter"]["text"]


def test_works_are_placed_in_an_area_by_their_openalex_subjects() -> None:
    """A real OpenAlex API page: one work has the subfield Artificial Intelligence, the other (bibliometrics)
    none of the AI terms; a biosecurity filter keeps neither."""
    page = FIXTURES / "openalex_works_page.json"
    ai = service.check_openalex_author("A5069892096", page, priority="AI").to_dict()
    assert ai["priority_filter"]["works"] == 2 and ai["priority_filter"]["works_in_area"] == 1
    assert {r["name"] for r in ai["resolved"]} >= {"University of Naples Federico II"}
    bio = service.check_openalex_author("A5069892096", page, priority="biosecurity").to_dict()
    assert bio["resolved"] == [] and bio["priority_filter"]["left_out"] == {"affiliation on a work": 1,
                                                                           "co-author institution": 1}
    strength = service.strength("AI", works_file=page).to_dict()
    assert [n for n in strength["notes"] if "1 of 2 works" in n]


def test_a_priority_never_hides_an_institutions_own_listings() -> None:
    plain = service.check("北京航空航天大学").to_dict()
    filtered = service.check("北京航空航天大学", priority="biosecurity").to_dict()
    assert len(filtered["findings"]) == len(plain["findings"])
    assert "nothing read from works" in filtered["priority_filter"]["text"]
    assert filtered["priority"] == "biosecurity"


def test_an_unknown_priority_is_refused_before_the_team_is_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="one of: AI, quantum computing"):
        service.check_team(tmp_path / "missing.csv", priority="space")
