"""Every comparable rendering of a name, per script.

A name becomes one or more ``Form``s. A form is a sequence of ``Slot``s; a slot is one part of the name with
the token sequences that may render it (options). Listed names have one option per slot; queries in CJK
scripts get several: 大学 may be 'university' or 'college', 端川 may be 'duanchuan' (Chinese reading) or
'tanchon' (Korean reading). Each slot remembers how it was obtained, for the explanation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from anyascii import anyascii

from kizuna.core.scripts import HAN, HANGUL, JAPANESE, LATIN, char_script, detect_script, is_cjk
from kizuna.screening import korean
from kizuna.screening.cedict import MAX_LENGTH
from kizuna.screening.han import ORDINAL_MARKS, Segment, bigrams, canonical_han, pinyin, segment
from kizuna.screening.japanese import is_kana, romaji
from kizuna.screening.katakana import korean_readings, spelt_acronyms
from kizuna.screening.latin import latin_tokens, normalise_word
from kizuna.screening.lexicon import CEDICT, HanTable, Lexeme, han_table, lexicon, pinyin_words
from kizuna.screening.qualifiers import qualifier_word
from kizuna.screening.tables import chinese_surnames, katakana_latin, korean_tables, term_classes

# An acronym the lists write in parentheses after the full name: "(BUAA)", "(CETC 14)".
_ACRONYM = re.compile(r"\s*[(（]([A-Z][A-Z0-9&.\-]{1,9}(?: ?[0-9]{1,3})?)[)）]")
_CONNECTIVES = frozenset({"of", "and", "the", "for", "de", "la", "del", "des", "du", "und", "der"})

# Form kinds: compared in the script of the query (CJK characters) or in Latin letters; acronyms only as
# written (never by spelling or sound: BANG is not Boeing).
CJK_FORM = "cjk characters"
ACRONYM, DERIVED_ACRONYM = "acronym", "derived acronym"
EXACT_ONLY_FORMS = frozenset({ACRONYM, DERIVED_ACRONYM})
PERSON_FORMS = frozenset({"Korean person name", "Chinese person name"})


@dataclass(frozen=True, slots=True)
class Slot:
    options: tuple[tuple[str, ...], ...]
    source: str  # the part of the name this slot renders
    how: str = ""  # how the options were obtained ("" when written as is)
    cls: str = "word"  # word | generic | legal | place | number | alias
    sounds: bool = False  # romanised from another script: compare by sound as well
    exact: bool = False  # only an exact rendering counts (the syllables of a person's name)
    romanised: bool = False  # read from another script: never taken for an acronym (기아 'gia' is not GIA)
    spoken: str = ""  # a katakana word whose spellings in the lists the screener adds (katakana.listed_spellings)

    @property
    def spelt(self) -> bool:
        """Whether the slot renders how the part sounds or is written (a Latin word, a reading, a katakana
        loanword), not what it means: only such slots may be run together into one listed word."""
        return not self.how or self.sounds or any("\u30a0" <= c <= "\u30ff" for c in self.source)


@dataclass(frozen=True, slots=True)
class Form:
    slots: tuple[Slot, ...]
    via: str  # "name", "acronym", CJK_FORM, "translation", "korean reading", "person name", ...
    text: str  # the rendering shown in explanations

    @property
    def tokens(self) -> tuple[str, ...]:
        """The first option of every slot, flattened (the form as a listed name)."""
        return tuple(t for slot in self.slots for t in slot.options[0])

    def __bool__(self) -> bool:
        return any(slot.options and slot.options[0] for slot in self.slots)


def _plain(tokens: tuple[str, ...]) -> tuple[Slot, ...]:
    return tuple(Slot(((t,),), t, cls="number" if t.isdigit() else "word") for t in tokens)


def _latin_form(text: str, via: str = "name") -> Form:
    return Form(_plain(latin_tokens(text)), via, text)


# -- listed names -------------------------------------------------------------------------------------------


def listed_forms(text: str) -> list[Form]:
    """Forms under which a listed name is indexed."""
    script = detect_script(text)
    if script in (HAN, JAPANESE, HANGUL):
        # In its own script, and by its first English rendering so that a Latin query can meet it
        # (a denial recorded as 北京航空航天大学, screened as "Beijing University of Aeronautics ...").
        slots = tuple(Slot((s.options[0],), s.source, s.how, s.cls) for s in _translated(text).slots if s.options)
        first = Form(slots, "translation", " ".join(" ".join(s.options[0]) for s in slots))
        return [f for f in [cjk_form(text), first] if f]
    if is_cjk(text):  # a Latin name with a CJK part: EFCO平壌支社
        return [f for f in [_latin_form(text), cjk_form(text)] if f]
    if script not in (LATIN, "Zyyy"):
        romanised = anyascii(text)
        return [f for f in [Form(_sounding(latin_tokens(romanised), "anyascii"), "transliteration", romanised)] if f]
    if re.fullmatch(r"[A-Z]{2,5}", text.strip()):
        return [_latin_form(text.strip(), ACRONYM)]  # an alias like GIA or NEC: only ever matched as written
    forms = [_latin_form(text)]
    # A country in parentheses, Huawei Technologies (UK) Co., Ltd., is a qualifier of the name, not its acronym.
    acronyms = [a for a in _ACRONYM.findall(text) if qualifier_word("".join(latin_tokens(a))) is None]
    if acronyms:
        stripped = _ACRONYM.sub(lambda m: m.group() if m.group(1) not in acronyms else "", text)
        forms.append(_latin_form(stripped, "name without acronym"))
        forms.extend(_latin_form(a, ACRONYM) for a in acronyms)
    for derived in derived_acronyms(forms[1 if acronyms else 0].tokens):
        forms.append(Form((Slot(((derived,),), derived),), DERIVED_ACRONYM, derived.upper()))
    return [f for f in forms if f]


def derived_acronyms(tokens: tuple[str, ...]) -> list[str]:
    """Initials of a name of three to eight words, with and without its trailing legal form
    (Yangtze Memory Technologies Co., Ltd. -> ymtcl, ymtc); at least four letters, so few collide."""
    classes = term_classes()
    words = [t for t in tokens if t not in _CONNECTIVES and not t.isdigit()]
    if not 3 <= len(words) <= 8:
        return []
    found = []
    while len(words) >= 4:
        found.append("".join(w[0] for w in words))
        if classes.get(words[-1]) is None or classes[words[-1]].group != "legal_forms":
            break
        words = words[:-1]
    return found


@lru_cache(maxsize=64)  # a name's forms cut it more than once; a bound on memory, not a rule
def _pieces(text: str) -> tuple[Slot | tuple[Segment, HanTable | dict[str, Lexeme], bool], ...]:
    """A name in canonical spelling: Latin runs as plain slots, CJK runs cut into lexicon words, numbers and
    character runs, each with the table it was cut by and whether it is hangul."""
    return tuple(_cut(text))


def _cut(text: str) -> Iterator[Slot | tuple[Segment, HanTable | dict[str, Lexeme], bool]]:
    lx = lexicon()
    for chunk, is_latin in _chunks(canonical_han(text)):
        if is_latin:
            yield from _plain(latin_tokens(chunk))
            continue
        hangul = any(korean.is_hangul_syllable(c) for c in chunk)
        table = lx.hangul if hangul else han_table()
        for piece in segment(chunk, table, MAX_LENGTH):
            yield piece, table, hangul


def cjk_form(text: str) -> Form:
    """A CJK name as lexicon keys, numbers and character pairs, in canonical spelling (both sides of a CJK match)."""
    slots: list[Slot] = []
    for item in _pieces(text):
        if isinstance(item, Slot):
            slots.append(item)
            continue
        piece = item[0]
        if piece.kind == "run":
            slots.extend(Slot(((b,),), b) for b in bigrams(piece.key))
        elif piece.kind == "number":
            slots.append(Slot(((piece.key,),), piece.text, cls="number"))
        else:
            slots.extend(Slot(((key,),), piece.text) for key in atomic_keys(piece.key))
    return Form(tuple(slots), CJK_FORM, canonical_han(text))


@cache
def atomic_keys(key: str) -> tuple[str, ...]:
    """A compound lexicon word as the smaller lexicon words it is made of, so that 国防科技大学 and
    国防科学技術大学 compare word for word (科技大学 -> 科技 + 大学); a word that does not split stays whole."""
    if key.startswith("⟨") or len(key) < 3:
        return (key,)
    lx = lexicon()
    pieces = segment(key, {**lx.han, **lx.kana}, len(key) - 1)  # curated words only: 有限公司 stays whole
    if len(pieces) >= 2 and all(p.kind == "lexeme" and len(p.key) < len(key) for p in pieces):
        return tuple(k for p in pieces for k in atomic_keys(p.key))
    return (key,)


def _chunks(text: str) -> list[tuple[str, bool]]:
    """Split mixed text into Latin and CJK chunks (EFCO平壌支社 -> EFCO, 平壌支社)."""
    chunks: list[tuple[str, bool]] = []
    for match in re.finditer(r"[A-Za-z0-9][A-Za-z0-9 .,&'\-]*|[^A-Za-z0-9]+", text):
        piece = match.group()
        is_latin = piece[0].isascii()
        if piece.strip(" ・.,"):
            chunks.append((piece, is_latin))
    return chunks


def _sounding(tokens: tuple[str, ...], how: str) -> tuple[Slot, ...]:
    return tuple(Slot(((t,),), t, how, "word", True) for t in tokens)


# -- queries ---------------------------------------------------------------------------------------------------


# A query in each script that loads what that script needs.
_WARM_UP = {HAN: ("北京航空航天大学",), JAPANESE: ("ハイクビジョン・テクノロジー",),
            HANGUL: ("조선광업개발무역회사", "김정은"), LATIN: ("Haerbin Gongye Daxue",)}


def warm_up(names: Iterable[str] | None = None) -> None:
    """Load the dictionaries that queries in the scripts of ``names`` need (every script's when None: CC-CEDICT,
    UniDic for Japanese, pinyin, Korean tables) now, before a server takes requests or a batch forks its
    workers, instead of on the first query of each."""
    scripts = set(_WARM_UP) if names is None else {detect_script(name) for name in names}
    for script, samples in _WARM_UP.items():
        if script in scripts:
            for sample in samples:
                query_forms.__wrapped__(sample)


@cache
def query_forms(text: str) -> tuple[Form, ...]:
    """Every form worth comparing for what a user typed, in any script."""
    text = " ".join(text.split())
    script = detect_script(text)
    if script == LATIN or script == "Zyyy":
        latin = _latin_form(text)
        return tuple(f for f in [latin, _from_pinyin(latin.tokens)] if f)
    if script not in (HAN, JAPANESE, HANGUL):
        romanised = anyascii(text)
        return tuple(f for f in [Form(_sounding(latin_tokens(romanised), "transliterated (anyascii)"),
                                      "transliteration", romanised)] if f)
    persons = _person_forms(text)
    translated = _translated(text)
    if any(f.via == "Korean person name" for f in persons) and len(translated.slots) == 1:
        # Read as one word too (김수키 / Kimsuky), but not by sound: 김연아 is not a sound-alike of anything.
        slot = translated.slots[0]
        translated = Form((Slot(slot.options, slot.source, slot.how, slot.cls, romanised=True),), translated.via,
                          translated.text)
    forms = [cjk_form(text) if script != HANGUL else None, translated, _word_by_word(text), *persons,
             *_korean_in_katakana(text)]
    acronyms = spelt_acronyms(text) if script == JAPANESE else text
    if acronyms != text:
        # ディー・シー・ビー・ファイナンス・リミテッド: the letters' names read as the acronym DCB, too.
        forms.extend(f for f in query_forms(acronyms) if f.via != CJK_FORM)
    bare = _KANA_ALTERNATIVES.sub("", text)
    if bare != text and bare.strip():
        # ヴァシル(ヴァシリー/ヴァシーリー)・ニキチン: the name without the other renderings in brackets, too.
        forms.extend(f for f in query_forms(bare) if f.via != CJK_FORM)
    return tuple(f for f in forms if f)


# Other katakana renderings of a word, in brackets after it (Japanese lists give Ukrainian and Russian readings).
_KANA_ALTERNATIVES = re.compile(r"[(（][\u30a0-\u30ff/／]+[)）]")


def _from_pinyin(tokens: tuple[str, ...]) -> Form | None:
    """A Latin query written in pinyin (Haerbin Gongye Daxue), read back into known Chinese words so that
    their English renderings can meet the listed names; None unless every word is pinyin of a known word."""
    if len(tokens) < 2 or not all(t.isalpha() for t in tokens):
        return None
    slots: list[Slot] = []
    start = 0
    while start < len(tokens):
        for end in range(len(tokens), start, -1):
            key = "".join(tokens[start:end])
            lexemes = pinyin_words(key)
            if lexemes:
                english = tuple(dict.fromkeys(e for lexeme in lexemes for e in lexeme.english))[:12]
                words = " / ".join(f"{lexeme.key} ({lexeme.table}) = {lexeme.gloss}" for lexeme in lexemes[:3])
                slots.append(Slot((*english, tuple(tokens[start:end])), " ".join(tokens[start:end]),
                                  f"pinyin {key} = {words}", lexemes[0].cls))
                start = end
                break
        else:
            return None
    rendering = " ".join(" ".join(s.options[0]) for s in slots)
    return Form(tuple(slots), "translation from pinyin", rendering)


@lru_cache(maxsize=8192)  # names in a file share words (株式会社, 科技); a bound on memory, not a rule
def _lexeme_slot(piece_text: str, lexeme: Lexeme) -> Slot:
    """A lexicon word by its English renderings and, for Han words, its pinyin (lists keep pinyin for some
    words: Shenyang Ligong University, Nanchang Hangkong University)."""
    how = f"{lexeme.table}: {piece_text} = {lexeme.gloss}"
    options = (*lexeme.english, (lexeme.pinyin,)) if lexeme.pinyin else lexeme.english
    if lexeme.table == CEDICT and all(char_script(c) == HAN for c in piece_text):
        # A dictionary word in a DPRK name is read in Korean (高麗 -> Koryo, 大聖 -> Taesong).
        options = (*options, *((r,) for r in korean.readings(korean.hanja_to_hangul(piece_text))))
    # A place in katakana may also be spelt as it sounds in the name of a company of that place (アジア: Asia, and
    # Azia in AZIA SHIPPING HOLDINGS LIMITED), so its spellings in the lists are offered beside its meaning.
    spoken = piece_text if lexeme.cls == "place" and all("\u30a1" <= c <= "\u30fc" for c in piece_text) else ""
    return Slot(tuple(dict.fromkeys(options)), piece_text, how, lexeme.cls, spoken=spoken)


def _translated(text: str) -> Form:
    """Lexicon words by their English renderings, numbers as digits, other characters by their readings."""
    slots: list[Slot] = []
    pieces = _pieces(text)
    for at, item in enumerate(pieces):
        if isinstance(item, Slot):
            slots.append(item)
            continue
        if _ordinal_before_digits(pieces, at):
            continue
        piece, table, hangul = item
        if piece.kind == "lexeme":
            slots.append(_lexeme_slot(piece.text, table[piece.text]))
        elif piece.kind == "number":
            # Numbers inside names are sometimes kept in pinyin (八一 -> Bayi).
            spoken = pinyin(piece.text) if not piece.text.isdigit() else ""
            options = ((piece.key,), (spoken,)) if spoken else ((piece.key,),)
            slots.append(Slot(options, piece.text, f"number {piece.text} = {piece.key}", "number"))
        else:
            slots.append(_reading_slot(piece.key, hangul))
    rendering = " ".join("/".join(" ".join(o) for o in s.options[:2]) for s in slots)
    return Form(tuple(slots), "translation", rendering)


def _ordinal_before_digits(pieces: tuple[Slot | tuple[Segment, HanTable | dict[str, Lexeme], bool], ...],
                           at: int) -> bool:
    """Whether piece ``at`` is the ordinal mark 第 / 제 written before Arabic digits (株式会社第356航空機修理工場 =
    JSC 356 Aircraft Repair Plant): the digits are a Latin chunk of their own, so the mark is left alone, where
    it would be read as a word (che); before Chinese numerals it is part of the number already (han._NUMBER)."""
    item = pieces[at]
    if isinstance(item, Slot) or item[0].kind != "run" or item[0].key not in ORDINAL_MARKS or at + 1 == len(pieces):
        return False
    following = pieces[at + 1]
    return isinstance(following, Slot) and following.cls == "number"


def _word_by_word(text: str) -> Form | None:
    """The translation with compound words cut into the words they are made of (沈阳理工大学: 理工 + 大学 meets
    'Shenyang Ligong University'; 桂林电子科技大学: 电子 + 科技 + 大学 meets 'Guilin University of Electronic
    Technology'); None when no compound splits."""
    table = han_table()
    slots: list[Slot] = []
    split = False
    pieces = _pieces(text)
    for at, item in enumerate(pieces):
        if isinstance(item, Slot) or item[2]:
            return None  # Latin or hangul: nothing to cut
        if _ordinal_before_digits(pieces, at):
            continue
        piece = item[0]
        parts = _compound_parts(piece.text) if piece.kind == "lexeme" else ()
        if len(parts) >= 2 and all(p.kind == "lexeme" for p in parts):
            slots.extend(_lexeme_slot(p.text, table[p.text]) for p in parts)
            split = True
        elif piece.kind == "lexeme":
            slots.append(_lexeme_slot(piece.text, table[piece.text]))
        elif piece.kind == "number":
            slots.append(Slot(((piece.key,),), piece.text, f"number {piece.text} = {piece.key}", "number"))
        else:
            slots.append(_reading_slot(piece.key, False))
    if not split:
        return None
    return Form(tuple(slots), "translation word by word", " ".join("/".join(" ".join(o) for o in s.options[:2])
                                                                    for s in slots))


@lru_cache(maxsize=8192)
def _compound_parts(word: str) -> tuple[Segment, ...]:
    """A Han lexicon word cut into the shorter words it is made of."""
    return tuple(segment(word, han_table(), len(word) - 1))


@lru_cache(maxsize=8192)
def _reading_slot(run: str, hangul: bool) -> Slot:
    """Characters the lexicon does not know, by sound: Korean romanisations of hangul; Hepburn romaji of kana
    (and of kanji written with kana); Chinese and Korean readings of Han (for Chinese and DPRK names)."""
    if hangul:
        options = korean.readings(run)
        how = f"Korean reading (DPRK / McCune–Reischauer / RR): {run} = {' / '.join(options)}"
    elif run in katakana_latin().words:
        # A foreign name's function word (オブ: of), weighed as that word, not spelt by sound.
        words = katakana_latin().words[run]
        return Slot(tuple((w,) for w in words), run, f"katakana word: {run} = {' / '.join(words)}", "word",
                    romanised=True)
    elif any(is_kana(c) for c in run):
        # Each reading in the canonical form of a listed word (ファースト: first = 1, バンキング: banking = bank).
        options = tuple(dict.fromkeys(normalise_word(o) for o in romaji(run)))
        how = f"Hepburn romaji: {run} = {' / '.join(options)}"
        return Slot(tuple((o,) for o in options if len(o) >= 3 or o.isdigit()), run, how, "word", True, romanised=True,
                    spoken=run)
    else:
        options = tuple(dict.fromkeys([pinyin(run), *korean.readings(korean.hanja_to_hangul(run))]))
        how = f"readings (pinyin / Korean): {run} = {' / '.join(options)}"
    return Slot(tuple((o,) for o in options if len(o) >= 3), run, how, "word", True, romanised=True)


_NAME_SEPARATORS = re.compile(r"[・･=＝\s]+")


def _korean_in_katakana(text: str) -> list[Form]:
    """A Korean person's name written in katakana (キム・ギョンイル), read as the hangul it can stand for: a known
    family name, then a given name of one or two syllables (katakana.korean_readings)."""
    words = [w for w in _NAME_SEPARATORS.split(text) if w]
    if not 2 <= len(words) <= 3 or not all("\u30a1" <= c <= "\u30f6" for w in words for c in w):
        return []
    surnames: dict[str, list[str]] = korean_tables()["surnames"]
    family = [h for cut in korean_readings(words[0], 1) for h in cut[0] if h in surnames]
    if not family:
        return []
    spellings = tuple(dict.fromkeys(s for h in family for s in surnames[h]))
    head = Slot(tuple((s,) for s in spellings), words[0],
                f"Korean family name in katakana: {words[0]} = {' / '.join(family)} = {' / '.join(spellings[:3])}",
                "word", True, True)
    given = "".join(words[1:])
    forms = []
    for cut in korean_readings(given, 2)[:2]:
        slots = [head]
        for syllables in cut:
            options = tuple(dict.fromkeys(r for h in syllables for r in korean.syllable_readings(h)))
            slots.append(Slot(tuple((r,) for r in options), "/".join(syllables),
                              f"Korean syllable in katakana: {' / '.join(syllables)} = {' / '.join(options[:4])}",
                              "word", True, True))
        forms.append(Form(tuple(slots), "Korean person name in katakana",
                          " ".join(slot.options[0][0] for slot in slots)))
    return forms


def _person_forms(text: str) -> list[Form]:
    """A short CJK name without lexicon words read as a person: family name, then given name."""
    compact = text.replace(" ", "")
    if not 2 <= len(compact) <= 4 or any(char_script(c) not in (HAN, HANGUL) for c in compact):
        return []
    lx = lexicon()
    canonical = canonical_han(compact)
    table = lx.hangul if korean.is_hangul_syllable(compact[0]) else lx.han
    if any(p.kind != "run" for p in segment(canonical, table, lx.longest)):
        return []
    forms = []
    hangul = compact if korean.is_hangul_syllable(compact[0]) else korean.hanja_to_hangul(compact, as_name=True)
    family = korean.surname(hangul)
    if family and len(hangul) - len(family[0]) <= 2:  # Korean given names have one or two syllables
        head, spellings = family
        given = hangul[len(head):]
        slots = [Slot(tuple((s,) for s in spellings), compact[: len(head)],
                      f"Korean family name {head} = {' / '.join(spellings[:3])}", "word", True, True)]
        slots += [Slot(tuple((r,) for r in korean.syllable_readings(s)), s,
                       f"Korean reading {s} = {' / '.join(korean.syllable_readings(s))}", "word", True, True)
                  for s in given]
        forms.append(Form(tuple(slots), "Korean person name", " ".join(s.options[0][0] for s in slots)))
    if char_script(compact[0]) == HAN and canonical[0] in chinese_surnames() and len(compact) <= 3:
        family_py, given_py = pinyin(canonical[0]), pinyin(canonical[1:])
        slots = [Slot(((family_py,),), compact[0], f"pinyin: {compact[0]} = {family_py}", "word", True, True),
                 Slot(((given_py,),), compact[1:], f"pinyin: {compact[1:]} = {given_py}", "word", True, True)]
        forms.append(Form(tuple(slots), "Chinese person name", f"{family_py} {given_py}"))
    return forms
