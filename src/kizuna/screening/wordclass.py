"""What kind of word a token is: a number, a place, a legal form, a generic organisation word, or a name word.

Used to weight tokens and to notice conflicts: two names that differ exactly where one says 14 and the other
54, or Beijing against Nanjing, or University against Institute, name different parties.
"""

from __future__ import annotations

from functools import cache

from kizuna.screening.lexicon import lexicon
from kizuna.screening.qualifiers import qualifier_word
from kizuna.screening.tables import term_classes

NUMBER, PLACE, LEGAL, GENERIC, CONNECTIVE, WORD = "number", "place", "legal", "generic", "connective", "word"
_GROUPS = {"legal_forms": LEGAL, "generic": GENERIC, "places": PLACE, "connectives": CONNECTIVE}


@cache
def _lexicon_classes() -> dict[str, str]:
    classes: dict[str, str] = {}
    lx = lexicon()
    for table in (lx.han, lx.hangul, lx.kana):
        for lexeme in table.values():
            cls = {"place": PLACE, "generic": GENERIC, "legal": LEGAL}.get(lexeme.cls, WORD)
            classes.setdefault(lexeme.key, cls)
            if lexeme.cls == "place":
                for option in lexeme.english:
                    for token in option:
                        classes.setdefault(token, PLACE)
    return classes


@cache
def word_class(token: str) -> str:
    if token.isdigit():
        return NUMBER
    known = term_classes().get(token)
    if known is not None:
        return _GROUPS.get(known.group, WORD)
    if qualifier_word(token) is not None:
        return PLACE  # UK, Deutschland, Europe
    return _lexicon_classes().get(token, WORD)
