"""The gap matrix and the diff reproduce the known, dated facts (issue 14, must-reach 2); recalled rows are marked
unconfirmed wherever they appear."""

from __future__ import annotations

import re

import pytest

from kizuna.controls import allies, service
from kizuna.controls.crosswalk import covered, crosswalk, rows_for
from kizuna.controls.gaps import CONTROLLED, JURISDICTIONS, NOT_CONTROLLED, UNKNOWN, diff, matrix
from kizuna.controls.sources import path_of
from kizuna.core.errors import InputError


def _row(category: str, family: str, as_of: str | None = None):  # type: ignore[no-untyped-def]
    return next(r for r in matrix(category, as_of).rows if r.family == family)


def test_japan_23_sme_items_in_force_2023_07_23() -> None:
    items = allies.jp_sme_items()
    assert len(items) == 23 and {i.in_force for i in items} == {"2023-07-23"}
    # JP's cell of an item family the 23 items cover: controlled from that day, not the day before.
    assert _row("3B", "3B001.a.4", "2023-07-23").cells["JP"].status == CONTROLLED
    before = _row("3B", "3B001.a.4", "2023-07-22").cells["JP"]
    assert before.status == NOT_CONTROLLED and before.note.startswith("controlled from 2023-07-23")
    cell = _row("3B", "3B001.a.4").cells["JP"]
    assert cell.since == "2023-07-23" and any(c.id == "jp-sme:D1" for c in cell.sources)


@pytest.mark.parametrize("family", ["3B001.a.4", "3B001.d.8", "3B001.d.15", "3B001.f.1.b", "3B001.l", "3B001.m"])
def test_dutch_measures_of_2023_09_01(family: str) -> None:
    cell = _row("3B", family).cells["NL"]
    assert (cell.status, cell.since) == (CONTROLLED, "2023-09-01") and cell.note.startswith("Dutch national measure")
    assert _row("3B", family, "2023-08-31").cells["NL"].status == NOT_CONTROLLED


def test_dutch_2024_extension() -> None:
    cell = _row("3B", "3B993.f.1").cells["NL"]
    assert (cell.status, cell.since) == (CONTROLLED, "2024-09-07")
    assert "NXT:1970i" in cell.note
    assert _row("3B", "3B993.f.1", "2024-09-06").cells["NL"].status == NOT_CONTROLLED


@pytest.mark.parametrize(("category", "family"), [("3A", "3A090.a"), ("4A", "4A090")])
def test_us_advanced_computing_from_2022_10_07_revised_2023_11_17(category: str, family: str) -> None:
    cell = _row(category, family).cells["US"]
    assert (cell.status, cell.since, cell.revised) == (CONTROLLED, "2022-10-07", ("2023-11-17",))
    # The day comes from the measure of that month naming the ECCN: 87 FR 62186.
    assert any("87 FR 62186" in c.citation for c in cell.sources)
    assert _row(category, family, "2022-10-06").cells["US"].status == NOT_CONTROLLED
    assert _row(category, family, "2023-01-01").cells["US"].revised == ()


def test_recalled_rows_are_unconfirmed_everywhere() -> None:
    row = _row("3B", "3B001.c.1.a")
    assert row.row.confidence == "recalled"
    assert row.to_dict()["unconfirmed"] is True
    assert all(cell.unconfirmed for cell in row.cells.values())
    assert all(label.endswith("(unconfirmed)") for label in row.to_dict()["cells"]["US"]["sources"])
    verified = _row("3A", "3A090.b")
    assert not verified.to_dict()["unconfirmed"] and not verified.cells["US"].unconfirmed


def test_unilateral_and_unknown_cells_stand_out() -> None:
    row = _row("3A", "3A090.b")
    assert row.unilateral and row.controlled_by == ["US"]
    assert row.unknown == ["JP", "NL", "EU", "KR", "TW"] and row.cells["WA"].status == NOT_CONTROLLED
    baseline = _row("3B", "3B001.b")
    assert not baseline.unilateral and set(baseline.controlled_by) == set(JURISDICTIONS)
    summary = matrix("3B").summary()
    assert summary["rows"] == sum(r.code.startswith("3B") for r in crosswalk())
    assert summary["unilateral"] > 0 and summary["unknown_cells"] > 0


def test_crosswalk_has_94_rows_with_their_confidence() -> None:
    rows = crosswalk()
    assert len(rows) == 94
    assert {r.confidence for r in rows} == {"verified", "secondary", "recalled"}
    assert sum(r.confidence == "recalled" for r in rows) == 39
    assert len(matrix().rows) == 94


def test_diff_says_what_changed() -> None:
    result = diff("2023-10-16", "2024-12-03")
    changes = {(c["jurisdiction"], c["family"]): c for c in result["changes"]}
    assert changes[("US", "3A090.b")]["after"] == CONTROLLED and changes[("US", "3A090.b")]["since"] == "2023-11-17"
    assert changes[("NL", "3B993.f.1")]["since"] == "2024-09-07"
    assert ("US", "3A090.a") not in changes  # controlled on both dates
    assert ("JP", "3B001.a.4") not in changes  # since 2023-07-23, before the window
    assert [m["date"] for m in result["measures"]] == ["2023-10-17", "2023-10-17", "2024-09-06", "2024-09-07",
                                                       "2024-12-02"]
    assert result["summary"]["changed_cells"] == len(result["changes"])


def test_bad_dates_and_categories_are_refused() -> None:
    with pytest.raises(InputError, match="not a date"):
        matrix("3B", "2023-13")
    with pytest.raises(InputError, match="not a CCL category"):
        matrix("3Z")
    with pytest.raises(InputError, match="on or before"):
        diff("2024-12-03", "2023-10-16")


def test_japan_table1_item_by_item_from_the_egov_xml() -> None:
    # Counted in the XML text itself: the <Sentence> elements of 別表第一's goods column (the second of three).
    text = path_of("jp_table1").read_text(encoding="utf-8")
    table = text[text.index("<AppdxTableTitle WritingMode=\"vertical\">別表第一</AppdxTableTitle>"):]
    table = table[:table.index("</AppdxTable>")]
    rows = re.findall(r"<TableRow>(.*?)</TableRow>", table, re.DOTALL)[1:]
    counted = sum(len(re.findall(r"<Sentence ", re.findall(r"<TableColumn[^>]*>(.*?)</TableColumn>", row,
                                                           re.DOTALL)[1])) for row in rows)
    items = allies.jp_table1()
    assert counted == len(items) == 330 and {i.item for i in items} >= {"1", "3の2", "7", "16"}
    assert any(i.item == "7" and i.sub_item == "（一）" and "集積回路" in i.text for i in items)
    assert all(i.confidence == "verified" and i.as_of == "2026-02-14" for i in items)


def test_cells_say_unknown_when_the_row_does_not_know() -> None:
    assert _row("3B", "3B001.d.2").cells["JP"].status == UNKNOWN


def test_a_jurisdictions_list_as_of_a_date() -> None:
    nl_2024 = {r.family for r in matrix("3", "2024-01-01", controlled_by="NL").rows}
    assert {"3B001.a.4", "3B001.l", "3B001.m", "3B001.b"} <= nl_2024 and "3B993.f.1" not in nl_2024
    assert "3B993.f.1" in {r.family for r in matrix("3", "2024-09-07", controlled_by="nl").rows}
    alone = matrix("3B", "2023-08-31", show="unilateral").rows
    assert alone and all(r.unilateral for r in alone)
    assert "3B001.a.4" in {r.family for r in alone}  # Japan's alone until the Dutch measure of 2023-09-01
    with pytest.raises(InputError, match="not one of US, JP"):
        matrix("3B", controlled_by="FR")


def test_partial_and_draft_cells_say_so() -> None:
    assert _row("3D", "3D992").cells["JP"].note.startswith("partly")
    taiwan = _row("3A", "3A090.a").cells["TW"]
    assert taiwan.status == NOT_CONTROLLED and taiwan.note.startswith("a draft measure")
    # A baseline with a later extension: controlled before 2022, the extension a revision.
    cell = _row("3D", "3D001").cells["US"]
    assert (cell.since, cell.revised) == ("pre-2022", ("2022-10",))


def test_crosswalk_ranges_are_written_out() -> None:
    assert covered("3B001.g-j") == ("3B001.g", "3B001.h", "3B001.i", "3B001.j")
    assert covered("3B001.a.1-a.3") == ("3B001.a.1", "3B001.a.2", "3B001.a.3")
    assert covered("3C001-3C004") == ("3C001", "3C002", "3C003", "3C004")
    assert covered("3A001 (a-i, excl .z)")[-1] == "3A001.i" and "3A001.z" not in covered("3A001 (a-i, excl .z)")
    assert covered("4A003 (b,c,g)") == ("4A003.b", "4A003.c", "4A003.g")
    assert covered("3D901 / 3D907") == ("3D901", "3D907")
    assert [r.us_eccn for r in rows_for("3B001.j.1")] == ["3B001.g-j"]
    assert [r.us_eccn for r in rows_for("3A001.z")] == ["3A001.z"]


def test_an_entry_finds_its_wassenaar_entry_by_meaning() -> None:
    assert service.entry("3B001.j.1")["wassenaar"]["wa_code"] == "3.B.1.j"
    # US 3B002.c (EUV mask inspection) is a US-only item (numbering.yaml): no Wassenaar entry, not 3.B.2.
    assert service.entry("3B002.c")["wassenaar"] is None
    assert service.entry("3A090.a")["wassenaar"] is None
    # And the other way: Wassenaar 3.B.2.c is written 3B002.b in the CCL (the numbering trap in numbering.yaml).
    trap = service.entry("3.B.2.c")
    assert trap["reference"] == "3B002.b" and trap["read_as"].startswith("Wassenaar 3.B.2.c is US 3B002.b")
    assert service.entry("3.B.1.f")["reference"] == "3B001.f"


def test_an_entry_carries_its_licence_requirements_for_the_paragraph() -> None:
    rows = {r["scope"]: r for r in service.entry("3A090.a.2")["licence_requirements"]}
    assert rows["3A090.a"]["applies"] is True and rows["3A090.a"]["special"].startswith("To or within any destination")
    assert rows["3A090.b"]["applies"] is False and rows["entire entry"]["column"] == "AT1"
    # For the whole entry, a row of one paragraph cannot say: it depends on the paragraph.
    whole = {r["scope"]: r["applies"] for r in service.entry("3A090")["licence_requirements"]}
    assert whole == {"3A090.a": None, "3A090.b": None, "3A090.c": None, "entire entry": True}
    # An ECCN without a table says so, never an empty list (which would read as "no licence").
    assert [r["kind"] for r in service.entry("0A002")["licence_requirements"]] == ["no table"]
