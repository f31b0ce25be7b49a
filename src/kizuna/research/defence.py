"""The cited defence-linked institution data (``data/research/cn_defence_linked_institutions_*.csv``): one row per
(institution, basis) with the list entry or organisational fact, its citation and confidence. Rows are found by
ROR id, and, for the institutions the file gives no ROR id, by screening the organisation's names against the
seed's names through ``kizuna.screening``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance, stable_id
from kizuna.core.paths import bundled, home
from kizuna.core.tables import read_table
from kizuna.research.orgs import short_id
from kizuna.screening import for_entries
from kizuna.screening.index import cache_file
from kizuna.screening.screener import Screener

SEED = "cn_defence_linked_institutions_seed.csv"
BASIS = "cn_defence_linked_institutions_basis.csv"
LIST_CODE = "research-defence-linked"
DATA_DATE = "2026-07-09"  # the date of the list snapshot the basis rows were read from (SOURCES.md)
SUB_UNIT = " (listed sub-unit or affiliate, not the parent)"
_DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\b")


@dataclass(frozen=True, slots=True)
class Basis:
    """One reason an institution is in the file: the basis type, the list entry, citation, confidence."""

    institution: str
    ror_id: str  # short id, "" when the file gives none
    basis_type: str  # without the sub-unit suffix
    hosts_listed_unit: bool  # the listed entity is a sub-unit or affiliate of this institution, not itself
    list_entry: str
    citation: str
    source_file: str
    confidence: str
    line: int

    @property
    def date(self) -> str:
        """The date the citation carries (a Federal Register date), else the basis file's data date."""
        found = _DATE.search(self.citation)
        return found.group(1) if found else DATA_DATE

    def to_dict(self) -> dict[str, object]:
        return {"institution": self.institution, "basis": self.basis_type, "list_entry": self.list_entry,
                "citation": self.citation, "source_file": self.source_file, "date": self.date,
                "record": f"data/research/{BASIS}:{self.line}"}


@cache
def basis_rows() -> tuple[Basis, ...]:
    """Every basis row of the bundled file."""
    path = bundled("research", BASIS)
    table = read_table(path)
    table.require("name", "ror_id", "basis_type", "list_entry", "citation", "source_file", "confidence")
    rows = []
    for line, row in table.records():
        kind = row["basis_type"].strip()
        rows.append(Basis(row["name"].strip(), short_id(row["ror_id"]) if row["ror_id"].strip() else "",
                          kind.removesuffix(SUB_UNIT), kind.endswith(SUB_UNIT), row["list_entry"].strip(),
                          row["citation"].strip(), row["source_file"].strip(), row["confidence"].strip(), line))
    return tuple(rows)


@cache
def by_ror_id() -> dict[str, tuple[Basis, ...]]:
    found: dict[str, list[Basis]] = {}
    for row in basis_rows():
        if row.ror_id:
            found.setdefault(row.ror_id, []).append(row)
    return {key: tuple(rows) for key, rows in found.items()}


@cache
def unmapped_entries() -> tuple[Entry, ...]:
    """The seed institutions without a ROR id, as entries to screen organisation names against."""
    path = bundled("research", SEED)
    table = read_table(path)
    table.require("name", "ror_id", "name_zh")
    entries = []
    for line, row in table.records():
        if row["ror_id"].strip():
            continue
        aliases = [Name(row["name_zh"].strip(), NameKind.ORIGINAL)] if row["name_zh"].strip() else []
        entries.append(Entry(LIST_CODE, stable_id(row["name"]), row["name"].strip(), PartyKind.ORGANIZATION,
                             Provenance(LIST_CODE, f"data/research/{SEED}:{line}", DATA_DATE, ""),
                             aliases=aliases, countries=["CN"]))
    return tuple(entries)


def screener() -> Screener:
    """The screener over ``unmapped_entries``, its index kept under ``$KIZUNA_HOME/cache/research-defence/`` (its
    Chinese names' readings take longer to build than the index takes to read)."""
    return for_entries(unmapped_entries(), cache=cache_file(home() / "cache" / "research-defence"))


def rows_named(name: str) -> Sequence[Basis]:
    """The basis rows of a seed institution without a ROR id, by its name in the seed."""
    return [row for row in basis_rows() if not row.ror_id and row.institution == name]
