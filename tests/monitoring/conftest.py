"""Monitoring fixtures: a data directory with a snapshot of 2,500 real listed entries (from the bundled lists), and
helpers that make the next snapshot of a list update and screen a register in full for reference."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kizuna.core.entity import Entry, Name, NameKind
from kizuna.core.party import Party
from kizuna.lists.model import ListData
from kizuna.lists.store import SnapshotStore
from kizuna.monitoring import analysts
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore
from kizuna.screening import get_screener, screen_many
from kizuna.screening.service import build_index_cache


@pytest.fixture(scope="session")
def listed(kizuna_home: Path) -> list[Entry]:
    """2,500 real entries of the bundled lists, with every entry linked to one of them on another list."""
    snapshot = SnapshotStore().open()
    try:
        entries = list(snapshot.entries())
    finally:
        snapshot.close()
    rng = random.Random(16)
    chosen = rng.sample(entries, 2300)
    huawei = [e for e in entries if "huawei" in e.name.casefold()][:40]
    kim = [e for e in entries if e.name.casefold().startswith("kim")][:40]
    keys = {(e.list_code, e.entry_id) for e in chosen}
    return chosen + [e for e in huawei + kim if (e.list_code, e.entry_id) not in keys]


def make_snapshot(entries: list[Entry], note: str = "test") -> str:
    """Make ``entries`` the current snapshot, as an update would (the registers' re-screen runs on it)."""
    lists = SnapshotStore()
    by_list: dict[str, list[Entry]] = {}
    for entry in entries:
        by_list.setdefault(entry.list_code, []).append(entry)
    data = [ListData(code, max(e.provenance.data_date for e in items), "test", items)
            for code, items in sorted(by_list.items())]
    with lists.lock(60):
        snapshot = lists.create(data, note=note, prepare=build_index_cache)
    snapshot.close()
    return snapshot.id


def write_register(path: Path, parties: list[Party], owner: str = "aiko") -> Path:
    """A register CSV file of ``parties``, as a user would upload it."""
    from kizuna.core.tables import write_table

    write_table(path, ["id", "name", "country", "owner", "tags"],
                [[p.id, p.name, p.country or "", owner, "test"] for p in parties])
    return path


def register_of(entries: list[Entry], rng: random.Random, size: int = 300) -> list[Party]:
    """Parties named after listed entries (as listed, misspelt, by an alias) and invented ones."""
    parties = []
    for number in range(size):
        entry = rng.choice(entries)
        if number % 4 == 0:
            country = entry.countries[0] if entry.countries else None
            parties.append(Party(name=entry.name, id=f"L{number}", country=country))
        elif number % 4 == 1 and len(entry.name) > 6:
            at = rng.randrange(1, len(entry.name) - 1)
            parties.append(Party(name=entry.name[:at] + entry.name[at + 1:], id=f"T{number}"))
        elif number % 4 == 2 and entry.aliases:
            parties.append(Party(name=rng.choice(entry.aliases).text, id=f"A{number}"))
        else:
            words = (rng.choice(["Osaka", "Kobe", "Lyon"]), rng.choice(["Precision", "Marine", "Textile"]),
                     rng.choice(["Works", "Trading", "Holdings"]))
            parties.append(Party(name=f"{' '.join(words)} {number}", id=f"I{number}"))
    return parties


def changed(entries: list[Entry], rng: random.Random, removed: int, altered: int, added: list[Entry]
            ) -> tuple[list[Entry], set[tuple[str, str]]]:
    """The entries after a list update: some removed, some altered (name shortened, an alias added or dropped, a
    country changed), new ones added; and the keys the update touched."""
    order = rng.sample(range(len(entries)), removed + altered)
    gone = {order[n] for n in range(removed)}
    edited = {order[n] for n in range(removed, removed + altered)}
    after, touched = [], set()
    for number, entry in enumerate(entries):
        if number in gone:
            touched.add((entry.list_code, entry.entry_id))
            continue
        if number in edited:
            touched.add((entry.list_code, entry.entry_id))
            entry = _alter(entry, rng)
        after.append(entry)
    for entry in added:
        touched.add((entry.list_code, entry.entry_id))
        after.append(entry)
    return after, touched


def _alter(entry: Entry, rng: random.Random) -> Entry:
    how = rng.randrange(3)
    if how == 0 and len(entry.name.split()) > 1:
        return replace(entry, name=" ".join(entry.name.split()[:-1]))
    if how == 1:
        return replace(entry, aliases=[*entry.aliases, Name(entry.name.split()[0] + " Trading", NameKind.ALIAS)])
    return replace(entry, aliases=entry.aliases[1:], countries=["IR"] if entry.countries != ["IR"] else ["SY"])


def full_reference(store: MonitoringStore) -> dict[tuple[int, str, str], float]:
    """Every active party screened against the whole current snapshot (the full re-screen)."""
    screener = get_screener()
    ids = store.active_ids()
    parties = store.parties(ids)
    results = screen_many([p.party for p in parties], screener=screener, limit=rules().screening.hits_per_party)
    return {(p.id, h.list_code, h.entry_id): h.score for p, hits in zip(parties, results, strict=True) for h in hits}


@pytest.fixture()
def monitored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], MonitoringStore]:
    """A fresh data directory (no snapshot yet); gives a function opening its monitoring store."""
    monkeypatch.setenv("KIZUNA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KIZUNA_MONITORING_DB", raising=False)
    return lambda: MonitoringStore()


PASSWORD = "correct horse battery"  # every test analyst's (scrypt makes each sign-in cost ~50 ms)


def sign_in(store: MonitoringStore, name: str) -> analysts.Analyst:
    """``name`` signed in with their password (added as an analyst first if the store does not know them)."""
    if not any(row["name"] == name for row in analysts.listed(store)):
        analysts.add(store, name, PASSWORD, "test")
    return analysts.with_password(store, name, PASSWORD)
