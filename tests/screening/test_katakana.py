"""Names written in katakana find the parties the lists spell in Latin letters: Korean names read back into hangul
(キム・ギョンイル = 김경일 = KIM KYONG IL) and foreign names spelt the ways the lists spell them (ゲラシモフ =
Gerasimov). The pairs are the MOF asset-freeze list's own (katakana and English columns of one row)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kizuna.screening.katakana import foreign_units, korean_readings, listed_spellings, spelt_acronyms
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


# -- rules added for the MOF list's katakana (each a hand-worked case) --------------------------------------------


def test_a_run_of_latin_letter_names_is_the_acronym_they_spell() -> None:
    # ディー・シー・ビー: the Japanese names of D, C, B; a run of two or more is the acronym (DCB FINANCE LIMITED)
    assert spelt_acronyms("ディー・シー・ビー・ファイナンス・リミテッド") == "DCB・ファイナンス・リミテッド"
    assert spelt_acronyms("アール・ケー・ブリズ・オー・オー・オー") == "RK・ブリズ・OOO"
    # one letter name alone stays a word: エル is also the Arabic article
    assert spelt_acronyms("エル・ハッサン") == "エル・ハッサン"


def test_russian_soft_l_at_a_word_end_is_l_and_soft_d_is_d() -> None:
    # リゲリ = Ригель: final ль is written リ (Rigel); inside a word リ keeps its vowel
    last = foreign_units("リゲリ")[-1]
    assert "l" in last and "li" in last
    assert "l" not in foreign_units("オリガ")[1]
    # ジェ = де in メドヴェージェフ (Medvedev)
    assert "de" in foreign_units("ジェ")[0]


def test_a_long_o_may_be_the_ou_of_french_and_arabic_spellings() -> None:
    # オールド = Ould: ー after o read as u
    found = listed_spellings("オールド", lambda s: "ould".startswith(s), lambda s: s == "ould")
    assert found == ("ould",)


def test_a_spelling_may_end_with_a_silent_e() -> None:
    # ジェルマン = Djermane: katakana does not write the French final e
    found = listed_spellings("ジェルマン", lambda s: "djermane".startswith(s), lambda s: s == "djermane")
    assert found == ("djermane",)


def test_a_katakana_word_beside_kanji_is_a_word_of_its_own(screener: Screener) -> None:
    # ロシャン両替所: ロシャン (Roshan) + 両替所 (money exchange)
    hits = screener.screen(Query("ロシャン両替所"))
    assert "ROSHAN MONEY EXCHANGE" in {h.matched_name.upper() for h in hits}


def test_hiragana_particles_cut_a_name_and_read_as_connectives() -> None:
    from kizuna.screening.forms import query_forms
    translated = next(f for f in query_forms("イラクのアル・カーイダ") if f.via == "translation")
    assert "の" in [s.source for s in translated.slots]
    assert ("of",) in next(s for s in translated.slots if s.source == "の").options
