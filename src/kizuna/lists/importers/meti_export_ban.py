"""Japan: entities subject to the export ban (輸出等に係る禁止措置の対象となる特定団体), METI's three PDFs.

Files (roles): ``russia`` (list_russia_tokutei.pdf), ``third_countries`` (list_daisangoku_tokutei.pdf) and
``belarus`` (list_belarus_tokutei.pdf). Each opens with the notice's title, ``指定日`` and ``最終更新日`` (the last
update, the data date), then numbered entries 1, 2, 3 …, each:

    12 国際量子光学・量子技術センター（別称、ロシア量子センター及びRQC）      the Japanese name (may wrap)
    International Center for Quantum Optics …, a.k.a. the following two aliases:   the English name
    -Russian Quantum Center; and                                                 English aliases
    別称：イーエルイー・テクノロジー・コーポレーション・リミテッド                  (some) a Japanese alias …
    ELE Technology CO LTD                                                        … and its English form
    所在地：Business-center "Ural," 100 Novaya Street, … ; and 30 Bolshoy Blvd …   the addresses (may wrap)

The text is taken from the PDF with pdfplumber; an entry starts at the line whose number is the next one and
which carries Japanese text, so an address line starting with a number never starts an entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kizuna.core.countries import countries_in
from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.pdftext import pdf_lines
from kizuna.core.scripts import char_script, is_cjk
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

CODE = "jp-meti-export-ban"
# The notices each file implements (the file's own title line).
PROGRAMMES = {"russia": "Russia (令和四年外務省告示第八十二号)",
              "third_countries": "third countries (令和五年外務省告示第四百四十七号)",
              "belarus": "Belarus (令和四年外務省告示第百四号)"}
_NUMBERED = re.compile(r"(\d+)\s*(.*)")
_UPDATED = re.compile(r"最終更新日\s*[:：]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DASH = ("-", "—", "－", "–")
_AKA = re.compile(r",?\s*a\.k\.a\.?,?.*$", re.IGNORECASE)
_ALSO = re.compile(r"[（(]別称[、,]\s*(.*)[)）]")
_PAREN = re.compile(r"[（(]([^（）()]*)[)）]")


@dataclass
class _Block:
    number: int
    page: int
    line: int
    lines: list[str] = field(default_factory=list)


def _has_kana_or_han(text: str) -> bool:
    return any(char_script(c) in ("Hira", "Kana", "Hani") for c in text)


def _join(left: str, right: str) -> str:
    """Join a wrapped line: Japanese text wraps mid-word, Latin text at a space."""
    if left and right and left[-1].isascii() and (left[-1].isalnum() or left[-1] in ",;.") \
            and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _blocks(path: Path) -> tuple[str, list[_Block]]:
    updated = ""
    blocks: list[_Block] = []
    for page, line, raw in pdf_lines(path):
        text = unicodedata.normalize("NFKC", raw)
        if not updated and (m := _UPDATED.search(text.replace(" ", ""))):
            updated = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
            continue
        m = _NUMBERED.fullmatch(text)
        expected = blocks[-1].number + 1 if blocks else 1
        if m and int(m[1]) == expected and _has_kana_or_han(m[2]):
            blocks.append(_Block(expected, page, line, [m[2]]))
        elif m and int(m[1]) > expected and _has_kana_or_han(m[2]) and not m[2].startswith(("年", "月", "日")):
            raise InputError(f"entry {m[1]} follows entry {expected - 1}: an entry is missing or unreadable",
                             path=path, line=line, field=f"page {page}")
        elif blocks:
            blocks[-1].lines.append(text)
    if not updated:
        raise InputError("no 最終更新日 (last update) line: not one of METI's export-ban lists", path=path,
                         field="最終更新日")
    return updated, blocks


def _split_japanese(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,]|及び", text) if p.strip()]


def _parse(block: _Block, path: Path) -> tuple[str, list[Name], list[str]]:
    """The English name, the other names (Japanese, original script, aliases) and the addresses of one entry."""
    japanese = block.lines[0]
    rest = block.lines[1:]
    # the Japanese name wraps onto lines that start in Japanese, or inside an open parenthesis
    while rest and (_open(japanese) or (not rest[0][0].isascii() and not rest[0].startswith(("別称", "所在地")))
                    or (rest[0].startswith("(") and is_cjk(rest[0]))):
        japanese = _join(japanese, rest.pop(0))
    english = ""
    while rest and not rest[0].startswith((*_DASH, "所在地", "別称")) and not _kana(rest[0]):
        english = _join(english, rest.pop(0))
        if re.search(r"a\.k\.a", english, re.IGNORECASE) and re.search(r"alias(es)?:?$", english):
            break
    names: list[Name] = []
    aliases: list[str] = []
    addresses: list[str] = []
    mode = "aliases"
    for text in rest:
        if text.startswith("所在地"):
            mode = "address"
            addresses.append(re.sub(r"^所在地\s*[:：]\s*", "", text))
        elif mode == "address":
            addresses[-1] = _join(addresses[-1], text)
        elif text.startswith("別称"):
            names += [Name(n, NameKind.RENDERED) for n in _split_japanese(re.sub(r"^別称\s*[:：、]\s*", "", text))]
        elif text.startswith(_DASH):
            aliases.append(text.lstrip("".join(_DASH)).strip())
        elif aliases and not re.search(r"(;|; and|\.)$", aliases[-1]):
            aliases[-1] = _join(aliases[-1], text)
        else:
            aliases.append(text)
    if also := _ALSO.search(japanese):
        names += [Name(n, NameKind.RENDERED if is_cjk(n) else NameKind.ALIAS) for n in _split_japanese(also[1])]
        japanese = japanese[: also.start()] + japanese[also.end():]
    for inner in _PAREN.findall(english) + _PAREN.findall(japanese):
        if is_cjk(inner):
            names.append(Name(inner.strip(), NameKind.ORIGINAL))
    english = " ".join(_PAREN.sub(lambda m: "" if is_cjk(m[1]) else m[0], _AKA.sub("", english)).split())
    japanese = " ".join(_PAREN.sub(lambda m: "" if is_cjk(m[1]) else m[0], japanese).split())
    if not english and not japanese:
        raise InputError(f"entry {block.number} has no name", path=path, line=block.line, field=f"page {block.page}")
    # the Japanese name renders or translates a foreign party's name; a Chinese firm's hanzi (above) is its own
    names.insert(0, Name(japanese, NameKind.RENDERED))
    names += [Name(_clean_alias(a), NameKind.ALIAS) for a in aliases if _clean_alias(a)]
    places = [p for a in addresses for p in re.split(r";\s*(?:and\s+)?|\s+and\s+(?=\d)", a) if p.strip(" .;")]
    return english or japanese, names, [p.strip(" .;") for p in places]


def _open(text: str) -> bool:
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def _kana(text: str) -> bool:
    return any(char_script(c) in ("Hira", "Kana") for c in text)


def _clean_alias(text: str) -> str:
    return re.sub(r"(;\s*and|;|\.|,\s*and)$", "", text.strip()).strip()


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    code = list_code or CODE
    unknown = set(files) - set(PROGRAMMES)
    if unknown:
        raise InputError(f"unknown file role(s) {', '.join(sorted(unknown))}; expected {', '.join(PROGRAMMES)}")
    parsed = []
    dates = []
    for role, path in files.items():
        updated, blocks = _blocks(path)
        if not blocks:
            raise InputError("no numbered entries found", path=path)
        dates.append(updated)
        parsed += [(role, block, _parse(block, path)) for block in blocks]
    date = data_date or max(dates)
    provenance = Provenance(code, origin, date, official_url(code))
    entries = []
    for role, block, (name, names, addresses) in parsed:
        entries.append(Entry(
            list_code=code,
            entry_id=f"{role}-{block.number}",
            name=name,
            entity_type=PartyKind.ORGANIZATION,  # the notices designate 団体 (organisations)
            provenance=provenance,
            aliases=dedupe_names(name, names),
            countries=countries_in([a.rsplit(",", 1)[-1].strip(" .") for a in addresses]),
            addresses=addresses,
            programs=[PROGRAMMES[role]],
            remarks=f"METI export-ban list, {role.replace('_', ' ')}, No. {block.number} (page {block.page})",
        ))
    return [ListData(code, date, origin, entries)]
