"""Country and region qualifiers on the bundled lists: a brand plus "Japan", "ジャパン", "(UK)" or "日本" reaches
the listed local company; a qualifier only one side names costs a little, never the hit; a qualifier alone, or
another brand with the same qualifier, finds nothing."""

from __future__ import annotations

import pytest

from kizuna.screening import Hit, Query
from kizuna.screening.forms import listed_forms
from kizuna.screening.latin import latin_tokens
from kizuna.screening.qualifiers import find, qualifier_word
from kizuna.screening.screener import Screener
from kizuna.screening.tables import scoring

JAPAN_KK = ("us-bis-entity", "Huawei Technologies Japan K.K.")
HUAWEI_UK = ("us-bis-entity", "Huawei Technologies (UK) Co., Ltd.")


def _hits(screener: Screener, name: str, threshold: float | None = None) -> list[Hit]:
    return screener.screen(Query(name), threshold, limit=50)


def test_dotted_and_spaced_short_forms_are_one_word() -> None:
    assert latin_tokens("Huawei Technologies Japan K.K.") == ("huawei", "technology", "japan", "kk")
    assert latin_tokens("PETROCHEMICAL COMMERCIAL COMPANY (U.K.) LIMITED")[3] == "uk"
    assert latin_tokens("cecep editores s a") == latin_tokens("CECEP EDITORES S.A.") == ("cecep", "editores", "sa")
    assert latin_tokens("I.I. Kartukov") == ("i", "i", "kartukov")  # initials stay letters


def test_qualifier_phrases_are_found_longest_first() -> None:
    [(start, end, uk), (_, _, africa)] = find(("huawei", "united", "kingdom", "south", "africa"))
    assert (start, end, uk.countries) == (1, 3, frozenset({"GB"}))
    assert africa.countries == frozenset({"ZA"}) and not africa.region
    europe, germany, deutschland = qualifier_word("europe"), qualifier_word("germany"), qualifier_word("deutschland")
    assert germany and deutschland and deutschland.same_place(germany)
    assert europe and europe.compatible(germany) and not europe.same_place(germany)
    korea = qualifier_word("korea")
    assert korea and korea.countries == frozenset({"KP", "KR"})
    assert qualifier_word("jordan") is None  # a name word, never a qualifier


def test_country_in_parentheses_is_not_an_acronym() -> None:
    vias = {f.via for f in listed_forms("Huawei Technologies (UK) Co., Ltd.")}
    assert "acronym" not in vias and "name without acronym" not in vias


@pytest.mark.parametrize("query", ["ファーウェイ・ジャパン", "Huawei Japan", "华为日本", "HUAWEI JAPAN K.K.",
                                   "華為日本"])
def test_brand_plus_japan_reaches_the_japanese_subsidiary_first(screener: Screener, query: str) -> None:
    hits = _hits(screener, query)
    assert hits and (hits[0].list_code, hits[0].name) == JAPAN_KK, [(h.name, h.score) for h in hits[:5]]
    assert "qualifier" in hits[0].explanation and "in both names" in hits[0].explanation


@pytest.mark.parametrize(("query", "listed", "step"), [
    ("Huawei UK", HUAWEI_UK, "(GB) in both names"),
    ("Huawei United Kingdom", HUAWEI_UK, "(same country)"),
    ("Huawei Great Britain", HUAWEI_UK, "(same country)"),
    ("Huawei Germany", ("us-bis-entity", "Huawei Technologies Deutschland GmbH"), "(same country)"),
    ("ファーウェイ・ドイツ", ("us-bis-entity", "Huawei Technologies Deutschland GmbH"), "(DE) in both names"),
    ("Huawei India", ("us-bis-entity", "Huawei Technologies India Private Limited"), "(IN) in both names"),
])
def test_brand_plus_country_reaches_the_listed_subsidiary(screener: Screener, query: str, listed: tuple[str, str],
                                                          step: str) -> None:
    [first, *_] = _hits(screener, query)
    assert (first.list_code, first.name) == listed
    assert step in first.explanation, first.explanation


@pytest.mark.parametrize(("query", "listed"), [
    ("Hikvision Europe", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    ("ハイクビジョン・ジャパン", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    ("ZTE Deutschland", "ZTE Corporation"),
    ("Huawei Japan", "Huawei Technologies Co., Ltd."),
])
def test_qualifier_the_list_lacks_costs_a_factor_not_the_hit(screener: Screener, query: str, listed: str) -> None:
    factor = scoring().qualifiers.query_only
    hit = next(h for h in _hits(screener, query) if h.name == listed)
    assert screener.threshold <= hit.score <= factor
    assert "only in the query" in hit.explanation


def test_qualifier_naming_the_entry_country_supports_the_match(screener: Screener) -> None:
    hit = next(h for h in _hits(screener, "Hikvision China") if h.list_code == "us-bis-entity")
    assert hit.score > scoring().qualifiers.query_only
    assert "names the entry's country CN" in hit.explanation


def test_parent_ranks_above_subsidiaries_the_query_does_not_name(screener: Screener) -> None:
    hits = _hits(screener, "huawei technologies co ltd")
    exact = [h for h in hits if h.score == 1.0]
    uk = next(h for h in hits if (h.list_code, h.name) == HUAWEI_UK)
    assert exact and all("(" not in h.name for h in exact)
    assert screener.threshold <= uk.score < exact[-1].score
    assert hits.index(uk) > hits.index(exact[-1])
    assert "qualifier 'uk' only in the listed name" in uk.explanation


def test_different_countries_stay_a_conflict(screener: Screener) -> None:
    names = {h.name for h in _hits(screener, "Huawei Japan")}
    assert JAPAN_KK[1] in names and HUAWEI_UK[1] not in names


@pytest.mark.parametrize("query", ["Japan", "UK", "HK", "USA", "日本", "ジャパン", "Deutschland", "Europe",
                                   "Japan K.K.", "Korea", "China", "Asia", "Egypt"])
def test_a_qualifier_alone_hits_nothing(screener: Screener, query: str) -> None:
    # Korea, China, Asia and Egypt were hits through METI's aliases 朝鮮 and 中國, the initials ASIA of AL-SALAH
    # ISLAMIC ASSOCIATION and OFAC's weak alias EGYPT: a name that is only a place does not name the party.
    assert _hits(screener, query) == [], [(h.name, h.score) for h in _hits(screener, query)]


def test_a_party_whose_own_name_is_a_region_is_still_found(screener: Screener) -> None:
    assert any(h.list_code == "us-ofac-sdn" and h.name == "MENA" for h in _hits(screener, "MENA"))


@pytest.mark.parametrize("query", ["Toyota Japan", "ソニー・ジャパン", "Sony UK", "Siemens Deutschland",
                                   "Samsung Europe", "Nokia India"])
def test_another_brand_with_the_same_qualifier_hits_nothing(screener: Screener, query: str) -> None:
    assert _hits(screener, query) == [], [(h.name, h.score) for h in _hits(screener, query)]


def test_registry_verdict_is_the_screening_verdict(screener: Screener) -> None:
    """The trusted-capital registry screens through the same screener, at scoring.yaml's threshold."""
    from datetime import date

    from kizuna.cyber.registry import judge, screen_company
    from kizuna.cyber.store import Registration

    screening = screen_company("ファーウェイ・ジャパン", "JP")
    expected = screener.screen(Query("ファーウェイ・ジャパン", country="JP"))
    assert screening.threshold == screener.threshold == scoring().threshold
    assert screening.listed and [(h.list_code, h.entry_id) for h in screening.hits] == [
        (h.list_code, h.entry_id) for h in expected[:3]]
    assert screening.hits[0].name == JAPAN_KK[1]
    registration = Registration(1, "ファーウェイ・ジャパン", "JP", "telecommunications", 110, "final",
                                date.today().isoformat(), "", "", None, "")
    view = judge(registration, screening, date.today())
    assert not view.trusted and view.why[0].startswith(f"LISTED: matches {JAPAN_KK[1]}")
