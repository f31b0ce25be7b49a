"""The monitoring store on the shared database layer (``kizuna.core.db``): SQLite at
``$KIZUNA_HOME/monitoring/monitoring.db`` by default, or the URL in ``$KIZUNA_MONITORING_DB`` (PostgreSQL too).

Its schema is the Alembic revisions in ``kizuna/monitoring/migrations``, applied when the store is opened. This
module only reads and writes rows; the rules (what becomes an alert, who may decide) live in ``rescreen`` and
``cases``, and every write they make goes through ``transaction()``, all or nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna.core import db
from kizuna.core.party import Party
from kizuna.core.paths import home

ENV_URL = "KIZUNA_MONITORING_DB"
_CHUNK = 500  # ids per IN (...) list: well below SQLite's and PostgreSQL's parameter limits


def default_url() -> str:
    """``$KIZUNA_MONITORING_DB``, else the SQLite file under ``$KIZUNA_HOME``."""
    return os.environ.get(ENV_URL) or str(home() / "monitoring" / "monitoring.db")


def exists(url: str | None = None) -> bool:
    """Whether a monitoring store was ever opened at ``url`` (a database URL always counts: it was configured)."""
    chosen = url or default_url()
    return db.is_postgres(chosen) or db.sqlite_path(chosen).exists()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class StoredParty:
    """A register party: the ``Party`` with the analyst who owns it, its tags and its screening state."""

    id: int
    register: str
    party: Party
    owner: str = ""
    tags: list[str] = field(default_factory=list)
    revision: int = 1
    screened_on: str | None = None
    created_at: str = ""
    updated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "register": self.register, "party": self.party.to_dict(), "owner": self.owner,
                "tags": self.tags, "revision": self.revision, "screened_on": self.screened_on,
                "created_at": self.created_at, "updated_at": self.updated_at}


# A party screened once is screened on the snapshot the registers were last screened on (``state``); NULL: pending.
_PARTY_COLUMNS = ("p.id, r.name AS register, p.party, p.owner, p.tags, p.revision, CASE WHEN p.screened_on IS NULL "
                  "THEN NULL ELSE (SELECT value FROM state WHERE key = 'screened_on') END AS screened_on, "
                  "p.created_at, p.updated_at")


def _party(row: Any) -> StoredParty:
    return StoredParty(row.id, row.register, Party.from_dict(json.loads(row.party)), row.owner, json.loads(row.tags),
                       row.revision, row.screened_on, row.created_at, row.updated_at)


class MonitoringStore(db.Store):
    """One connection to the store (open one per thread or request); a context manager."""

    name = "monitoring"

    def __init__(self, url: str | Path | None = None) -> None:
        super().__init__(url or default_url())

    def insert(self, sql: str, params: dict[str, Any]) -> int:
        """Run an INSERT … RETURNING id and give the id."""
        return int(self.run(sql + " RETURNING id", params).scalar_one())

    # -- counters ---------------------------------------------------------------------------------------------

    def bump(self, name: str) -> int:
        """Add one to a counter (inside the caller's transaction) and give the new value."""
        self.run("INSERT INTO counters (name, value) VALUES (:name, 0) ON CONFLICT (name) DO NOTHING", {"name": name})
        self.run("UPDATE counters SET value = value + 1 WHERE name = :name", {"name": name})
        return self.counter(name)

    def counter(self, name: str) -> int:
        value = self.run("SELECT value FROM counters WHERE name = :name", {"name": name}).scalar()
        return int(value or 0)

    # -- registers and parties --------------------------------------------------------------------------------

    def register_id(self, name: str, *, create: bool = False) -> int | None:
        found = self.run("SELECT id FROM registers WHERE name = :name", {"name": name}).scalar()
        if found is None and create:
            return self.insert("INSERT INTO registers (name, created_at) VALUES (:name, :at)",
                               {"name": name, "at": now()})
        return None if found is None else int(found)

    def registers(self) -> list[dict[str, Any]]:
        rows = self.run(
            "SELECT r.name, r.created_at, COUNT(p.id) AS parties, "
            "SUM(CASE WHEN p.screened_on IS NULL THEN 1 ELSE 0 END) AS unscreened FROM registers r "
            "LEFT JOIN parties p ON p.register_id = r.id AND p.removed_at IS NULL GROUP BY r.id, r.name, r.created_at "
            "ORDER BY r.name").mappings().all()
        return [{**row, "unscreened": int(row["unscreened"] or 0)} for row in rows]

    def add_parties(self, register_id: int, rows: Iterable[tuple[Party, str, list[str], dict[str, Any]]]) -> int:
        """Insert parties (party, owner, tags, search keys); the caller holds the transaction. Gives the count."""
        at, generation = now(), self.bump("parties")
        batch = [{"register": register_id, "ref": party.id, "party": json.dumps(party.to_dict(), ensure_ascii=False),
                  "owner": owner, "tags": json.dumps(tags, ensure_ascii=False),
                  "keys": json.dumps(keys, ensure_ascii=False), "at": at, "g": generation}
                 for party, owner, tags, keys in rows]
        for start in range(0, len(batch), 5000):
            self.run("INSERT INTO parties (register_id, ref, party, owner, tags, search_keys, keyed_at, created_at, "
                     "updated_at) VALUES (:register, :ref, :party, :owner, :tags, :keys, :g, :at, :at)",
                     batch[start:start + 5000])
        return len(batch)

    def party_refs(self, register_id: int) -> set[str]:
        return set(self.run("SELECT ref FROM parties WHERE register_id = :r", {"r": register_id}).scalars())

    def party(self, party_id: int) -> StoredParty | None:
        row = self.run(f"SELECT {_PARTY_COLUMNS} FROM parties p JOIN registers r ON r.id = p.register_id "
                       "WHERE p.id = :id AND p.removed_at IS NULL", {"id": party_id}).fetchone()
        return None if row is None else _party(row)

    def parties(self, ids: Iterable[int]) -> list[StoredParty]:
        wanted = sorted(set(ids))
        found: list[StoredParty] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            found += [_party(row) for row in self.run(
                f"SELECT {_PARTY_COLUMNS} FROM parties p JOIN registers r ON r.id = p.register_id "
                f"WHERE p.id IN ({','.join(str(i) for i in chunk)}) ORDER BY p.id")]
        return found

    def list_parties(self, register: str | None = None, offset: int = 0, limit: int = 100) -> list[StoredParty]:
        where = "p.removed_at IS NULL"
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if register:
            where += " AND r.name = :register"
            params["register"] = register
        rows = self.run(f"SELECT {_PARTY_COLUMNS} FROM parties p JOIN registers r ON r.id = p.register_id "
                        f"WHERE {where} ORDER BY p.id LIMIT :limit OFFSET :offset", params)
        return [_party(row) for row in rows]

    def screened_snapshot(self) -> str | None:
        """The snapshot every screened party was last screened on (None before the first screening)."""
        value = self.run("SELECT value FROM state WHERE key = 'screened_on'").scalar()
        return None if value is None else str(value)

    def set_screened_snapshot(self, snapshot_id: str) -> None:
        self.run("INSERT INTO state (key, value) VALUES ('screened_on', :v) ON CONFLICT (key) DO UPDATE "
                 "SET value = :v", {"v": snapshot_id})

    def pending_ids(self) -> list[int]:
        """Active parties never screened, or edited since they were (they are screened against the whole index)."""
        return [int(i) for i in self.run("SELECT id FROM parties WHERE removed_at IS NULL AND screened_on IS NULL "
                                         "ORDER BY id").scalars()]

    def active_ids(self) -> list[int]:
        return [int(i) for i in self.run("SELECT id FROM parties WHERE removed_at IS NULL ORDER BY id").scalars()]

    def active_count(self) -> int:
        return int(self.run("SELECT COUNT(*) FROM parties WHERE removed_at IS NULL").scalar_one())

    def screened_among(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` that are active parties screened already (not pending)."""
        wanted, found = sorted(set(ids)), set[int]()
        for start in range(0, len(wanted), _CHUNK):
            chunk = ",".join(str(i) for i in wanted[start:start + _CHUNK])
            found.update(int(i) for i in self.run(f"SELECT id FROM parties WHERE id IN ({chunk}) AND removed_at IS "
                                                  "NULL AND screened_on IS NOT NULL").scalars())
        return found

    def search_keys(self, since: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
        """The search keys of active parties whose keys were written after generation ``since``."""
        for row in self.run("SELECT id, search_keys FROM parties WHERE removed_at IS NULL AND keyed_at > :since",
                            {"since": since}):
            yield int(row.id), json.loads(row.search_keys)

    def count_keyed_after(self, generation: int) -> int:
        return int(self.run("SELECT COUNT(*) FROM parties WHERE removed_at IS NULL AND keyed_at > :g",
                            {"g": generation}).scalar_one())

    def mark_screened(self, ids: Sequence[int], snapshot_id: str) -> None:
        """Record that these parties were screened against the whole of ``snapshot_id``."""
        for start in range(0, len(ids), _CHUNK):
            chunk = ",".join(str(i) for i in ids[start:start + _CHUNK])
            self.run(f"UPDATE parties SET screened_on = :s WHERE id IN ({chunk})", {"s": snapshot_id})

    # -- hits -------------------------------------------------------------------------------------------------

    def hits_of(self, ids: Sequence[int]) -> dict[int, dict[tuple[str, str], dict[str, Any]]]:
        found: dict[int, dict[tuple[str, str], dict[str, Any]]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ",".join(str(i) for i in ids[start:start + _CHUNK])
            for row in self.run(f"SELECT party_id, list_code, entry_id, hit FROM hits WHERE party_id IN ({chunk})"):
                found.setdefault(int(row.party_id), {})[(row.list_code, row.entry_id)] = json.loads(row.hit)
        return found

    def parties_with_alerts(self, ids: Sequence[int], states: Iterable[str]) -> set[int]:
        """Those of ``ids`` with an alert in one of ``states``."""
        wanted, found = list(states), set[int]()
        marks = ",".join(f":s{n}" for n in range(len(wanted)))
        for start in range(0, len(ids), _CHUNK):
            chunk = ",".join(str(i) for i in ids[start:start + _CHUNK])
            found.update(int(v) for v in self.run(
                f"SELECT DISTINCT party_id FROM alerts WHERE party_id IN ({chunk}) AND state IN ({marks})",
                {f"s{n}": state for n, state in enumerate(wanted)}).scalars())
        return found

    def parties_with_hits_on(self, keys: Iterable[tuple[str, str]]) -> set[int]:
        by_list: dict[str, list[str]] = {}
        for code, entry_id in keys:
            by_list.setdefault(code, []).append(entry_id)
        found: set[int] = set()
        for code, ids in by_list.items():
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start:start + _CHUNK]
                params: dict[str, Any] = {f"e{n}": value for n, value in enumerate(chunk)}
                marks = ",".join(f":e{n}" for n in range(len(chunk)))
                found.update(int(v) for v in self.run(
                    f"SELECT party_id FROM hits WHERE list_code = :code AND entry_id IN ({marks})",
                    {**params, "code": code}).scalars())
        return found

    def replace_hits(self, party_id: int, hits: Sequence[dict[str, Any]], snapshot_id: str) -> None:
        self.run("DELETE FROM hits WHERE party_id = :p", {"p": party_id})
        if hits:
            self.run("INSERT INTO hits (party_id, list_code, entry_id, score, snapshot_id, hit) "
                     "VALUES (:p, :list, :entry, :score, :s, :hit)",
                     [{"p": party_id, "list": h["list"], "entry": h["entry_id"], "score": h["score"], "s": snapshot_id,
                       "hit": json.dumps(h, ensure_ascii=False)} for h in hits])

    def all_hits(self) -> dict[tuple[int, str, str], float]:
        """Every current hit as (party, list, entry) -> score (what a full re-screen is compared with)."""
        return {(int(r.party_id), r.list_code, r.entry_id): float(r.score)
                for r in self.run("SELECT party_id, list_code, entry_id, score FROM hits")}

    # -- audit ------------------------------------------------------------------------------------------------

    def audit(self, actor: str, action: str, subject: str, snapshot_id: str = "", list_version: str = "",
              **detail: Any) -> None:
        """Append one record to the audit log (the database refuses to change or delete it)."""
        self.run("INSERT INTO audit (at, actor, action, subject, snapshot_id, list_version, detail) "
                 "VALUES (:at, :actor, :action, :subject, :snapshot, :version, :detail)",
                 {"at": now(), "actor": actor, "action": action, "subject": subject, "snapshot": snapshot_id,
                  "version": list_version, "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)})

    def audit_log(self, subject: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        where, params = ("WHERE subject = :subject", {"subject": subject}) if subject else ("", {})
        rows = self.run(f"SELECT id, at, actor, action, subject, snapshot_id, list_version, detail FROM audit {where} "
                        "ORDER BY id DESC LIMIT :limit", {**params, "limit": limit}).mappings().all()
        return [{**row, "detail": json.loads(row["detail"])} for row in rows]
