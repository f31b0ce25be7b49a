"""Japanese: kana and kanji read in Hepburn romaji (cutlet with the UniDic-lite dictionary)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any


@cache
def _cutlets() -> tuple[Any, Any]:
    import cutlet

    # Hepburn as written, and with loanwords given their source spelling (ハイクビジョン -> 'Hike vision').
    return cutlet.Cutlet("hepburn", use_foreign_spelling=False), cutlet.Cutlet("hepburn", use_foreign_spelling=True)


# Japanese writes a vowel after every consonant of a foreign word (Hamas -> ハマス hamasu, Sberbank ->
# スベルバンク suberubanku); dropping an unstressed u (and final o after t/d) between or after consonants, and
# shortening long vowels, gives back the spelling the lists use.
_EPENTHETIC_U = re.compile(r"(?<=[bcdfghjkmnprstvwz])u(?=[bcdfghjklmnprstvwxz]|$)")
_FINAL_O = re.compile(r"(?<=[td])o$")
_LONG_VOWELS = re.compile(r"([aeiou])\1+|ou")


@cache
def romaji(text: str) -> tuple[str, ...]:
    """Distinct romanisations of ``text``, each one lower-case word: Hepburn, the source spelling of
    loanwords where the dictionary knows it, and Hepburn without epenthetic vowels."""
    out: list[str] = []
    for converter in _cutlets():
        value = "".join(ch for ch in converter.romaji(text).lower() if ch.isalnum())
        if value and value not in out:
            out.append(value)
    if out:
        # Japanese ti/tu are written chi/tsu (プーチン puuchin = Putin).
        # Katakana has one r for English r and l (アリババ aribaba = Alibaba).
        plain = _FINAL_O.sub("", _EPENTHETIC_U.sub("", _LONG_VOWELS.sub(lambda m: m[0][0], out[0])))
        for bare in (plain, plain.replace("chi", "ti").replace("tsu", "tu"), plain.replace("r", "l")):
            if bare not in out:
                out.append(bare)
    return tuple(out)


_ANY_KANA = re.compile("[\u3040-\u30ff\uff66-\uff9f]")  # hiragana, katakana, half-width katakana (is_kana)


def is_kana(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff" or "\uff66" <= char <= "\uff9f"


def has_kana(text: str) -> bool:
    """Whether ``text`` has a kana character (one regular-expression scan: a whole index's names in a moment)."""
    return _ANY_KANA.search(text) is not None
