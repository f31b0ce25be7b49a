"""``kizuna bench research``: affiliation resolution on a labelled set beside a rapidfuzz baseline, and the due
diligence of a proposal team, timed.

The labelled set (CSV: ``affiliation, ror_id, category, split, origin``; ``ror_id`` empty where the right answer
is "no match") is scored as P@1 over the strings that have an organisation (the first answer is the labelled one)
and as recall over the "no match" strings (no organisation given). The baseline is what a research office would
otherwise do: rapidfuzz's WRatio of the whole string against every ROR name and alias, best one if it scores at
least ``baseline_cutoff``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from kizuna.core.errors import InputError
from kizuna.core.tables import read_table
from kizuna.research import defence, diligence, service
from kizuna.research.orgs import registry, short_id
from kizuna.research.resolve import resolve
from kizuna.screening import get_screener

BASELINE_CUTOFF = 90.0  # rapidfuzz WRatio (0-100); the usual "strong match" setting of RPS tools' fuzzy search


@dataclass(frozen=True, slots=True)
class Labelled:
    affiliation: str
    ror_id: str  # short id, "" for no match
    country: str  # the organisation's country where the source gives it (OpenAlex does), else ""
    category: str
    split: str


@dataclass(slots=True)
class Score:
    """P@1 over labelled organisations, recall of "no match", and the strings answered wrongly."""

    method: str
    matched: int = 0
    matched_right: int = 0
    no_match: int = 0
    no_match_right: int = 0
    seconds: float = 0.0
    wrong: list[dict[str, str]] = field(default_factory=list)

    @property
    def precision_at_1(self) -> float:
        return self.matched_right / self.matched if self.matched else 0.0

    @property
    def no_match_recall(self) -> float:
        return self.no_match_right / self.no_match if self.no_match else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "strings": self.matched + self.no_match,
                "p_at_1": round(self.precision_at_1, 4), "with_organisation": self.matched,
                "no_match_recall": round(self.no_match_recall, 4), "no_match_strings": self.no_match,
                "seconds": round(self.seconds, 2), "wrong": self.wrong}


def read_labelled(path: Path) -> list[Labelled]:
    """The labelled affiliation strings of ``path`` (through the core table reader)."""
    table = read_table(path)
    table.require("affiliation", "ror_id", "category", "split")
    rows = []
    for line, row in table.records():
        if not row["affiliation"].strip():
            raise InputError("must not be empty", path=path, line=line, field="affiliation")
        rows.append(Labelled(row["affiliation"], short_id(row["ror_id"]) if row["ror_id"].strip() else "",
                             row.get("country", "").strip(), row["category"], row["split"]))
    return rows


Answer = Callable[[str, str | None], str | None]


def score(method: str, rows: Iterable[Labelled], answer: Answer) -> Score:
    """Score ``answer`` (affiliation, country → short ROR id or None) on ``rows``."""
    result = Score(method)
    started = time.perf_counter()
    for row in rows:
        got = answer(row.affiliation, row.country or None) or ""
        if row.ror_id:
            result.matched += 1
            result.matched_right += got == row.ror_id
        else:
            result.no_match += 1
            result.no_match_right += not got
        if got != row.ror_id:
            result.wrong.append({"affiliation": row.affiliation, "expected": row.ror_id or "no match",
                                 "got": got or "no match", "category": row.category})
    result.seconds = time.perf_counter() - started
    return result


def kizuna_answer(affiliation: str, country: str | None) -> str | None:
    org = resolve(affiliation, country).organisation
    return org.ror_id if org else None


def rapidfuzz_baseline() -> Answer:
    """rapidfuzz WRatio over every ROR name and alias (of the given country's organisations, when the row has
    one, as Kizuna is given it too): the baseline answer function."""
    names: dict[str | None, list[str]] = {}
    ids: dict[str | None, list[str]] = {}
    for org in registry().by_id.values():
        for name in org.party.names:
            for key in (None, org.party.country):
                names.setdefault(key, []).append(name.text)
                ids.setdefault(key, []).append(org.ror_id)

    def answer(affiliation: str, country: str | None) -> str | None:
        key = country if country in names else None
        best = process.extractOne(affiliation, names[key], scorer=fuzz.WRatio, score_cutoff=BASELINE_CUTOFF)
        return ids[key][best[2]] if best else None
    return answer


def resolution(path: Path, split: str | None = None) -> dict[str, Any]:
    """Kizuna's resolver and the baseline on the labelled set (``split``: only rows of that split)."""
    rows = [r for r in read_labelled(path) if split is None or r.split == split]
    registry().screener()  # load once, so the timing is of resolving
    ours = score("kizuna", rows, kizuna_answer)
    baseline = score("rapidfuzz WRatio", rows, rapidfuzz_baseline())
    return {"labelled_file": str(path), "split": split or "all", "strings": len(rows),
            "ror_release": registry().release, "kizuna": ours.to_dict(), "baseline": baseline.to_dict()}


def team(path: Path, runs: int = 3) -> dict[str, Any]:
    """Due diligence of the team file at ``path`` (``kizuna research check --team``), timed: loading the
    organisations, the list snapshot and the screeners once, then each run from warm caches of this process
    cleared (every affiliation resolved and every organisation screened again)."""

    started = time.perf_counter()
    registry().screener()
    get_screener()
    defence.screener()
    load = time.perf_counter() - started
    seconds = []
    result = None
    for _ in range(runs):
        diligence.clear_caches()
        started = time.perf_counter()
        result = service.check_team(path)
        seconds.append(time.perf_counter() - started)
    assert result is not None
    return {"team_file": str(path), "members": result.members, "affiliations": len(result.resolved),
            "resolved": sum(1 for _, r in result.resolved if r.organisation),
            "organisations": len({r.organisation.ror_id for _, r in result.resolved if r.organisation}),
            "findings": len(result.findings), "load_seconds": round(load, 2),
            "check_seconds": [round(s, 2) for s in seconds], "best_seconds": round(min(seconds), 2)}
