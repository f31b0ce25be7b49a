"""Properties of normalisation and scoring on generated text in every script the screener reads."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kizuna.screening import Query
from kizuna.screening.han import canonical_han
from kizuna.screening.korean import hanja_to_hangul
from kizuna.screening.latin import fold, latin_tokens
from kizuna.screening.screener import Screener

LATIN = st.characters(min_codepoint=0x20, max_codepoint=0x24F)
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
KANA = st.characters(min_codepoint=0x3040, max_codepoint=0x30FF)
HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
ANY = st.characters(codec="utf-8")  # every character a file can hold (no lone surrogates)
# Names in any script, mixed as customer files mix them, with spaces and punctuation between.
TEXT = st.text(st.one_of(LATIN, HAN, KANA, HANGUL, ANY, st.sampled_from(" .,&-'()・")), max_size=30)
CJK = st.text(st.one_of(HAN, KANA, HANGUL, st.sampled_from(" ・")), min_size=1, max_size=20)

FAST = settings(max_examples=150, deadline=None)
SCREENED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@FAST
@given(TEXT)
def test_latin_tokens_of_the_tokens_are_the_tokens(text: str) -> None:
    tokens = latin_tokens(text)
    assert latin_tokens(" ".join(tokens)) == tokens


@FAST
@given(CJK)
def test_one_han_spelling_is_a_fixed_point(text: str) -> None:
    once = canonical_han(text)
    assert canonical_han(once) == once


@FAST
@given(CJK)
def test_hanja_read_as_hangul_stays_hangul(text: str) -> None:
    once = hanja_to_hangul(text)
    assert hanja_to_hangul(once) == once


@SCREENED
@given(TEXT)
def test_scores_lie_between_0_and_1(screener: Screener, text: str) -> None:
    hits = screener.screen(Query(text), 0.0, limit=10)
    assert all(0.0 <= h.score <= 1.0 for h in hits), [(h.name, h.score) for h in hits]


def _latin_names(screener: Screener) -> list[tuple[str, str, str]]:
    """(list, entry id, name) of listed Latin-script names of three to six plain words."""
    plain = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{3,}){2,5}")
    return sorted({(e.list_code, e.entry_id, e.name) for e in screener.index.entries if plain.fullmatch(e.name)})


def _score(screener: Screener, list_code: str, entry_id: str, name: str) -> float:
    hits = screener.screen(Query(name, lists=(list_code,)), 0.0, limit=500)
    return max((h.score for h in hits if h.entry_id == entry_id), default=0.0)


@SCREENED
@given(st.data())
def test_adding_a_word_of_the_listed_name_never_lowers_its_score(screener: Screener, data: st.DataObject) -> None:
    """The matcher's promise: a query made of some of a listed name's words, in the name's order, scores that
    entry no lower when one more of the name's words is added in its place."""
    list_code, entry_id, name = data.draw(st.sampled_from(_latin_names(screener)), label="listed")
    words = name.split()
    kept = data.draw(st.sets(st.sampled_from(range(len(words))), min_size=1, max_size=len(words) - 1), label="kept")
    added = data.draw(st.sampled_from(sorted(set(range(len(words))) - kept)), label="added")
    shorter = " ".join(words[i] for i in sorted(kept))
    longer = " ".join(words[i] for i in sorted(kept | {added}))
    before, after = _score(screener, list_code, entry_id, shorter), _score(screener, list_code, entry_id, longer)
    assert after >= before - 1e-9, (name, shorter, before, longer, after)

