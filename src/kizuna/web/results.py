"""Screening results as the console shows, exports and prints them: one card per listed party.

The screener links entries on different lists that name the same party (``screening.links``); a hit on one brings
the others. The console groups those hits into one party with every list shown, and gives each entry the facts
a user decides on (addresses, programmes, legal citation, licence requirement or remarks) read from the snapshot.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from kizuna import __version__
from kizuna.core.entity import Entry
from kizuna.core.tables import SafeCsvWriter
from kizuna.lists.store import ListStatus, Snapshot
from kizuna.screening.index import ScreeningIndex
from kizuna.screening.model import Hit


@dataclass(slots=True)
class ListedEntry:
    """One hit with the entry it names."""

    hit: Hit
    entry: Entry

    @property
    def url(self) -> str:
        return entry_url(self.hit.list_code, self.hit.entry_id)


@dataclass(slots=True)
class PartyGroup:
    """The hits that name one party, best first; ``score`` and ``name`` are the best hit's."""

    members: list[ListedEntry] = field(default_factory=list)

    @property
    def best(self) -> ListedEntry:
        return self.members[0]

    @property
    def score(self) -> float:
        return self.best.hit.score

    @property
    def lists(self) -> list[str]:
        return [m.hit.list_code for m in self.members]


@dataclass(slots=True)
class Run:
    """What a result was screened against and when: what an exported or printed result carries."""

    query: dict[str, Any]
    snapshot: str
    threshold: float
    lists: list[ListStatus]
    screened_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    version: str = __version__


def entry_url(list_code: str, entry_id: str) -> str:
    """The console page of one listed entry."""
    return f"/entries/{quote(list_code, safe='')}/{quote(entry_id, safe='')}"


@lru_cache(maxsize=2)
def _entry_numbers(index: ScreeningIndex) -> dict[tuple[str, str], int]:
    return {(e.list_code, e.entry_id): number for number, e in enumerate(index.entries)}


def linked_entries(index: ScreeningIndex, list_code: str, entry_id: str) -> list[tuple[str, str, str]]:
    """(list, entry id, name) of the entries on other lists linked to this one as the same party."""
    number = _entry_numbers(index).get((list_code, entry_id))
    if number is None:
        return []
    members = index.clusters.get(index.entry_cluster[number], [])
    return [(index.entries[m].list_code, index.entries[m].entry_id, index.entries[m].name)
            for m in members if m != number]


def group_hits(index: ScreeningIndex, snapshot: Snapshot, hits: list[Hit]) -> list[PartyGroup]:
    """Hits grouped by listed party (cross-list links), in the order of each party's best hit."""
    numbers = _entry_numbers(index)
    groups: dict[int, PartyGroup] = {}
    for hit in hits:
        number = numbers.get((hit.list_code, hit.entry_id))
        key = index.entry_cluster[number] if number is not None else -1 - len(groups)
        groups.setdefault(key, PartyGroup()).members.append(
            ListedEntry(hit, snapshot.entry(hit.list_code, hit.entry_id)))
    return list(groups.values())


# -- export -------------------------------------------------------------------------------------------------

HIT_COLUMNS = ["party", "score", "list", "entry_id", "name", "matched_name", "entity_type", "countries",
               "addresses", "programs", "citation", "listed_on", "remarks", "explanation", "data_date",
               "source_url", "entry_page"]


def _hit_row(party: int, member: ListedEntry, base: str) -> dict[str, Any]:
    hit, entry = member.hit, member.entry
    return {"party": party, "score": f"{hit.score:.4f}", "list": hit.list_code, "entry_id": hit.entry_id,
            "name": hit.name, "matched_name": hit.matched_name, "entity_type": hit.entity_type,
            "countries": " ".join(hit.countries), "addresses": " | ".join(entry.addresses),
            "programs": "; ".join(entry.programs), "citation": entry.citation or "",
            "listed_on": entry.listed_on or "", "remarks": entry.remarks or "", "explanation": hit.explanation,
            "data_date": hit.data_date, "source_url": hit.source_url, "entry_page": base + member.url}


def _run_rows(run: Run) -> list[tuple[str, str]]:
    rows = [("kizuna_version", run.version), ("screened_at", run.screened_at), ("snapshot", run.snapshot),
            ("threshold", f"{run.threshold:.2f}")]
    rows += [(f"query_{key}", str(value)) for key, value in run.query.items() if value]
    rows += [(f"list {item.code}", f"{item.data_date} ({item.entries} entries; {item.official_url})")
             for item in run.lists]
    return rows


def to_csv(run: Run, groups: list[PartyGroup], base: str = "") -> str:
    """The run's metadata as key/value rows, a blank row, then one row per hit (``party`` numbers the card);
    ``base`` (the console's address) makes the entry pages' links absolute."""
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    for key, value in _run_rows(run):
        writer.writerow([key, value])
    writer.writerow([])
    writer.writerow(HIT_COLUMNS)
    for number, group in enumerate(groups, start=1):
        for member in group.members:
            row = _hit_row(number, member, base)
            writer.writerow([row[c] for c in HIT_COLUMNS])
    return out.getvalue()


def to_json(run: Run, groups: list[PartyGroup], base: str = "") -> dict[str, Any]:
    """The run's metadata and the parties, each with its hits and the entries' facts."""
    return {
        "kizuna_version": run.version, "screened_at": run.screened_at, "snapshot": run.snapshot,
        "threshold": run.threshold, "query": run.query,
        "lists": [{"code": s.code, "name": s.name, "data_date": s.data_date, "entries": s.entries,
                   "official_url": s.official_url} for s in run.lists],
        "parties": [{"score": g.score, "name": g.best.hit.name, "lists": g.lists,
                     "hits": [{**m.hit.to_dict(), "entry": m.entry.to_dict(), "entry_page": base + m.url}
                              for m in g.members]} for g in groups],
    }
