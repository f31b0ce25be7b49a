"""The node's append-only, hash-chained audit log, anchored by signed checkpoints that peers keep.

Each record's hash covers the previous record's hash and the record itself, so removing, reordering or editing a
record breaks the chain from that point on; the database also refuses UPDATE, DELETE and any insert that is not at
the end (so ``INSERT OR REPLACE`` cannot overwrite a record). Records are written in the same transaction as the
change they record.

Someone who owns the database can still drop those guards, rewrite a record and recompute every hash after it, or
cut the tail and set the counter back: the chain alone then verifies. So every ``checkpoint_every_records``
records (``rules.yaml``), and whenever a peer pulls them, the node signs its head (sequence number and hash) with
its Ed25519 key. Peers keep the checkpoints they pull; ``verify`` compares the chain with the local checkpoints
and with those peers hold, and a rewrite or a cut contradicts one of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kizuna.core.errors import KizunaError
from kizuna.exchange.config import rules
from kizuna.exchange.db import Database
from kizuna.exchange.signing import b64, unb64

GENESIS = "0" * 64
EVENTS = ("created", "versioned", "sent", "refused", "withdrawn", "received", "rejected", "viewed",
          "request-refused", "access-refused", "login", "login-failed", "application", "consultation", "approved",
          "approval-refused", "peer-added", "user-added", "settings", "login-locked", "requests-refused",
          "peer-removed", "key-rotated", "key-revoked", "user-disabled", "user-enabled", "token-issued",
          "token-expired")


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
        every = int(rules()["audit"]["checkpoint_every_records"])
        if (last - len(events)) // every != last // every:
            _sign_checkpoint(db, last, prev, at)


# -- signed checkpoints -----------------------------------------------------------------------------

class CheckpointError(KizunaError):
    """A checkpoint that is not signed by the node's key, or contradicts one held before."""


@dataclass(frozen=True, slots=True)
class AuditSigner:
    """The node whose log this is, the key it signs checkpoints with, and its earlier (rotated) public keys."""

    node: str
    key: Ed25519PrivateKey
    previous: tuple[Ed25519PublicKey, ...] = ()

    @property
    def keys(self) -> list[Ed25519PublicKey]:
        return [self.key.public_key(), *self.previous]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A node's signed statement that its audit log's record ``seq`` has hash ``hash``."""

    node: str
    seq: int
    hash: str
    at: str
    signature: str

    def text(self) -> bytes:
        return "\n".join(["kizuna-audit-checkpoint-v1", self.node, str(self.seq), self.hash, self.at]).encode()

    def signed_by(self, keys: list[Ed25519PublicKey]) -> bool:
        for key in keys:
            try:
                key.verify(unb64(self.signature), self.text())
                return True
            except (InvalidSignature, ValueError):
                continue
        return False

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "signature": self.signature}

    @classmethod
    def from_dict(cls, node: str, data: Any) -> Checkpoint:
        try:
            return cls(node, int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["signature"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"not a checkpoint: {str(data)[:120]}") from exc


_CHECKPOINT_COLUMNS = "node, seq, hash, at, signature"


def _sign_checkpoint(db: Database, seq: int, digest: str, at: str) -> Checkpoint | None:
    signer: AuditSigner | None = getattr(db, "audit_signer", None)
    if signer is None:
        return None
    unsigned = Checkpoint(signer.node, seq, digest, at, "")
    checkpoint = Checkpoint(signer.node, seq, digest, at, b64(signer.key.sign(unsigned.text())))
    db.execute(f"INSERT INTO audit_checkpoints ({_CHECKPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (node, seq) DO NOTHING", (checkpoint.node, seq, digest, at, checkpoint.signature))
    return checkpoint


def head(db: Database) -> tuple[int, str]:
    """The last record's sequence number and hash (0 and the genesis hash for an empty log)."""
    row = db.one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def checkpoint_head(db: Database) -> Checkpoint | None:
    """Sign the log's current head, unless it is already signed (done whenever a peer pulls checkpoints)."""
    with db.transaction():
        seq, digest = head(db)
        signer: AuditSigner | None = getattr(db, "audit_signer", None)
        if seq == 0 or signer is None:
            return None
        row = db.one(f"SELECT {_CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE node = ? AND seq = ?",
                     (signer.node, seq))
        if row:
            return Checkpoint(row[0], int(row[1]), row[2], row[3], row[4])
        return _sign_checkpoint(db, seq, digest, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def held_checkpoints(db: Database, node: str, after: int = 0) -> list[Checkpoint]:
    """The checkpoints this database holds of ``node``'s log (its own, or a peer's), oldest first."""
    rows = db.all(f"SELECT {_CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE node = ? AND seq > ? ORDER BY seq",
                  (node, after))
    return [Checkpoint(r[0], int(r[1]), r[2], r[3], r[4]) for r in rows]


def own_checkpoints(db: Database, after: int = 0) -> list[Checkpoint]:
    signer: AuditSigner | None = getattr(db, "audit_signer", None)
    return held_checkpoints(db, signer.node, after) if signer else []


def keep_checkpoints(db: Database, node: str, keys: list[tuple[Ed25519PublicKey, str | None]],
                     items: list[Checkpoint]) -> int:
    """Store a peer's checkpoints after checking each signature; one that contradicts a held one is refused.

    ``keys``: the peer's current key (None) and its retired keys with when they were retired: a retired key
    only vouches for checkpoints it signed before that.
    """
    fresh = 0
    with db.transaction():
        for checkpoint in items:
            held = db.scalar("SELECT hash FROM audit_checkpoints WHERE node = ? AND seq = ?", (node, checkpoint.seq))
            if checkpoint.node == node and held == checkpoint.hash:
                continue  # its signature was checked when it was kept; a peer resends its newest each time
            valid = [key for key, retired in keys if retired is None or checkpoint.at <= retired]
            if checkpoint.node != node or not checkpoint.signed_by(valid):
                raise CheckpointError(f"checkpoint for record {checkpoint.seq} is not signed by {node}'s key")
            if held is not None:
                raise CheckpointError(f"{node}'s checkpoint for record {checkpoint.seq} contradicts the one it "
                                      f"signed before: its audit log was rewritten")
            db.execute(f"INSERT INTO audit_checkpoints ({_CHECKPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                       (node, checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.signature))
            fresh += 1
    return fresh


# -- verification ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    records: int
    problem: str = ""
    seq: int | None = None
    checkpoints: int = 0


def verify(db: Database, batch: int = 5000, *, checkpoints: bool = True,
           anchors: list[Checkpoint] | tuple[Checkpoint, ...] = ()) -> Verification:
    """Walk the chain, then hold it against the node's signed checkpoints and those peers hold (``anchors``)."""
    chain = _verify_chain(db, batch)
    if not chain.ok or not checkpoints:
        return chain
    signer: AuditSigner | None = getattr(db, "audit_signer", None)
    local = own_checkpoints(db)
    against = [(c, "signed here") for c in local] + [(c, "held by a peer") for c in anchors]
    if signer is not None:
        for checkpoint, where in against:
            if not checkpoint.signed_by(signer.keys):
                return Verification(False, chain.records, f"the checkpoint for record {checkpoint.seq} ({where}) is "
                                    "not signed by this node's key", checkpoint.seq)
    hashes: dict[int, str] = dict(db.all("SELECT seq, hash FROM audit WHERE seq IN ({})".format(
        ", ".join(str(int(c.seq)) for c, _ in against) or "0")))
    beyond = [item for item in against if item[0].seq > chain.records]
    if beyond:
        checkpoint, where = max(beyond, key=lambda item: item[0].seq)
        return Verification(False, chain.records, f"the log ends at record {chain.records} but a checkpoint {where} "
                            f"on {checkpoint.at[:19]} covers record {checkpoint.seq}: its tail was cut",
                            chain.records + 1)
    for checkpoint, where in sorted(against, key=lambda item: item[0].seq):
        if hashes.get(checkpoint.seq) != checkpoint.hash:
            return Verification(False, chain.records, f"record {checkpoint.seq} does not match the checkpoint {where} "
                                f"on {checkpoint.at[:19]}: the log was rewritten and re-chained", checkpoint.seq)
    return Verification(True, chain.records, checkpoints=len(against))


def _verify_chain(db: Database, batch: int) -> Verification:
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
