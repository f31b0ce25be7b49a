"""The License Requirements rows, tested against the CCL paragraphs the assessment cites."""

from __future__ import annotations

import pytest

from kizuna.controls.requirements import Kind, eccn_of, known_eccns, parse_scope, requirements_for
from kizuna.core.errors import InputError


def test_3a090_rows_carry_the_742_6_special_requirements_verbatim() -> None:
    rows = {r.scope: r for r in requirements_for("3A090")}
    assert rows["3A090.a"].reason == "RS" and rows["3A090.a"].column is None
    assert rows["3A090.a"].special == "To or within any destination worldwide, see § 742.6(a)(6)(iii)(A) of the EAR."
    assert "§ 742.6(a)(6)(iii)(B)" in (rows["3A090.b"].special or "")
    assert rows["entire entry"].column == "AT1"
    assert dict(rows["3A090.a"].exceptions)["HBM"] == "Yes, for 3A090.c. See § 740.25 of the EAR."


def test_the_five_ecnns_the_parse_lacks_are_no_licence_data_not_no_licence() -> None:
    for eccn in ("0D614", "1C012", "2B352", "3D006", "3E002"):
        rows = requirements_for(eccn)
        assert [r.kind for r in rows] == [Kind.NO_DATA]
        assert "no licence data" in rows[0].note and rows[0].applies_to(eccn) is None


def test_an_entry_without_a_table_says_so() -> None:
    (row,) = requirements_for("0A002")
    assert row.kind is Kind.NO_TABLE and "ITAR" in row.note


def test_an_unknown_code_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not an ECCN of the Commerce Control List"):
        requirements_for("3A777")
    with pytest.raises(InputError, match="is not an ECCN"):
        eccn_of("EAR99")


def test_the_parse_has_633_eccns_and_1606_rows() -> None:
    assert len(known_eccns()) == 633 + 5
    assert sum(len(requirements_for(e)) for e in known_eccns()) == 1606 + 5


def test_paragraph_scopes() -> None:
    ns1 = next(r for r in requirements_for("0A501") if r.reason == "NS")
    assert (ns1.applies_to("0A501.a"), ns1.applies_to("0A501.y"), ns1.applies_to("0A501")) == (True, False, None)
    at = next(r for r in requirements_for("3A090") if r.reason == "AT")
    assert at.applies_to("3A090") is True
    ns2 = next(r for r in requirements_for("3B001") if r.column == "NS2")
    assert ns2.applies_to("3B001.a.2") is True and ns2.applies_to("3B001.h") is True
    assert ns2.applies_to("3B001.k") is False and ns2.applies_to("3B001.a") is None
    assert parse_scope("9A604", "9A604.c, .d, and .f") is not None
    assert parse_scope("3A001", "“Monolithic Microwave Integrated Circuit” (“MMIC”) amplifiers in 3A001.b.2") is None


def test_a_scope_in_words_that_names_other_paragraphs_does_not_cover_this_one() -> None:
    mt = next(r for r in requirements_for("3A002") if r.reason == "MT")
    assert mt.applies_to("3A002.a") is False
    assert mt.applies_to("3A002.h") is None  # named, with conditions in words: read them
    mmic = next(r for r in requirements_for("3A001") if r.column == "NS1")
    # "… and b.3 items …" names a paragraph in short: the words are read by a person, not guessed.
    assert mmic.applies_to("3A001.b.2") is None and mmic.applies_to("3A001.a.1") is None
