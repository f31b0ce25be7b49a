"""Matching behaviour on the bundled lists: what must hit, what must not, and why."""

from __future__ import annotations

from typing import Any

import pytest

from kizuna.core.entity import PartyKind
from kizuna.screening import Query
from kizuna.screening.forms import listed_forms, query_forms
from kizuna.screening.han import canonical_han
from kizuna.screening.latin import latin_tokens
from kizuna.screening.match import NameMatch, QuerySlot
from kizuna.screening.screener import Screener


def test_latin_normalisation_folds_accents_punctuation_and_ampersands() -> None:
    assert latin_tokens("Société Générale S.A.") == ("societe", "generale", "sa")  # S.A. is one legal form
    assert latin_tokens("Al Qa'ida") == ("al", "qaida")
    assert latin_tokens("Science & Technology") == ("science", "and", "technology")


def test_latin_normalisation_expands_abbreviations_ordinals_and_known_plurals() -> None:
    assert latin_tokens("Huawei Technologies Co., Ltd.") == ("huawei", "technology", "company", "limited")
    assert latin_tokens("CETC 14th Research Institute") == latin_tokens("CETC No. 14 Research Institute")
    assert latin_tokens("Second Academy") == ("2", "academy")
    assert latin_tokens("HAMAS") == ("hamas",)  # names are not stemmed


def test_acronyms_in_parentheses_become_their_own_forms() -> None:
    forms = {f.via: f.tokens for f in listed_forms("Beijing University of Aeronautics and Astronautics (BUAA)")}
    assert forms["acronym"] == ("buaa",)
    assert forms["name without acronym"][-1] == "astronautics"
    assert forms["derived acronym"] == ("buaa",)
    # A city in parentheses is part of the name, not an acronym.
    assert "acronym" not in {f.via for f in listed_forms("Zhiwei Semiconductor (Shanghai) Co., Ltd.")}


def test_han_forms_meet_across_japanese_traditional_and_simplified() -> None:
    assert canonical_han("中国電子科技集団公司") == canonical_han("中國電子科技集團公司") == "中国电子科技集团公司"


@pytest.mark.parametrize(
    ("query", "list_code", "listed"),
    [
        ("Hikvision", "us-bis-entity", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("BUAA", "us-bis-entity", "Beijing University of Aeronautics and Astronautics (BUAA)"),
        ("Beihang University", "us-bis-entity", "Beijing University of Aeronautics and Astronautics (BUAA)"),
        ("Bank Melli Iran", "us-ofac-sdn", "BANK MELLI IRAN"),
        ("Huawie Technologies Co Ltd", "us-ofac-eo14032", "HUAWEI TECHNOLOGIES CO., LTD."),  # a typo
        ("北京航空航天大学", "jp-meti-eul", "Beijing University of Aeronautics and Astronautics (BUAA)"),
        ("中國電子科技集團公司第十四研究所", "jp-meti-eul",
         "China Electronics Technology Group Corporation 14th Research Institute (CETC 14)"),
        ("Jong Un Kim", "us-ofac-sdn", "KIM, Jong Un"),  # order does not matter
    ],
)
def test_listed_parties_are_found(screener: Screener, query: str, list_code: str, listed: str) -> None:
    hits = screener.screen(Query(query))
    assert any(h.list_code == list_code and h.name == listed for h in hits), [(h.list_code, h.name) for h in hits]


@pytest.mark.parametrize("query", ["Toyota Motor Corporation", "Beijing University of Technology",
                                   "Tsinghua University", "Sony Group Corporation", "Deutsche Bank AG"])
def test_unlisted_organisations_do_not_hit(screener: Screener, query: str) -> None:
    assert screener.screen(Query(query)) == []


def test_hits_carry_explanation_and_provenance(screener: Screener) -> None:
    [hit, *_] = screener.screen(Query("Huawei Technologies Co., Ltd.", lists=("us-ofac-eo14032",)))
    assert hit.list_code == "us-ofac-eo14032" and hit.score == 1.0
    assert hit.source_url == "https://ofac.treasury.gov/media/99111/download?inline"
    assert hit.data_date == "2021-06-03"
    assert "shared huawei, technology, company, limited" in hit.explanation


def test_list_filter_restricts_hits(screener: Screener) -> None:
    hits = screener.screen(Query("Hikvision", lists=("us-dod-1260h",)))
    assert hits and {h.list_code for h in hits} == {"us-dod-1260h"}


def test_country_type_and_birth_year_are_evidence(screener: Screener) -> None:
    base = {h.entry_id: h.score for h in screener.screen(Query("Kim Jong Un", lists=("us-ofac-sdn",)), 0.0)}
    [(entry_id, plain)] = [(k, v) for k, v in base.items() if v == max(base.values())]

    def score(**kwargs: Any) -> float:
        hits = screener.screen(Query("Kim Jong Un", lists=("us-ofac-sdn",), **kwargs), 0.0, 200)
        return next(h.score for h in hits if h.entry_id == entry_id)

    assert score(entity_type=PartyKind.ORGANIZATION) == pytest.approx(plain - 0.15, abs=1e-3)
    assert score(birth_date="1950-01-01") < plain
    with_country = screener.screen(Query("Kim Jong Un", country="US", lists=("us-ofac-sdn",)), 0.0)
    assert "country US not in KP" in next(h for h in with_country if h.entry_id == entry_id).explanation


def test_candidates_come_from_the_index_not_a_scan(screener: Screener, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = screener.names.compare
    def counting(tokens: list[QuerySlot], name_id: int, symmetric: bool = False) -> NameMatch:
        calls.append(name_id)
        return original(tokens, name_id, symmetric)

    monkeypatch.setattr(screener.names, "compare", counting)
    screener.screen(Query("Hangzhou Hikvision Digital Technology Co., Ltd."))
    assert 0 < len(calls) <= screener._max_candidates
    assert len(screener.index.name_text) > 50_000


@pytest.mark.parametrize(("query", "listed", "spelt_by_all"), [("ALIBRAHIM, Muhammad", "AL-IBRAHIM, Muhammad", False),
                                                               ("Alqaida", "AL QA'IDA", True)])
def test_a_name_proposed_for_half_a_query_word_is_compared_only_when_its_words_spell_the_word(
        screener: Screener, query: str, listed: str, spelt_by_all: bool) -> None:
    # alibrahim begins with al and ends with ibrahim: every listed Ibrahim is proposed, but the comparison joins
    # listed words only where a run of them spells the query word (Al Ibrahim), so the others cannot reach the
    # threshold and are not compared; every Al Qaida spells alqaida.
    floor = screener.threshold - screener.config.name.candidate_margin
    slots = screener.prepare(query_forms(query)[0])
    found = screener._candidates(slots, floor)
    assert found.by_halves
    skipped = [n for n in found.by_halves if not screener.names.spells_a_run(found.halved, n)]
    assert bool(skipped) != spelt_by_all
    assert all(screener.names.compare(slots, n).score < floor for n in skipped)
    assert any(h.name == listed for h in screener.screen(Query(query))), listed
