"""Korean: hangul syllables romanised three ways (RR, McCune–Reischauer, DPRK), Han read in Korean, family names.

The jamo tables and family names are in ``data/screening/korean.yaml`` with their sources; Sino-Korean
readings of Han characters in ``hanja_hangul.tsv``.
"""

from __future__ import annotations

from functools import cache

from kizuna.screening.tables import hanja_readings, korean_tables

SYSTEMS = ("dprk", "mr", "rr")
_BASE, _LAST = 0xAC00, 0xD7A3
_VOICED_FINALS = {0, 4, 8, 16, 21}  # none, ㄴ, ㄹ, ㅁ, ㅇ: a following ㄱㄷㅂㅈ is voiced in MR and DPRK


def is_hangul_syllable(char: str) -> bool:
    return _BASE <= ord(char) <= _LAST


def _jamo(char: str) -> tuple[int, int, int]:
    code = ord(char) - _BASE
    return code // 588, (code % 588) // 28, code % 28


@cache
def romanise(word: str, system: str) -> str:
    """One hangul word in one system, syllables joined: 련봉 -> ryonbong (DPRK), ryeonbong (RR)."""
    tables = korean_tables()
    initials, vowels = tables["initials"][system], tables["vowels"][system]
    finals, liaison, voiced = tables["finals"], tables["liaison"], tables["voiced"]
    syllables = [_jamo(c) for c in word if is_hangul_syllable(c)]
    out = []
    for i, (initial, vowel, final) in enumerate(syllables):
        previous_final = syllables[i - 1][2] if i else None
        if previous_final is not None and initial == 11 and liaison[previous_final]:
            consonant = ""  # carried over by the previous syllable's liaison
        else:
            consonant = initials[initial]
            if initial == 5 and previous_final == 8:
                consonant = "l"  # ㄹㄹ -> ll
            elif system != "rr" and previous_final in _VOICED_FINALS and initial in voiced:
                consonant = voiced[initial]
        following = syllables[i + 1][0] if i + 1 < len(syllables) else None
        ending = liaison[final] if following == 11 else finals[final]
        out.append(consonant + vowels[vowel] + ending)
    return "".join(out)


def readings(word: str) -> tuple[str, ...]:
    """The distinct romanisations of a hangul word, DPRK spelling first."""
    seen: list[str] = []
    for system in SYSTEMS:
        value = romanise(word, system)
        if value and value not in seen:
            seen.append(value)
    return tuple(seen)


def syllable_readings(syllable: str) -> tuple[str, ...]:
    """Romanisations of one syllable written as its own word (DPRK given names: Jong Un, Pyong Chol), with the
    initial voiced as the lists also write it (Ri Man Gon, Ri Son Gwon)."""
    voiced = korean_tables()["voiced"]
    found = list(readings(syllable))
    for reading in list(found):
        for plain, soft in (("k", "g"), ("t", "d"), ("p", "b"), ("ch", "j")):
            if reading.startswith(plain) and not reading.startswith(plain + "h") and soft in voiced.values():
                found.append(soft + reading[len(plain):])
    return tuple(dict.fromkeys(found))


def surname(name: str) -> tuple[str, tuple[str, ...]] | None:
    """(family name, its spellings) when ``name`` begins with a known family name (two-syllable ones first)."""
    table: dict[str, list[str]] = korean_tables()["surnames"]
    for size in (2, 1):
        head = name[:size]
        if head in table and len(name) > size:
            return head, tuple(table[head])
    return None


def hanja_to_hangul(text: str, as_name: bool = False) -> str:
    """Read Han characters in Korean (端川 -> 단천); with ``as_name`` the first character is read as a family name."""
    readings_table = hanja_readings()
    out = []
    for i, char in enumerate(text):
        if as_name and i == 0:
            out.append(korean_tables()["han_surnames"].get(char) or readings_table.get(char, char))
        else:
            out.append(readings_table.get(char, char))
    return "".join(out)
