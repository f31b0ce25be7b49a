"""What a user asks of monitoring, one function each; the CLI (``kizuna registers``/``alerts``) and the web layer
(``/v1/monitoring``, the console pages) call only these, so the three cannot drift. Every change is one
transaction with its audit record; case actions go through ``cases.act`` (the four-eyes rule)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError, NotFoundError
from kizuna.lists.store import SnapshotStore
from kizuna.monitoring import analysts, cases, feed, reports
from kizuna.monitoring.analysts import SYSTEM, Analyst
from kizuna.monitoring.registers import PartyInput, check, read_file
from kizuna.monitoring.rescreen import Rescreen, refresh_reverse_index, rescreen
from kizuna.monitoring.store import MonitoringStore, StoredParty, exists, now
from kizuna.screening.reverse import search_keys

__all__ = ["Analyst", "PartyInput", "analysts", "cases", "feed", "reports"]

_REGISTER_NAME = r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$"


@contextmanager
def opened(url: str | None = None) -> Iterator[MonitoringStore]:
    """The monitoring store (``$KIZUNA_MONITORING_DB`` or the SQLite file under ``$KIZUNA_HOME``)."""
    store = MonitoringStore(url)
    try:
        yield store
    finally:
        store.close()


def check_register_name(name: str) -> str:
    import re

    if not re.match(_REGISTER_NAME, name or ""):
        raise InputError(f"register name {name!r}: letters, digits, space, '.', '_' or '-' (at most 80)", field="name")
    return name


@dataclass(slots=True)
class ImportResult:
    register: str
    added: int
    rescreen: dict[str, Any] | None = None
    alerts_raised: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"register": self.register, "added": self.added, "rescreen": self.rescreen,
                "alerts_raised": len(self.alerts_raised)}


# -- registers ---------------------------------------------------------------------------------------------------

def import_register(store: MonitoringStore, path: Path, name: str, actor: Analyst | None, *,
                    screen: bool = True) -> ImportResult:
    """Add every party of a CSV/xlsx file to register ``name`` (created if new), all or nothing; then screen the
    new parties against the current snapshot (unless ``screen`` is False)."""
    who = cases.check_actor(store, actor)
    check_register_name(name)
    rows = list(read_file(path))
    with store.transaction():
        register_id = store.register_id(name, create=True)
        assert register_id is not None
        known = store.party_refs(register_id)
        repeated = [p.id for p, _, _ in rows if p.id in known]
        if repeated:
            raise InputError(f"{len(repeated)} id(s) are in register {name!r} already ({', '.join(repeated[:5])}); "
                             "edit those parties instead", path=path, field="id")
        added = store.add_parties(register_id, ((p, o, t, search_keys(p)) for p, o, t in rows))
        store.audit(who, "register import", f"register:{name}", file=path.name, parties=added)
    refresh_reverse_index(store)
    result = ImportResult(name, added)
    if screen:
        result.rescreen, result.alerts_raised = _rescreen_current(store, actor)
    return result


def registers(store: MonitoringStore) -> list[dict[str, Any]]:
    return store.registers()


def parties(store: MonitoringStore, register: str | None = None, offset: int = 0,
            limit: int = 100) -> list[StoredParty]:
    return store.list_parties(register, offset, limit)


def get_party(store: MonitoringStore, party_id: int) -> StoredParty:
    party = store.party(party_id)
    if party is None:
        raise NotFoundError(f"no register party {party_id}")
    return party


def add_party(store: MonitoringStore, register: str, given: PartyInput, actor: Analyst | None, *,
              screen: bool = True) -> StoredParty:
    """Add one party to a register (created if new) and screen it against the current snapshot."""
    who = cases.check_actor(store, actor)
    check_register_name(register)
    party, owner, tags = check(given, source="added by " + who)
    with store.transaction():
        register_id = store.register_id(register, create=True)
        assert register_id is not None
        if party.id in store.party_refs(register_id):
            raise InputError(f"register {register!r} has a party {party.id!r} already; edit it instead", field="id")
        store.add_parties(register_id, [(party, owner, tags, search_keys(party))])
        party_id = int(store.run("SELECT id FROM parties WHERE register_id = :r AND ref = :ref",
                                 {"r": register_id, "ref": party.id}).scalar_one())
        store.audit(who, "party added", f"party:{party_id}", register=register, party=party.to_dict())
    if screen:
        _rescreen_current(store, actor)
    return get_party(store, party_id)


def edit_party(store: MonitoringStore, party_id: int, given: PartyInput, actor: Analyst | None, *,
               screen: bool = True) -> StoredParty:
    """Replace a party's facts; its next screening is against the whole snapshot, and a cleared false positive of
    the party no longer stands (the party changed)."""
    who = cases.check_actor(store, actor)
    before = get_party(store, party_id)
    party, owner, tags = check(given, source=before.party.source or "edited by " + who)
    if not given.id:
        party.id = before.party.id
    with store.transaction():
        store.run("UPDATE parties SET ref = :ref, party = :party, owner = :owner, tags = :tags, search_keys = :keys, "
                  "keyed_at = :g, revision = revision + 1, screened_on = NULL, updated_at = :at WHERE id = :id",
                  {"ref": party.id, "party": json.dumps(party.to_dict(), ensure_ascii=False), "owner": owner,
                   "tags": json.dumps(tags, ensure_ascii=False), "g": store.bump("parties"),
                   "keys": json.dumps(search_keys(party), ensure_ascii=False), "at": now(), "id": party_id})
        store.audit(who, "party edited", f"party:{party_id}", before=before.party.to_dict(), after=party.to_dict(),
                    owner=owner, tags=tags)
    if screen:
        _rescreen_current(store, actor)
    return get_party(store, party_id)


def remove_party(store: MonitoringStore, party_id: int, actor: Analyst | None) -> None:
    """Take a party out of its register: it is no longer screened and its open alerts close (history stays)."""
    who = cases.check_actor(store, actor)
    party = get_party(store, party_id)
    with store.transaction():
        store.run("UPDATE parties SET removed_at = :at WHERE id = :id", {"at": now(), "id": party_id})
        store.run("DELETE FROM hits WHERE party_id = :id", {"id": party_id})
        cases.close_party_alerts(store, party_id, f"the party was removed from its register by {who}")
        store.audit(who, "party removed", f"party:{party_id}", register=party.register, party=party.party.to_dict())


# -- re-screening ------------------------------------------------------------------------------------------------

def rescreen_registers(store: MonitoringStore, actor: Analyst | None = None, *, full: bool = False,
                       lists: SnapshotStore | None = None, snapshot_id: str | None = None,
                       cluster: str | None = None) -> tuple[Rescreen, list[int]]:
    """Re-screen the registers on the current snapshot (incrementally unless ``full``; the parties screened on
    the Dask ``cluster`` if one is given), raising and closing alerts, then post the feed's events; gives the run
    and the ids of the alerts raised. Without an analyst the run is Kizuna's own (after a new snapshot)."""
    who = SYSTEM if actor is None else cases.check_actor(store, actor)
    raised: list[int] = []

    def on_hits(party: StoredParty, old: dict[tuple[str, str], dict[str, Any]], hits: list[Any], snapshot: Any) -> None:
        raised.extend(cases.sync_alerts(store, party, old, hits, snapshot))

    run = rescreen(store, lists, full=full, on_hits=on_hits, snapshot_id=snapshot_id, cluster=cluster)
    with store.transaction():
        store.audit(who, "re-screen", f"snapshot:{run.snapshot_id}", run.snapshot_id, "",
                    run=run.to_dict(), alerts_raised=len(raised))
    feed.deliver(store, patient=False)
    return run, raised


def _rescreen_current(store: MonitoringStore, actor: Analyst | None) -> tuple[dict[str, Any] | None, list[int]]:
    lists = SnapshotStore()
    if lists.current_id() is None:
        return None, []  # no lists loaded yet: the first snapshot screens everyone
    run, raised = rescreen_registers(store, actor, lists=lists)
    return run.to_dict(), raised


# A Dask scheduler address (or local:N) on which the re-screen after each new snapshot runs, for a server whose
# `kizuna lists fetch --every 6h` should not screen a large register on its own cores.
CLUSTER_ENV = "KIZUNA_RESCREEN_DASK"


def on_snapshot(lists: SnapshotStore) -> None:
    """Called by the list store after a new snapshot became current (``lists update``, ``fetch``,
    ``load-bundled``): re-screen the registers, if there are any, on the Dask cluster ``$KIZUNA_RESCREEN_DASK``
    names, else in this process. A failure here never undoes the update; it is reported, and the next run catches
    up (each party remembers the snapshot it was last screened on)."""
    if not exists():
        return
    cluster = os.environ.get(CLUSTER_ENV) or None
    try:
        with opened() as store:
            run, raised = rescreen_registers(store, lists=lists, cluster=cluster)
        where = f" on Dask {cluster}" if cluster else ""
        sys.stderr.write(f"registers re-screened{where} on snapshot {run.snapshot_id} ({run.mode}): "
                         f"{run.screened:,} of {run.parties:,} parties screened, {len(raised)} alert(s) raised\n")
    except Exception as exc:
        sys.stderr.write(f"warning: the registers were not re-screened ({exc}); run `kizuna registers rescreen`\n")


# -- alerts and cases --------------------------------------------------------------------------------------------

def alerts(store: MonitoringStore, states: tuple[str, ...] = (), assignee: str | None = None, since_id: int = 0,
           limit: int = 100, offset: int = 0) -> list[cases.Alert]:
    unknown = [s for s in states if s not in {x.value for x in cases.State}]
    if unknown:
        raise InputError(f"unknown state(s) {', '.join(unknown)}", field="state")
    return cases.find(store, states=states, assignee=assignee, since_id=since_id, limit=limit, offset=offset)


def case(store: MonitoringStore, alert_id: int) -> dict[str, Any]:
    """An alert with its frozen evidence, its history and its audit records."""
    alert = cases.get(store, alert_id)
    return {"alert": alert, "history": cases.history(store, alert_id),
            "audit": list(reversed(store.audit_log(f"alert:{alert_id}")))}


def act(store: MonitoringStore, alert_id: int, actor: Analyst | None, action: str, **options: Any) -> cases.Alert:
    """One analyst action on a case (``cases.act``: the one place, with the four-eyes rule), then the feed."""
    alert = cases.act(store, alert_id, actor, action, **options)
    feed.deliver(store, patient=False)
    return alert


def add_webhook(store: MonitoringStore, url: str, actor: Analyst | None) -> int:
    """Post every new alert and decision to ``url`` (retried as ``rules.yaml`` says); audited."""
    return feed.add_webhook(store, url, cases.check_actor(store, actor))


def remove_webhook(store: MonitoringStore, webhook_id: int, actor: Analyst | None) -> None:
    feed.remove_webhook(store, webhook_id, cases.check_actor(store, actor))


def audit_log(store: MonitoringStore, subject: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    return store.audit_log(subject, limit)


def daily_summary(store: MonitoringStore, day: date | None = None) -> reports.Report:
    return reports.daily_summary(store, day or date.today())


def cases_report(store: MonitoringStore, as_of: date | None = None) -> tuple[reports.Report, Any]:
    return reports.cases_report(store, as_of or date.today())
