"""The registers' re-screen on a list update: incremental, hooked into the snapshot promotion, and equal to a full
re-screen (the differences a full re-screen can show are only the token-weight drift of unchanged entries, each
checked to be exactly that)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from distributed import LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kizuna.core.entity import Entry
from kizuna.core.paths import home_at
from kizuna.lists.store import SnapshotStore
from kizuna.monitoring import service
from kizuna.monitoring.store import MonitoringStore
from kizuna.screening import get_screener, screen
from tests.monitoring.conftest import changed, full_reference, make_snapshot, register_of, sign_in, write_register

Key = tuple[int, str, str]


def _unexplained(store: MonitoringStore, stored: dict[Key, float], reference: dict[Key, float],
                 touched: set[tuple[str, str]], before: str) -> list[Key]:
    """Differences between the incremental and the full result that are not the weight drift of an unchanged
    entry (a pair whose score moved across the threshold between the two snapshots by a hair)."""
    lists = SnapshotStore()
    after = lists.current_id()
    unexplained = []
    for key in set(stored) ^ set(reference):
        party = store.party(key[0])
        assert party is not None
        if (key[1], key[2]) in touched:
            unexplained.append(key)
            continue
        scores = []
        for snapshot in (before, after):
            hits = screen(party.party, screener=get_screener(lists, snapshot), threshold=0.5, limit=200)
            scores.append(next((h.score for h in hits if (h.list_code, h.entry_id) == key[1:]), 0.0))
        threshold = get_screener(lists, after).threshold
        crossed = (scores[0] >= threshold) != (scores[1] >= threshold)
        if not crossed or abs(scores[0] - scores[1]) > 0.02:
            unexplained.append(key)
    return unexplained


def _update_case(tmp: Path, listed: list[Entry], seed: int, removed: int, altered: int, added: int
                 ) -> tuple[MonitoringStore, dict[Key, float], dict[Key, float], set[tuple[str, str]], str, dict]:
    rng = random.Random(seed)
    first = listed[added:]
    before = make_snapshot(first, "before")
    with MonitoringStore() as store:
        service.import_register(store, write_register(tmp / "register.csv", register_of(listed, rng, 160)),
                                "customers", sign_in(store, "aiko"))
    after_entries, touched = changed(first, rng, removed, altered, listed[:added])
    make_snapshot(after_entries, "after")  # the registers are re-screened here, by the promotion's hook
    store = MonitoringStore()
    run = next(r for r in store.audit_log() if r["action"] == "re-screen")["detail"]["run"]
    return store, store.all_hits(), full_reference(store), touched, before, run


def test_an_update_rescreens_only_what_it_can_change_and_equals_a_full_rescreen(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], tmp_path: Path) -> None:
    store, stored, reference, touched, before, run = _update_case(tmp_path, listed, 3, 15, 25, 30)
    try:
        assert run["mode"] == "incremental" and run["diff_entries"] == 55 and run["removed_entries"] == 15
        assert 0 < run["screened"] < run["parties"] // 2  # the reverse search narrowed it down
        assert any(k[1:] in touched for k in reference)  # the update did touch the register
        assert not _unexplained(store, stored, reference, touched, before)
        assert all(stored[k] == reference[k] for k in set(stored) & set(reference) if k[1:] in touched)
    finally:
        store.close()


def test_the_update_closes_alerts_on_removed_entries_and_raises_new_ones(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], tmp_path: Path) -> None:
    store, stored, reference, _touched, _, _ = _update_case(tmp_path, listed, 5, 20, 10, 20)
    try:
        rows = store.run("SELECT list_code, entry_id, state, closed_reason FROM alerts").mappings().all()
        gone = {(e.list_code, e.entry_id) for e in listed[20:]} - {k[1:] for k in reference}
        closed = [r for r in rows if r["state"] == "closed"]
        assert closed and all(r["closed_reason"] for r in closed)
        assert {(r["list_code"], r["entry_id"]) for r in closed if "removed" in r["closed_reason"]} <= gone
        new_entries = {(e.list_code, e.entry_id) for e in listed[:20]}
        assert any((r["list_code"], r["entry_id"]) in new_entries for r in rows if r["state"] == "new")
        open_keys = {(r["list_code"], r["entry_id"]) for r in rows if r["state"] == "new"}
        assert {k[1:] for k in stored} <= open_keys
    finally:
        store.close()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), removed=st.integers(0, 12), altered=st.integers(0, 12), added=st.integers(0, 12))
def test_property_incremental_equals_full(listed: list[Entry], tmp_path_factory: pytest.TempPathFactory, seed: int,
                                          removed: int, altered: int, added: int) -> None:
    work = tmp_path_factory.mktemp("property")
    with home_at(work / "home"):
        store, stored, reference, touched, before, _ = _update_case(work, listed, seed, removed, altered, added)
        try:
            assert not _unexplained(store, stored, reference, touched, before)
        finally:
            store.close()


def test_a_full_rescreen_gives_the_same_hits(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], tmp_path: Path) -> None:
    store, _stored, _, _, _, _ = _update_case(tmp_path, listed, 9, 5, 5, 5)
    try:
        run, _ = service.rescreen_registers(store, sign_in(store, "aiko"), full=True)
        assert run.mode == "full" and run.screened == run.parties
        assert set(store.all_hits()) == set(full_reference(store))
    finally:
        store.close()


def test_a_rescreen_on_a_dask_cluster_stores_the_hits_of_one_process(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], dask_cluster: LocalCluster,
        tmp_path: Path) -> None:
    """The parties are screened on the cluster's workers, the store is written here: the same hits and scores,
    and the same alerts, as a re-screen in this process."""
    store, _stored, _, _, _, _ = _update_case(tmp_path, listed, 11, 5, 5, 5)
    try:
        service.rescreen_registers(store, sign_in(store, "aiko"), full=True)
        here, alerts_here = store.all_hits(), service.alerts(store, limit=1000)
        run, raised = service.rescreen_registers(store, sign_in(store, "aiko"), full=True,
                                                 cluster=dask_cluster.scheduler_address)
        assert run.screened == run.parties == len(store.active_ids()) and not raised
        assert store.all_hits() == here and len(here) > 20
        assert service.alerts(store, limit=1000) == alerts_here
    finally:
        store.close()


def test_the_rescreen_after_an_update_runs_on_the_cluster_the_environment_names(
        monitored: Callable[[], MonitoringStore], listed: list[Entry], dask_cluster: LocalCluster,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``$KIZUNA_RESCREEN_DASK``: the promotion's hook screens the chosen parties on that scheduler's workers, and
    the result is the in-process one (it equals a full re-screen)."""
    monkeypatch.setenv(service.CLUSTER_ENV, dask_cluster.scheduler_address)
    store, stored, reference, touched, before, run = _update_case(tmp_path, listed, 3, 15, 25, 30)
    try:
        assert run["mode"] == "incremental" and run["cluster"] == dask_cluster.scheduler_address
        assert 0 < run["screened"] < run["parties"] // 2
        assert not _unexplained(store, stored, reference, touched, before)
        assert all(stored[k] == reference[k] for k in set(stored) & set(reference) if k[1:] in touched)
    finally:
        store.close()


def test_nothing_happens_without_registers(monitored: Callable[[], MonitoringStore], listed: list[Entry]) -> None:
    make_snapshot(listed[:200])
    make_snapshot(listed[:300])
    assert not (Path(str(SnapshotStore().root.parent)) / "monitoring" / "monitoring.db").exists()
