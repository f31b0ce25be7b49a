"""Which writing system a name is in.

Codes follow ISO 15924 (https://www.unicode.org/iso15924/iso15924-codes.html): ``Latn``, ``Hani``
(Han ideographs, Chinese or Japanese), ``Jpan`` (Han mixed with kana, or kana alone), ``Hang``, ``Cyrl``,
``Arab``, ``Grek``, ``Hebr``, ``Thai``; ``Zyyy`` when no letter decides it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

LATIN = "Latn"
HAN = "Hani"
JAPANESE = "Jpan"
HANGUL = "Hang"
CYRILLIC = "Cyrl"
ARABIC = "Arab"
COMMON = "Zyyy"

CJK_SCRIPTS = frozenset({HAN, JAPANESE, HANGUL})

# Unicode block ranges (https://www.unicode.org/Public/UCD/latest/ucd/Blocks.txt) for the scripts the lists use.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"),
    (0x31F0, 0x31FF, "Kana"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xF900, 0xFAFF, HAN),
    (0x20000, 0x3134F, HAN),
    (0x1100, 0x11FF, HANGUL),
    (0x3130, 0x318F, HANGUL),
    (0xAC00, 0xD7AF, HANGUL),
    (0x0400, 0x052F, CYRILLIC),
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x0370, 0x03FF, "Grek"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0E00, 0x0E7F, "Thai"),
)


def char_script(char: str) -> str:
    """The script of one character (``Zyyy`` for digits, punctuation and spaces)."""
    code = ord(char)
    if code < 0x80:
        return LATIN if char.isalpha() else COMMON
    for low, high, script in _RANGES:
        if low <= code <= high:
            # The prolonged sound mark and the middle dot sit in the katakana block but are shared punctuation.
            if char in "ー・" or unicodedata.category(char).startswith("P"):
                return COMMON if char == "・" else script
            return script
    if char.isalpha():
        return LATIN if unicodedata.name(char, "").startswith("LATIN") else COMMON
    return COMMON


def detect_script(text: str) -> str:
    """The dominant script of ``text``; Han with any kana counts as Japanese."""
    if text.isascii():  # the common case, answered as the count below would (ASCII letters are Latin)
        return LATIN if any(c.isalpha() for c in text) else COMMON
    counts = Counter(char_script(c) for c in text)
    counts.pop(COMMON, None)
    if not counts:
        return COMMON
    if counts.get("Hira") or counts.get("Kana"):
        return JAPANESE
    return counts.most_common(1)[0][0]


def is_cjk(text: str) -> bool:
    """True when ``text`` contains any Han, kana or hangul character."""
    return any(char_script(c) in (HAN, "Hira", "Kana", HANGUL) for c in text)
