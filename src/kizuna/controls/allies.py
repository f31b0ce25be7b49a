"""The allies' control lists and measures as data: Japan's 別表第一 item by item and its 23 SME items of 2023, the
Netherlands' national measures, the dated allied measures (US, JP, NL, KR, TW, EU), the Wassenaar 2025 entry codes
and the EU Annex I codes that carry them. Each record keeps its date, its source and its confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kizuna.controls.sources import citation_confidence, path_of, source
from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation
from kizuna.core.tables import read_table
from kizuna.core.xmlfiles import parse_xml

_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_SUB_ITEM = re.compile(r"^（[^）]+）")
ECCN_CODE = re.compile(r"\b\d[A-E]\d{3}(?:\.[a-z0-9]+)*")


def bundled_rows(name: str, *columns: str) -> list[tuple[int, dict[str, str]]]:
    """The records of a bundled list (line numbers kept), its columns checked."""
    table = read_table(path_of(name))
    table.require(*columns)
    return [(line, {k: str(v or "").strip() for k, v in row.items()}) for line, row in table.records()]


def codes_in(text: str) -> list[str]:
    """The ECCNs written in a cell (``3B993.p.1 (was 3B001.p.1)`` → both), in order."""
    return ECCN_CODE.findall(text)


@dataclass(frozen=True, slots=True)
class JpItem:
    """One sentence of 別表第一's item text (中欄): item 7, sub-item (一) 集積回路 …, with its destinations."""

    item: str  # 7, 3の2
    sub_item: str  # （一）, or "" for the item's lead sentence
    text: str
    destinations: str
    catch_all: bool
    as_of: str
    confidence: str

    def to_dict(self) -> dict[str, object]:
        return {"item": self.item, "sub_item": self.sub_item, "text": self.text, "destinations": self.destinations,
                "catch_all": self.catch_all, "as_of": self.as_of, "confidence": self.confidence}


def _item_number(kanji: str) -> str:
    """別表第一's item numbers as the e-Gov text writes them: 七 → 7, 一〇 → 10, 三の二 → 3の2."""
    return "の".join(str(int(part.translate(_KANJI_DIGITS))) for part in kanji.split("の"))


def read_egov_table1(path: Path, as_of: str) -> list[JpItem]:
    """別表第一 of 輸出貿易管理令 from the official e-Gov law XML (law 324CO0000000378), one record per sentence
    of each item's 中欄 (the goods), with its 下欄 (the destinations)."""
    root = parse_xml(path)
    table = next((t for t in root.iter("AppdxTable")
                  if "".join(t.findtext("AppdxTableTitle") or "").strip() == "別表第一"), None)
    if table is None:
        raise InputError("no 別表第一 (AppdxTable) in this e-Gov XML", path=path)
    items: list[JpItem] = []
    for number, row in enumerate(table.iter("TableRow")):
        columns = row.findall("TableColumn")
        head = "".join(columns[0].itertext()).strip() if columns else ""
        if number == 0 and not head:
            continue  # the header row: (blank) 貨物 地域
        if len(columns) != 3 or not head:
            raise InputError(f"row {number} of 別表第一 is not item / goods / destinations", path=path)
        try:
            item = _item_number(head)
        except ValueError:
            raise InputError(f"row {number} of 別表第一: {head!r} is not an item number", path=path) from None
        destinations = "".join(columns[2].itertext()).strip()
        for sentence in columns[1].iter("Sentence"):
            text = "".join(sentence.itertext()).strip()
            sub = _SUB_ITEM.match(text)
            items.append(JpItem(item, sub.group(0) if sub else "", text, destinations, item == "16", as_of,
                                "verified"))
    return items


@cache
def jp_table1() -> list[JpItem]:
    """輸出貿易管理令 別表第一, sentence by sentence, from the bundled e-Gov XML (as of 2026-02-14)."""
    return read_egov_table1(path_of("jp_table1"), source("jp_table1").as_of)


@dataclass(frozen=True, slots=True)
class JpSmeItem:
    """One of the 23 SME items Japan added on 2023-07-23, with its nearest US and Dutch entries."""

    group: str
    seq: str
    description: str
    us_analogue: str
    us_codes: tuple[str, ...]
    nl_analogue: str
    in_force: str
    legal_basis: str
    confidence: str
    sources: str

    def citation(self) -> Citation:
        return Citation(id=f"jp-sme:{self.seq}", text=f"JP SME item {self.seq}: {self.description}",
                        citation=f"{self.legal_basis}; {self.sources}", confidence=citation_confidence(self.confidence),
                        note=f"confidence: {self.confidence}", date=self.in_force)

    def to_dict(self) -> dict[str, object]:
        return {"group": self.group, "seq": self.seq, "description": self.description,
                "us_analogue": self.us_analogue, "nl_analogue": self.nl_analogue, "in_force": self.in_force,
                "legal_basis": self.legal_basis, "confidence": self.confidence, "sources": self.sources}


@cache
def jp_sme_items() -> list[JpSmeItem]:
    return [JpSmeItem(r["jp_group"], r["jp_seq"], r["description_en"], r["us_analogue"],
                      tuple(codes_in(r["us_analogue"])[:1]), r["nl_analogue"], r["jp_in_force"], r["jp_legal_basis"],
                      r["confidence"], r["sources"])
            for _, r in bundled_rows("jp_sme", "jp_group", "jp_seq", "description_en", "us_analogue", "nl_analogue",
                              "jp_in_force", "jp_legal_basis", "confidence", "sources")]


@dataclass(frozen=True, slots=True)
class NlMeasure:
    """One entry of the Dutch national measures (2023-09-01 regulation and its extensions)."""

    in_force: str
    instrument: str
    nl_code: str
    item: str
    us_analogue: str
    us_codes: tuple[str, ...]
    confidence: str
    sources: str

    def citation(self) -> Citation:
        return Citation(id=f"nl:{self.in_force}:{self.nl_code}", text=f"{self.instrument}: {self.item}",
                        citation=self.sources, confidence=citation_confidence(self.confidence),
                        note=f"confidence: {self.confidence}", date=self.in_force)

    def to_dict(self) -> dict[str, object]:
        return {"in_force": self.in_force, "instrument": self.instrument, "nl_code": self.nl_code,
                "item": self.item, "us_analogue": self.us_analogue, "confidence": self.confidence,
                "sources": self.sources}


@cache
def nl_measures() -> list[NlMeasure]:
    out = []
    instrument = ""
    for _, r in bundled_rows("nl", "in_force", "instrument", "nl_code", "item", "us_analogue", "confidence", "sources"):
        instrument = instrument if r["instrument"] == "same" else r["instrument"]  # "same": the row above's
        out.append(NlMeasure(r["in_force"], instrument, r["nl_code"], r["item"], r["us_analogue"],
                             tuple(codes_in(r["us_analogue"])), r["confidence"], r["sources"]))
    return out


@dataclass(frozen=True, slots=True)
class AlliedMeasure:
    """A dated measure of one jurisdiction (a rule, an order, a list update) and the items it names."""

    date: str
    jurisdiction: str
    instrument: str
    citation: str
    what: str
    items: tuple[str, ...]
    url: str
    confidence: str  # as the file writes it ("high", "medium (FR page recalled)")

    @property
    def level(self) -> str:
        """secondary, or recalled where the file says its confidence or its citation is recalled."""
        return "recalled" if "recalled" in f"{self.confidence} {self.citation}".lower() else "secondary"

    def cited(self) -> Citation:
        """This measure as a citation (``citation`` is the file's own reference text)."""
        return Citation(id=f"measure:{self.date}:{self.jurisdiction}", text=self.instrument, citation=self.citation,
                        url=self.url, confidence=citation_confidence(self.level),
                        note=f"confidence: {self.confidence}", date=self.date)

    def to_dict(self) -> dict[str, object]:
        return {"date": self.date, "jurisdiction": self.jurisdiction, "instrument": self.instrument,
                "citation": self.citation, "what": self.what, "items": list(self.items), "url": self.url,
                "confidence": self.confidence, "level": self.level}


@cache
def measures() -> list[AlliedMeasure]:
    rows = bundled_rows("measures", "date", "jurisdiction", "instrument", "citation", "what_it_does", "key_items",
                 "source_url", "confidence")
    return sorted((AlliedMeasure(r["date"], r["jurisdiction"], r["instrument"], r["citation"], r["what_it_does"],
                           tuple(codes_in(r["key_items"])), r["source_url"], r["confidence"]) for _, r in rows),
                  key=lambda m: m.date)


@dataclass(frozen=True, slots=True)
class WassenaarEntry:
    """An entry code of the Wassenaar 2025 Dual-Use List and the EU Annex I / CCL code that writes it."""

    wa_code: str
    eu_code: str
    category: str
    heading_only: bool

    def to_dict(self) -> dict[str, object]:
        return {"wa_code": self.wa_code, "eu_code": self.eu_code, "category": self.category,
                "heading_only": self.heading_only}


@cache
def wassenaar_entries() -> list[WassenaarEntry]:
    return [WassenaarEntry(r["wa_code"], r["eu_ccl_style_code"], r["category"],
                           r["text_completeness"] == "heading_only")
            for _, r in bundled_rows("wassenaar", "wa_code", "eu_ccl_style_code", "category", "text_completeness")]


@cache
def wassenaar_by_eu_code() -> dict[str, WassenaarEntry]:
    return {e.eu_code: e for e in wassenaar_entries() if e.eu_code}
