"""Control-entry codes: US ECCN, Wassenaar, EU and Japanese item numbers meet on one key (``kizuna.controls``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kizuna import controls
from kizuna.controls.codes import Numbering, jp_categories, numbering, wassenaar_codes
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.rules import validate


def _relation(a: controls.ControlEntry, b: controls.ControlEntry) -> str | None:
    """How two control entries meet (same, related), or None when they do not."""
    match = controls.compare(a, b)
    return match.relation if match else None


def test_control_entries_meet_across_numberings() -> None:
    us, wa, eu = controls.parse("3B001.f.1.b"), controls.parse("3.B.1.f.1.b"), controls.parse("eu 3B001.f.1.b")
    assert us.key == wa.key == eu.key == "3B001.f.1.b"
    assert _relation(controls.parse("3B001.f"), wa) == "same"  # sub-paragraph
    assert controls.compare(controls.parse("3B001.c"), wa) is None
    # The crosswalk's numbering trap: US 3B002.b is WA 3.B.2.c, and US 3B002.c is a different, US-only item.
    assert _relation(controls.parse("3B002.b"), controls.parse("3.B.2.c")) == "same"
    assert controls.compare(controls.parse("3B002.c"), controls.parse("3.B.2.c")) is None
    # Japanese item numbers: the same item matches; a WA code in the same category is only "related".
    jp = controls.parse("別表第一 7の項(1)")
    assert jp.key == "JP-7.1" and _relation(jp, controls.parse("7の項")) == "same"
    assert _relation(jp, us) == "related"
    assert controls.compare(jp, controls.parse("5A002")) is None  # category 5 is JP item 9
    with pytest.raises(InputError, match="not a control entry"):
        controls.parse("three-B-one")
    with pytest.raises(InputError, match="no item 17"):
        controls.parse("17の項")


def test_the_bundled_numbering_tables_are_read() -> None:
    assert "3B001" in wassenaar_codes() and "3B999" not in wassenaar_codes()
    assert jp_categories()["7"] == "3" and "us-eccn" in numbering().schemes
    assert controls.unknown_wassenaar(controls.parse("3.B.1.f")) is False
    assert controls.unknown_wassenaar(controls.parse("eu 3B999")) is True


def test_a_misspelt_key_in_the_numbering_file_names_the_file_and_field(tmp_path: Path) -> None:
    data = yaml.safe_load(bundled("controls", "numbering.yaml").read_text(encoding="utf-8"))
    data["overrides"][0]["kee"] = data["overrides"][0].pop("key")
    with pytest.raises(InputError, match=r"overrides\.0\.key") as caught:
        validate(data, Numbering, tmp_path / "numbering.yaml")
    assert "numbering.yaml" in str(caught.value)
