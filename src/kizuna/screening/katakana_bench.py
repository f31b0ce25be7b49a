"""Recall of katakana names (the MOF asset-freeze list's own katakana / English pairs) against the parties their
English names find, now and at a baseline commit, in the same run (``kizuna bench katakana``).

The measuring program is passed to a fresh interpreter as text, so that the baseline commit's code (which has no
module of this name) runs it just as the current code does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kizuna.screening.speed import Code, environment

CASES = Path(__file__).resolve().parents[3] / "benchmarks" / "screening" / "katakana_mof.csv"

# The MOF list is bundled since issue 16: its own katakana names would find its entries, and through the cross-list
# links the UN and US entries too, so it is left out. So are the lists bundled with it, which the baseline commit
# does not have: both versions screen the same lists (the UN, US and METI lists of the bundle before issue 16).
EXCLUDED = ("jp-mof-asset-freeze", "jp-meti-export-ban", "uk-ofsi", "uk-fcdo", "au-dfat")

_PROGRAM = """
import csv, json, sys
from kizuna.lists.store import SnapshotStore
from kizuna.screening.api import for_entries
from kizuna.screening.model import Query
from kizuna.screening.service import ensure_current

store = SnapshotStore()
snapshot = store.open(ensure_current(store))
excluded = set(sys.argv[2].split(","))
screener = for_entries([e for e in snapshot.entries() if e.list_code not in excluded])
figures = {}
with open(sys.argv[1], encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        expected = {tuple(e.split(":", 1)) for e in row["expected"].split(" | ") if e}
        hits = {(h.list_code, h.entry_id) for h in screener.screen(Query(row["katakana"]))}
        key = row["part"] + ("/" + row["kind"] if expected else "/negative")
        found, total = figures.get(key, (0, 0))
        figures[key] = (found + bool(hits & expected if expected else hits), total + 1)
print(json.dumps(figures))
"""


@dataclass(frozen=True, slots=True)
class Figures:
    """Per part (dev / holdout) and kind (person / other / negative): (found or, for negatives, with hits; total)."""

    counts: dict[str, tuple[int, int]]

    def recall(self, part: str, kind: str | None = None) -> float:
        kinds = ("person", "other") if kind is None else (kind,)
        found = sum(self.counts.get(f"{part}/{k}", (0, 0))[0] for k in kinds)
        total = sum(self.counts.get(f"{part}/{k}", (0, 0))[1] for k in kinds)
        return found / total if total else 0.0

    def total(self, part: str, kind: str) -> int:
        return self.counts.get(f"{part}/{kind}", (0, 0))[1]


def measure(code: Code, home: Path, cases: Path = CASES) -> Figures:
    """Run the katakana cases with ``code`` against the data directory ``home`` (a fresh one is loaded with that
    code's bundled lists: an older version cannot read a newer snapshot)."""
    assert code.src is not None
    env = {**environment(), "PYTHONPATH": str(code.src), "KIZUNA_HOME": str(home)}
    command = [sys.executable, "-c", _PROGRAM, str(cases), ",".join(EXCLUDED)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{code.label}: exit {done.returncode}, {last[:200]}")
    return Figures({k: (v[0], v[1]) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()})
