"""The compiled lexicon, the saved readings, lazy loading and the whole-process benchmark's pieces."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from kizuna.screening import lexicon, speed
from kizuna.screening.cedict import MAX_LENGTH, words
from kizuna.screening.forms import query_forms
from kizuna.screening.korean import surname
from kizuna.screening.latin import latin_tokens
from kizuna.screening.screener import Screener
from kizuna.screening.tables import limits, term_classes

ROOT = Path(__file__).resolve().parents[2]


def test_han_table_holds_every_cedict_word_as_the_uncompiled_reading_made_it() -> None:
    table, lx = lexicon.han_table(), lexicon.lexicon()
    generic = {w for w, c in term_classes().items() if c.group in ("generic", "legal_forms")}
    checked = 0
    for headword, word in list(words().items())[::997]:
        english = tuple(dict.fromkeys(t for t in (latin_tokens(e) for e in word.english) if t))
        if not english or not 2 <= len(headword) <= MAX_LENGTH:
            assert table.get(headword) is None or headword in lx.han or headword in lx.kana
            continue
        found = table[headword]
        if headword in lx.han or headword in lx.kana:
            assert found.table != lexicon.CEDICT  # the curated tables win
            continue
        cls = "generic" if all(t in generic for t in english[0]) else "word"
        assert (found.key, found.english, found.cls, found.table, found.pinyin) == (
            headword, english, cls, lexicon.CEDICT, word.pinyin)
        checked += 1
    assert checked > 50
    with pytest.raises(KeyError):
        table["不是一个词的字符串"]


def test_pinyin_words_lists_curated_words_before_dictionary_words() -> None:
    found = lexicon.pinyin_words("daxue")
    assert found[0].table != lexicon.CEDICT and found[0].key == "大学"
    assert any(f.table == lexicon.CEDICT for f in found)
    assert lexicon.pinyin_words("qqqqqq") == ()
    # A Latin query in pinyin still reads back into Chinese words.
    assert any(f.via == "translation from pinyin" for f in query_forms("Haerbin Gongye Daxue"))


def test_the_compiled_lexicon_is_cached_under_the_data_directory_and_a_broken_cache_is_compiled_again(
        tmp_path: Path) -> None:
    environment = {**os.environ, "KIZUNA_HOME": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    program = ("from kizuna.screening import lexicon; lexicon.han_table(); "
               "print(lexicon.cache_path(), len(lexicon.lexicon().han))")
    first = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True,
                           check=True).stdout.split()
    path = Path(first[0])
    assert path.parent == tmp_path / "cache" and path.is_file()
    with path.open("rb") as handle:
        parts = pickle.load(handle)
    assert {"format", "lexicon", "dictionary", "pinyin"} <= set(parts)
    path.write_bytes(b"not a pickle")
    again = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True,
                           check=True).stdout.split()
    assert again == first and path.read_bytes()[:1] == b"\x80"  # compiled and written again


def test_a_han_query_reads_only_the_dictionary_shards_of_its_characters(kizuna_home: Path) -> None:
    dictionary = lexicon.Cedict(pickle.loads(lexicon._compiled()["dictionary"]))
    table = lexicon.HanTable(dictionary, lexicon.lexicon())
    words_of = {w: raw for w, raw in words().items() if 2 <= len(w) <= MAX_LENGTH}
    assert dictionary.get("航天") is not None and table["航天"].key == "航天"
    assert set(dictionary._loaded) == {"航"} and len(dictionary._shards) > 4000
    assert dictionary.get("航天飞机航天飞机") is None and dictionary.get("") is None and "航天" in words_of
    with pytest.raises(KeyError):
        table["𠀀𠀀"]


def test_a_latin_query_loads_none_of_the_cjk_dictionaries(kizuna_home: Path) -> None:
    # (OpenCC, which loads in milliseconds, is used for the Han forms of the qualifier table.)
    program = ("import sys; from kizuna.screening.service import get_screener; "
               "from kizuna.screening.model import Query; "
               "hits = get_screener().screen(Query('Huawei Technologies')); "
               "print(bool(hits), sorted(m for m in ('pypinyin', 'cutlet', 'fugashi', 'unidic_lite') "
               "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                         env={**os.environ, "KIZUNA_HOME": str(kizuna_home), "PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.split(maxsplit=1) == ["True", "[]\n"]


def test_a_query_of_listed_han_words_reads_them_without_pypinyin(kizuna_home: Path) -> None:
    # 北京 against 南京 is compared by reading (match.same_reading): the snapshot build saved both readings.
    program = ("import sys; from kizuna.screening.service import get_screener; "
               "from kizuna.screening.model import Query; "
               "hits = get_screener().screen(Query('北京航空航天大学')); "
               "print(hits[0].list_code != '', 'pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                         env={**os.environ, "KIZUNA_HOME": str(kizuna_home), "PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.split() == ["True", "False"]


def test_the_korean_family_name_no_is_read_as_text() -> None:
    # korean.yaml wrote the spelling no unquoted, which YAML reads as false: 노무현 made every query fail.
    assert surname("노무현") == ("노", ("no", "ro", "roh"))
    assert any(f.via == "Korean person name" and f.tokens[0] == "no" for f in query_forms("노무현"))


def test_speed_config_names_the_baseline_and_a_target_for_every_figure() -> None:
    config = speed.load_config()
    assert config.baseline and config.runs >= 1
    files = {k: Path(k) for k in ("latin", "latin_out", "cjk", "cjk_out", "own")}
    measures = speed.measures(config, files)
    assert sum(m.target is not None for m in measures) >= 6
    rate = next(m for m in measures if m.rows == config.latin_rows)
    target = rate.target or 0
    assert rate.figure(10.0) == config.latin_rows / 10 and rate.met(target / 2) is False and rate.met(target * 2)
    single = measures[0]
    assert single.met(single.target or 0) is True and single.met((single.target or 0) + 1) is False


def test_the_baseline_column_says_why_it_is_missing_outside_a_git_checkout(tmp_path: Path) -> None:
    code = speed.baseline_code("45fbcb3", tmp_path / "out", repo=tmp_path)
    assert code.src is None and "not in a git checkout" in code.missing


def test_benchmark_files_are_deterministic_and_the_cjk_one_mixes_katakana_and_kanji(
        screener: Screener, tmp_path: Path) -> None:
    from kizuna.screening import benchmark

    cases = benchmark.load_devset(ROOT / "benchmarks" / "screening")
    cjk = benchmark.cjk_workload(cases, screener.index, 1200)
    assert cjk == benchmark.cjk_workload(cases, screener.index, 1200) and len(set(cjk)) == 1200
    katakana = [n for n in cjk if all("\u30a0" <= c <= "\u30ff" for c in n.replace("・", ""))]
    kanji = [n for n in cjk if all("\u4e00" <= c <= "\u9fff" for c in n)]
    assert len(katakana) > 200 and len(kanji) > 400
    too_long = "x" * (limits().max_name_length + 1)
    files = speed.write_inputs(tmp_path, speed.load_config(), [too_long, "Huawei"], cjk, [])
    assert files["latin"].read_text(encoding="utf-8").splitlines() == ["id,name", "1,Huawei"]
    assert json.loads(files["own"].read_text(encoding="utf-8")) == []


def test_own_parties_are_half_cjk_named_entries(kizuna_home: Path) -> None:
    from kizuna.core.scripts import is_cjk
    from kizuna.lists.store import SnapshotStore

    store = SnapshotStore()
    entries = list(store.open(store.current_id() or "").entries())
    own = speed.own_parties(entries, 24)
    assert len(own) == 24 and sum(any(is_cjk(n.text) for n in e.names) for e in own) >= 12
