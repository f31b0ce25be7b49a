"""Shared science-and-technology priorities: the US Critical and Emerging Technologies list (2024), Japan's ESPA
technology areas, the Cabinet Office's 2025 areas, the Moonshot goals and the memo's four priorities, crosswalked
(``data/research/priority_crosswalk.csv``, each row with its overlap, rationale, citation and confidence)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.tables import read_table

CROSSWALK = "priority_crosswalk.csv"
COLUMNS = ["row_type", "us_cet_id", "us_cet_area", "memo_priorities", "jp_espa_area_ids", "jp_espa_areas",
           "jp_cao2025_area_ids", "jp_cao2025_areas", "moonshot_goals", "overlap", "rationale", "citation",
           "confidence"]


@dataclass(frozen=True, slots=True)
class Priority:
    """One crosswalk row: a CET area (or a memo priority) and its Japanese counterparts."""

    row_type: str  # cet_area or memo_priority
    us_cet_ids: tuple[str, ...]
    us_cet_areas: tuple[str, ...]
    memo_priorities: tuple[str, ...]
    jp_espa_areas: tuple[str, ...]
    jp_cao2025_areas: tuple[str, ...]
    moonshot_goals: tuple[str, ...]
    overlap: str
    rationale: str
    citation: str
    confidence: str
    line: int

    @property
    def title(self) -> str:
        return self.memo_priorities[0] if self.row_type == "memo_priority" else "; ".join(self.us_cet_areas)

    def to_dict(self) -> dict[str, Any]:
        return {"row_type": self.row_type, "title": self.title, "us_cet_ids": list(self.us_cet_ids),
                "us_cet_areas": list(self.us_cet_areas), "memo_priorities": list(self.memo_priorities),
                "jp_espa_areas": list(self.jp_espa_areas), "jp_cao2025_areas": list(self.jp_cao2025_areas),
                "moonshot_goals": list(self.moonshot_goals), "overlap": self.overlap, "rationale": self.rationale,
                "citation": self.citation, "confidence": self.confidence,
                "record": f"data/research/{CROSSWALK}:{self.line}"}

    def row(self) -> list[str]:
        """The row as the export writes it."""
        return [self.row_type, self.title, "; ".join(self.us_cet_areas), "; ".join(self.memo_priorities),
                "; ".join(self.jp_espa_areas), "; ".join(self.jp_cao2025_areas), "; ".join(self.moonshot_goals),
                self.overlap, self.confidence, self.rationale, self.citation]


EXPORT_HEADER = ["row_type", "title", "us_cet_areas", "memo_priorities", "jp_espa_areas", "jp_cao2025_areas",
                 "moonshot_goals", "overlap", "confidence", "rationale", "citation"]


@cache
def crosswalk() -> tuple[Priority, ...]:
    """Every row of the bundled crosswalk, in file order."""
    path = bundled("research", CROSSWALK)
    table = read_table(path)
    table.require(*COLUMNS)
    rows = []
    for line, row in table.records():
        split = {c: tuple(p.strip() for p in row[c].split(";") if p.strip()) for c in COLUMNS}
        rows.append(Priority(row["row_type"].strip(), split["us_cet_id"], split["us_cet_area"],
                             split["memo_priorities"], split["jp_espa_areas"], split["jp_cao2025_areas"],
                             split["moonshot_goals"], row["overlap"].strip(), row["rationale"].strip(),
                             row["citation"].strip(), row["confidence"].strip(), line))
    return tuple(rows)


def memo_priorities() -> list[str]:
    """The memo's priorities, as the crosswalk names them (AI, quantum computing, …)."""
    return [p.memo_priorities[0] for p in crosswalk() if p.row_type == "memo_priority"]


def select(priority: str | None = None, text: str | None = None) -> list[Priority]:
    """The rows touching memo priority ``priority`` (case-insensitive; InputError naming the known ones) and
    containing ``text`` anywhere (an area name in English or Japanese program terms)."""
    rows = list(crosswalk())
    if priority:
        wanted = canonical(priority)
        rows = [p for p in rows if wanted in p.memo_priorities]
    if text:
        needle = text.casefold()
        rows = [p for p in rows if needle in " ".join(map(str, p.to_dict().values())).casefold()]
    return rows


def canonical(priority: str) -> str:
    """The crosswalk's spelling of a memo priority; InputError listing them for anything else."""
    known = {p.casefold(): p for p in memo_priorities()}
    found = known.get(priority.strip().casefold())
    if found is None:
        raise InputError(f"unknown priority {priority!r} (one of: {', '.join(known.values())})", field="--priority")
    return found
