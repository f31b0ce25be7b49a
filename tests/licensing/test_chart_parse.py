"""The chart parse (a machine parse, `secondary`) tested against the paragraphs the assessment cites."""

from __future__ import annotations

from kizuna.licensing.ear.rules import chart, groups


def _unmarked(column: str) -> set[str]:
    return {iso for iso, row in chart().items() if column not in row.marked and not row.row_text}


def test_ns1_is_required_everywhere_but_australia_canada_and_the_uk() -> None:
    # § 742.4(a)(1): "to all destinations, except Australia, Canada, or the United Kingdom".
    assert _unmarked("NS1") == {"AU", "CA", "GB"}


def test_rs1_everywhere_but_canada_and_since_the_kept_text_australia_and_the_uk() -> None:
    # The kept § 742.6(a)(1) (about April 2024) excepts Canada only; the chart of 2026-07-23 also leaves AU and GB
    # unmarked (a later amendment than the kept text). The chart is what the assessment applies.
    assert "CA" in _unmarked("RS1") and _unmarked("RS1") <= {"AU", "CA", "GB"}


def test_ns2_and_rs2_spare_india_and_no_d1_destination() -> None:
    # § 742.6(a)(4)(i): RS2 to any destination except A:1 and India; NS2 (§ 742.4(a)(2)) except A:1.
    for column in ("NS2", "RS2"):
        unmarked = _unmarked(column)
        assert "IN" in unmarked
        assert not unmarked & (groups()["D:1"] - {"IN"}), column


def test_the_embargoed_rows_point_to_part_746() -> None:
    pointers = {iso for iso, row in chart().items() if row.row_text}
    assert pointers == {"CU", "IR", "KP", "SY"}
    assert all("746" in chart()[iso].row_text for iso in pointers)
    assert all(not chart()[iso].marked for iso in pointers)
