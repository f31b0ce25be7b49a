"""Answer files: CSV and xlsx in and out, and every bad input named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kizuna.core.errors import InputError
from kizuna.cyber.answers import AnswerSet, read_answers, write_answers
from kizuna.cyber.catalog import REV2, load_catalog
from kizuna.cyber.rules import load_rules
from tests.cyber.conftest import answer_set


def read(path: Path) -> AnswerSet:
    return read_answers(path, load_catalog(REV2), load_rules())


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_requirement_names_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "requirement_id,status\n3.1.1,met\n3.1.99,met\n")
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.path == str(path) and caught.value.line == 3 and caught.value.field == "requirement_id"
    assert "unknown requirement id '3.1.99'" in str(caught.value)


def test_objective_answered_twice_names_both_lines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "objective_id,status\n3.1.1[a],met\n3.1.1[b],met\n3.1.1[a],not_met\n")
    with pytest.raises(InputError, match=r"objective 3.1.1\[a\] answered twice \(lines 2 and 4\)") as caught:
        read(path)
    assert caught.value.line == 4


def test_requirement_row_and_its_objective_conflict(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "objective_id,requirement_id,status\n,3.1.1,met\n3.1.1[c],3.1.1,not_met\n")
    with pytest.raises(InputError, match="answered twice"):
        read(path)


@pytest.mark.parametrize(("text", "field", "message"), [
    ("requirement_id,status\n3.1.1,maybe\n", "status", "unknown status 'maybe'"),
    ("requirement_id,status\n3.12.4,not_applicable\n", "status", "3.12.4 cannot be not_applicable"),
    ("objective_id,status\n3.5.3[d],partial\n", "status", "partial is a requirement-level answer"),
    ("requirement_id,status,assessed_on\n3.1.1,met,01/02/2026\n", "assessed_on", "not an ISO date"),
    ("requirement_id,status,poam\n3.1.1,not_met,perhaps\n", "poam", "is not yes or no"),
    ("objective_id,requirement_id,status\n3.1.1[a],3.1.2,met\n", "requirement_id", "belongs to 3.1.1"),
    ("requirement_id,status\n3.5.3,partial\n3.5.3,partial\n", "status", "answered partial twice"),
])
def test_bad_cells(tmp_path: Path, text: str, field: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read(write_csv(tmp_path / "a.csv", text))
    assert caught.value.field == field and caught.value.line is not None


def test_missing_columns_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="needs a 'status' column"):
        read(write_csv(tmp_path / "a.csv", "control,result\n3.1.1,met\n"))
    with pytest.raises(InputError, match="empty file"):
        read(write_csv(tmp_path / "b.csv", ""))
    with pytest.raises(InputError, match=r"use \.csv or \.xlsx"):
        read(write_csv(tmp_path / "c.txt", "requirement_id,status\n"))


def test_partial_needs_an_unmet_objective(tmp_path: Path) -> None:
    text = "requirement_id,objective_id,status\n3.5.3,,partial\n" + "".join(
        f"3.5.3,3.5.3[{c}],met\n" for c in "abcd")
    with pytest.raises(InputError, match="none of its objectives is not_met") as caught:
        read(write_csv(tmp_path / "a.csv", text))
    assert caught.value.line == 2


def test_partial_row_with_objective_answers(tmp_path: Path) -> None:
    text = ("requirement_id,objective_id,status\n3.5.3,,partial\n3.5.3,3.5.3[a],met\n3.5.3,3.5.3[b],met\n"
            "3.5.3,3.5.3[c],met\n")
    answers = read(write_csv(tmp_path / "a.csv", text))
    assert answers.partial == {"3.5.3"}
    assert answers.answers["3.5.3[d]"].status.value == "not_met"  # not answered one by one: not met


def test_partial_on_a_single_objective_requirement(tmp_path: Path) -> None:
    answers = read(write_csv(tmp_path / "a.csv", "objective_id,status\n3.13.11,partial\n3.1.1[a],met\n"))
    assert answers.partial == {"3.13.11"} and answers.answers["3.13.11"].status.value == "not_met"


def test_cmmc_practice_ids_and_aliases_are_accepted(tmp_path: Path) -> None:
    answers = read(write_csv(tmp_path / "a.csv", "requirement_id,status\nAC.L2-3.1.1,Not Met\n3.1.2,N/A\n"))
    assert answers.answers["3.1.1[a]"].status.value == "not_met"
    assert answers.answers["3.1.2[a]"].status.value == "not_applicable"


def test_malformed_xlsx_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "answers.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(InputError, match="not a readable xlsx workbook") as caught:
        read(path)
    assert caught.value.path == str(path)


def test_xlsx_error_names_the_sheet_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["requirement_id", "status"])
    sheet.append(["3.1.1", "met"])
    sheet.append(["3.1.1", "met"])
    path = tmp_path / "answers.xlsx"
    book.save(path)
    with pytest.raises(InputError, match="answered twice") as caught:
        read(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_answers(tmp_path: Path, suffix: str) -> None:
    from kizuna.cyber.answers import Answer, Status

    original = answer_set({"3.1.3": Status.NOT_MET, "3.5.3[d]": Status.NOT_MET, "3.1.12": Status.NOT_APPLICABLE},
                          partial={"3.5.3"}, poam={"3.1.3", "3.5.3"})
    original.answers["3.1.1[a]"] = Answer("3.1.1[a]", Status.MET, "Access list v3, 2026-02-01",
                                          ["https://intranet.example/acl.pdf", "ticket:4411"], "2026-02-14")
    path = tmp_path / f"answers.{suffix}"
    rows = write_answers(path, load_catalog(REV2), original)
    assert rows == 320 + 1  # every objective plus the partial row
    again = read(path)
    assert again.answers == original.answers
    assert again.partial == original.partial and again.poam == original.poam


def test_template_is_blank_and_lists_every_objective(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_answers(path, load_catalog(REV2), None)
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("requirement_id", "objective_id", "status")
    assert len(rows) == 321 and all(r[2] in (None, "") for r in rows[1:])
    assert read(path).answers == {}  # a blank template is valid: everything unanswered
    with pytest.raises(InputError, match="no rows"):
        read(write_csv(tmp_path / "empty.csv", "requirement_id,status\n"))


def test_formula_like_evidence_is_neutralised_on_export_and_restored_on_import(tmp_path: Path) -> None:
    from kizuna.cyber.answers import Answer, Status

    original = answer_set()
    hostile = {"3.1.1[a]": '=HYPERLINK("https://evil.example","open")', "3.1.1[b]": "+81 3 1234 5678 (help desk)",
               "3.1.1[c]": "@SUM(A1:A9)", "3.1.1[d]": "-see ticket 4411", "3.1.1[e]": "'quoted already"}
    for objective_id, text in hostile.items():
        original.answers[objective_id] = Answer(objective_id, Status.MET, text)
    path = tmp_path / "answers.csv"
    write_answers(path, load_catalog(REV2), original)
    raw = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw and "'@SUM" in raw and ",=HYPERLINK" not in raw.replace('"', "")
    assert read(path).answers == original.answers


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evidence=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_any_evidence_survives_export_then_import(tmp_path: Path, evidence: str) -> None:
    from kizuna.cyber.answers import Answer, Status

    original = answer_set()
    original.answers["3.1.1[a]"] = Answer("3.1.1[a]", Status.MET, evidence.strip())
    path = tmp_path / "answers.csv"
    write_answers(path, load_catalog(REV2), original)
    assert read(path).answers["3.1.1[a]"] == original.answers["3.1.1[a]"]
