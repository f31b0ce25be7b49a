"""The covered vendors as screening entries: every row of covered_vendors_brands.csv (subsidiaries, brands,
OEM relabels, with their confidence) and every parent's own names (vendors.yaml), built once per process, and
vendor names screened against them through ``kizuna.screening`` — the one matcher, in any script."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.core.tables import read_table
from kizuna.screening import Hit, screen_many
from kizuna.supplychain import rules
from kizuna.supplychain.rules import Status, Vendor

LIST_CODE = "supplychain-covered"
BRANDS_FILE = "supplychain/covered_vendors_brands.csv"
DATA_DATE = "2026-11-29"  # the date the shared supply-chain data was gathered (data/supplychain/SOURCES.md)
_PARENTHESES = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"\s+/\s+|;\s+")


@dataclass(frozen=True, slots=True)
class Covered:
    """What one screening entry stands for: the covered parent, how it relates, and how sure the source is."""

    vendor: Vendor
    status: Status
    relation: str
    confidence: str
    evidence: str
    source: str  # file and line


@cache
def covered_entries() -> tuple[list[Entry], dict[str, Covered]]:
    """The screening entries of every covered vendor and brand, and what each entry id stands for."""
    entries: list[Entry] = []
    meaning: dict[str, Covered] = {}
    for vendor in rules.vendors().values():
        entry_id = f"vendor:{vendor.key}"
        entries.append(_entry(entry_id, vendor.names, vendor.country, f"data/supplychain/vendors.yaml {vendor.key}"))
        meaning[entry_id] = Covered(vendor, "covered", "parent", "verified", "vendors.yaml", "vendors.yaml")
    path = bundled(BRANDS_FILE)
    former = tuple(note.casefold() for note in rules.former_notes())
    for line, row in read_table(path).records():
        parent, status = rules.label(row["parent"])
        names = brand_names(row["brand_or_subsidiary"])
        if parent is None or status == "none" or not names:
            continue
        if status == "covered" and row["notes"].strip().casefold().startswith(former):
            status = "former"
        entry_id = f"brand:{line}"
        source = f"covered_vendors_brands.csv line {line}"
        entries.append(_entry(entry_id, names, row["country"], source))
        meaning[entry_id] = Covered(parent, status, row["relation"], row["confidence"], row["evidence"], source)
    return entries, meaning


def brand_names(cell: str) -> list[str]:
    """The names a brand cell gives: parenthesised remarks dropped, "A / B" and "A; B" read as two names."""
    text = _PARENTHESES.sub(" ", _PARENTHESES.sub(" ", cell))
    return [" ".join(part.split()).strip(" ,") for part in _SEPARATORS.split(text) if part.strip(" ,")]


def _entry(entry_id: str, names: list[str], country: str, source: str) -> Entry:
    countries = [country] if len(country) == 2 else []
    return Entry(LIST_CODE, entry_id, names[0], PartyKind.ORGANIZATION,
                 Provenance(LIST_CODE, source, DATA_DATE, ""),
                 aliases=[Name(name, NameKind.ALIAS) for name in names[1:]], countries=countries)


@dataclass(frozen=True, slots=True)
class VendorNameMatch:
    """A vendor name that screened as a covered vendor or brand."""

    name: str
    hit: Hit
    covered: Covered


def screen_names(names: Iterable[str]) -> dict[str, list[VendorNameMatch]]:
    """Each distinct name's matches (best first), screened once each through ``kizuna.screening``."""
    settings = rules.signals()
    distinct = [n for n in dict.fromkeys(rules.spaced(n) for n in names) if len(n) >= settings.min_name_chars]
    with _lock:
        known = dict(_screened)
    todo = [n for n in distinct if n not in known]
    if todo:
        entries, meaning = covered_entries()
        parties = [Party(name, PartyKind.ORGANIZATION) for name in todo]
        for name, hits in zip(todo, screen_many(parties, entries=entries, threshold=settings.name_threshold,
                                                limit=3), strict=True):
            known[name] = [VendorNameMatch(name, hit, meaning[hit.entry_id]) for hit in hits]
        with _lock:
            if len(_screened) + len(todo) > _REMEMBERED:
                _screened.clear()
            _screened.update((name, known[name]) for name in todo)
    return {name: known[name] for name in distinct}


_lock = threading.Lock()
_screened: dict[str, list[VendorNameMatch]] = {}  # a name's matches, for the process (the entries never change)
_REMEMBERED = 200_000  # names kept before the memory is cleared (a server scans many uploads)
