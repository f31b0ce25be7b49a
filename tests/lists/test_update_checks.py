"""An update is compared with the current list: sharp shrinks, lost kinds of record, new shapes and older data
are refused unless confirmed; large removals are reported; stale lists are flagged."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kizuna.lists.checks import UpdateRefused
from kizuna.lists.freshness import freshness
from kizuna.lists.store import SnapshotStore
from kizuna.lists.update import update_from
from tests.conftest import BUNDLED, FIXTURES, kizuna

SDN = FIXTURES / "lists" / "sdn_2021"
SDN_LINES = (SDN / "sdn.csv").read_text(encoding="utf-8").replace("\x1a", "").splitlines(keepends=True)
UN_XML = BUNDLED / "lists" / "un_sc" / "UN_consolidated_2026-02-27.xml"


def _sdn_rows(folder: Path, keep: slice) -> Path:
    """The SDN fixture with only some of its rows (a complete file: it ends with OFAC's end byte)."""
    shutil.copytree(SDN, folder)
    (folder / "sdn.csv").write_text("".join(SDN_LINES[keep]) + "\x1a", encoding="utf-8")
    return folder


@pytest.fixture()
def store(fresh_home: Path) -> SnapshotStore:
    """A home whose current us-ofac-sdn is the 302-entry fixture of 2021-07-07."""
    store = SnapshotStore()
    update_from(store, SDN, data_date="2021-07-07")
    return store


def test_a_list_that_shrinks_sharply_is_refused_unless_confirmed(store: SnapshotStore, tmp_path: Path) -> None:
    current = store.current_id()
    smaller = _sdn_rows(tmp_path / "f", slice(0, 150))
    with pytest.raises(UpdateRefused, match="us-ofac-sdn: would shrink from 302 to 150 entries; pass --confirm-shrink"):
        update_from(store, smaller, data_date="2021-07-07")
    assert store.current_id() == current
    snapshot, _ = update_from(store, smaller, data_date="2021-07-07", confirm_shrink=True)
    assert snapshot.count() == 150


def test_a_list_that_loses_a_kind_of_record_is_refused(store: SnapshotStore, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    shutil.copytree(SDN, folder)
    text = (folder / "sdn.csv").read_text(encoding="utf-8")
    (folder / "sdn.csv").write_text(text.replace(',"individual",', ",-0- ,"), encoding="utf-8")  # same size
    with pytest.raises(UpdateRefused, match="would go from 132 to 0 person entries"):
        update_from(store, folder, data_date="2021-07-07")


def test_a_list_that_loses_a_section_is_refused_as_a_shrink(fresh_home: Path, tmp_path: Path) -> None:
    store = SnapshotStore()
    update_from(store, UN_XML)
    text = UN_XML.read_text(encoding="utf-8")
    without_people = re.sub(r"<INDIVIDUALS>.*</INDIVIDUALS>", "<INDIVIDUALS/>", text, flags=re.DOTALL)
    path = tmp_path / "UN_consolidated.xml"
    path.write_text(without_people, encoding="utf-8")
    with pytest.raises(UpdateRefused, match="un-sc: would shrink from 1,003 to 273 entries"):
        update_from(store, path)


def test_a_list_that_changes_shape_is_refused(store: SnapshotStore, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    shutil.copytree(SDN, folder)
    (folder / "add.csv").unlink()  # the address file is missing: every address and address country goes
    with pytest.raises(UpdateRefused, match="changes shape: addresses filled in 0% of entries"):
        update_from(store, folder, data_date="2021-07-07")


def test_an_older_data_date_is_refused_unless_allowed(store: SnapshotStore) -> None:
    with pytest.raises(UpdateRefused, match="data date 2021-01-01 is older than the current list's 2021-07-07; "
                                            "pass --allow-older"):
        update_from(store, SDN, data_date="2021-01-01")
    snapshot, _ = update_from(store, SDN, data_date="2021-01-01", allow_older=True)
    assert snapshot.lists()[0].data_date == "2021-01-01"


def test_an_update_that_removes_many_entries_is_loaded_with_a_warning(store: SnapshotStore, tmp_path: Path) -> None:
    snapshot, _ = update_from(store, _sdn_rows(tmp_path / "f", slice(30, None)), data_date="2021-07-07")
    [status] = snapshot.lists()
    assert status.entries == 272
    assert "this update removes 30 of the 302 entries of the current list (10%)" in status.warnings[-1]


def test_the_cli_refuses_with_every_reason_and_the_options(store: SnapshotStore, fresh_home: Path,
                                                           tmp_path: Path) -> None:
    result = kizuna("lists", "update", "--from", str(_sdn_rows(tmp_path / "f", slice(0, 10))), "--date",
                    "2021-01-01", home=fresh_home, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "would shrink from 302 to 10 entries" in result.stderr and "--allow-older" in result.stderr
    assert "the current snapshot kept" in result.stderr


def test_staleness_follows_each_publishers_cadence() -> None:
    today = date(2026, 12, 3)
    sdn = freshness("us-ofac-sdn", "2024-05-03", today)
    assert (sdn.age_days, sdn.stale) == (944, True)
    assert not freshness("us-ofac-sdn", "2026-11-25", today).stale  # 8 days: within OFAC's cadence
    assert not freshness("jp-meti-eul", "2026-01-15", today).stale  # METI revises about once a year
    assert freshness("jp-meti-eul", "2025-09-29", today).stale  # 430 days: a revision was very likely missed
    assert freshness("us-bis-entity", "2026-07", today).age_days == 125  # from the last day of July
    assert not freshness("us-ofac-eo14032", "2021-06-03", today).stale  # a fixed annex never goes stale
    assert freshness("un-sc", "", today).stale  # unknown age: nobody can vouch for it


def test_status_shows_age_and_stale_and_screen_warns_once(store: SnapshotStore, fresh_home: Path) -> None:
    status = kizuna("lists", "status", home=fresh_home)
    age = (datetime.now(UTC).date() - date(2021, 7, 7)).days
    assert re.search(rf"2021-07-07 │ +{age:,} d STALE", status.stdout), status.stdout
    assert "1 list(s) are STALE" in status.stderr
    as_json = kizuna("lists", "status", "--json", home=fresh_home).stdout
    assert f'"age_days": {age}' in as_json and '"stale": true' in as_json
    screened = kizuna("screen", "Banco Nacional de Cuba", home=fresh_home)
    assert screened.stderr.count("STALE") == 1
    assert f"screening against 1 STALE list(s), older than their publisher's update cadence: us-ofac-sdn ({age} d)" \
        in screened.stderr


def test_a_fresh_list_gives_no_stale_warning(fresh_home: Path) -> None:
    today = datetime.now(UTC).date().isoformat()
    update_from(SnapshotStore(), SDN, data_date=today)
    screened = kizuna("screen", "Banco Nacional de Cuba", home=fresh_home)
    assert "STALE" not in screened.stderr and "BANCO NACIONAL DE CUBA" in screened.stdout
