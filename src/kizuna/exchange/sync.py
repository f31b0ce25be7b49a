"""The receiving side of sync: pull each peer's view page by page, check every object, store what holds.

Each page is stored together with the peer's new cursor and its audit records in one transaction, so a sync
killed at any point resumes from the last whole page: nothing lost, nothing stored twice.
"""

from __future__ import annotations

import http.client
import json
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from kizuna.core.errors import InputError, KizunaError
from kizuna.exchange import audit, objects
from kizuna.exchange.audit import Event
from kizuna.exchange.config import rules
from kizuna.exchange.licensing import on_received
from kizuna.exchange.node import COLLECTION_ID, Node, Peer, stamp
from kizuna.exchange.policy import decide
from kizuna.exchange.signing import (
    HEADER_ROTATION,
    follow_rotations,
    public_key,
    read_rotation_header,
    rotation_header,
    sign_request,
    verify_object,
    verify_response,
)
from kizuna.exchange.taxii import MEDIA_TYPE, WITHDRAWAL

CHECKPOINTS = "/taxii2/api/x-kizuna/checkpoints/"


class SyncError(KizunaError):
    """A peer could not be reached or answered with something that is not its own signed answer."""


@dataclass
class SyncReport:
    peer: str
    received: int = 0
    rejected: int = 0
    withdrawn: int = 0
    pages: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.received / self.seconds if self.seconds else 0.0


class PeerClient:
    """Signed requests to one peer over one keep-alive connection (TLS checked against the peer's CA if given)."""

    def __init__(self, node: Node, peer: Peer, timeout: float = 60) -> None:
        if peer.removed:
            raise SyncError(f"{peer.name} was removed on {peer.removed[:10]}: nothing is exchanged with it")
        if node.key_revoked(peer.public_key):
            raise SyncError(f"{peer.name}'s key {peer.fingerprint} is revoked: add its new card "
                            f"(`kizuna exchange peer add`) to exchange with it again")
        self.node, self.peer = node, peer
        parts = urlsplit(peer.url)
        host = parts.hostname or "127.0.0.1"
        if parts.scheme == "https":
            try:
                context = ssl.create_default_context(cadata=peer.tls_ca or None)
            except ssl.SSLError as exc:
                raise SyncError(f"{peer.name}: its TLS CA certificate cannot be read: {exc}") from exc
            self.connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, parts.port, timeout=timeout, context=context)
        else:
            self.connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
        self.base = parts.path.rstrip("/")
        self.key = public_key(peer.public_key)

    def get(self, path: str, query: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
        target = self.base + path + (f"?{urlencode(query)}" if query else "")
        for attempt in (1, 2):
            # Each attempt is signed afresh: a nonce is never sent twice.
            headers = sign_request(self.node.key, self.node.identity_id, self.peer.identity, "GET", target)
            headers["Accept"] = MEDIA_TYPE
            if self.node.rotations():
                headers[HEADER_ROTATION] = rotation_header(self.node.rotations())
            try:
                self.connection.request("GET", target, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                self.connection.close()
                # The server may have closed an idle keep-alive connection: reconnect once.
                if attempt == 2 or not isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError,
                                                        BrokenPipeError)):
                    raise SyncError(f"{self.peer.name} ({self.peer.url}) cannot be reached: {exc}") from exc
        signature = response.getheader("X-Kizuna-Signature") or ""
        received = {k.lower(): v for k, v in response.getheaders()}
        nonce = headers["X-Kizuna-Nonce"]
        if not verify_response(self.key, nonce, response.status, body, signature, received):
            self._adopt_rotation(received, nonce, response.status, body, signature)
        if response.status != 200:
            raise SyncError(f"{self.peer.name} refused the request: HTTP {response.status} {body[:200]!r}")
        return json.loads(body), received

    def _adopt_rotation(self, received: dict[str, str], nonce: str, status: int, body: bytes, signature: str) -> None:
        """Accept the peer's new key if its answer is signed by it and the key's rotation by the key we know."""
        statements = read_rotation_header(received.get(HEADER_ROTATION.lower()))
        new = follow_rotations(self.peer.identity, self.peer.public_key, statements, self.node.key_revoked)
        if new is None or not verify_response(public_key(new), nonce, status, body, signature, received):
            raise SyncError(f"{self.peer.name}: the answer is not signed by the peer's key (HTTP {status})")
        adopted = self.node.adopt_rotation(self.peer, statements)
        assert adopted is not None
        self.peer, self.key = adopted, public_key(adopted.public_key)

    def close(self) -> None:
        self.connection.close()


def sync_all(node: Node, page_size: int | None = None) -> list[SyncReport]:
    """Pull from every enabled peer; a peer that is down is reported and caught up next time."""
    reports = []
    for peer in node.peers():
        if not peer.enabled or peer.removed:
            continue
        try:
            reports.append(sync_peer(node, peer, page_size))
        except SyncError as exc:
            reports.append(SyncReport(peer.name, errors=[str(exc)]))
    return reports


def sync_peer(node: Node, peer: Peer, page_size: int | None = None, max_pages: int | None = None) -> SyncReport:
    """Pull what is new at ``peer`` since this node's cursor for it."""
    report = SyncReport(peer.name)
    started = time.perf_counter()
    client = PeerClient(node, peer)
    cursor = peer.cursor
    token: str | None = None  # the peer's ``next``: within one run, where its last page ended
    try:
        while max_pages is None or report.pages < max_pages:
            query: dict[str, Any] = {}
            if page_size:
                query["limit"] = page_size
            if token:
                query["next"] = token
            elif cursor:
                query["added_after"] = cursor
            envelope, headers = client.get(f"/taxii2/api/collections/{COLLECTION_ID}/objects/", query)
            peer = client.peer  # with its new key, if it rotated
            last = check_cursor(peer, headers.get("x-taxii-date-added-last"))
            receive_page(node, peer, envelope.get("objects", []), last or cursor, report)
            report.pages += 1
            cursor = last or cursor
            if not envelope.get("more"):
                break
            token = envelope.get("next")
        after = max((c.seq for c in audit.held_checkpoints(node.db, peer.identity)), default=0)
        payload, _ = client.get(CHECKPOINTS, {"after": after})
        receive_checkpoints(node, client.peer, payload)
    finally:
        client.close()
        report.seconds = time.perf_counter() - started
    return report


def check_cursor(peer: Peer, cursor: str | None) -> str | None:
    """The peer's signed cursor, refused if it is not a timestamp or lies in the future (beyond the clock skew).

    A cursor in the future would make this node skip everything the peer adds until then.
    """
    if cursor is None:
        return None
    try:
        moment = datetime.fromisoformat(cursor.replace("Z", "+00:00"))
    except ValueError:
        raise SyncError(f"{peer.name} sent a cursor that is not a timestamp: {cursor[:40]!r}") from None
    skew = timedelta(seconds=int(rules()["protocol"]["clock_skew_seconds"]))
    if moment.tzinfo is None or moment > datetime.now(UTC) + skew:
        raise SyncError(f"{peer.name} sent a cursor in the future ({cursor[:40]}): refused, the cursor stays "
                        f"at {peer.cursor or 'the start'}")
    return stamp(moment)


def receive_checkpoints(node: Node, peer: Peer, payload: dict[str, Any]) -> int:
    """Keep the peer's signed audit checkpoints; one that contradicts a kept one is audited and reported."""
    try:
        items = [audit.Checkpoint.from_dict(peer.identity, c) for c in payload.get("checkpoints", [])]
        return audit.keep_checkpoints(node.db, peer.identity, node.peer_keys(peer), items)
    except audit.CheckpointError as exc:
        with node.db.transaction():
            audit.append(node.db, Event("rejected", "sync", peer=peer.identity,
                                        detail={"reason": f"audit checkpoint: {exc}"}))
        raise SyncError(f"{peer.name}: {exc}") from exc


def fetch_held_checkpoints(node: Node, peer: Peer) -> list[audit.Checkpoint]:
    """The checkpoints of this node's own log that ``peer`` keeps (for ``kizuna exchange audit verify``)."""
    client = PeerClient(node, peer, timeout=20)
    try:
        payload, _ = client.get(CHECKPOINTS + "held/")
    finally:
        client.close()
    try:
        return [audit.Checkpoint.from_dict(node.identity_id, c) for c in payload.get("checkpoints", [])]
    except audit.CheckpointError as exc:
        raise SyncError(f"{peer.name}: {exc}") from exc


def receive_page(node: Node, peer: Peer, items: list[dict[str, Any]], cursor: str | None,
                 report: SyncReport) -> None:
    """Check and store one page from ``peer`` and move its cursor, all in one transaction."""
    if node.key_revoked(peer.public_key):
        raise SyncError(f"{peer.name}'s key {peer.fingerprint} is revoked: nothing it signed is accepted")
    definitions = [o for o in items if o.get("type") == "marking-definition"]
    accepted: list[dict[str, Any]] = []
    withdrawals: list[dict[str, Any]] = []
    events: list[Event] = []
    try:
        node.save_definitions(definitions)
    except InputError as exc:
        raise SyncError(f"{peer.name} sent a marking definition Kizuna cannot trust: {exc}") from exc
    for obj in items:
        if obj.get("type") == "marking-definition":
            continue
        problem = check_incoming(node, peer, obj)
        if problem:
            report.rejected += 1
            events.append(Event("rejected", "sync", obj.get("id") if isinstance(obj.get("id"), str) else None,
                                obj.get("modified") if isinstance(obj.get("modified"), str) else None,
                                peer.identity, {"reason": problem}))
        elif obj["type"] == WITHDRAWAL:
            withdrawals.append(obj)
        else:
            accepted.append(obj)
    with node.db.transaction():
        fresh = _newer(node, accepted)
        if fresh:
            node._write([(obj, False, peer.identity) for obj in fresh], keep_versions=False)
        for obj in withdrawals:
            target = obj["object_ref"]
            if node.db.scalar("SELECT 1 FROM objects WHERE id = ? AND originator = ?", (target, peer.identity)):
                node.db.execute("DELETE FROM objects WHERE id = ?", (target,))
                report.withdrawn += 1
                events.append(Event("withdrawn", "sync", target, obj.get("modified"), peer.identity,
                                    {"what": "deleted: the originator no longer releases it to this node"}))
        events += [Event("received", "sync", o["id"], o["modified"], peer.identity, {"type": o["type"]})
                   for o in fresh]
        node.db.execute("UPDATE peers SET cursor = ?, last_sync = ? WHERE identity = ?",
                        (cursor, stamp(datetime.now(UTC)), peer.identity))
        audit.append(node.db, *events)
        report.received += len(fresh)
        on_received(node, fresh)


def _newer(node: Node, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Objects from the batch that are new here or later versions of what this node holds."""
    out: dict[str, dict[str, Any]] = {}
    for obj in batch:
        held = node.db.scalar("SELECT modified FROM objects WHERE id = ?", (obj["id"],))
        version = stamp(obj["modified"])
        if (held is None or version > held) and (obj["id"] not in out or version > stamp(out[obj["id"]]["modified"])):
            out[obj["id"]] = obj
    return list(out.values())


def check_incoming(node: Node, peer: Peer, obj: dict[str, Any]) -> str | None:
    """Why an object from ``peer`` must be rejected, or None when it holds."""
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        return "not a STIX object"
    if obj.get("created_by_ref") != peer.identity:
        # Nodes never forward: whatever a peer sends must be its own.
        return f"not originated by {peer.name} (created_by_ref {obj.get('created_by_ref')!r})"
    if not verify_object(obj, public_key(peer.public_key)):
        return "bad or missing signature: altered in transit or signed by an unknown key"
    if obj.get("type") == WITHDRAWAL:
        return None if isinstance(obj.get("object_ref"), str) else "withdrawal without object_ref"
    try:
        objects.validate(obj)
    except InputError as exc:
        return str(exc)
    if obj["type"] == objects.IDENTITY:
        return "identities are exchanged in peer cards, not by sync"
    held = node.db.one("SELECT originator, local FROM objects WHERE id = ?", (obj["id"],))
    if held and (held[1] or held[0] != peer.identity):
        return "a version of an object another node originated (only the originator may version it)"
    # Defence in depth: the sender filters, and the receiver refuses what it should never have been sent.
    me = node.recipient_self()
    decision = decide(obj, node.resolver, me)
    if not decision.allowed:
        return f"not releasable to this node: {decision.reason}"
    if decision.withheld:
        return f"carries fields not releasable to this node: {', '.join(decision.withheld)}"
    return None
