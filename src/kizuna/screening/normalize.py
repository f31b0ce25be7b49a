"""Turn a name into the token forms the index and the matcher compare.

Every form records how it was derived (``via``), so an explanation can show the path from what the user
typed to what the list says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii

from kizuna.core.scripts import CJK_SCRIPTS, LATIN, detect_script, is_cjk

_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# An acronym the lists write in parentheses after the full name: "(BUAA)", "(CETC 14)".
_ACRONYM = re.compile(r"\s*[(（]([A-Z][A-Za-z0-9&.\- ]{1,14})[)）]")


@dataclass(frozen=True, slots=True)
class Form:
    """One comparable rendering of a name: its tokens and how they were obtained."""

    tokens: tuple[str, ...]
    via: str  # "name", "acronym", "cjk characters", "transliteration (anyascii)", ...
    text: str  # the rendering shown in explanations

    def __bool__(self) -> bool:
        return bool(self.tokens)


def fold(text: str) -> str:
    """Compatibility-fold, strip accents and lower-case: 'Société Générale' -> 'societe generale'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def latin_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a Latin-script name: folded, '&' as 'and', apostrophes dropped, other punctuation splits."""
    folded = fold(text).replace("&", " and ")
    folded = _APOSTROPHES.sub("", folded)
    return tuple(t for t in _NON_ALNUM.split(folded) if t)


@cache
def _converters() -> tuple[object, object]:
    import opencc

    # Japanese shinjitai -> traditional -> simplified: 団 -> 團 -> 团, so METI's kanji meet PRC spellings.
    return opencc.OpenCC("jp2t.json"), opencc.OpenCC("t2s.json")


def canonical_han(text: str) -> str:
    """One spelling for Han characters written in Japanese, traditional or simplified forms."""
    jp2t, t2s = _converters()
    return str(t2s.convert(jp2t.convert(text)))  # type: ignore[attr-defined]


def cjk_tokens(text: str) -> tuple[str, ...]:
    """Character bigrams of a CJK name in canonical form (single characters for one-character runs)."""
    canonical = canonical_han(unicodedata.normalize("NFKC", text))
    tokens: list[str] = []
    for run in re.findall(r"[^\s\W_]+", canonical):
        if len(run) == 1:
            tokens.append(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tuple(tokens)


def name_forms(text: str) -> list[Form]:
    """Every form of a name worth indexing or querying, the plain form first."""
    script = detect_script(text)
    if script in CJK_SCRIPTS or is_cjk(text):
        return [f for f in [Form(cjk_tokens(text), "cjk characters", canonical_han(text))] if f]
    if script != LATIN and script != "Zyyy":
        romanised = anyascii(text)
        return [f for f in [Form(latin_tokens(romanised), "transliteration (anyascii)", romanised)] if f]
    forms = [Form(latin_tokens(text), "name", text)]
    acronyms = _ACRONYM.findall(text)
    if acronyms:
        stripped = _ACRONYM.sub("", text)
        forms.append(Form(latin_tokens(stripped), "name without acronym", stripped))
        forms.extend(Form(latin_tokens(a), "acronym", a) for a in acronyms)
    return [f for f in forms if f]
