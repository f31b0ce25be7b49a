"""Properties of normalisation and scoring on generated text in every script the screener reads."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kizuna.screening import Query
from kizuna.screening.han import canonical_han
from kizuna.screening.korean import hanja_to_hangul
from kizuna.screening.latin import fold, latin_tokens
from kizuna.screening.phonetic import extend_skeleton, skeleton
from kizuna.screening.screener import Screener
from kizuna.screening.tables import latin_qualifier_words, term_classes

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


def test_a_variant_chain_ends_in_one_spelling() -> None:
    # Found by the property above: jp2t then t2s took 敘 to 叙 and 叙 on to 敍, so 敘 and 叙 never met.
    assert canonical_han("敘") == canonical_han("叙") == canonical_han("敍") == "敍"


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


def _single_name_entries(screener: Screener) -> list[tuple[str, str, str]]:
    """(list, entry id, name) of entries with one listed name of three to six plain Latin words, no country or
    region qualifier in it, and no entry of another list linked to them."""
    index = screener.index
    names = Counter(index.name_entry)
    qualified = {index.name_entry[name_id] for name_id in index.name_qualifiers}
    plain = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{3,}){2,5}")
    return sorted({(e.list_code, e.entry_id, e.name) for n, e in enumerate(index.entries)
                   if names[n] == 1 and n not in qualified and len(index.clusters.get(index.entry_cluster[n], ())) <= 1
                   and plain.fullmatch(e.name)})


def _distinctive(word: str) -> bool:
    """Not a legal form or generic term (the term table) and not a place (the qualifier words)."""
    return not any(t in term_classes() or t in latin_qualifier_words() for t in latin_tokens(word))


def _score(screener: Screener, list_code: str, entry_id: str, name: str) -> float:
    hits = screener.screen(Query(name, lists=(list_code,)), 0.0, limit=500)
    return max((h.score for h in hits if h.entry_id == entry_id), default=0.0)


@SCREENED
@given(st.data())
def test_adding_a_distinctive_word_of_the_listed_name_never_lowers_its_score(screener: Screener,
                                                                              data: st.DataObject) -> None:
    """The matcher's promise, precisely: for an entry with one listed name, a query made of some of that name's
    words (in its order) scores the entry no lower when one more distinctive word of the name is added in its place.

    Why "one listed name": an entry's score is its best name's, so a word only the primary name has can lower the
    score below an alias's exact match (BASIJ ↔ alias BASIJ 0.95, BASIJ FORCE ↔ BASIJ RESISTANCE FORCE 0.88).
    Why "distinctive": a legal form weighs less than the coverage it costs the other side (SENSETIME 1.00,
    SENSETIME LIMITED 0.99 against SENSETIME GROUP LIMITED). The two known exceptions are the xfail tests below."""
    list_code, entry_id, name = data.draw(st.sampled_from(_single_name_entries(screener)), label="listed")
    words = name.split()
    kept = data.draw(st.sets(st.sampled_from(range(len(words))), min_size=1, max_size=len(words) - 1), label="kept")
    addable = [i for i in range(len(words)) if i not in kept and _distinctive(words[i])]
    assume(addable)
    added = data.draw(st.sampled_from(addable), label="added")
    shorter = " ".join(words[i] for i in sorted(kept))
    longer = " ".join(words[i] for i in sorted(kept | {added}))
    before, after = _score(screener, list_code, entry_id, shorter), _score(screener, list_code, entry_id, longer)
    assert after >= before - 1e-9, (name, shorter, before, longer, after)


@pytest.mark.xfail(strict=True, reason="candidate cap: more listed names share 'Huawei' than the 60 candidate names "
                                       "(scoring.yaml name.candidates), and Huawei Cloud Singapore is not among them")
def test_adding_the_brand_keeps_the_entry_the_place_alone_found(screener: Screener) -> None:
    entry = "Huawei Cloud Singapore"
    [(list_code, entry_id)] = [(e.list_code, e.entry_id) for e in screener.index.entries if e.name == entry]
    before = _score(screener, list_code, entry_id, "Singapore")  # 0.20 today
    assert before > 0 and _score(screener, list_code, entry_id, "Huawei Singapore") >= before  # 0.0 today


@pytest.mark.xfail(strict=True, reason="half of a two-word qualifier is an ordinary word: 'Focus' costs the "
                                       "qualifier factor (0.95), 'Focus East' the coverage of 'middle' (0.94)")
def test_adding_half_of_a_place_name_does_not_lower_the_score(screener: Screener) -> None:
    [(list_code, entry_id)] = [(e.list_code, e.entry_id) for e in screener.index.entries
                               if e.name == "Focus Middle East"]
    assert _score(screener, list_code, entry_id, "Focus East") >= _score(screener, list_code, entry_id, "Focus")


# Letters of spellings, weighted to the clusters and contexts phonetic.skeleton rewrites (sch, qu, x, soft c, h)
SPELLING = st.text(st.sampled_from("aeiouyhcstqkxpzgbnr"), max_size=8)


@FAST
@given(st.lists(SPELLING, min_size=1, max_size=6))
@example(["qu", "ha"])  # the u of qu is no split: qu is k, and the h after a consonant is silent (k, not kh)
def test_a_skeleton_extended_piece_by_piece_is_the_skeleton_of_the_whole(pieces: list[str]) -> None:
    # katakana.skeletons spells a word unit by unit: the skeleton it keeps must be the whole spelling's at each step
    settled, tail, spelt = "", "", ""
    for piece in pieces:
        spelt += piece
        bones, settled, tail = extend_skeleton(settled, tail, piece)
        assert bones == skeleton(spelt)
