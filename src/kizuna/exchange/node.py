"""An agency's node: its identity and key, its peers, and the objects it holds.

Every change goes through ``Node``: an object is created (signed, stored, audited), versioned (only by its
originator) or received from a peer (checked, stored, audited) in one transaction.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.core.paths import home
from kizuna.exchange import audit, objects
from kizuna.exchange.audit import Event
from kizuna.exchange.config import (
    check_classification,
    check_country3,
    check_rel_to,
    classification_ranks,
    concern_in,
    expand,
    tlp_rank,
)
from kizuna.exchange.db import Database
from kizuna.exchange.extensions import wire_form
from kizuna.exchange.markings import (
    KIZUNA_EXTENSION,
    MarkingResolver,
    check_definition,
    classification_definition,
    marking_refs,
    organizations_definition,
    rel_to_definition,
    tlp_definitions,
    tlp_id,
)
from kizuna.exchange.policy import Recipient, combine, covers, decide, redact
from kizuna.exchange.signing import (
    b64,
    canonical,
    fingerprint,
    follow_rotations,
    generate_key,
    load_key,
    public_key,
    public_text,
    sign_object,
    verify_object,
    write_key,
)

COLLECTION_ID = "6a0f2c3e-8d41-4b7a-9e25-1c7d3f5b9a80"


def exchange_dir() -> Path:
    return home() / "exchange"


def stamp(value: str | datetime) -> str:
    """A STIX timestamp normalised to microseconds, so timestamps compare as strings."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Viewed:
    """A page of objects as someone may see them, and how many there are in all (so no list is cut silently)."""

    rows: list[tuple[dict[str, Any], list[str]]]  # each object as shown, and the fields withheld from the viewer
    total: int  # objects the viewer may see that the filter keeps, on every page
    hidden: int  # objects the viewer may not see
    start: int = 0  # index of the first row in the whole list

    @property
    def end(self) -> int:
        return self.start + len(self.rows)

    @property
    def more(self) -> bool:
        return self.end < self.total


@dataclass(frozen=True, slots=True)
class Peer:
    """Another agency's node, as this node's administrator configured it."""

    identity: str
    name: str
    country: str
    url: str
    public_key: str
    max_classification: str
    enabled: bool
    cursor: str | None
    last_sync: str | None
    removed: str | None = None
    tls_ca: str | None = None

    def recipient(self) -> Recipient:
        return Recipient("peer", self.name, self.country, self.identity, self.max_classification, "amber+strict")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


_PEER_COLUMNS = ("identity, name, country, url, public_key, max_classification, enabled, cursor, last_sync, removed, "
                 "tls_ca")


class Node:
    """One agency's node, opened from ``$KIZUNA_HOME/exchange``."""

    def __init__(self, config: dict[str, Any], key: Ed25519PrivateKey, db: Database,
                 directory: Path | None = None) -> None:
        self.config = config
        self.directory = directory or exchange_dir()  # where node.json and node.key live
        self.key = key
        self.db = db
        self.identity: dict[str, Any] = config["identity"]
        self.identity_id: str = self.identity["id"]
        self.name: str = self.identity["name"]
        self.country: str = self.identity["x_kizuna_country"]
        self.url: str = config["url"]
        self._resolver: MarkingResolver | None = None
        db.audit_signer = audit.AuditSigner(self.identity_id, key, self.previous_keys())

    # -- set-up -----------------------------------------------------------------------------------

    @classmethod
    def init(cls, name: str, country: str, url: str, db_url: str | None = None,
             accreditation: str = "UNCLASSIFIED") -> Node:
        """Create a node: a key pair, an identity, the database; refuses to overwrite an existing node."""
        directory = exchange_dir()
        if (directory / "node.json").exists():
            raise KizunaError(f"a node already exists in {directory} (remove it to start again)")
        country = check_country3(country, "--country")
        if not name.strip():
            raise InputError("must not be empty", field="--name")
        directory.mkdir(parents=True, exist_ok=True)
        key = generate_key(directory / "node.key")
        identity = sign_object(objects.new_identity(name.strip(), country), key)
        database = db_url or f"sqlite:///{directory / 'exchange.db'}"
        config = {"identity": identity, "url": url.rstrip("/"), "db": database,
                  "accreditation": check_classification(accreditation, "--accreditation")}
        db = Database(database)
        db.create_schema()
        with db.transaction():
            for counter in ("seq", "audit"):
                db.execute("INSERT INTO counters (name, value, stamp) VALUES (?, 0, '') ON CONFLICT (name) DO NOTHING",
                           (counter,))
        atomic_write_text(directory / "node.json", json.dumps(config, ensure_ascii=False, indent=2) + "\n")
        node = cls(config, key, db, directory)
        node.put_local(identity, Event("created", "cli", identity["id"], identity["modified"],
                                       detail={"what": "node identity", "name": name, "country": country}))
        return node

    @classmethod
    def open(cls) -> Node:
        directory = exchange_dir()
        path = directory / "node.json"
        if not path.exists():
            raise NotFoundError(f"no exchange node in {directory}: run `kizuna exchange init` first")
        config = json.loads(path.read_text(encoding="utf-8"))
        db = Database(config["db"])
        db.create_schema()
        return cls(config, load_key(directory / "node.key"), db, directory)

    def close(self) -> None:
        self.db.close()

    def previous_keys(self) -> tuple[Ed25519PublicKey, ...]:
        """Earlier public keys of this node (``kizuna exchange key rotate``): old checkpoints are signed by them."""
        return tuple(public_key(r["old"]) for r in self.config.get("rotations", []))

    def recipient_self(self) -> Recipient:
        """This node as a receiver: what it accepts from peers (it refuses anything it should not have been sent)."""
        return Recipient("peer", self.name, self.country, self.identity_id,
                         self.config.get("accreditation", "UNCLASSIFIED"), "amber+strict")

    def card(self) -> dict[str, Any]:
        """What another node's administrator needs to add this node as a peer."""
        public = public_text(self.key)
        identity = wire_form(self.identity, self.resolver)
        if identity is not self.identity:  # a node made before the extension definitions: declare them, re-sign
            identity = sign_object(identity, self.key)
        return {"identity": identity, "url": self.url, "public_key": public, "fingerprint": fingerprint(public)}

    # -- peers ------------------------------------------------------------------------------------

    def add_peer(self, card: dict[str, Any], max_classification: str = "UNCLASSIFIED", url: str | None = None,
                 tls_ca: str | None = None) -> Peer:
        """Trust another node: its identity must be signed by the key it presents, and that key not revoked.

        ``tls_ca``: PEM certificates the peer's TLS certificate must chain to (a CA, or the pinned certificate).
        Adding a removed peer's card again resumes exchange with it.
        """
        try:
            identity, public = card["identity"], card["public_key"]
            key = public_key(public)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not a Kizuna peer card ({exc})") from exc
        if not verify_object(identity, key):
            raise InputError("the card's identity is not signed by the card's key")
        if identity["id"] == self.identity_id:
            raise InputError("that card is this node's own")
        if self.key_revoked(public):
            raise InputError(f"the card's key {fingerprint(public)} was revoked: ask the agency for its new card")
        country = check_country3(identity.get("x_kizuna_country", ""), "identity.x_kizuna_country")
        level = check_classification(max_classification, "--max-classification")
        address = (url or card.get("url") or "").rstrip("/")
        if not address.startswith(("http://", "https://")):
            raise InputError(f"peer URL {address!r} must start with http:// or https://", field="url")
        if tls_ca is not None:
            try:
                ssl.create_default_context(cadata=tls_ca)
            except (ssl.SSLError, ValueError) as exc:
                raise InputError(f"not a PEM certificate ({exc})", field="--tls-ca") from None
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO peers (identity, name, country, url, public_key, max_classification, enabled, added, "
                "tls_ca) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (identity) DO UPDATE SET name = excluded.name, "
                "country = excluded.country, url = excluded.url, public_key = excluded.public_key, "
                "max_classification = excluded.max_classification, tls_ca = coalesce(excluded.tls_ca, peers.tls_ca), "
                "enabled = CASE WHEN peers.removed IS NULL THEN peers.enabled ELSE 1 END, removed = NULL",
                (identity["id"], identity["name"], country, address, public, level, stamp(datetime.now(UTC)),
                 tls_ca))
            self._requeue_refused(identity["id"])
            audit.append(self.db, Event("peer-added", "cli", peer=identity["id"],
                                        detail={"name": identity["name"], "country": country, "url": address,
                                                "fingerprint": fingerprint(public), "max_classification": level,
                                                "tls_ca": bool(tls_ca)}))
        return self.peer(identity["id"])

    def remove_peer(self, ref: str, actor: str) -> Peer:
        """Stop all exchange with a peer: its requests are refused and it is not synced. Nothing it sent is deleted."""
        peer = self.peer(ref)
        held = int(self.db.scalar("SELECT count(*) FROM objects WHERE originator = ?", (peer.identity,)) or 0)
        with self.db.transaction():
            self.db.execute("UPDATE peers SET enabled = 0, removed = ? WHERE identity = ?",
                            (stamp(datetime.now(UTC)), peer.identity))
            audit.append(self.db, Event("peer-removed", actor, peer=peer.identity,
                                        detail={"peer": peer.name, "fingerprint": peer.fingerprint,
                                                "objects_kept": held}))
        return self.peer(peer.identity)

    # -- node keys --------------------------------------------------------------------------------

    def key_revoked(self, public: str) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM peer_keys WHERE public_key = ? AND state = 'revoked'", (public,)))

    def peer_keys(self, peer: Peer) -> list[tuple[Ed25519PublicKey, str | None]]:
        """The peer's current key and its retired ones, each with when it was retired (None: current)."""
        retired = self.db.all("SELECT public_key, at FROM peer_keys WHERE peer = ? AND state = 'retired'",
                              (peer.identity,))
        return [(public_key(peer.public_key), None), *[(public_key(k), at) for k, at in retired]]

    def revoke_peer_key(self, ref: str, reason: str, actor: str) -> Peer:
        """Stop trusting a peer's current key (compromised): nothing signed by it is accepted any more, and no
        rotation it signs; exchange resumes only when the peer's new card is added."""
        peer = self.peer(ref)
        if not reason.strip():
            raise InputError("say why the key is revoked", field="--reason")
        with self.db.transaction():
            self.db.execute("INSERT INTO peer_keys (public_key, peer, state, at, reason) "
                            "VALUES (?, ?, 'revoked', ?, ?) ON CONFLICT (public_key) DO UPDATE SET "
                            "state = 'revoked', at = excluded.at, reason = excluded.reason",
                            (peer.public_key, peer.identity, stamp(datetime.now(UTC)), reason.strip()))
            audit.append(self.db, Event("key-revoked", actor, peer=peer.identity,
                                        detail={"peer": peer.name, "fingerprint": peer.fingerprint,
                                                "reason": reason.strip()}))
        return peer

    def rotate_key(self, actor: str) -> dict[str, Any]:
        """Replace this node's key: the new key is announced in a statement signed by the old key (and the new),
        which peers accept because they know the old key. Returns the statement."""
        directory = self.directory
        old, new = self.key, Ed25519PrivateKey.generate()
        statement = {"node": self.identity_id, "old": public_text(old), "new": public_text(new),
                     "at": stamp(datetime.now(UTC))}
        rotation = {**statement, "signature": b64(old.sign(canonical(statement))),
                    "new_signature": b64(new.sign(canonical(statement)))}
        # The new key is written first, then the configuration naming it: a crash in between leaves the old
        # configuration and a spare key file, never a configuration without its key.
        write_key(directory / "node.key.new", new)
        self.config["rotations"] = [*self.config.get("rotations", []), rotation]
        self.config["identity"] = self.identity = sign_object(self.identity, new)
        atomic_write_text(directory / "node.json", json.dumps(self.config, ensure_ascii=False, indent=2) + "\n")
        (directory / "node.key.new").replace(directory / "node.key")
        self.key = new
        self.db.audit_signer = audit.AuditSigner(self.identity_id, new, self.previous_keys())
        with self.db.transaction():
            audit.append(self.db, Event("key-rotated", actor, self.identity_id,
                                        detail={"old": fingerprint(statement["old"]),
                                                "new": fingerprint(statement["new"])}))
        return rotation

    def rotations(self) -> list[dict[str, Any]]:
        """This node's key rotation statements, oldest first."""
        return list(self.config.get("rotations", []))

    def adopt_rotation(self, peer: Peer, statements: Any) -> Peer | None:
        """The peer with its new key if ``statements`` lead, each signed by the key before it, from the key this
        node knows to another one; None if they do not (or pass through a revoked key). Audited."""
        new = follow_rotations(peer.identity, peer.public_key, statements, self.key_revoked)
        if new is None:
            return None
        with self.db.transaction():
            self.db.execute("UPDATE peers SET public_key = ? WHERE identity = ? AND public_key = ?",
                            (new, peer.identity, peer.public_key))
            self.db.execute("INSERT INTO peer_keys (public_key, peer, state, at, reason) VALUES (?, ?, 'retired', ?, "
                            "'rotated') ON CONFLICT (public_key) DO NOTHING",
                            (peer.public_key, peer.identity, stamp(datetime.now(UTC))))
            audit.append(self.db, Event("key-rotated", "sync", peer=peer.identity,
                                        detail={"peer": peer.name, "old": fingerprint(peer.public_key),
                                                "new": fingerprint(new)}))
        return self.peer(peer.identity)

    def peers(self) -> list[Peer]:
        rows = self.db.all(f"SELECT {_PEER_COLUMNS} FROM peers ORDER BY name")
        return [Peer(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], r[9], r[10]) for r in rows]

    def peer(self, ref: str) -> Peer:
        """A peer by identity id, name or country code."""
        for peer in self.peers():
            if ref in (peer.identity, peer.name, peer.country):
                return peer
        raise NotFoundError(f"no peer {ref!r} (see `kizuna exchange peer list`)")

    def set_peer_enabled(self, ref: str, enabled: bool, actor: str) -> None:
        peer = self.peer(ref)
        with self.db.transaction():
            self.db.execute("UPDATE peers SET enabled = ? WHERE identity = ?", (int(enabled), peer.identity))
            if enabled:
                self._requeue_refused(peer.identity)
            audit.append(self.db, Event("settings", actor, peer=peer.identity,
                                        detail={"peer": peer.name, "enabled": enabled}))

    def _requeue_refused(self, peer: str) -> None:
        """After a peer's settings change, offer again what it was refused: it moves past the peer's cursor.

        Other peers see those objects again too, which is harmless: receivers keep only newer versions.
        """
        ids = [r[0] for r in self.db.all("SELECT DISTINCT object_id FROM deliveries WHERE peer = ? AND "
                                         "outcome = 'refused'", (peer,))]
        if not ids:
            return
        slots = self._reserve(len(ids))
        self.db.executemany("UPDATE objects SET seq = ?, date_added = ? WHERE id = ?",
                            [(seq, added, object_id) for object_id, (seq, added) in zip(ids, slots, strict=True)])
        self.db.execute("DELETE FROM deliveries WHERE peer = ? AND outcome = 'refused'", (peer,))

    # -- markings ---------------------------------------------------------------------------------

    @property
    def resolver(self) -> MarkingResolver:
        if self._resolver is None:
            resolver = MarkingResolver(loader=self._load_definition)
            for (body,) in self.db.all("SELECT body FROM marking_definitions"):
                resolver.remember(json.loads(body))
            self._resolver = resolver
        return self._resolver

    def _load_definition(self, definition_id: str) -> dict[str, Any] | None:
        body = self.db.scalar("SELECT body FROM marking_definitions WHERE id = ?", (definition_id,))
        return json.loads(body) if body else None

    def save_definitions(self, definitions: list[dict[str, Any]]) -> None:
        """Keep marking definitions (checked) so objects that refer to them can be judged later."""
        fresh = [d for d in definitions if d["id"] not in self.resolver.known]
        for definition in fresh:
            check_definition(definition)
        with self.db.transaction():
            self.db.executemany("INSERT INTO marking_definitions (id, body) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                                [(d["id"], json.dumps(d, ensure_ascii=False)) for d in fresh])
        for definition in fresh:
            self.resolver.remember(definition)

    def markings(self, tlp: str, rel_to: list[str] | None, classification: str | None = None,
                 organizations: list[str] | None = None) -> list[str]:
        """Marking ids for a new object; the node's own country is always in its REL TO list, and no REL TO may
        name a country of concern or a group containing one."""
        if rel_to:
            rel_to = check_rel_to(rel_to)
        if tlp.lower().removeprefix("tlp:") == "amber+strict" and not organizations:
            organizations = [self.identity_id]
        refs = [tlp_id(tlp)]
        definitions = []
        if rel_to:
            definitions.append(rel_to_definition(sorted({*rel_to, self.country})))
        if organizations:
            definitions.append(organizations_definition(organizations))
        if classification:
            definitions.append(classification_definition(check_classification(classification)))
        self.save_definitions(definitions)
        return refs + [d["id"] for d in definitions]

    def quoting_markings(self, refs: list[str], quoted: list[tuple[dict[str, Any], tuple[str, ...]]]) -> list[str]:
        """Marking ids for an object that quotes others: its own ``refs`` made at least as strict as each quoted
        object's markings and those of the quoted fields (``(object, selectors)``): the stricter TLP, the higher
        classification, REL TO only the countries every one releases to, ORG only the organisations all name."""
        parts = [self.resolver.resolve(refs)]
        for obj, fields in quoted:
            outer = self.resolver.resolve(obj.get("object_marking_refs", []))
            parts.append(outer)
            parts += [combine(outer, self.resolver.resolve([g["marking_ref"]]))
                      for g in obj.get("granular_markings", [])
                      if "marking_ref" in g and any(covers(s, f) for s in g.get("selectors", []) for f in fields)]
        unknown = [u for part in parts for u in part.unknown]
        if unknown:
            raise KizunaError(f"cannot quote an object under a marking this node does not know ({unknown[0]})")
        ranks = classification_ranks()
        tlp = max((p.tlp for p in parts if p.tlp), key=tlp_rank)
        levels = [p.classification for p in parts if p.classification]
        rel_to = [expand(r) for p in parts for r in p.rel_to]
        organizations = [o for p in parts for o in p.organizations]
        definitions = []
        if rel_to:
            definitions.append(rel_to_definition(sorted(frozenset.intersection(*rel_to))))
        if organizations:
            definitions.append(organizations_definition(sorted(frozenset.intersection(*organizations))))
        if levels:
            definitions.append(classification_definition(max(levels, key=lambda c: ranks[c])))
        self.save_definitions(definitions)
        return [tlp_id(tlp)] + [d["id"] for d in definitions]

    def markings_of_concern(self) -> list[tuple[dict[str, Any], frozenset[str], list[tuple[str, bool]]]]:
        """The REL TO marking definitions objects held here use that name a country of concern, or a group
        containing one, each with those countries and the objects (id, whether this node originated it)."""
        out = []
        for (body,) in self.db.all("SELECT body FROM marking_definitions ORDER BY id"):
            definition = json.loads(body)
            codes = definition.get("extensions", {}).get(KIZUNA_EXTENSION, {}).get("rel_to") or []
            concern = frozenset().union(*(concern_in(code) for code in codes))
            if concern:
                rows = self.db.all("SELECT id, local FROM objects WHERE body LIKE ? ORDER BY id",
                                   (f"%{definition['id']}%",))
                if rows:
                    out.append((definition, concern, [(r[0], bool(r[1])) for r in rows]))
        return out

    def definitions_for(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        """The marking definitions an object refers to, to send along with it."""
        out = []
        for ref in marking_refs(obj):
            definition = tlp_definitions().get(ref) or self.resolver.known.get(ref)
            if definition is not None:
                out.append(definition)
        return out

    # -- objects ----------------------------------------------------------------------------------

    def _reserve(self, count: int) -> list[tuple[int, str]]:
        """``count`` new (seq, date_added) pairs, both strictly increasing; call inside a transaction."""
        row = self.db.one("UPDATE counters SET value = value + ? WHERE name = 'seq' RETURNING value, stamp", (count,))
        assert row is not None
        last, previous = int(row[0]), row[1]
        moment = datetime.now(UTC)
        if previous:
            moment = max(moment, datetime.fromisoformat(previous.replace("Z", "+00:00")) + timedelta(microseconds=1))
        stamps = [stamp(moment + timedelta(microseconds=i)) for i in range(count)]
        self.db.execute("UPDATE counters SET stamp = ? WHERE name = 'seq'", (stamps[-1],))
        return [(last - count + 1 + i, stamps[i]) for i in range(count)]

    def _write(self, rows: list[tuple[dict[str, Any], bool, str | None]], keep_versions: bool) -> None:
        slots = self._reserve(len(rows))
        records = []
        for (obj, local, received_from), (seq, added) in zip(rows, slots, strict=True):
            records.append((obj["id"], obj["type"], stamp(obj.get("modified") or obj["created"]),
                            obj.get("created_by_ref", obj["id"]), int(local), received_from, seq, added,
                            obj.get("status"), json.dumps(obj, ensure_ascii=False)))
        self.db.executemany(
            "INSERT INTO objects (id, type, modified, originator, local, received_from, seq, date_added, status, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, "
            "seq = excluded.seq, date_added = excluded.date_added, status = excluded.status, body = excluded.body, "
            "received_from = excluded.received_from", records)
        if keep_versions:
            self.db.executemany("INSERT INTO versions (id, modified, body) VALUES (?, ?, ?) "
                                "ON CONFLICT (id, modified) DO NOTHING", [(r[0], r[2], r[9]) for r in records])

    def put_local(self, obj: dict[str, Any], event: Event) -> dict[str, Any]:
        """Store an object this node originated (already signed) with its audit record."""
        with self.db.transaction():
            self._write([(obj, True, None)], keep_versions=True)
            audit.append(self.db, event)
        return obj

    def create(self, obj: dict[str, Any], actor: str) -> dict[str, Any]:
        """Sign, validate, store and audit a new object originated here."""
        if obj.get("created_by_ref") != self.identity_id:
            raise KizunaError("a node only creates objects in its own name")
        objects.validate(obj)
        signed = sign_object(obj, self.key)
        return self.put_local(signed, Event("created", actor, signed["id"], signed["modified"],
                                            detail={"type": signed["type"],
                                                    "markings": self.resolver.resolve(
                                                        signed.get("object_marking_refs", [])).label()}))

    def create_many(self, batch: list[dict[str, Any]], actor: str, validate: bool = True) -> int:
        """Create many objects in one transaction (imports, benchmarks)."""
        signed = []
        for obj in batch:
            if obj.get("created_by_ref") != self.identity_id:
                raise KizunaError("a node only creates objects in its own name")
            if validate:
                objects.validate(obj)
            signed.append(sign_object(obj, self.key))
        with self.db.transaction():
            self._write([(obj, True, None) for obj in signed], keep_versions=True)
            audit.append(self.db, *[Event("created", actor, o["id"], o["modified"], detail={"type": o["type"]})
                                    for o in signed])
        return len(signed)

    def revise(self, object_id: str, changes: dict[str, Any], actor: str, why: str) -> dict[str, Any]:
        """A new version of an object this node originated; others answer with notes instead."""
        current = self.get(object_id)
        if current is None:
            raise NotFoundError(f"no object {object_id}")
        if current.get("created_by_ref") != self.identity_id:
            raise KizunaError(f"{object_id} was created by another node: only its originator may change it; "
                              f"comment with a note instead")
        updated = sign_object(objects.new_version(current, changes), self.key)
        objects.validate(updated)
        return self.put_local(updated, Event("versioned", actor, object_id, updated["modified"],
                                             detail={"why": why, "changes": sorted(changes)}))

    def get(self, object_id: str) -> dict[str, Any] | None:
        body = self.db.scalar("SELECT body FROM objects WHERE id = ?", (object_id,))
        return json.loads(body) if body else None

    def lookup(self, ref: str, user: Recipient | None = None, *, type_: str | None = None, actor: str = "cli",
               action: str = "view") -> dict[str, Any]:
        """The stored object ``ref`` names (its full id, or a unique prefix of its UUID as the CLI shows it), if
        ``user`` may see it: the one check every read and write of a single object by a user goes through.

        Absent, hidden from ``user`` and of another type than ``type_`` all raise the same NotFoundError, and an
        id prefix is ambiguous only among what the user may see, so the answer says nothing about what the user
        may not see; each refusal is written to the audit log. ``user`` None is the node's operator (the CLI).
        """
        candidates = self._candidates(ref)
        fits = [obj for obj in candidates if type_ in (None, obj["type"])
                and (user is None or decide(obj, self.resolver, user).allowed)]
        if len(fits) == 1:
            return fits[0]
        if len(fits) > 1:
            raise NotFoundError(f"{ref!r} is ambiguous: give more of the id")
        if user is not None:
            hidden = candidates[0] if len(candidates) == 1 else None
            if hidden is None:
                reason = f"{len(candidates)} objects match, none the user may see" if candidates else "no such object"
            elif type_ not in (None, hidden["type"]):
                reason = f"not a {type_}"
            else:
                reason = decide(hidden, self.resolver, user).reason
            with self.db.transaction():
                audit.append(self.db, Event("access-refused", actor, hidden["id"] if hidden else None,
                                            hidden.get("modified") if hidden else None,
                                            detail={"action": action, "requested": ref[:100], "reason": reason}))
        raise NotFoundError(f"no {(type_ or 'object').removeprefix('x-kizuna-')} {ref!r}")

    def _candidates(self, ref: str) -> list[dict[str, Any]]:
        """Objects whose id is ``ref`` or whose UUID starts with it."""
        exact = self.get(ref)
        if exact is not None or not ref:
            return [exact] if exact is not None else []
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.all("SELECT body FROM objects WHERE id LIKE ? ESCAPE '\\' LIMIT 100", (f"%--{pattern}%",))
        return [json.loads(r[0]) for r in rows]

    def objects(self, type_: str | None = None, *, local: bool | None = None, limit: int = 1000,
                offset: int = 0) -> list[dict[str, Any]]:
        """Objects held here, newest change first."""
        where, params = _object_filter(type_, local)
        rows = self.db.all(f"SELECT body FROM objects {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
                           (*params, limit, offset))
        return [json.loads(r[0]) for r in rows]

    def count(self, type_: str | None = None, local: bool | None = None) -> int:
        where, params = _object_filter(type_, local)
        return int(self.db.scalar(f"SELECT count(*) FROM objects {where}", params) or 0)

    def originator_name(self, identity: str) -> str:
        if identity == self.identity_id:
            return self.name
        row = self.db.one("SELECT name, country FROM peers WHERE identity = ?", (identity,))
        return f"{row[0]}" if row else identity

    def originator_country(self, identity: str) -> str:
        if identity == self.identity_id:
            return self.country
        return str(self.db.scalar("SELECT country FROM peers WHERE identity = ?", (identity,)) or "?")

    # -- what a user may see ----------------------------------------------------------------------

    def visible(self, obj: dict[str, Any], user: Recipient) -> tuple[dict[str, Any] | None, list[str]]:
        """The object as ``user`` may see it (None if not at all) and the fields withheld from them."""
        decision = decide(obj, self.resolver, user)
        if not decision.allowed:
            return None, []
        return redact(obj, decision.withheld), decision.withheld

    def view_all(self, objs: Iterable[dict[str, Any]], user: Recipient | None, actor: str, page: str, *,
                 keep: Callable[[dict[str, Any]], bool] | None = None, start: int = 0,
                 limit: int | None = None) -> Viewed:
        """The one way a list of objects is shown to someone: what ``user`` may see of ``objs`` (None: the node's
        operator, who sees all), of that what ``keep`` accepts, the ``limit`` of it from ``start`` — and those
        shown written to the audit log as viewed on ``page``. The counts say how many there are in all."""
        kept: list[tuple[dict[str, Any], list[str]]] = []
        hidden = 0
        for obj in objs:
            shown, withheld = self.visible(obj, user) if user is not None else (obj, [])
            if shown is None:
                hidden += 1
            elif keep is None or keep(shown):
                kept.append((shown, withheld))
        rows = kept[start:] if limit is None else kept[start:start + limit]
        if rows:
            with self.db.transaction():
                audit.append(self.db, *[Event("viewed", actor, o["id"], o.get("modified"), detail={"page": page})
                                        for o, _ in rows])
        return Viewed(rows, len(kept), hidden, start)

    def all_objects(self, type_: str | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every object held here (of one type), newest change first, read ``batch`` at a time."""
        offset = 0
        while True:
            rows = self.objects(type_, limit=batch, offset=offset)
            yield from rows
            if len(rows) < batch:
                return
            offset += batch

    def delivery_counts(self) -> dict[str, dict[str, int]]:
        """Per peer identity: how many objects were sent to it, refused, withdrawn … (the sharing-settings page)."""
        counts: dict[str, dict[str, int]] = {}
        for peer, outcome, count in self.db.all("SELECT peer, outcome, count(*) FROM deliveries "
                                                "GROUP BY peer, outcome"):
            counts.setdefault(peer, {})[outcome] = int(count)
        return counts

    def view(self, obj: dict[str, Any], user: Recipient, actor: str) -> tuple[dict[str, Any] | None, list[str]]:
        """Like ``visible``, and records in the audit log that the user viewed it."""
        shown, withheld = self.visible(obj, user)
        if shown is not None:
            with self.db.transaction():
                audit.append(self.db, Event("viewed", actor, obj["id"], obj.get("modified"),
                                            detail={"withheld": withheld} if withheld else None))
        return shown, withheld


def _object_filter(type_: str | None, local: bool | None) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters selecting objects by type and by origin (ours or received)."""
    clauses: list[str] = []
    params: list[Any] = []
    if type_:
        clauses.append("type = ?")
        params.append(type_)
    if local is not None:
        clauses.append("local = ?")
        params.append(int(local))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params
