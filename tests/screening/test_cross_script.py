"""Cross-script behaviour on the bundled lists: the list's own spelling wins, linked entries come along, and
explanations show the path."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kizuna.screening import Hit, Query
from kizuna.screening import benchmark as bench
from kizuna.screening.screener import Screener
from tests.conftest import ROOT


def _names(hits: list[Hit]) -> set[tuple[str, str]]:
    return {(h.list_code, h.name) for h in hits}


def test_a_kanji_query_meets_the_lists_kanji_and_brings_linked_entries(screener: Screener) -> None:
    hits = screener.screen(Query("中国電子科技集団公司第十四研究所"))
    names = _names(hits)
    assert ("jp-meti-eul", "China Electronics Technology Group Corporation 14th Research Institute (CETC 14)") in names
    linked = next(h for h in hits if h.list_code == "us-bis-entity")
    assert linked.explanation.startswith("linked to jp-meti-eul entry")
    assert linked.source_url.startswith("https://www.ecfr.gov/")  # each hit keeps its own provenance
    # The 54th institute differs only in its number: it must not score like the 14th.
    assert all("54" not in h.name for h in hits)


def test_the_lists_own_cjk_spelling_outranks_a_translation(screener: Screener) -> None:
    # 北京工业大学 (Beijing University of Technology) translates word for word to "Beijing Institute of
    # Technology", a listed party whose own kanji name (北京理工大学) is different.
    assert screener.screen(Query("北京工业大学")) == []
    assert ("us-bis-entity", "Beijing Institute of Technology") in _names(screener.screen(Query("北京理工大学")))


@pytest.mark.parametrize(("query", "expected", "path"), [
    ("조선광업개발무역회사", ("un-sc", "KOREA MINING DEVELOPMENT TRADING CORPORATION"), "term table: 광업개발"),
    ("김정은", ("us-ofac-sdn", "KIM, Jong Un"), "Korean family name 김"),
    ("崔竜海", ("us-ofac-sdn", "CHOE, Ryong Hae"), "Korean family name 최"),
    ("ハイクビジョン", ("us-bis-entity", "Hangzhou Hikvision Digital Technology Co., Ltd."), "alias table"),
    ("スベルバンク", ("us-ofac-nonsdn", "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA"), "Hepburn romaji"),
    ("哈尔滨工业大学", ("us-bis-entity", "Harbin Institute of Technology"), ""),
    ("长江存储科技有限责任公司", ("us-bis-entity", "Yangtze Memory Technologies Co., Ltd."), "alias table: 长江存储"),
])
def test_cross_script_queries_find_the_listed_party_and_say_how(screener: Screener, query: str,
                                                               expected: tuple[str, str], path: str) -> None:
    hits = [h for h in screener.screen(Query(query)) if (h.list_code, h.name) == expected]
    assert hits, f"{query} did not find {expected}"
    assert path in hits[0].explanation


def test_development_set_meets_the_targets(screener: Screener) -> None:
    """The labelled development set (benchmarks/screening): recall and false positives at the default threshold."""
    cases = bench.load_devset(ROOT / "benchmarks" / "screening")
    result = bench.accuracy(bench.kizuna_matcher(screener), cases)
    assert result.recall["latin"] >= 0.95
    assert all(result.recall[script] >= 0.90 for script in ("chinese", "japanese", "korean")), result.recall
    assert result.false_positive_rate <= 0.03, [c.query for c, _ in result.false_positives]


def test_brute_force_baseline_cannot_cross_scripts(screener: Screener) -> None:
    brute = bench.BruteForce(screener.index)
    # METI writes it 哈爾浜工業大学; the simplified spelling shares too few characters for a string scan.
    assert brute(Query("哈尔滨工业大学")) == set()
    assert ("us-ofac-sdn", "BANK MELLI IRAN") in brute(Query("Bank Melli Iran"))


DEVSET = ROOT / "benchmarks" / "screening"


def _readme_table() -> dict[str, tuple[int, str]]:
    """The README's table of files: file stem → (rows it claims, how it was made)."""
    text = (DEVSET / "README.md").read_text(encoding="utf-8")
    return {m[1]: (int(m[2]), m[3]) for m in re.finditer(r"^\| `(\w+)\.tsv` \| (\d+) \| (.+) \|$", text, re.M)}


def test_the_devset_readme_counts_the_rows_each_file_has() -> None:
    table = _readme_table()
    cases = bench.load_devset(DEVSET)
    counts = Counter("negatives" if c.category == "negative" else c.category for c in cases)
    assert {stem: rows for stem, (rows, _) in table.items()} == dict(counts)
    assert all(c.note for c in cases), "every row names where its query form comes from"
    # "N "qualifier:" rows" (and latin's "plus N written by hand ... (source "qualifier: …")") as the files have them.
    qualifiers = Counter(c.category for c in cases if c.note.startswith("qualifier:"))
    claimed = {stem: int(n) for stem, (_, how) in table.items() for n in re.findall(r'(\d+) "qualifier:" rows', how)}
    claimed["latin"] = int(re.findall(r"plus (\d+) written by hand", table["latin"][1])[0])
    assert claimed == {k: qualifiers[k] for k in claimed}
    # latin: nine kinds of variant, "40 of each", named by the source column.
    per_kind = int(re.findall(r"(\d+) of each", table["latin"][1])[0])
    kinds = Counter(c.note for c in cases if c.category == "latin" and not c.note.startswith("qualifier:"))
    assert len(kinds) == 9 and set(kinds.values()) == {per_kind}


# What the README says a query finds, in its own words: (the words, the query, the listed name it reaches).
README_FINDS = [
    ("Huawei Japan → Huawei Technologies Japan K.K.", "Huawei Japan", "Huawei Technologies Japan K.K."),
    ("Inspur Hong Kong Electronics → Inspur (HK) Electronics", "Inspur Hong Kong Electronics",
     "Inspur (HK) Electronics Co., Ltd."),
    ("its listed parent (Hikvision Europe)", "Hikvision Europe", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    ("Chongqing University and Xi'an Jiaotong University on the 1286 list", "Chongqing University",
     "Chongqing University"),
    ("Chongqing University and Xi'an Jiaotong University on the 1286 list", "Xi'an Jiaotong University",
     "Xi'an Jiatong University"),  # the 1286 list's own spelling
]


@pytest.mark.parametrize(("words", "query", "listed"), README_FINDS)
def test_the_devset_readme_examples_find_what_it_says(screener: Screener, words: str, query: str,
                                                      listed: str) -> None:
    assert words in (DEVSET / "README.md").read_text(encoding="utf-8")
    hits = screener.screen(Query(query))
    assert hits and hits[0].name == listed, [(h.list_code, h.name) for h in hits[:3]]
    if "1286" in words:
        assert "us-dod-1286" in {h.list_code for h in hits}


# Near misses the README names: the unlisted query hits nothing, the listed name it is near is found.
README_NEAR_MISSES = [("北京工业大学", "北京理工大学"), ("Korea Development Bank", "Korea United Development Bank")]


@pytest.mark.parametrize(("unlisted", "listed"), README_NEAR_MISSES)
def test_the_devset_readme_near_misses_are_unlisted_and_near_a_listed_name(screener: Screener, unlisted: str,
                                                                           listed: str) -> None:
    assert f"{unlisted} against {listed}" in (DEVSET / "README.md").read_text(encoding="utf-8")
    assert unlisted in {c.query for c in bench.load_devset(DEVSET) if c.category == "negative"}
    assert screener.screen(Query(unlisted)) == []
    assert screener.screen(Query(listed))


def test_the_devset_readme_qualifier_negatives_are_the_last_rows_and_hit_nothing(screener: Screener) -> None:
    how = _readme_table()["negatives"][1]
    last = int(re.findall(r"The last (\d+) are country qualifiers alone", how)[0])
    named = [q.strip() for group in re.findall(r"\(([^()]+)\)", how.split("The last")[1]) for q in group.split(",")]
    assert named == ["Japan", "日本", "UK", "Toyota Japan", "Sony UK", "Siemens Deutschland"]
    negatives = [c for c in bench.load_devset(DEVSET) if c.category == "negative"]
    tail = negatives[-last:]
    assert all("qualifier" in c.note or c.note.startswith("other brand") for c in tail)
    assert not any("qualifier" in c.note or c.note.startswith("other brand") for c in negatives[:-last])
    assert set(named) <= {c.query for c in tail}
    assert {q: screener.screen(Query(q)) for q in named} == {q: [] for q in named}
