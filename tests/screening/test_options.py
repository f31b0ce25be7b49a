"""Every screening option is checked in one place: each value that would screen less than asked is refused."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from kizuna.core.entity import PartyKind
from kizuna.lists.store import SnapshotStore
from kizuna.screening.options import (
    OptionError,
    TooMuchWork,
    check_batch,
    check_birth_date,
    check_limit,
    check_lists,
    check_name,
    check_options,
    check_threshold,
    make_query,
)
from kizuna.screening.tables import limits

LOADED = {"us-bis-entity": "2026-07", "jp-meti-eul": "2025-09-29", "us-ofac-sdn": "2024-05-03"}


def test_an_unknown_list_is_an_error_naming_the_loaded_ones() -> None:
    with pytest.raises(OptionError) as caught:
        check_lists(["us-bis-entyty"], LOADED)
    message = str(caught.value)
    assert "unknown list 'us-bis-entyty'" in message and "did you mean 'us-bis-entity'" in message
    assert "loaded lists: us-bis-entity, jp-meti-eul, us-ofac-sdn" in message


def test_a_registered_list_without_a_loaded_source_is_an_error() -> None:
    with pytest.raises(OptionError, match=r"'us-bis-uvl' \(Unverified List\) has no entries in the loaded snapshot"):
        check_lists(["us-bis-entity", "us-bis-uvl"], LOADED)


@pytest.mark.parametrize("codes", [[], [""], ["us-bis-entity", " "]])
def test_an_empty_list_code_is_an_error(codes: list[str]) -> None:
    with pytest.raises(OptionError, match="list code"):
        check_lists(codes, LOADED)


def test_loaded_lists_are_accepted_once_each() -> None:
    assert check_lists(None, LOADED) == ()
    assert check_lists(["jp-meti-eul", " us-bis-entity", "jp-meti-eul"], LOADED) == ("jp-meti-eul", "us-bis-entity")


@pytest.mark.parametrize("value", [5, -1, 1.0001, math.nan, math.inf, -math.inf])
def test_a_threshold_outside_0_to_1_is_refused(value: float) -> None:
    with pytest.raises(OptionError, match="not a score from 0 to 1"):
        check_threshold(value, 0.85)


def test_threshold_bounds_and_default() -> None:
    assert check_threshold(None, 0.85) == 0.85
    assert check_threshold(0, 0.85) == 0.0 and check_threshold(1, 0.85) == 1.0


@pytest.mark.parametrize("value", [0, -2, limits().max_limit + 1])
def test_a_limit_outside_its_range_is_refused(value: int) -> None:
    with pytest.raises(OptionError, match=f"limit {value} is not from 1 to"):
        check_limit(value)


@pytest.mark.parametrize("value", ["not-a-date", "1984-13-01", "1984-02-30", "84", "3000", "1700-01-01",
                                   (date.today() + timedelta(days=1)).isoformat()])
def test_a_date_of_birth_that_is_not_a_real_past_date_is_refused(value: str) -> None:
    with pytest.raises(OptionError, match="date of birth"):
        check_birth_date(value)


def test_dates_of_birth_as_users_write_them() -> None:
    assert check_birth_date("1984") == "1984" and check_birth_date("1984-02") == "1984-02"
    assert check_birth_date(" 1984-02-29 ") == "1984-02-29" and check_birth_date("") is None


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_name_is_refused(name: str) -> None:
    with pytest.raises(OptionError, match="empty name"):
        make_query(name)


@pytest.mark.parametrize(("name", "problem"), [("Hua\udcffwei", "lone surrogate"), ("Huawei\x00", "control"),
                                               ("ア" * (limits().max_name_length + 1), "longer than")])
def test_names_that_are_not_clean_text_or_too_long_are_refused(name: str, problem: str) -> None:
    with pytest.raises(OptionError, match=problem):
        make_query(name)


def test_every_listed_name_can_be_screened(kizuna_home: Path) -> None:
    """A name copied from a list is never refused as too long or unclean (a register named after listed entries
    failed to import when an Entity List alias held its addresses)."""
    snapshot = SnapshotStore().open()
    try:
        names = [n for e in snapshot.entries() for n in (e.name, *(a.text for a in e.aliases))]
    finally:
        snapshot.close()
    assert len(names) > 40_000
    for name in names:
        check_name(name)


def test_a_query_made_from_a_users_fields() -> None:
    query = make_query("  Kim Jong Un ", country="kp", entity_type="Person", birth_date="1984")
    assert (query.name, query.country, query.entity_type, query.birth_date) == ("Kim Jong Un", "KP",
                                                                                PartyKind.PERSON, "1984")


def test_error_messages_name_the_callers_field() -> None:
    with pytest.raises(OptionError, match="field '--country'"):
        make_query("x", country="Atlantis", fields={"country": "--country"})
    with pytest.raises(OptionError, match="field '--threshold'"):
        check_options(LOADED, lists=None, threshold=2, default_threshold=0.85, limit=10,
                      fields={"threshold": "--threshold"})


def test_a_batch_is_bounded_by_parties_and_by_characters() -> None:
    bounds = limits()
    check_batch(["a"] * bounds.max_batch)
    with pytest.raises(TooMuchWork, match="parties in one request"):
        check_batch(["a"] * (bounds.max_batch + 1))
    with pytest.raises(TooMuchWork, match="characters in all"):
        check_batch(["ア" * 300] * (bounds.max_batch_characters // 300 + 1))
