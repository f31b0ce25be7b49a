"""Han characters: one canonical spelling, Chinese numerals, and segmentation into lexicon words and runs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from kizuna.core.scripts import char_script
from kizuna.screening.japanese import is_kana
from kizuna.screening.katakana import cuts_a_syllable

# OpenCC's jp2t maps 研 to the variant 硏, which t2s leaves alone; these are the same character in names.
_VARIANTS = str.maketrans({"硏": "研", "〇": "零", "○": "零", "⼝": "口", "⾦": "金", "鑛": "矿", "衞": "卫",
                           "働": "动", "寳": "宝"})
_NUMERALS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "".join(_NUMERALS) + "".join(_UNITS)
ORDINAL_MARKS = ("第", "제")  # the ordinal prefix of a number: 第十四 = 14th, 제2 = No. 2
# A numeral counts as a number (not part of a name like 三江 or 中国一重) after 第, before a unit word, or when
# it is several characters long.
_NUMBER = re.compile(rf"第?[{_NUMERAL_CHARS}]+|(?:第|제)?\d+")
_UNIT_AFTER = ("研究", "所", "院", "厂", "分院", "工厂", "基地", "号")


@cache
def _converters() -> tuple[Any, Any]:
    import opencc

    # Japanese shinjitai -> traditional -> simplified: 団 -> 團 -> 团, so METI's kanji meet PRC spellings.
    return opencc.OpenCC("jp2t.json"), opencc.OpenCC("t2s.json")


_MAX_RESPELLINGS = 4  # variant chains are at most two steps long; the bound only stops a cycle


@cache
def canonical_han(text: str) -> str:
    """One spelling for Han characters written in Japanese, traditional or simplified forms."""
    jp2t, t2s = _converters()
    spelling = unicodedata.normalize("NFKC", text)
    # Until it no longer changes: the conversion chain maps some variants round in two steps (敘 → 叙 → 敍), and
    # a spelling that changed again when respelt would not meet itself in the index.
    for _ in range(_MAX_RESPELLINGS):
        respelt = str(t2s.convert(jp2t.convert(spelling))).translate(_VARIANTS)
        if respelt == spelling:
            break
        spelling = respelt
    return spelling


def chinese_number(text: str) -> int | None:
    """二十八 -> 28, 第十四 -> 14, 七○二 -> 702 (digit by digit when there is no unit)."""
    digits = text.lstrip("".join(ORDINAL_MARKS))
    if not digits:
        return None
    if digits.isdigit():
        return int(digits)
    if not any(c in _UNITS for c in digits):
        return int("".join(str(_NUMERALS[c]) for c in digits))
    total, current = 0, 0
    for char in digits:
        if char in _NUMERALS:
            current = _NUMERALS[char]
        else:
            total += (current or 1) * _UNITS[char]
            current = 0
    return total + current


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a CJK name: a lexicon word, a number, or a run of other characters."""

    text: str
    kind: str  # "lexeme" | "number" | "run"
    key: str  # canonical lexicon key, the number's digits, or the run itself


def _is_number_here(match: re.Match[str], text: str) -> bool:
    value = match.group()
    if value.startswith(ORDINAL_MARKS) or value.isdigit() or len(value) > 1:
        return True
    return text.startswith(_UNIT_AFTER, match.end())


# Segmentation costs: a lexicon word costs one (a curated word a little less), a character no word covers
# costs two, so the cut with the fewest pieces and unknown characters wins (中国|海洋|大学, not 中国海|洋|大学).
_WORD_COST, _CURATED_COST, _UNKNOWN_COST = 1.0, 0.95, 2.0


class WordTable(Protocol):
    """What segmentation looks words up in: a dict of lexemes, or the lexicon's ``HanTable``."""

    def get(self, key: str, /) -> Any: ...


def segment(text: str, table: WordTable, longest: int) -> list[Segment]:
    """Cut ``text`` (canonical form) into lexicon words, numbers and runs of the rest, with the least cost."""
    size = len(text)
    cost = [0.0] + [float("inf")] * size
    step: list[tuple[int, str, str] | None] = [None] * (size + 1)  # (start, kind, key)

    def relax(start: int, end: int, extra: float, kind: str, key: str) -> None:
        if cost[start] + extra < cost[end]:
            cost[end] = cost[start] + extra
            step[end] = (start, kind, key)

    for i in range(size):
        if cost[i] == float("inf"):
            continue
        char = text[i]
        if not (char.isalnum() or char_script(char) != "Zyyy"):
            relax(i, i + 1, 0.0, "gap", "")
            continue
        number = _NUMBER.match(text, i)
        if number and _is_number_here(number, text):
            value = chinese_number(number.group())
            if value is not None:
                relax(i, number.end(), _WORD_COST, "number", str(value))
        for length in range(1, min(longest, size - i) + 1):
            lexeme = table.get(text[i : i + length])
            if (lexeme is not None and (not lexeme.suffix or i + length == size)
                    and not cuts_a_syllable(text, i, i + length)):
                relax(i, i + length, _CURATED_COST if lexeme.table != "CC-CEDICT" else _WORD_COST, "lexeme",
                      lexeme.key)
        relax(i, i + 1, _UNKNOWN_COST, "char", char)
    pieces: list[tuple[int, int, str, str]] = []
    end = size
    while end > 0:
        entry = step[end]
        assert entry is not None
        start, kind, key = entry
        pieces.append((start, end, kind, key))
        end = start
    segments: list[Segment] = []
    run = ""
    for start, end, kind, key in reversed(pieces):
        if kind == "char":
            if run and _writing(run[-1]) != _writing(key):
                # A katakana word beside unknown kanji is a word of its own (ロシャン + 両替所, 商社 + ロセル):
                # Japanese writes a foreign name in katakana and the words around it in kanji; so is a hiragana
                # particle between them (チュニジア + の + カリフ: the genitive の, "of").
                segments.append(Segment(run, "run", run))
                run = ""
            run += key
            continue
        if run:
            segments.append(Segment(run, "run", run))
            run = ""
        if kind != "gap":
            segments.append(Segment(text[start:end], kind, key))
    if run:
        segments.append(Segment(run, "run", run))
    return segments


def _writing(char: str) -> str:
    """Hiragana, katakana or other (kanji): the kind of writing a character belongs to."""
    if "\u3040" <= char <= "\u309f":
        return "hiragana"
    return "katakana" if is_kana(char) else "other"


def bigrams(run: str) -> list[str]:
    """A run of unknown characters as overlapping pairs (a single character stands alone)."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


# Readings already worked out: pypinyin's dictionaries take most of a second to load, which a process whose names
# were all read before (by a snapshot's index build, saved under the data directory) need not spend.
_KNOWN_READINGS: dict[str, str] = {}
_saved_loaded = False


def pinyin(run: str) -> str:
    """Toneless pinyin of a run, written as one word (海康威视 -> haikangweishi)."""
    global _saved_loaded
    known = _KNOWN_READINGS.get(run)
    if known is None and not _saved_loaded:
        from kizuna.screening.lexicon import saved_readings

        _saved_loaded = True
        _KNOWN_READINGS.update({**saved_readings(), **_KNOWN_READINGS})
        known = _KNOWN_READINGS.get(run)
    if known is None:
        from pypinyin import Style, lazy_pinyin

        known = _KNOWN_READINGS[run] = "".join(lazy_pinyin(run, style=Style.NORMAL, errors="ignore")).replace(
            "ü", "v")
    return known


def known_readings() -> dict[str, str]:
    """Every reading this process has worked out or loaded (to be saved for the next processes)."""
    return dict(_KNOWN_READINGS)
