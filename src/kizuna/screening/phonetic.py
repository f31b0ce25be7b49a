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
_SPLIT_AFTER = frozenset("aeiou")


@cache
def metaphone(word: str) -> str:
    return str(jellyfish.metaphone(word)) if word.isalpha() else ""


@cache
def skeleton(word: str) -> str:
    """Consonant-class key of a Latin-letter word ('' for words without consonants)."""
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


def extend_skeleton(settled: str, tail: str, piece: str) -> tuple[str, str, str]:
    """The skeleton of a word once ``piece`` is appended to it, from what is known of the word: ``settled``, the
    skeleton of its letters up to its last split, and ``tail``, its letters after that; and the new ``settled`` and
    ``tail``. A word splits after a vowel (a, e, i, o, u; not the u of qu): no rule of ``skeleton`` reaches across
    it (no cluster holds a vowel but qu, a soft c needs the letter after it, a silent h the one before), so the
    skeleton of the whole is that of the part before joined to that of the part after. Spelling a katakana word
    unit by unit (``katakana.skeletons``) thus works out the skeleton of a few letters per unit, not of the
    whole spelling again."""
    whole, before, after = _split(tail + piece)
    word = _joined(settled, whole)
    return word, _joined(settled, before) if after else word, after


@cache  # the letters after a split: a few, so few distinct ones
def _split(text: str) -> tuple[str, str, str]:
    """The skeleton of ``text``, that of its letters up to its last split, and its letters after that."""
    split = len(text)
    while split and not (text[split - 1] in _SPLIT_AFTER and text[split - 2:split] != "qu"):
        split -= 1
    return skeleton(text), skeleton(text[:split]), text[split:]


def _joined(left: str, right: str) -> str:
    return left + right[1:] if left and right and left[-1] == right[0] else left + right


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
