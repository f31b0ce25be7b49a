"""Latin-script tokens: folded, abbreviations expanded, ordinals as numbers, plurals stripped."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from kizuna.screening.tables import latin_rules, term_classes

_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")


def fold(text: str) -> str:
    """Compatibility-fold, strip accents and lower-case: 'Société Générale' -> 'societe generale'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def normalise_word(word: str) -> str:
    """One folded word in canonical form: abbreviation expanded, ordinal as digits, plural stripped."""
    rules = latin_rules()
    word = rules["abbreviations"].get(word, word)
    if word in rules["ordinals"]:
        return rules["ordinals"][word]
    if m := _ORDINAL.match(word):
        return m[1]
    return _strip_plural(word)


def _strip_plural(word: str) -> str:
    """The singular of a word the term table knows (Technologies -> technology); names stay as written
    (Sonis, Hamas)."""
    if len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        singular = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("us", "ss")):
        singular = word[:-1]
    else:
        return word
    return singular if singular in term_classes() else word


def latin_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a Latin-script name: '&' as 'and', apostrophes dropped, punctuation splits, 'No. 14' -> '14'."""
    folded = fold(text).replace("&", " and ")
    folded = _APOSTROPHES.sub("", folded)
    words = [w for w in _NON_ALNUM.split(folded) if w]
    tokens = []
    for i, word in enumerate(words):
        if word == "no" and i + 1 < len(words) and words[i + 1][:1].isdigit():
            continue  # "No. 14 Research Institute"
        tokens.append(normalise_word(word))
    return tuple(tokens)
