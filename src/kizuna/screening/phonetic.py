"""Sound-alike keys for comparing words written down from speech in different scripts.

``metaphone`` (Lawrence Philips, 1990, via jellyfish) catches Latin spelling variants: Mohammed / Muhammad,
Aleksandr / Alexander. ``skeleton`` keeps only consonant classes, for romanised katakana, Arabic and Korean
against the lists' English spellings: ハイクビジョン 'haikubijon' and 'hikvision' both give 'hkbsn'.
"""

from __future__ import annotations

import re
from functools import cache

import jellyfish

# Consonant classes by place of articulation, as Japanese loanword spelling merges them (v -> b, l -> r,
# th/z/j -> s-like); vowels, w, y and a lone h after a consonant carry no weight.
_CLUSTERS = [("sch", "s"), ("tch", "s"), ("ph", "f"), ("ck", "k"), ("sh", "s"), ("ch", "s"), ("th", "s"),
             ("ts", "s"), ("zh", "s"), ("kh", "k"), ("gh", "g"), ("x", "ks"), ("qu", "k")]
_CLASSES = str.maketrans({"b": "b", "p": "b", "f": "b", "v": "b", "k": "k", "g": "k", "q": "k", "c": "k",
                          "t": "t", "d": "t", "s": "s", "z": "s", "j": "s", "r": "r", "l": "r", "m": "m",
                          "n": "n", "h": "h"})
_SOFT_C = re.compile(r"c(?=[eiy])")


@cache
def metaphone(word: str) -> str:
    return str(jellyfish.metaphone(word)) if word.isalpha() else ""


@cache
def skeleton(word: str) -> str:
    """Consonant-class key of a Latin-letter word ('' for words without consonants)."""
    return skeleton_uncached(word)


def skeleton_uncached(word: str) -> str:
    """``skeleton`` without its cache, for the many strings that are never asked twice (the spellings a
    katakana word's kana can have, ``katakana.skeletons``): a cache of those would grow without bound."""
    text = _SOFT_C.sub("s", word.lower())
    for cluster, replacement in _CLUSTERS:
        text = text.replace(cluster, replacement)
    key: list[str] = []
    for i, char in enumerate(text):
        mapped = _CLASSES.get(ord(char))
        if mapped is None:
            continue
        if mapped == "h" and (i == len(text) - 1 or (i > 0 and text[i - 1] not in "aeiouy")):
            continue  # h after a consonant, or at the end, is not pronounced
        mapped_char = chr(mapped) if isinstance(mapped, int) else mapped
        if not key or key[-1] != mapped_char:
            key.append(mapped_char)
    return "".join(key)


# Korean syllables romanised differently by the three systems and by habit: Jong-eun / Jong Un, Yeo / Yo,
# Choi / Choe, Gon / Kon (Revised Romanization, McCune–Reischauer, DPRK; data/screening/korean.yaml).
_KOREAN_VOWELS = [("yeo", "yo"), ("eo", "o"), ("eu", "u"), ("oi", "oe"), ("wo", "o"), ("ee", "i")]
_KOREAN_INITIALS = {"g": "k", "d": "t", "b": "p", "j": "ch", "l": "r"}


@cache
def korean_key(word: str) -> str:
    """One spelling for the romanisations of a Korean syllable or short name word."""
    text = word.lower()
    for variant, plain in _KOREAN_VOWELS:
        text = text.replace(variant, plain)
    for soft, plain in _KOREAN_INITIALS.items():
        if text.startswith(soft):
            return plain + text[len(soft):]
    return text
