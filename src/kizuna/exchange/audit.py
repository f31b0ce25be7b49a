"""The node's append-only, hash-chained audit log.

Each record's hash covers the previous record's hash and the record itself, so removing, reordering or editing a
record breaks the chain from that point on; the database also refuses UPDATE and DELETE on the table. Records are
written in the same transaction as the change they record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kizuna.exchange.db import Database

GENESIS = "0" * 64
EVENTS = ("created", "versioned", "sent", "refused", "withdrawn", "received", "rejected", "viewed",
          "request-refused", "access-refused", "login", "login-failed", "application", "consultation", "approved",
          "approval-refused", "peer-added", "user-added", "settings")


@dataclass(frozen=True, slots=True)
class Event:
    """One thing to record: what happened, who did it, to which object version, with which peer."""

    event: str
    actor: str
    object_id: str | None = None
    version: str | None = None
    peer: str | None = None
    detail: dict[str, Any] | None = None


def _hash(prev: str, seq: int, at: str, event: Event, detail: str) -> str:
    payload = json.dumps([seq, at, event.event, event.actor, event.object_id, event.version, event.peer, detail],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + payload).encode("utf-8")).hexdigest()


def append(db: Database, *events: Event) -> None:
    """Append records; call inside the transaction that makes the change they record."""
    if not events:
        return
    for event in events:
        if event.event not in EVENTS:
            raise ValueError(f"unknown audit event {event.event!r}")
    with db.transaction():
        # Taking the counter first locks it, so concurrent writers chain one after another.
        last = int(db.scalar("UPDATE counters SET value = value + ? WHERE name = 'audit' RETURNING value",
                             (len(events),)))
        prev = db.scalar("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") or GENESIS
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        rows = []
        for offset, event in enumerate(events):
            seq = last - len(events) + 1 + offset
            detail = json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            digest = _hash(prev, seq, at, event, detail)
            rows.append((seq, at, event.event, event.actor, event.object_id, event.version, event.peer, detail, prev,
                         digest))
            prev = digest
        db.executemany("INSERT INTO audit (seq, at, event, actor, object_id, version, peer, detail, prev, hash) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    records: int
    problem: str = ""
    seq: int | None = None


def verify(db: Database, batch: int = 5000) -> Verification:
    """Walk the chain from the first record; report the first record whose hash or link does not hold."""
    prev, expected, count = GENESIS, 1, 0
    while True:
        rows = db.all("SELECT seq, at, event, actor, object_id, version, peer, detail, prev, hash FROM audit "
                      "WHERE seq >= ? ORDER BY seq LIMIT ?", (expected, batch))
        if not rows:
            break
        for seq, at, event, actor, object_id, version, peer, detail, stored_prev, stored_hash in rows:
            if seq != expected:
                return Verification(False, count, f"record {expected} is missing (next is {seq})", expected)
            if stored_prev != prev:
                return Verification(False, count, f"record {seq} does not link to record {seq - 1}", seq)
            if _hash(prev, seq, at, Event(event, actor, object_id, version, peer), detail) != stored_hash:
                return Verification(False, count, f"record {seq} was altered (its hash does not match)", seq)
            prev, expected, count = stored_hash, expected + 1, count + 1
    total = int(db.scalar("SELECT value FROM counters WHERE name = 'audit'") or 0)
    if count != total:
        return Verification(False, count, f"the log should hold {total} records but {count} chain from the start",
                            count + 1)
    return Verification(True, count)


def records(db: Database, *, object_id: str | None = None, event: str | None = None, peer: str | None = None,
            limit: int = 200) -> list[dict[str, Any]]:
    """Recent records, newest first, optionally for one object, event or peer."""
    clauses, params = [], []
    for column, value in (("object_id", object_id), ("event", event), ("peer", peer)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.all(f"SELECT seq, at, event, actor, object_id, version, peer, detail FROM audit {where} "
                  f"ORDER BY seq DESC LIMIT ?", (*params, limit))
    return [{"seq": r[0], "at": r[1], "event": r[2], "actor": r[3], "object_id": r[4], "version": r[5],
             "peer": r[6], "detail": json.loads(r[7])} for r in rows]
