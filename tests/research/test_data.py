"""Priorities, co-authorship and OpenAlex works on the bundled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.research import service
from kizuna.research.priorities import crosswalk, memo_priorities
from kizuna.research.works import read_works


def test_the_crosswalk_has_every_cet_area_and_the_four_memo_priorities() -> None:
    rows = crosswalk()
    assert sum(r.row_type == "cet_area" for r in rows) == 18
    assert memo_priorities() == ["AI", "quantum computing", "high-energy-density science", "biosecurity"]
    assert all(r.confidence in {"verified", "secondary", "recalled"} for r in rows)


def test_priorities_filter_by_memo_priority_and_text() -> None:
    quantum = service.priority_rows("Quantum Computing")
    assert quantum and all("quantum computing" in r.memo_priorities for r in quantum)
    assert any("Quantum" in r.title for r in quantum)
    assert all("Moonshot" not in r.title for r in service.priority_rows(text="fusion"))
    assert service.priority_rows(text="fusion")


@pytest.mark.usefixtures("research_home")
def test_who_is_strong_and_who_works_together_in_quantum() -> None:
    result = service.strength("quantum computing", "JP").to_dict()
    assert result["countries"][0]["country"] == "US"
    assert all(i["country"] == "JP" for i in result["institutions"])
    assert {"a": "JP", "b": "US", "works": 9} in result["country_pairs"]
    assert result["partners"][0] == {"country": "US", "works": 21760, "year": 2023}
    assert any(i["ror_id"] for i in result["institutions"])


def test_ai_is_measured_by_country_and_a_priority_without_data_says_so() -> None:
    ai = service.strength("AI")
    assert ai.countries[0] == {"country": "CN", "works": 133717, "year": 2020}
    heds = service.strength("high-energy-density science")
    assert heds.notes and not heds.countries


def test_an_openalex_api_page_is_read(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"results": [{"id": "https://openalex.org/W1", "publication_year": 2024,
                                             "authorships": [{"author": {"id": "https://openalex.org/A1"},
                                                              "institutions": [{"id": "https://openalex.org/I1",
                                                                                "display_name": "X",
                                                                                "ror": "https://ror.org/057zh3y96",
                                                                                "country_code": "JP"}]}]}]}))
    works = read_works(page)
    assert works[0].authorships[0].institutions[0].ror_id == "057zh3y96"


def test_a_broken_works_file_names_the_field(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"results": [{"title": "no id"}]}))
    with pytest.raises(InputError, match=r"works\[0\]\.id"):
        read_works(page)


def test_a_broken_rule_file_names_file_line_and_field(tmp_path: Path) -> None:
    from kizuna.core.paths import bundled
    from kizuna.core.rules import load_rules
    from kizuna.research.rules import ResearchRules

    text = bundled("research", "rules.yaml").read_text(encoding="utf-8").replace("accept: 0.93", "accept: 1.5")
    broken = tmp_path / "rules.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"rules\.yaml, line \d+, field 'resolution\.accept'"):
        load_rules(broken, ResearchRules)
