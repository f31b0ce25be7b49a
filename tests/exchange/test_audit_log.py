"""Issue 11, item 6: the audit log cannot be rewritten, re-chained or cut without `audit verify` noticing.

The attacks: ``INSERT OR REPLACE`` over an existing record (no DELETE trigger fires), a record rewritten and the
chain recomputed after it, and the tail cut off with the counter set back. The first is refused by the database;
the others are caught by checkpoints the node signs at intervals and that its peers keep.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kizuna.exchange import audit
from kizuna.exchange.audit import GENESIS, Event
from kizuna.exchange.config import rules
from tests.exchange.conftest import AgencyNode, MakeNodes, sync_in_process

INTERVAL = int(rules()["audit"]["checkpoint_every_records"])


def _fill(agency: AgencyNode, count: int) -> None:
    """``count`` audit records, in batches as a busy node writes them."""
    for start in range(0, count, 25):
        with agency.node.db.transaction():
            audit.append(agency.node.db, *[Event("settings", "test", detail={"n": n})
                                           for n in range(start, min(count, start + 25))])


def _unguard(agency: AgencyNode) -> None:
    """What an attacker with the database's owner rights does first: drop the append-only triggers."""
    db = agency.node.db
    with db.transaction():
        if db.kind == "sqlite":
            for (name,) in db.all("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
                db.execute(f"DROP TRIGGER {name}")
        else:
            for table in ("audit", "audit_checkpoints"):
                for (name,) in db.all("SELECT tgname FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal",
                                      (table,)):
                    db.execute(f"DROP TRIGGER {name} ON {table}")


def _rechain(agency: AgencyNode, seq: int, detail: dict) -> None:
    """Rewrite record ``seq`` and recompute every hash after it, so the chain verifies again on its own."""
    db = agency.node.db
    rows = db.all("SELECT seq, at, event, actor, object_id, version, peer, detail FROM audit WHERE seq >= ? "
                  "ORDER BY seq", (seq,))
    prev = db.scalar("SELECT hash FROM audit WHERE seq = ?", (seq - 1,)) or GENESIS
    with db.transaction():
        for row_seq, at, event, actor, object_id, version, peer, old in rows:
            text = json.dumps(detail, sort_keys=True, separators=(",", ":")) if row_seq == seq else old
            digest = audit._hash(prev, row_seq, at, Event(event, actor, object_id, version, peer), text)
            db.execute("UPDATE audit SET detail = ?, prev = ?, hash = ? WHERE seq = ?", (text, prev, digest, row_seq))
            prev = digest


def _cut(agency: AgencyNode, keep: int, drop_local_checkpoints: bool) -> None:
    db = agency.node.db
    with db.transaction():
        db.execute("DELETE FROM audit WHERE seq > ?", (keep,))
        db.execute("UPDATE counters SET value = ? WHERE name = 'audit'", (keep,))
        if drop_local_checkpoints:
            db.execute("DELETE FROM audit_checkpoints WHERE seq > ?", (keep,))


def test_replacing_inserts_are_refused_by_the_database(nodes: MakeNodes) -> None:
    (jp,) = nodes("JP")
    db = jp.node.db
    row = db.one("SELECT seq, at, event, actor, object_id, version, peer, detail, prev, hash FROM audit "
                 "WHERE seq = 1")
    assert row is not None
    forged = (row[0], row[1], "settings", "attacker", None, None, None, "{}", row[8], row[9])
    columns = "(seq, at, event, actor, object_id, version, peer, detail, prev, hash)"
    values = "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    statements = [f"INSERT INTO audit {columns} {values}"]
    if db.kind == "sqlite":
        statements += [f"INSERT OR REPLACE INTO audit {columns} {values}", f"REPLACE INTO audit {columns} {values}"]
    statements.append(f"INSERT INTO audit {columns} {values} ON CONFLICT (seq) DO UPDATE SET actor = excluded.actor")
    for statement in statements:
        with pytest.raises(Exception, match="append-only"), db.transaction():
            db.execute(statement, forged)
    assert db.scalar("SELECT actor FROM audit WHERE seq = 1") == row[3]
    assert audit.verify(db).ok


def test_a_rewritten_record_is_detected(nodes: MakeNodes) -> None:
    (jp,) = nodes("JP")
    _fill(jp, 10)
    _unguard(jp)
    with jp.node.db.transaction():
        jp.node.db.execute("UPDATE audit SET detail = '{\"n\":999}' WHERE seq = 5")
    result = audit.verify(jp.node.db)
    assert not result.ok and result.seq == 5 and "altered" in result.problem


def test_a_rechained_log_is_detected_by_local_and_peer_held_checkpoints(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    _fill(jp, INTERVAL + 10)
    assert jp.node.db.scalar("SELECT count(*) FROM audit_checkpoints WHERE node = ?", (jp.node.identity_id,)) >= 1
    sync_in_process(us, jp)  # the US keeps JP's signed checkpoints
    held = audit.held_checkpoints(us.node.db, jp.node.identity_id)
    assert held and max(c.seq for c in held) == audit.head(jp.node.db)[0]
    _unguard(jp)
    _rechain(jp, 3, {"n": "rewritten"})
    assert audit.verify(jp.node.db, checkpoints=False).ok  # the chain alone no longer shows it
    result = audit.verify(jp.node.db)
    assert not result.ok and "re-chained" in result.problem, result.problem
    # The attacker also deletes the local checkpoints: the ones the US holds still show it.
    with jp.node.db.transaction():
        jp.node.db.execute("DELETE FROM audit_checkpoints WHERE node = ?", (jp.node.identity_id,))
    assert audit.verify(jp.node.db).ok
    result = audit.verify(jp.node.db, anchors=held)
    assert not result.ok and "re-chained" in result.problem and "held by a peer" in result.problem


def test_a_cut_tail_is_detected(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    _fill(jp, INTERVAL + 10)
    sync_in_process(us, jp)
    total = audit.head(jp.node.db)[0]
    _unguard(jp)
    _cut(jp, INTERVAL - 5, drop_local_checkpoints=False)
    assert audit.verify(jp.node.db, checkpoints=False).ok
    result = audit.verify(jp.node.db)
    assert not result.ok and "cut" in result.problem, result.problem
    _cut(jp, INTERVAL - 5, drop_local_checkpoints=True)
    result = audit.verify(jp.node.db, anchors=audit.held_checkpoints(us.node.db, jp.node.identity_id))
    assert not result.ok and "cut" in result.problem and str(total) in result.problem


def test_a_peer_notices_when_a_node_signs_a_different_history(nodes: MakeNodes) -> None:
    """A node that re-chains its log and signs new checkpoints (it has its own key) contradicts what peers hold."""
    jp, us = nodes("JP", "US")
    _fill(jp, INTERVAL + 10)
    sync_in_process(us, jp)
    _unguard(jp)
    _rechain(jp, 3, {"n": "rewritten"})
    with jp.node.db.transaction():
        jp.node.db.execute("DELETE FROM audit_checkpoints")
        resigned = audit.checkpoint_head(jp.node.db)
    assert resigned is not None
    held = {c.seq: c.hash for c in audit.held_checkpoints(us.node.db, jp.node.identity_id)}
    assert resigned.seq in held and resigned.hash != held[resigned.seq]
    with pytest.raises(audit.CheckpointError, match="contradicts"):
        audit.keep_checkpoints(us.node.db, jp.node.identity_id, [(jp.node.key.public_key(), None)], [resigned])


def test_audit_verify_asks_the_peers_over_the_signed_channel(nodes: MakeNodes) -> None:
    """`kizuna exchange audit verify` on a cut log whose local checkpoints were deleted too: the US still holds one."""
    from kizuna.exchange.sync import sync_peer
    from tests.exchange.conftest import serve_all

    jp, us = nodes("JP", "US")
    _fill(jp, INTERVAL + 10)
    serve_all([jp, us])
    sync_peer(us.node, us.node.peer(jp.node.identity_id))  # over HTTP: the US pulls and keeps JP's checkpoints
    intact = jp.cli("exchange", "audit", "verify").stdout
    assert "held by 1 peer" in intact and "0 of them" not in intact
    _unguard(jp)
    _cut(jp, INTERVAL - 5, drop_local_checkpoints=True)
    assert "intact" in jp.cli("exchange", "audit", "verify", "--no-peers").stdout
    broken = jp.cli("exchange", "audit", "verify", check=False)
    assert broken.returncode == 1 and "held by a peer" in broken.stderr and "tail was cut" in broken.stderr


def test_a_checkpoint_sent_again_is_kept_once_and_a_forged_contradiction_is_refused_as_unsigned(
        nodes: MakeNodes) -> None:
    """Peers resend their newest checkpoint on every sync: one already held is not stored or checked again, but a
    different hash for a held record is only called a rewritten log when the peer's own key signed it."""
    from dataclasses import replace

    jp, us = nodes("JP", "US")
    _fill(jp, INTERVAL + 10)
    sync_in_process(us, jp)
    keys: list[tuple[Any, str | None]] = [(jp.node.key.public_key(), None)]
    [newest] = audit.held_checkpoints(us.node.db, jp.node.identity_id)[-1:]
    assert audit.keep_checkpoints(us.node.db, jp.node.identity_id, keys, [newest]) == 0
    forged = replace(newest, hash="0" * 64)
    with pytest.raises(audit.CheckpointError, match="not signed by"):
        audit.keep_checkpoints(us.node.db, jp.node.identity_id, keys, [forged])
    assert audit.held_checkpoints(us.node.db, jp.node.identity_id)[-1] == newest
