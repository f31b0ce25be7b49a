"""The US Consolidated Screening List, CSV and JSON: split into Kizuna's lists, quirks handled."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.lists.importers import csl
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "lists" / "consolidated_sample_2025-06.csv"


def make_json_fixture(target: Path) -> None:
    """Rewrite the CSV sample in the CSL JSON layout (how tests/fixtures/lists/csl_sample.json was made)."""
    results = []
    for row in csv.DictReader(SAMPLE.open(encoding="utf-8")):
        record: dict[str, object] = {k: (v or None) for k, v in row.items()}
        record["id"] = record.pop("_id")
        for key in ("programs", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth"):
            record[key] = [v.strip() for v in (row[key] or "").split("; ") if v.strip()]
        record["addresses"] = [{"address": a.rsplit(", ", 1)[0], "country": a.rsplit(", ", 1)[-1]}
                               for a in (row["addresses"] or "").split("; ") if a]
        record["ids"] = [{"type": p[0], "number": p[1], "country": p[2] if len(p) > 2 else None}
                         for p in (i.split(", ") for i in (row["ids"] or "").split("; ") if i) if len(p) > 1]
        results.append(record)
    target.write_text(json.dumps({"results": results}, indent=1, ensure_ascii=False), encoding="utf-8")


def test_csv_sample_is_split_by_source_list() -> None:
    lists = {d.code: d for d in csl.read_csv({"primary": SAMPLE}, None, None, "fixture")}
    assert set(lists) == {"us-state-isn", "us-bis-uvl", "us-bis-meu", "us-ofac-nonsdn", "us-ofac-sdn",
                          "us-ddtc-debarred", "us-bis-dpl", "us-bis-entity"}
    [rim] = lists["us-ofac-sdn"].entries
    assert (rim.entry_id, rim.entity_type, rim.dates_of_birth) == ("52291", PartyKind.PERSON, ["1978-12-05"])
    assert rim.countries == ["KP", "CN"]
    assert [(i.type, i.value, i.country) for i in rim.identifiers] == [("Passport", "836238033", "KP")]
    [cetc] = lists["us-bis-entity"].entries
    assert "HSRI" in [a.text for a in cetc.aliases]
    assert cetc.citation == "83 FR 37423; 87 FR 77505" and cetc.listed_on == "2018-08-01"
    # The CSL has no publication date: the latest listing date is the evidence of its age.
    assert lists["us-bis-entity"].data_date == "2023-07-19"


def test_json_layout_gives_the_same_entries(tmp_path: Path) -> None:
    fixture = FIXTURES / "lists" / "csl_sample.json"
    regenerated = tmp_path / "csl_sample.json"
    make_json_fixture(regenerated)
    assert json.loads(regenerated.read_text()) == json.loads(fixture.read_text())
    from_csv = {(e.list_code, e.entry_id, e.name, tuple(e.countries)) for d in
                csl.read_csv({"primary": SAMPLE}, None, None, "f") for e in d.entries}
    from_json = {(e.list_code, e.entry_id, e.name, tuple(e.countries)) for d in
                 csl.read_json({"primary": fixture}, None, None, "f") for e in d.entries}
    assert from_csv == from_json


def test_truncated_2023_file_fails_at_its_cut_line_after_skipping_the_repeated_header() -> None:
    path = FIXTURES / "lists" / "csl_2023-11-30_head.csv"
    with pytest.raises(InputError) as error:
        csl.read_csv({"primary": path}, None, None, "fixture")
    assert error.value.line == 401 and "truncated" in str(error.value)


def test_complete_rows_of_the_2023_file_parse(tmp_path: Path) -> None:
    lines = (FIXTURES / "lists" / "csl_2023-11-30_head.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    complete = tmp_path / "consolidated.csv"
    complete.write_text("".join(lines[:-1]), encoding="utf-8")
    lists = csl.read_csv({"primary": complete}, None, None, "fixture")
    assert sum(len(d.entries) for d in lists) == 398  # 400 lines minus the header and its repeat
    assert all(e.name and e.provenance.official_url for d in lists for e in d.entries)


def test_unknown_source_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace("Military End User (MEU) List - Bureau of Industry and Security", "Some Other List")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        csl.read_csv({"primary": path}, None, None, "fixture")
    assert (error.value.line, error.value.field) == (4, "source")
