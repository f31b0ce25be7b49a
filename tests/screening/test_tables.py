"""The screening rule files read through typed models: values YAML would read as another type are refused or
quoted, so a table never hands the matcher a boolean where a spelling or a country code belongs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.core.rules import load_rules
from kizuna.screening.korean import surname
from kizuna.screening.qualifiers import qualifier_word
from kizuna.screening.tables import (
    KoreanTables,
    QualifierTable,
    ScreeningLimits,
    limits,
    qualifier_rows,
    term_classes,
)

DATA = Path(__file__).parents[2] / "data" / "screening"


def test_norway_is_the_country_no_not_false() -> None:
    """A bare NO in YAML is the boolean false: Norway's qualifier named the 'country' False."""
    norway = qualifier_word("norway")
    assert norway is not None and norway.countries == frozenset({"NO"})
    europe = qualifier_word("europe")
    assert europe is not None and europe.region and "NO" in europe.countries
    assert all(code.isalpha() and code.isupper() for row in qualifier_rows() for code in row.countries)


def test_korean_family_name_spellings_are_words() -> None:
    """노 / 로 are romanised 'no' (among others), not the boolean false."""
    assert surname("노무현") == ("노", ("no", "ro", "roh"))
    assert surname("로명수") == ("로", ("ro", "no", "roh"))


def test_a_bare_no_in_the_korean_table_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "korean.yaml"
    text = (DATA / "korean.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('노: ["no", ro, roh]', "노: [no, ro, roh]"), encoding="utf-8")
    with pytest.raises(InputError, match="valid string") as caught:
        load_rules(bad, KoreanTables)
    assert caught.value.field == "surnames.노.0"
    assert caught.value.line is not None and bad.read_text(encoding="utf-8").splitlines()[
        caught.value.line - 1].startswith("  노:")


def test_a_qualifier_row_with_a_bad_country_code_names_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "qualifiers.yaml"
    bad.write_text((DATA / "qualifiers.yaml").read_text(encoding="utf-8").replace('countries: ["NO"]',
                                                                                  "countries: [NO]"),
                   encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(bad, QualifierTable)
    assert caught.value.field is not None and caught.value.field.endswith(".countries.0")
    assert caught.value.line is not None and "norway" in bad.read_text(encoding="utf-8").splitlines()[
        caught.value.line - 1]


def test_limits_and_terms_are_typed(tmp_path: Path) -> None:
    assert limits().max_limit == 200 and limits().max_name_length == 500
    assert term_classes()["ltd"].group == "legal_forms" and term_classes()["ltd"].organisation_marker
    bad = tmp_path / "limits.yaml"
    bad.write_text((DATA / "limits.yaml").read_text(encoding="utf-8").replace("max_limit: 200", "max_limit: 0"),
                   encoding="utf-8")
    with pytest.raises(InputError, match="greater than or equal to 1") as caught:
        load_rules(bad, ScreeningLimits)
    assert caught.value.field == "max_limit"
