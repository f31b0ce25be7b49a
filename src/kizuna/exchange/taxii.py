"""The sending side of sync: authenticate a peer's request, then give it its own filtered view.

A peer only ever sees objects this node originated, each checked against the peer's country and organisation
(default deny) and stripped of fields its granular markings withhold, then signed for that peer. Refusals are
audited once per object version and peer; a peer that holds an object it is no longer entitled to is told to
withdraw it. Cursors are ``date_added`` values, which strictly increase on each node.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kizuna.core.errors import KizunaError
from kizuna.exchange import audit
from kizuna.exchange.audit import Event
from kizuna.exchange.config import rules
from kizuna.exchange.extensions import object_extension, wire_form
from kizuna.exchange.node import COLLECTION_ID, Node, Peer, stamp
from kizuna.exchange.objects import IDENTITY
from kizuna.exchange.policy import decide, redact
from kizuna.exchange.signing import (
    HEADER_ROTATION,
    SignedRequest,
    follow_rotations,
    public_key,
    read_rotation_header,
    sign_object,
)

MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
WITHDRAWAL = "x-kizuna-withdrawal"


class AuthError(KizunaError):
    """A request that is not from a configured peer, is altered, stale or replayed."""


def authenticate(node: Node, method: str, target: str, headers: Any, body: bytes,
                 source: str | None = None) -> tuple[Peer, str]:
    """The peer that signed this request and its nonce; refused (and audited, within bounds) otherwise."""
    try:
        return _authenticate(node, method, target, headers, body)
    except AuthError as exc:
        with node.db.transaction():
            record_refusal(node, source or "unknown", method, target, headers, str(exc))
        raise


def _clip(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[:limit] + "…"


def record_refusal(node: Node, source: str, method: str, target: str, headers: Any, reason: str) -> None:
    """Audit a refused request: one bounded record each for the first few from a source in a time slot, then a
    count (written as one ``requests-refused`` record once the slot has passed). Call inside a transaction."""
    limits = rules()["refused_requests"]
    size, per_source = int(limits["max_field_chars"]), int(limits["records_per_source"])
    now = datetime.now(UTC)
    slot = int(now.timestamp()) // int(limits["window_seconds"])
    flush_refusals(node, now)
    source = _clip(source, size) or "unknown"
    node.db.execute("INSERT INTO refused_requests (source, slot, refused) VALUES (?, ?, 1) ON CONFLICT (source, slot) "
                    "DO UPDATE SET refused = refused_requests.refused + 1", (source, slot))
    refused = int(node.db.scalar("SELECT refused FROM refused_requests WHERE source = ? AND slot = ?", (source, slot)))
    if refused > per_source:
        return
    sender = headers.get("X-Kizuna-Node")
    request = f"{method} {target}"
    audit.append(node.db, Event("request-refused", "taxii", peer=_clip(sender, size),
                                detail={"reason": _clip(reason, size), "request": _clip(request, size),
                                        "source": source,
                                        "sizes": {"request": len(request), "peer": len(sender or "")}}))


def flush_refusals(node: Node, now: datetime | None = None) -> None:
    """Write one counter record for each source and past time slot; call inside a transaction."""
    limits = rules()["refused_requests"]
    window = int(limits["window_seconds"])
    current = int((now or datetime.now(UTC)).timestamp()) // window
    per_source = int(limits["records_per_source"])
    rows = node.db.all("SELECT source, slot, refused FROM refused_requests WHERE slot < ? ORDER BY slot, source",
                       (current,))
    events = [Event("requests-refused", "taxii",
                    detail={"source": source, "refused": int(refused), "recorded_individually": per_source,
                            "from": stamp(datetime.fromtimestamp(slot * window, UTC)),
                            "to": stamp(datetime.fromtimestamp((slot + 1) * window, UTC))})
              for source, slot, refused in rows if int(refused) > per_source]
    audit.append(node.db, *events)
    node.db.execute("DELETE FROM refused_requests WHERE slot < ?", (current,))


def _authenticate(node: Node, method: str, target: str, headers: Any, body: bytes) -> tuple[Peer, str]:
    signed = SignedRequest.from_headers(headers)
    if signed is None:
        raise AuthError("the request is not signed")
    peer = next((p for p in node.peers() if p.identity == signed.sender), None)
    if peer is None:
        raise AuthError(f"unknown node {signed.sender}")
    if peer.removed:
        raise AuthError(f"peer {peer.name} was removed")
    if not peer.enabled:
        raise AuthError(f"peer {peer.name} is disabled")
    if node.key_revoked(peer.public_key):
        raise AuthError(f"the key of peer {peer.name} ({peer.fingerprint}) is revoked")
    if signed.receiver != node.identity_id:
        raise AuthError("the request was signed for another node")
    try:
        sent = datetime.fromisoformat(signed.timestamp.replace("Z", "+00:00"))
    except ValueError:
        raise AuthError("bad timestamp") from None
    skew = timedelta(seconds=int(rules()["protocol"]["clock_skew_seconds"]))
    now = datetime.now(UTC)
    if abs(now - sent) > skew:
        raise AuthError(f"the request is stale or from the future ({signed.timestamp})")
    if not signed.verify(public_key(peer.public_key), method, target, body):
        peer = _rotated(node, peer, signed, method, target, headers, body)
    with node.db.transaction():
        seen = node.db.scalar("SELECT 1 FROM nonces WHERE node = ? AND nonce = ?", (peer.identity, signed.nonce))
        if seen:
            raise AuthError("replayed request (nonce already used)")
        node.db.execute("INSERT INTO nonces (node, nonce, seen) VALUES (?, ?, ?)",
                        (peer.identity, signed.nonce, stamp(now)))
        keep = timedelta(seconds=int(rules()["protocol"]["nonce_keep_seconds"]))
        node.db.execute("DELETE FROM nonces WHERE seen < ?", (stamp(now - max(keep, 2 * skew)),))
    return peer, signed.nonce


def _rotated(node: Node, peer: Peer, signed: SignedRequest, method: str, target: str, headers: Any,
             body: bytes) -> Peer:
    """The peer with its new key, if the request is signed by a key its rotation statements (each signed by the
    key before) lead to from the key this node knows; otherwise the request is refused."""
    statements = read_rotation_header(headers.get(HEADER_ROTATION))
    new = follow_rotations(peer.identity, peer.public_key, statements, node.key_revoked)
    if new is None or not signed.verify(public_key(new), method, target, body):
        raise AuthError("bad signature: the request was altered or not signed by the peer's key")
    adopted = node.adopt_rotation(peer, statements)
    assert adopted is not None
    return adopted


@dataclass
class Page:
    """One page of a peer's view: the objects (with the marking definitions they use) and the cursor."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False
    first_added: str | None = None
    last_added: str | None = None  # the last row examined, sent or not: the peer's next cursor
    refused: int = 0
    resume: str | None = None  # a ``next`` token when an object's definitions took this page and it waits

    def envelope(self) -> dict[str, Any]:
        out: dict[str, Any] = {"more": self.more, "objects": self.objects}
        if self.more and (self.resume or self.last_added):
            out["next"] = self.resume or self.last_added
        return out


def _limit(value: int | None) -> int:
    protocol = rules()["protocol"]
    if value is not None and value < 1:
        raise ValueError(f"limit must be a positive integer, not {value}")
    return min(int(value or protocol["page_size"]), int(protocol["max_page_size"]))


def _position(after: str | None) -> tuple[str, str | None, int]:
    """(cursor, pending object, definitions of it already sent) from ``added_after`` or a ``next`` token."""
    if not after:
        return "", None, 0
    cursor, _, rest = after.partition("~")
    pending, _, sent = rest.partition("~")
    if rest and not (pending and sent.isdigit()):
        raise ValueError(f"not a next token this node issued: {after!r}")
    return (stamp(cursor) if cursor else ""), pending or None, int(sent or 0)


def view(node: Node, peer: Peer, *, added_after: str | None = None, limit: int | None = None,
         types: list[str] | None = None, ids: list[str] | None = None, record: bool = True,
         definitions: bool = True) -> Page:
    """The next page of what ``peer`` may have after ``added_after`` (a ``date_added`` or a ``next`` token);
    audits what was sent and refused.

    A page holds at most ``limit`` items, the marking definitions its objects use included (unless
    ``definitions`` is False, as for the manifest). An object whose definitions do not fit waits for the next page;
    when not even one object fits, the page carries as many of its definitions as fit and a ``next`` token that
    says how many were sent, so paging always moves on.
    """
    size = _limit(limit)
    recipient = peer.recipient()
    page = Page()
    cursor, pending, already_sent = _position(added_after)
    sent_definitions: set[str] = set()
    events: list[Event] = []
    deliveries: list[tuple[str, str, str, str]] = []
    full = exhausted = False
    while not full and not exhausted:
        clauses, params = ["local = 1", "type <> ?", "date_added > ?"], [IDENTITY, cursor]
        if types:
            clauses.append(f"type IN ({', '.join('?' * len(types))})")
            params += types
        if ids:
            clauses.append(f"id IN ({', '.join('?' * len(ids))})")
            params += ids
        rows = node.db.all(f"SELECT id, modified, date_added, body FROM objects WHERE {' AND '.join(clauses)} "
                           f"ORDER BY date_added LIMIT ?", (*params, size))
        exhausted = len(rows) < size
        for object_id, modified, date_added, body in rows:
            obj = json.loads(body)
            decision = decide(obj, node.resolver, recipient)
            if decision.allowed:
                shown = sign_object(wire_form(redact(obj, decision.withheld), node.resolver), node.key)
                needed = [d for d in node.definitions_for(shown) if d["id"] not in sent_definitions] \
                    if definitions else []
                skip = already_sent if object_id == pending and not page.objects else 0
                needed = needed[skip:]
                if len(page.objects) + len(needed) + 1 > size:
                    if not page.objects:  # not even this one object fits: send what of its definitions does
                        page.objects = needed[:size]
                        page.resume = f"{cursor}~{object_id}~{skip + size}"
                    full = True
                    break
                page.objects += [*needed, shown]
                sent_definitions |= {d["id"] for d in needed}
                deliveries.append((peer.identity, object_id, modified, "sent"))
                events.append(Event("sent", "taxii", object_id, modified, peer.identity,
                                    {"withheld": decision.withheld} if decision.withheld else None))
            elif _held_by(node, peer, object_id):
                page.refused += 1
                page.objects.append(sign_object(_withdrawal(node, obj), node.key))
                deliveries.append((peer.identity, object_id, modified, "withdrawn"))
                events.append(Event("withdrawn", "taxii", object_id, modified, peer.identity,
                                    {"reason": decision.reason}))
            else:
                page.refused += 1
                if not _already_refused(node, peer, object_id, modified):
                    deliveries.append((peer.identity, object_id, modified, "refused"))
                    events.append(Event("refused", "taxii", object_id, modified, peer.identity,
                                        {"reason": decision.reason}))
            cursor = page.last_added = date_added
            page.first_added = page.first_added or date_added
            if len(page.objects) >= size:
                full = True
                break
    page.more = page.resume is not None or bool(node.db.scalar(
        "SELECT 1 FROM objects WHERE local = 1 AND type <> ? AND date_added > ? LIMIT 1", (IDENTITY, cursor)))
    if record and (events or deliveries):
        with node.db.transaction():
            node.db.executemany("INSERT INTO deliveries (peer, object_id, modified, outcome) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (peer, object_id, modified, outcome) DO NOTHING", deliveries)
            audit.append(node.db, *events)
    return page


def _held_by(node: Node, peer: Peer, object_id: str) -> bool:
    """Whether the peer was last sent some version of this object (and not told to withdraw it since)."""
    row = node.db.one("SELECT outcome FROM deliveries WHERE peer = ? AND object_id = ? AND outcome IN ('sent', "
                      "'withdrawn') ORDER BY modified DESC, outcome ASC LIMIT 1", (peer.identity, object_id))
    return bool(row and row[0] == "sent")


def _already_refused(node: Node, peer: Peer, object_id: str, modified: str) -> bool:
    return bool(node.db.scalar("SELECT 1 FROM deliveries WHERE peer = ? AND object_id = ? AND modified = ? AND "
                               "outcome = 'refused'", (peer.identity, object_id, modified)))


def _withdrawal(node: Node, obj: dict[str, Any]) -> dict[str, Any]:
    """Tell a peer to delete an object whose new markings no longer release it to the peer (nothing else)."""
    return {"type": WITHDRAWAL, "spec_version": "2.1", "id": f"{WITHDRAWAL}--{obj['id'].split('--')[1]}",
            "created_by_ref": node.identity_id, "created": obj["created"], "modified": obj["modified"],
            "object_ref": obj["id"], "extensions": {object_extension(WITHDRAWAL): {"extension_type": "new-sdo"}}}


def manifest(node: Node, peer: Peer, *, added_after: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """The TAXII manifest of the peer's view: ids, versions and date_added of what it may have, no content."""
    page = view(node, peer, added_after=added_after, limit=limit, record=False, definitions=False)
    added = {r[0]: r[1] for r in node.db.all(
        "SELECT id, date_added FROM objects WHERE id IN ({})".format(", ".join("?" * len(page.objects)) or "''"),
        [o["id"] for o in page.objects])} if page.objects else {}
    records = [{"id": o["id"], "date_added": added.get(o["id"], page.last_added), "version": o.get("modified"),
                "media_type": STIX_MEDIA_TYPE}
               for o in page.objects if o["type"] not in ("marking-definition", WITHDRAWAL)]
    return {**page.envelope(), "objects": records}


def checkpoints(node: Node, after: int = 0) -> dict[str, Any]:
    """This node's signed audit checkpoints after record ``after`` (its head signed first), newest last."""
    audit.checkpoint_head(node.db)
    newest = list(reversed(node.db.all("SELECT seq FROM audit_checkpoints WHERE node = ? AND seq > ? "
                                       "ORDER BY seq DESC LIMIT ?", (node.identity_id, after, _limit(None)))))
    start = int(newest[0][0]) - 1 if newest else after
    return {"node": node.identity_id, "checkpoints": [c.as_dict() for c in audit.own_checkpoints(node.db, start)]}


def held_for(node: Node, peer: Peer) -> dict[str, Any]:
    """The checkpoints of ``peer``'s audit log this node keeps, so the peer can check its log against them."""
    return {"node": peer.identity, "checkpoints": [c.as_dict() for c in audit.held_checkpoints(node.db, peer.identity)]}


def discovery(node: Node, base: str) -> dict[str, Any]:
    return {"title": f"Kizuna exchange node: {node.name}", "description": "Allied licence-denial exchange (TAXII 2.1)",
            "contact": node.name, "default": f"{base}/taxii2/api/", "api_roots": [f"{base}/taxii2/api/"]}


def api_root(node: Node) -> dict[str, Any]:
    return {"title": f"{node.name} ({node.country})", "versions": ["application/taxii+json;version=2.1"],
            "max_content_length": 10_485_760, "x_kizuna_identity": node.identity_id}


def collection(node: Node) -> dict[str, Any]:
    return {"id": COLLECTION_ID, "title": f"Shared by {node.name}",
            "description": "What this node releases to the requester: to a peer node, its own objects filtered "
                           "by their markings for that peer; to a user's API token (read-only), what that user "
                           "may see here.",
            "can_read": True, "can_write": False, "media_types": [STIX_MEDIA_TYPE]}
