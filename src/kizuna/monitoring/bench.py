"""``kizuna bench monitoring``: a register re-screened after a list update, incrementally and in full, in one run.

The bundled lists are loaded in a scratch home; a snapshot *before* the update is made from them by removing
half of CHANGES chosen entries and altering the other half (primary name shortened, aliases dropped), and the
bundled lists again are the snapshot *after* it, so the diff is CHANGES entries added or changed. The register
mixes invented company and person names with names taken from the lists (some with a typo, some from the changed
entries), screened first on the snapshot before. Then the incremental re-screen runs on the snapshot after, and a
full re-screen of every party (or of ``full_sample`` of them, timed and extrapolated, said so in the output)
against the same snapshot gives the reference: the hits must be the same parties and entries.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from kizuna.core.entity import Entry
from kizuna.core.party import Party
from kizuna.core.paths import home_at
from kizuna.lists.model import ListData
from kizuna.lists.store import SnapshotStore
from kizuna.lists.update import load_bundled
from kizuna.monitoring import service
from kizuna.monitoring.rescreen import refresh_reverse_index
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import ENV_URL, MonitoringStore
from kizuna.screening import get_screener, screen_many
from kizuna.screening.reverse import search_keys
from kizuna.screening.service import build_index_cache

_PLACES = ["Osaka", "Nagoya", "Kobe", "Sendai", "Fukuoka", "Hamburg", "Lyon", "Turin", "Leeds", "Dayton", "Austin",
           "Ghent", "Porto", "Malmo", "Brno", "Gdansk", "Perth", "Hobart", "Quebec", "Halifax", "Bergen", "Tampere"]
_WORDS = ["Precision", "Coastal", "Northern", "Bluewater", "Summit", "Cedar", "Harbor", "Granite", "Silver", "Maple",
          "Orchid", "Falcon", "Meridian", "Horizon", "Evergreen", "Pioneer", "Sterling", "Crescent", "Aurora", "Vertex"]
_TRADES = ["Machining", "Logistics", "Textiles", "Foods", "Ceramics", "Optics", "Plastics", "Robotics", "Marine",
           "Furniture", "Printing", "Packaging", "Bearings", "Valves", "Pumps", "Coatings", "Fasteners", "Cables",
           "Semiconductors", "Pharma", "Dairy", "Brewing", "Forging", "Casting", "Tooling", "Sensors", "Lighting",
           "Timber", "Glassworks", "Paper", "Rubber", "Adhesives", "Filters", "Springs", "Gears", "Motors",
           "Batteries", "Instruments", "Seeds", "Fisheries"]
_SYLLABLES = ["ka", "ve", "lor", "tri", "zen", "mo", "dex", "qua", "nor", "sil", "bra", "tem", "vio", "ral", "kin",
              "sho", "pax", "lum", "cor", "fen", "gri", "hal", "jun", "mir", "nex", "ob", "pel", "ros", "sta", "tus",
              "ul", "var", "wen", "xo", "yar", "zel", "bel", "cam", "dor", "eli"]
_LEGAL = ["Co Ltd", "KK", "GmbH", "SA", "Inc", "LLC", "AB", "Oy", "Pty Ltd", "BV", "SpA", "plc"]
_GIVEN = ["Hiroshi", "Yuki", "Anna", "Lukas", "Sofia", "James", "Mei", "Carlos", "Ingrid", "Tomasz", "Priya", "Olu",
          "Elena", "Kenji", "Marta", "David", "Aiko", "Pierre", "Nadia", "Sven", "Haruto", "Sakura", "Emma", "Noah",
          "Liam", "Chloe", "Mateo", "Lucia", "Jonas", "Freya", "Arjun", "Ana", "Tariq", "Leila", "Kofi", "Amara",
          "Mikko", "Aino", "Ruairi", "Siobhan", "Bogdan", "Zofia", "Dmitri", "Irina", "Joao", "Beatriz", "Wei",
          "Jia", "Minjun", "Seoyeon", "Rahul", "Ananya", "Omar", "Yasmin", "Felix", "Clara", "Hugo", "Alice",
          "Ben", "Grace"]
_FAMILY = ["Tanaka", "Suzuki", "Muller", "Rossi", "Dubois", "Smith", "Nowak", "Silva", "Jensen", "Kowalski",
           "Haddad", "Okafor", "Novak", "Larsen", "Moreau", "Watanabe", "Fischer", "Costa", "Berg", "Walsh",
           "Takahashi", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Schneider", "Weber", "Bianchi", "Romano",
           "Lefevre", "Girard", "Jones", "Taylor", "Wisniewski", "Pereira", "Santos", "Nielsen", "Hansen",
           "Mensah", "Adeyemi", "Virtanen", "Korhonen", "Byrne", "Murphy", "Horvat", "Kovac", "Ivanova",
           "Popescu", "Ferreira", "Oliveira", "Chen", "Wang", "Park", "Choi", "Sharma", "Gupta", "Karimi",
           "Nasser", "Meyer", "Lindqvist"]


def run_benchmark(parties: int, changes: int, full_sample: int = 0, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="kizuna-bench-monitoring-") as work, home_at(Path(work)):
        previous_url = os.environ.pop(ENV_URL, None)
        try:
            return _run(Path(work), parties, changes, full_sample, rng, rows)
        finally:
            if previous_url is not None:
                os.environ[ENV_URL] = previous_url


def _timed(rows: list[tuple[str, float, str]], label: str, note: str = "") -> Any:
    class _Timer:
        def __enter__(self) -> _Timer:
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc: object) -> None:
            self.seconds = time.perf_counter() - self.start
            rows.append((label, self.seconds, note))

    return _Timer()


def _run(work: Path, parties: int, changes: int, full_sample: int, rng: random.Random,
         rows: list[tuple[str, float, str]]) -> dict[str, Any]:
    lists = SnapshotStore()
    with _timed(rows, "load the bundled lists (snapshot after the update)"):
        after, _ = load_bundled(lists, prepare=build_index_cache)
    entries = list(after.entries())
    after.close()
    chosen = rng.sample(entries, changes)
    with _timed(rows, "build the snapshot before the update", f"{changes // 2} entries removed, "
                f"{changes - changes // 2} altered"):
        before_id = _snapshot_before(lists, entries, chosen)
        after_id = _restore_after(lists, entries)
    register = _register(parties, entries, chosen, rng)
    store = MonitoringStore(work / "monitoring.db")
    try:
        with _timed(rows, "store the register", f"{parties:,} parties, their search keys, the reverse index"):
            with store.transaction():
                register_id = store.register_id("bench", create=True)
                assert register_id is not None
                store.add_parties(register_id, ((p, "analyst", [], search_keys(p)) for p in register))
            refresh_reverse_index(store)
        with _timed(rows, "first screening, on the snapshot before", "every party against the whole index"):
            first, _ = service.rescreen_registers(store, snapshot_id=before_id)
        with _timed(rows, "incremental re-screen, on the snapshot after", "reverse search + affected parties"):
            incremental, raised = service.rescreen_registers(store, snapshot_id=after_id)
        stored = store.all_hits()
        ids = store.active_ids()
        sample = ids if not full_sample or full_sample >= len(ids) else sorted(rng.sample(ids, full_sample))
        with _timed(rows, "full re-screen, on the snapshot after",
                    "every party" if len(sample) == len(ids) else f"{len(sample):,} parties, extrapolated below"):
            reference = _full(store, sample, lists, after_id)
        full_seconds = rows[-1][1] * len(ids) / len(sample)
        comparison = _compare(stored, reference, set(sample))
    finally:
        store.close()
    speedup = full_seconds / incremental.seconds if incremental.seconds else float("inf")
    summary = {"parties": parties, "changed_entries": changes, "diff_entries": incremental.diff_entries,
               "removed_entries": incremental.removed_entries, "reverse_candidates": incremental.candidates,
               "screened_incrementally": incremental.screened, "alerts_raised_by_update": len(raised),
               "first_screen_seconds": round(first.seconds, 2), "incremental_seconds": round(incremental.seconds, 2),
               "incremental_timings": {k: round(v, 3) for k, v in incremental.timings.items()},
               "full_seconds": round(full_seconds, 2), "full_extrapolated": len(sample) != len(ids),
               "full_parties_screened": len(sample), "speedup": round(speedup, 1), **comparison}
    return {"rows": rows, "summary": summary}


def _snapshot_before(lists: SnapshotStore, entries: list[Entry], chosen: list[Entry]) -> str:
    removed = {(e.list_code, e.entry_id) for e in chosen[: len(chosen) // 2]}
    altered = {(e.list_code, e.entry_id) for e in chosen[len(chosen) // 2:]}
    kept = []
    for entry in entries:
        key = (entry.list_code, entry.entry_id)
        if key in removed:
            continue
        if key in altered:
            words = entry.name.split()
            entry = replace(entry, name=" ".join(words[:-1]) if len(words) > 1 else entry.name + " X", aliases=[])
        kept.append(entry)
    return _create(lists, kept, "bench: before the update")


def _restore_after(lists: SnapshotStore, entries: list[Entry]) -> str:
    return _create(lists, entries, "bench: after the update")


def _create(lists: SnapshotStore, entries: list[Entry], note: str) -> str:
    by_list: dict[str, list[Entry]] = {}
    for entry in entries:
        by_list.setdefault(entry.list_code, []).append(entry)
    data = [ListData(code, max(e.provenance.data_date for e in items), "bench", items)
            for code, items in sorted(by_list.items())]
    with lists.lock(60):
        snapshot = lists.create(data, note=note, prepare=build_index_cache)
    snapshot.close()
    return snapshot.id


def _register(parties: int, entries: list[Entry], chosen: list[Entry], rng: random.Random) -> list[Party]:
    """Invented parties — companies with a made-up brand word (as most trading names are), a place and a trade;
    persons from common given and family names — with 0.5 % named after listed entries (a third of those
    misspelt) and one party for every fourth changed entry."""
    out: list[Party] = []
    for number in range(parties):
        if number % 200 == 0:
            entry = rng.choice(entries)
            name = entry.name if number % 600 else _typo(entry.name, rng)
            out.append(Party(name=name, id=f"P{number}", country=entry.countries[0] if entry.countries else None))
        elif number % 3:
            brand = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()
            out.append(Party(name=f"{brand} {rng.choice(_PLACES + _WORDS)} {rng.choice(_TRADES)} "
                                  f"{rng.choice(_LEGAL)}", id=f"P{number}"))
        else:
            out.append(Party(name=f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}", id=f"P{number}"))
    for n, entry in enumerate(chosen[::4]):
        out.append(Party(name=entry.name, id=f"D{n}"))
    return out


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 6:
        return name
    at = rng.randrange(1, len(name) - 1)
    return name[:at] + name[at + 1:]


def _full(store: MonitoringStore, ids: list[int], lists: SnapshotStore, snapshot_id: str
          ) -> dict[tuple[int, str, str], float]:
    screener = get_screener(lists, snapshot_id)
    limit = rules().screening.hits_per_party
    found: dict[tuple[int, str, str], float] = {}
    for start in range(0, len(ids), 2000):
        chunk = store.parties(ids[start:start + 2000])
        for party, hits in zip(chunk, screen_many([p.party for p in chunk], screener=screener, limit=limit),
                               strict=True):
            found.update({(party.id, h.list_code, h.entry_id): h.score for h in hits})
    return found


def _compare(stored: dict[tuple[int, str, str], float], reference: dict[tuple[int, str, str], float],
             sample: set[int]) -> dict[str, Any]:
    mine = {k: v for k, v in stored.items() if k[0] in sample}
    only_incremental = sorted(set(mine) - set(reference))
    only_full = sorted(set(reference) - set(mine))
    shared = set(mine) & set(reference)
    drift = max((abs(mine[k] - reference[k]) for k in shared), default=0.0)
    return {"hits_compared": len(reference), "identical_hits": not only_incremental and not only_full,
            "only_incremental": [list(k) for k in only_incremental[:10]],
            "only_full": [list(k) for k in only_full[:10]],
            "hits_with_other_score": sum(1 for k in shared if mine[k] != reference[k]),
            "max_score_difference": round(drift, 4)}
