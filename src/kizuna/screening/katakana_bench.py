"""Recall of katakana names (the MOF asset-freeze list's own katakana / English pairs) against the parties their
English names find, now and at a baseline commit, in the same run (``kizuna bench katakana``).

The measuring program is passed to a fresh interpreter as text, so that the baseline commit's code (which has no
module of this name) runs it just as the current code does.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kizuna.core.errors import NotFoundError
from kizuna.core.scripts import HAN, char_script
from kizuna.lists.store import Snapshot
from kizuna.screening.han import canonical_han
from kizuna.screening.lexicon import lexicon
from kizuna.screening.speed import Code, environment

CASES = Path(__file__).resolve().parents[3] / "benchmarks" / "screening" / "katakana_mof.csv"

# The MOF list is bundled since issue 16: its own katakana names would find its entries, and through the cross-list
# links the UN and US entries too, so it is left out. So are the lists bundled with it, which the baseline commit
# does not have: both versions screen the same lists (the UN, US and METI lists of the bundle before issue 16).
EXCLUDED = ("jp-mof-asset-freeze", "jp-meti-export-ban", "uk-ofsi", "uk-fcdo", "au-dfat")

# Each case is screened twice: by its name alone, and as a register would hold the party, with the kind and birth
# date of the MOF entry (argv[3], a JSON list of [kind, date] per case).
_PROGRAM = """
import csv, json, sys
from kizuna.core.entity import PartyKind
from kizuna.lists.store import SnapshotStore
from kizuna.screening.api import for_entries
from kizuna.screening.model import Query
from kizuna.screening.service import ensure_current

store = SnapshotStore()
snapshot = store.open(ensure_current(store))
excluded = set(sys.argv[2].split(","))
screener = for_entries([e for e in snapshot.entries() if e.list_code not in excluded])
with open(sys.argv[3], encoding="utf-8") as handle:
    facts = json.load(handle)
def found(query):
    return sorted({f"{h.list_code}:{h.entry_id}" for h in screener.screen(query)})
with open(sys.argv[1], encoding="utf-8") as handle:
    rows = list(csv.DictReader(handle))
hits = [[found(Query(row["katakana"])),
         found(Query(row["katakana"], entity_type=PartyKind(kind), birth_date=date or None))]
        for row, (kind, date) in zip(rows, facts, strict=True)]
print(json.dumps(hits))
"""

# How a case's Japanese name is written. The goal is about names the MOF list renders by sound in katakana;
# others translate the name into kanji words (クルド労働者党 = Kurdistan Workers' Party) or give it in Han
# characters, which no reading of the sound can match. A Japanese legal form (株式会社, 有限会社, from the lexicon's
# legal terms) before a katakana name does not make it a translation.
KATAKANA, KANJI = "katakana", "kanji"


def writing(japanese: str) -> str:
    """``katakana`` when the name has no Han character outside the Japanese legal forms, else ``kanji``."""
    rest = canonical_han(japanese)
    for form in _legal_forms():
        rest = rest.replace(form, " ")
    return KANJI if any(char_script(c) == HAN for c in rest) else KATAKANA


@cache
def _legal_forms() -> tuple[str, ...]:
    """The lexicon's Han legal forms, longest first (非公開株式会社 before 株式会社)."""
    forms = (form for form, lexeme in lexicon().han.items() if lexeme.cls == "legal")
    return tuple(sorted(forms, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class CaseCount:
    """The cases of one part, kind and writing: how many, how many found (for negatives: with a hit), and, for
    negatives, how many have a hit whose birth date does not confirm it is the MOF list's own party."""

    total: int = 0
    found: int = 0
    unconfirmed: int = 0

    def __add__(self, other: CaseCount) -> CaseCount:
        return CaseCount(self.total + other.total, self.found + other.found, self.unconfirmed + other.unconfirmed)


@dataclass(frozen=True, slots=True)
class Figures:
    """The cases by (part: dev / holdout, kind: person / other / negative, writing: katakana / kanji)."""

    cells: dict[tuple[str, str, str], CaseCount]

    def recall(self, part: str, kind: str | None = None, written: str | None = None) -> float:
        cell = self.cell(part, ("person", "other") if kind is None else (kind,), written)
        return cell.found / cell.total if cell.total else 0.0

    def cell(self, part: str, kinds: tuple[str, ...], written: str | None = None) -> CaseCount:
        """The sum of the cells of ``part`` and ``kinds`` (all writings when ``written`` is None)."""
        return sum((c for (p, k, w), c in self.cells.items() if p == part and k in kinds and written in (None, w)),
                   CaseCount())


def measure(code: Code, home: Path, snapshot: Snapshot, cases: Path = CASES) -> tuple[Figures, Figures]:
    """Run the katakana cases with ``code`` against the data directory ``home`` (a fresh one is loaded with that
    code's bundled lists: an older version cannot read a newer snapshot): the figures of the names alone, and of
    the names with the kind and birth date of their MOF entries (read from ``snapshot``)."""
    assert code.src is not None
    with cases.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mof = MofParties(snapshot)
    with tempfile.TemporaryDirectory(prefix="kizuna-katakana-") as folder:
        facts = Path(folder) / "facts.json"
        facts.write_text(json.dumps([mof.register_facts(row["katakana"]) for row in rows]), encoding="utf-8")
        env = {**environment(), "PYTHONPATH": str(code.src), "KIZUNA_HOME": str(home)}
        command = [sys.executable, "-c", _PROGRAM, str(cases), ",".join(EXCLUDED), str(facts)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{code.label}: exit {done.returncode}, {last[:200]}")
    hits = json.loads(done.stdout.strip().splitlines()[-1])
    by_name, with_facts = zip(*hits, strict=True)
    return _figures(rows, by_name, mof), _figures(rows, with_facts, mof)


def _figures(rows: list[dict[str, str]], hits: tuple[list[str], ...], mof: MofParties) -> Figures:
    cells: dict[tuple[str, str, str], CaseCount] = {}
    for row, found in zip(rows, hits, strict=True):
        expected = {e for e in row["expected"].split(" | ") if e}
        if expected:
            key, cell = (row["part"], row["kind"], writing(row["katakana"])), CaseCount(1, bool(expected & set(found)))
        else:
            unconfirmed = any(not mof.same_person(row["katakana"], hit) for hit in found)
            key, cell = (row["part"], "negative", writing(row["katakana"])), CaseCount(1, bool(found), unconfirmed)
        cells[key] = cells.get(key, CaseCount()) + cell
    return Figures(cells)


class MofParties:
    """What the MOF list says of the party a case's katakana name names: its kind and birth dates.

    It also says whether a listed entry a negative case's katakana name finds is the MOF list's own party after all.
    A negative is a pair whose English name finds nothing; its katakana name may still find the party, listed under
    a spelling the English misses (Aleksei Kanaev, KANAYEV Alexey). Screeners settle such a hit on a secondary
    identifier: here the birth date, when both the MOF entry carrying the katakana name and the hit entry give one.
    A hit without one to compare counts as false.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._mof: dict[str, set[str]] = {}
        self._kind: dict[str, str] = {}
        for entry in snapshot.entries(["jp-mof-asset-freeze"]):
            for name in entry.names:
                self._mof.setdefault(name.text, set()).update(entry.dates_of_birth)
                self._kind.setdefault(name.text, entry.entity_type.value)

    def register_facts(self, katakana: str) -> tuple[str, str]:
        """The kind and (earliest) birth date a register would hold for the party, as the MOF entry gives them;
        ``unknown`` and an empty date where it gives none."""
        return self._kind.get(katakana, "unknown"), min(self._mof.get(katakana) or [""])

    def same_person(self, katakana: str, hit: str) -> bool:
        listed = self._mof.get(katakana, set())
        list_code, entry_id = hit.split(":", 1)
        try:
            dates = self._snapshot.entry(list_code, entry_id).dates_of_birth
        except NotFoundError:  # an entry of the baseline's bundle that ours no longer has
            return False
        return any(dates_agree(a, b) for a in listed for b in dates)


def dates_agree(one: str, other: str) -> bool:
    """ISO dates agree on the precision both give (1954 agrees with 1954-03-01)."""
    common = min(len(one), len(other))
    return common >= 4 and one[:common] == other[:common]
