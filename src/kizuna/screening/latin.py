"""Latin-script tokens: folded, abbreviations expanded, ordinals as numbers, plurals stripped."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from kizuna.screening.tables import latin_qualifier_words, latin_rules, term_classes

_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
# Single letters joined by dots: K.K., S.A., U.K., U.S.A.
_DOTTED = re.compile(r"(?<![0-9a-z.])[a-z](?:\.[a-z])+\.?(?![0-9a-z])")


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
    folded = _DOTTED.sub(_dotted_word, _APOSTROPHES.sub("", folded))
    words = [w for w in _NON_ALNUM.split(folded) if w]
    tokens = []
    for i, word in enumerate(words):
        if word == "no" and i + 1 < len(words) and words[i + 1][:1].isdigit():
            continue  # "No. 14 Research Institute"
        tokens.append(normalise_word(word))
    return _joined_letters(tuple(tokens))


def _joined_letters(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Single letters ending a name that spell a legal form or country as written without dots (a customer file's
    "cecep editores s a" for CECEP EDITORES S.A.): the one word, as the dotted form is read."""
    start = len(tokens)
    while start > 0 and len(tokens[start - 1]) == 1 and tokens[start - 1].isalpha():
        start -= 1
    if len(tokens) - start < 2 or start == 0:
        return tokens
    word = "".join(tokens[start:])
    return (*tokens[:start], word) if _known_short_form(word) else tokens


def _dotted_word(match: re.Match[str]) -> str:
    """A dotted legal form or country (K.K., S.A., U.K.) as the one word it abbreviates; other dotted letters
    (a person's initials, I.I.) stay letters."""
    word = match.group().replace(".", "")
    return word if _known_short_form(word) else match.group()


def _known_short_form(word: str) -> bool:
    return word in term_classes() or word in latin_qualifier_words()
