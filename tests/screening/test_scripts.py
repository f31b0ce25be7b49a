"""Per-script pieces: Han spellings and numbers, Korean romanisation, Japanese readings, sound keys."""

from __future__ import annotations

import pytest

from kizuna.screening.forms import CJK_FORM, cjk_form, query_forms
from kizuna.screening.han import canonical_han, chinese_number
from kizuna.screening.japanese import romaji
from kizuna.screening.korean import hanja_to_hangul, readings, surname
from kizuna.screening.phonetic import metaphone, skeleton


@pytest.mark.parametrize(("a", "b"), [("中国電子科技集団公司", "中國電子科技集團公司"), ("広州", "廣州"),
                                      ("研究所", "硏究所")])
def test_japanese_traditional_and_simplified_spellings_meet(a: str, b: str) -> None:
    assert canonical_han(a) == canonical_han(b)


@pytest.mark.parametrize(("text", "value"), [("第十四", 14), ("二十八", 28), ("五十四", 54), ("七○二", 702),
                                             ("771", 771)])
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(canonical_han(text)) == value


def test_cjk_form_uses_lexicon_words_numbers_and_splits_compounds() -> None:
    tokens = cjk_form("中国電子科技集団公司第十四研究所").tokens
    assert tokens == ("中国", "电子", "科技", "集团", "公司", "14", "研究所")
    # 国防科技大学 (the common name) and 国防科学技術大学 (METI's) become the same words.
    assert cjk_form("国防科技大学").tokens == cjk_form("国防科学技術大学").tokens == ("国防", "科技", "大学")
    # ...while 北京理工大学 and 北京工业大学 (different universities) do not.
    assert cjk_form("北京理工大学").tokens != cjk_form("北京工业大学").tokens


@pytest.mark.parametrize(("word", "expected"), [
    ("련봉", ("ryonbong", "ryeonbong")),  # DPRK and RR
    ("단천", ("tanchon", "dancheon")),  # MR voices nothing at the start, ㅊ is never voiced
    ("대동", ("taedong", "daedong")),
    ("경택", ("kyongthaek", "kyongtaek", "gyeongtaek")),  # DPRK writes ㅌ as th
    ("고려", ("koryo", "goryeo")),
])
def test_korean_romanisation_three_systems(word: str, expected: tuple[str, ...]) -> None:
    assert readings(word) == expected


def test_korean_family_names_and_hanja_readings() -> None:
    assert surname("김정은") == ("김", ("kim", "gim"))
    assert hanja_to_hangul("金正恩", as_name=True) == "김정은"  # 金 is 금 as a word, 김 as a name
    assert hanja_to_hangul("端川商業銀行") == "단천상업은행"


def test_japanese_readings_include_loanword_spelling_and_bare_consonants() -> None:
    assert "hamas" in romaji("ハマス")
    assert "sberbank" in romaji("スベルバンク")
    assert romaji("ハイクビジョン")[0] == "haikubijon"


def test_sound_keys() -> None:
    assert metaphone("mohammed") == metaphone("muhammad")
    assert skeleton("hikvision") == skeleton("haikubijon") == "hkbsn"
    assert skeleton("kalashnikov") == skeleton("karashinikof")


def test_query_forms_per_script() -> None:
    assert [f.via for f in query_forms("北京航空航天大学")][:2] == [CJK_FORM, "translation"]
    korean = {f.via: f for f in query_forms("김정은")}
    assert korean["Korean person name"].text == "kim jong un"
    translated = {f.via: f for f in query_forms("조선광업개발무역회사")}["translation"]
    assert [s.how.split(":")[0] for s in translated.slots] == ["place table", "term table", "term table"]
    assert {f.via for f in query_forms("Сергей Лавров")} == {"transliteration"}
