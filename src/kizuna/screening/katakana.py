"""Korean names written in katakana, read back into hangul: キム・ギョンイル -> 김 / 경 or 견 / 일.

Japanese lists write DPRK names in katakana, which keeps neither Korean's vowels (オ is ㅓ or ㅗ) nor its finals
(ン is ㄴ or ㅇ), and runs the syllables of a given name together. Each katakana word is cut into Korean syllables
(a kana, a small kana, and optionally a closing ン ル ク ム プ ッ), and each syllable given every hangul syllable it can
stand for (data/screening/katakana_korean.yaml); the Korean romanisations of those then meet the lists' spellings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import accumulate, islice, product

from rapidfuzz.distance import Levenshtein

from kizuna.screening import korean
from kizuna.screening.phonetic import extend_skeleton
from kizuna.screening.tables import katakana_korean, katakana_latin

_SMALL = frozenset("ャュョァィゥェォ")
_BASE = 0xAC00
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"  # index 0: no final
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"

Syllable = tuple[str, ...]  # the hangul syllables one Korean syllable in katakana can be


@cache
def korean_readings(word: str, most: int = 3) -> tuple[tuple[Syllable, ...], ...]:
    """Every way to cut a katakana word into at most ``most`` Korean syllables, each syllable with the hangul
    it can stand for; () when the word cannot be Korean (a long-vowel mark, a kana Korean has no use for)."""
    for written, read in katakana_korean().spelt_as.items():
        word = word.replace(written, read)
    return tuple(cut for cut in _cuts(word) if 0 < len(cut) <= most)


def korean_spellings(word: str, is_prefix: Callable[[str], bool], is_word: Callable[[str], bool]) -> tuple[str, ...]:
    """The romanisations of a katakana word read as one Korean word (トンヘ = 동해 = Tonghae) that the lists use:
    each cut into at most four syllables, their readings followed syllable by syllable while they begin a listed
    word (``is_prefix``), kept when they are one (``is_word``)."""
    most = katakana_latin().most_spellings
    found: dict[str, None] = {}
    for cut in korean_readings(word, 4):
        if len(cut) < 2:
            continue  # one syllable alone is a family or given name, read by the person forms
        states = [""]
        for syllables in cut:
            readings = dict.fromkeys(r for h in syllables for r in korean.syllable_readings(h))
            states = [s for s in dict.fromkeys(s + r for s in states for r in readings) if is_prefix(s)][:most]
            if not states:
                break
        found.update(dict.fromkeys(s for s in states if is_word(s)))
    return tuple(found)


_INSIDE = frozenset("ンッーャュョァィゥェォヮ")  # kana that never begin a word: they close or lengthen a syllable


def cuts_a_syllable(text: str, start: int, end: int) -> bool:
    """Whether a word read from ``text[start:end]`` would cut a katakana syllable: it begins with a kana that only
    ends one (ン ッ ー, a small kana) or right after ッ, or what follows it does (コリアン is not コリア + ン)."""
    return bool((start > 0 and (text[start] in _INSIDE or text[start - 1] == "ッ"))
                or (end < len(text) and (text[end] in _INSIDE or text[end - 1] == "ッ")))


def _cuts(word: str) -> list[tuple[Syllable, ...]]:
    if not word:
        return [()]
    found: list[tuple[Syllable, ...]] = []
    for size in (3, 2, 1):
        head, rest = word[:size], word[size:]
        if len(head) < size:
            continue
        syllables = _syllable(head)
        if syllables and not (rest and rest[0] in _SMALL):
            found.extend((syllables, *tail) for tail in _cuts(rest))
    return found


@cache
def _syllable(kana: str) -> Syllable:
    """The hangul syllables ``kana`` (a kana, an optional small kana, an optional final) can be; () if none."""
    tables = katakana_korean()
    base, rest = kana[0], kana[1:]
    vowel_kana = base
    if rest and rest[0] in _SMALL:
        vowel_kana, rest = rest[0], rest[1:]
    if len(rest) > 1 or (rest and rest not in tables.finals):
        return ()
    initials = [jamo for jamo, row in tables.initials.items() if base in row]
    vowels = tables.vowels.get(vowel_kana, [])
    if vowel_kana != base and ("ㅈ" in initials or "ㅊ" in initials):
        vowels = [*tables.palatalised.get(vowel_kana, []), *vowels]
    finals = tables.finals[rest] if rest else [" "]
    return tuple(dict.fromkeys(_compose(i, v, f) for i, v, f in product(initials, vowels, finals)))


def _compose(initial: str, vowel: str, final: str) -> str:
    return chr(_BASE + (_INITIALS.index(initial) * 21 + _VOWELS.index(vowel)) * 28 + _FINALS.index(final))


# -- foreign names in katakana ---------------------------------------------------------------------------------

_COLUMNS = "aiueo"
_NOT_CONSONANTS = frozenset("aiueoyw")
_ITERATION_SMALL = frozenset("ャュョ")


@cache
def foreign_units(word: str) -> tuple[tuple[str, ...], ...]:
    """The spellings each unit of a katakana word can have (a kana with its small kana, ッ, ン or ー); () for a
    word with anything but katakana. ``=`` stands for the previous vowel again (a long vowel written twice)."""
    return _units(word, ())


@cache
def foreign_unit_variants(word: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The units of a katakana word (``foreign_units``), and the units with kana sequences that may spell one Latin
    letter read as that letter (インペックス: クス as x), each way to read them; () for a word with no units."""
    plain = foreign_units(word)
    if not plain:
        return ()
    clusters = katakana_latin().clusters
    found = [(at, kana) for kana in clusters for at in range(len(word)) if word.startswith(kana, at)]
    variants = [plain]
    for chosen in range(1, 2 ** min(len(found), katakana_latin().most_clusters)):
        picked = tuple(found[k] for k in range(len(found)) if chosen >> k & 1)
        ends = [at + len(kana) for at, kana in picked]
        if all(at >= end for (at, _), end in zip(picked[1:], ends, strict=False)):  # no two overlap
            units = _units(word, picked)
            if units:
                variants.append(units)
    return tuple(variants)


def _units(word: str, clustered: tuple[tuple[int, str], ...]) -> tuple[tuple[str, ...], ...]:
    tables = katakana_latin()
    starts = dict(clustered)
    units: list[tuple[str, ...]] = []
    geminate = False
    i = 0
    while i < len(word):
        if i in starts:  # a kana sequence read as one letter (クス: x)
            spellings = tuple(tables.clusters[starts[i]])
            i += len(starts[i])
            if geminate:  # ックス: x
                spellings = tuple(dict.fromkeys([*spellings, *(s[0] + s for s in spellings)]))
            units.append(spellings)
            geminate = False
            continue
        char = word[i]
        small = word[i + 1] if i + 1 < len(word) and word[i + 1] in tables.small else ""
        i += 1 + bool(small)
        if char == "ッ":
            geminate = True
            continue
        if char == "ー":
            units.append(tuple(tables.long))
        elif char == "ン":
            units.append(tuple(tables.moraic_n))
        else:
            spellings = _kana_spellings(char, small, i == len(word))
            if not spellings:
                return ()
            if geminate:  # サッダーム: the next consonant doubled (Saddam), or not (Sadam)
                doubled = (s[0] + s for s in spellings if s and s[0] not in _COLUMNS)
                spellings = tuple(dict.fromkeys([*spellings, *doubled]))
            units.append(spellings)
        geminate = False
    return tuple(units)


def _kana_spellings(kana: str, small: str, last: bool = False) -> tuple[str, ...]:
    tables = katakana_latin()
    row = next((r for r in tables.rows if kana in r.kana), None)
    if row is None:
        return ()
    column = _COLUMNS[row.kana.index(kana)] if len(row.kana) == 5 else "u"
    consonants = tables.consonants.get(kana, row.consonant)
    vowel = column
    if small:
        vowel = tables.small[small]
        if small in _ITERATION_SMALL and column == "i" and kana not in tables.consonants:
            consonants = [c + glide for c in consonants for glide in ("y", "i")] if consonants != [""] else ["y"]
        elif kana in "ウ":
            consonants = ["w", "v"]
    vowels = tables.vowels[vowel]
    if not small and (kana in tables.bare_vowel or (last and kana in tables.final_bare_vowel)):
        vowels = [*vowels, ""]  # ミロシェヴィッチ: Milosevic(h)
    # A vowel kana is its vowel: only a consonant's added vowel may be silent (オマル is never "mar").
    return tuple(dict.fromkeys(c + v for c in consonants for v in vowels if c + v))


def listed_spellings(word: str, is_prefix: Callable[[str], bool], is_word: Callable[[str], bool]) -> tuple[str, ...]:
    """The spellings of a katakana word that the lists use (``is_word``), found by following, unit by unit, only
    spellings that begin a listed word (``is_prefix``), so that a word of many kana costs a few lookups per kana."""
    found: dict[str, None] = {}
    for units in foreign_unit_variants(word):
        found.update(dict.fromkeys(_spellings_of_units(units, is_prefix, is_word)))
    return tuple(found)


def _spellings_of_units(units: tuple[tuple[str, ...], ...], is_prefix: Callable[[str], bool],
                        is_word: Callable[[str], bool]) -> tuple[str, ...]:
    tables = katakana_latin()
    most = tables.most_spellings
    states = [""]
    for unit in units:
        following: dict[str, None] = {}
        for state in states:
            last = state[-1] if state else ""
            for spelling in unit:
                if spelling == "=":  # ー: the vowel again, or what else it may be after that vowel
                    for again in (last if last in "aeiou" else "", *tables.long_after.get(last, ())):
                        following[state + again] = None
                    continue
                following[state + spelling] = None
        states = [s for s in following if is_prefix(s)][:most]
        if not states:
            return ()
    endings = [s + e for s in states if s and s[-1] not in _COLUMNS for e in tables.silent_final]
    endings += [s + e for s in states if s and s[-1] in _COLUMNS for e in tables.silent_final_after_vowel]
    return tuple(s for s in dict.fromkeys([*states, *endings]) if len(s) >= 2 and is_word(s))


def article_splits(word: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The ways ``word`` can be the Arabic article, or a name word such as Abu or Abdul, written onto a name
    (アッサイード: アッ + サイード; アブドゥルガニー: アブドゥル + ガニー): (its kana, the rest of the word, its
    spellings). After アッ / エッ the rest begins with the doubled consonant, which the rest keeps as its own first
    kana."""
    found = []
    tables = katakana_latin()
    for article, spellings in {**tables.articles, **tables.prefixes}.items():
        rest = word[len(article):]
        if word.startswith(article) and len(rest) >= 2 and rest[0] not in _INSIDE:
            found.append((article, rest, tuple(spellings)))
    return tuple(found)


_WORDS_AND_SEPARATORS = re.compile(r"([・･=＝\s]+)")


def spelt_acronyms(text: str) -> str:
    """``text`` with every run of two or more katakana words that are each a Latin letter's name written as the
    acronym they spell (ディー・シー・ビー・ファイナンス = DCB・ファイナンス); ``text`` itself when it has none."""
    letters = katakana_latin().letters
    parts = _WORDS_AND_SEPARATORS.split(text)  # words at even positions, separators at odd ones
    out: list[str] = []
    i = 0
    while i < len(parts):
        end = i
        while end < len(parts) and parts[end] in letters:
            end += 2
        if end - i >= 4:  # two letters or more
            out.append("".join(letters[parts[k]] for k in range(i, end, 2)).upper())
            i = end - 1  # the separator after the run's last letter follows
            continue
        out.append(parts[i])
        i += 1
    return "".join(out)


@lru_cache(maxsize=1 << 16)  # pairs of a query word and a listed word: bounded, unlike the per-word caches
def spelling_distance(word: str, target: str, most: int, substitution: int = 1, dropped_consonant: int = 0) -> int:
    """The fewest letter edits (Levenshtein, a substituted letter counting ``substitution`` edits and a consonant
    the kana write that ``target`` lacks ``dropped_consonant`` more) that make some spelling of katakana ``word``
    into the Latin word ``target`` (バフクワ: bafukwa, one inserted n from Bafunkwa); ``most + 1`` when it takes
    more than ``most``, or when ``word`` is not katakana. Each kana spells at least one letter of ``target``: a
    kana the listed word has no letter for is not an edit but another word (ミハイロフ, Mikhail). Followed unit by
    unit over the positions of ``target``, so it costs a few comparisons of short strings per unit, not one per
    spelling of the whole word."""
    tables = katakana_latin()
    best = most + 1
    consonants = _consonants_before(target)
    for units in foreign_unit_variants(word):
        shortest, longest = _length_bounds(units)
        if (not shortest - most <= len(target) <= longest + most + 1  # + 1: a silent final letter
                or _fewest_edits(units, target, substitution) > most):
            continue
        costs: dict[int, int] = {0: 0}  # letters of target spelt so far -> edits spent
        for unit in units:
            following: dict[int, int] = {}
            for start, spent in costs.items():
                left = most - spent
                spellings = _unit_spellings(unit, target[start - 1] if start else "", tables.long_after)
                if left < 2 and substitution > 1:  # a substitution costs more than is left: only indels align
                    spellings = _alignable(spellings, target[start:start + 2], left)
                for spelling in spellings:
                    if not left:  # no edit left: the spelling must be what follows (most transitions)
                        if target.startswith(spelling, start) and spent < following.get(end := start + len(spelling),
                                                                                           most + 1):
                            following[end] = spent
                        continue
                    for size in range(max(1 if spelling else 0, len(spelling) - left), len(spelling) + left + 1):
                        if start + size > len(target):
                            break
                        edits = Levenshtein.distance(spelling, target[start:start + size], weights=(1, 1, substitution),
                                                     score_cutoff=left)
                        if edits > left:
                            continue
                        edits += spent + dropped_consonant * max(
                            0, _consonant_count(spelling) - consonants[start + size] + consonants[start])
                        if edits <= most and edits < following.get(start + size, most + 1):
                            following[start + size] = edits
            costs = following
            if not costs:
                break
        for end, spent in costs.items():
            rest = target[end:]
            silent = (rest in tables.silent_final and end and target[end - 1] not in _COLUMNS) or (
                rest in tables.silent_final_after_vowel and end and target[end - 1] in _COLUMNS)
            if not rest or silent:
                best = min(best, spent)
    return best


@lru_cache(maxsize=1 << 14)  # listed words, each compared with many katakana words
def _consonants_before(target: str) -> tuple[int, ...]:
    """How many consonants (not vowels, y or w) ``target`` has before each position."""
    return tuple(accumulate((letter not in _NOT_CONSONANTS for letter in target), initial=0))


@cache
def _consonant_count(spelling: str) -> int:
    return sum(letter not in _NOT_CONSONANTS for letter in spelling)


def _fewest_edits(units: tuple[tuple[str, ...], ...], target: str, substitution: int) -> int:
    """A lower bound of ``spelling_distance`` from letter counts alone, cheap enough to spare the alignment of
    most listed words: a letter ``target`` has more often than any spelling of ``units`` must be inserted, one
    it has less often than every spelling must be deleted, and a substitution does both for one letter each."""
    fewest, most = _letter_bounds(units)
    counts = _letter_counts(target)
    unmatched = (sum(n - most.get(letter, 0) for letter, n in counts.items() if n > most.get(letter, 0))
                 + sum(n - counts.get(letter, 0) for letter, n in fewest.items() if n > counts.get(letter, 0)))
    return -(-unmatched * min(substitution, 2) // 2)


@lru_cache(maxsize=1 << 14)  # listed words, each compared with many katakana words
def _letter_counts(target: str) -> Counter[str]:
    return Counter(target)


@cache
def _letter_bounds(units: tuple[tuple[str, ...], ...]) -> tuple[dict[str, int], dict[str, int]]:
    """How often each letter occurs at least and at most in a spelling of ``units`` (with a silent final)."""
    tables = katakana_latin()
    long_vowel = (*_COLUMNS, *(s for after in tables.long_after.values() for s in after))  # what = may spell
    fewest: Counter[str] = Counter()
    most: Counter[str] = Counter()
    for unit in (*units, ("", *tables.silent_final, *tables.silent_final_after_vowel)):
        spellings = [Counter(s) for option in unit for s in (long_vowel if option == "=" else (option,))]
        if "=" in unit:
            spellings.append(Counter())
        for letter in {letter for spelling in spellings for letter in spelling}:
            fewest[letter] += min(spelling[letter] for spelling in spellings)
            most[letter] += max(spelling[letter] for spelling in spellings)
    return dict(+fewest), dict(most)


@cache
def _length_bounds(units: tuple[tuple[str, ...], ...]) -> tuple[int, int]:
    """The fewest and most letters ``units`` can spell (``=`` is one letter at most)."""
    sizes = [[1 if s == "=" else len(s) for s in unit] for unit in units]
    return sum(min(unit) for unit in sizes), sum(max(unit) for unit in sizes)


@cache
def skeletons(word: str) -> tuple[str, ...]:
    """The consonant skeletons (``phonetic.skeleton``) that spellings of katakana word ``word`` can have, at most
    ``most_skeletons`` of them (ムジャンベレ: msnbr, msmbr ...): the keys under which the index keeps listed
    words that sound alike, for finding a listed word its kana spell with a few edits (``spelling_distance``)."""
    most = katakana_latin().most_skeletons
    found: dict[str, None] = {}
    long_after = katakana_latin().long_after
    for units in foreign_unit_variants(word):
        # Spellings so far by their skeleton and last two letters (the context of the next unit's clusters,
        # sh / kh / x): those alike in both lead to the same skeletons, so one of them is followed, as what
        # extend_skeleton keeps of it.
        states = {("", ""): ("", "")}
        for unit in units:
            following: dict[tuple[str, str], tuple[str, str]] = {}
            for (_, last), (settled, tail) in states.items():
                for s in _unit_spellings(unit, last[-1:], long_after):
                    bones, now_settled, now_tail = extend_skeleton(settled, tail, s)
                    following[bones, (last + s)[-2:]] = now_settled, now_tail
            states = dict(islice(following.items(), most * 4))
        found.update(dict.fromkeys(bones for bones, _ in states))
    return tuple(found)[:most]


@cache  # by two letters, so few distinct
def _alignable(spellings: tuple[str, ...], following: str, inserted_or_deleted: int) -> tuple[str, ...]:
    """The ``spellings`` that at most ``inserted_or_deleted`` (0 or 1) letters inserted or deleted may align with
    a text that goes on with the letters ``following`` (two): those that begin with its first letter, or (one
    letter) its second, or whose second letter is its first; and the empty spelling (a silent ー)."""
    first, second = following[:1], following[1:2]
    if not inserted_or_deleted:
        return tuple(s for s in spellings if not s or s[0] == first)
    return tuple(s for s in spellings if not s or s[0] == first or s[0] == second or s[1:2] == first)


def _unit_spellings(unit: tuple[str, ...], before: str, long_after: dict[str, list[str]]) -> tuple[str, ...]:
    """A unit's spellings, with ``=`` (ー: the vowel again) read after the letter ``before`` it."""
    if "=" not in unit:
        return unit
    again = (before if before in _COLUMNS else "", *long_after.get(before, ()))
    return tuple(dict.fromkeys(s for spelling in unit for s in (again if spelling == "=" else (spelling,))))
