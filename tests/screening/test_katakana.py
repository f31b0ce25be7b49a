"""Names written in katakana find the parties the lists spell in Latin letters: Korean names read back into hangul
(キム・ギョンイル = 김경일 = KIM KYONG IL) and foreign names spelt the ways the lists spell them (ゲラシモフ =
Gerasimov). The pairs are the MOF asset-freeze list's own (katakana and English columns of one row)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kizuna.screening.katakana import foreign_units, korean_readings, listed_spellings
from kizuna.screening.model import Query
from kizuna.screening.screener import Screener


def test_a_korean_name_in_katakana_reads_back_into_the_hangul_it_can_stand_for() -> None:
    # ギョン: ㄱ + ㅕ/ㅛ + ㄴ/ㅇ (Japanese has neither ㅓ/ㅗ nor ㄴ/ㅇ apart); イル: 이 + ㄹ
    first, *_ = korean_readings("ギョンイル")
    assert "경" in first[0] and first[1] == ("일",)
    assert any("원" in cut[0] and "욱" in cut[1] for cut in korean_readings("ウォンウク"))
    assert "최" in korean_readings("チェ", 1)[0][0]  # チェ = 최 (Choe), not only 체/채
    assert "정" in korean_readings("ジョン", 1)[0][0]  # after ㅈ, ョ is ㅓ as well


def test_a_word_korean_cannot_be_has_no_korean_reading() -> None:
    assert korean_readings("ゲラシモフ") == ()  # five syllables: more than a given name has
    assert korean_readings("ワレリー") == ()  # a long-vowel mark


@pytest.mark.parametrize(("katakana", "english"), [
    ("キム・ギョンイル", "KIM KYONG IL"),
    ("ペ・ウォンウク", "PAE WON UK"),
    ("リ・チュンファン", "RI CHUN HWAN"),
    ("ワレリー・ゲラシモフ", "GERASIMOV, Valery"),
    ("ラナ・サッダーム・フセイン・アル・ティクリーティー", "RANA SADDAM HUSSEIN AL-TIKRITI"),
    ("サリム・ムスタファ・ムハンマド・アル・マンスール", "SALIM MUSTAFA MUHAMMAD AL-MANSUR"),
])
def test_katakana_names_of_the_mof_list_find_the_listed_party(screener: Screener, katakana: str,
                                                               english: str) -> None:
    hits = screener.screen(Query(katakana))
    assert english in {h.matched_name for h in hits}, [h.matched_name for h in hits[:5]]
    best = next(h for h in hits if h.matched_name == english)
    assert "katakana" in best.explanation or "spelt in the lists" in best.explanation


def test_a_listed_spelling_is_one_the_lists_use(screener: Screener) -> None:
    words = screener.index.vocab
    found = listed_spellings("マフムード", screener._begins_a_word, words.__contains__)
    assert "mahmud" in found or "mahmoud" in found
    assert all(s in words for s in found)
    assert listed_spellings("ゲラシモフ", screener._begins_a_word, lambda s: False) == ()


def test_a_japanese_person_is_not_made_a_listed_one(screener: Screener) -> None:
    # Japanese names in katakana are spelt as Japanese writes them; none is on a list.
    for name in ("ヤマダ・タロウ", "スズキ・イチロウ", "タナカ・ハナコ"):
        assert screener.screen(Query(name)) == [], name


@given(st.text(alphabet="アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンッーャュョァィゥェォヴ",
               min_size=1, max_size=12))
def test_every_unit_of_a_katakana_word_has_a_spelling_or_the_word_has_none(word: str) -> None:
    units = foreign_units(word)
    assert units == () or all(unit for unit in units)
