"""Ed25519 keys, object signatures and signed requests between nodes.

An object's signature covers its canonical JSON (sorted keys, no spaces, UTF-8) without the signature property.
A request's signature covers the method, path, query, body digest, timestamp, nonce and the two node ids, so
changing any of them, or sending the request again, is detected.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kizuna.core.atomic import atomic_writer

SIGNATURE_PROPERTY = "x_kizuna_signature"
HEADER_NODE = "X-Kizuna-Node"
HEADER_TO = "X-Kizuna-To"
HEADER_TIME = "X-Kizuna-Timestamp"
HEADER_NONCE = "X-Kizuna-Nonce"
HEADER_SIGNATURE = "X-Kizuna-Signature"
HEADER_BODY = "X-Kizuna-Body-Digest"


def canonical(obj: Any) -> bytes:
    """The bytes a signature covers: JSON with sorted keys and no insignificant whitespace."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def generate_key(path: Path) -> Ed25519PrivateKey:
    """A new private key, written to ``path`` readable by its owner only."""
    return write_key(path, Ed25519PrivateKey.generate())


def write_key(path: Path, key: Ed25519PrivateKey) -> Ed25519PrivateKey:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    with atomic_writer(path, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_text(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte public key in base64, as peers configure it."""
    return b64(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def public_key(text: str) -> Ed25519PublicKey:
    raw = unb64(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(public: str) -> str:
    """A short fingerprint of a public key for people to compare out of band."""
    digest = hashlib.sha256(unb64(public)).hexdigest()
    return ":".join(digest[i:i + 4] for i in range(0, 24, 4))


# -- key rotation -----------------------------------------------------------------------------------

HEADER_ROTATION = "X-Kizuna-Key-Rotation"
MAX_ROTATIONS = 8  # statements carried in a header: enough for a peer that missed several rotations


def rotation_header(rotations: list[dict[str, Any]]) -> str:
    """The last rotation statements, for a header on every request and response (base64 of JSON)."""
    return b64(canonical(rotations[-MAX_ROTATIONS:]))


def read_rotation_header(value: str | None) -> list[Any]:
    if not value or len(value) > 4096:
        return []
    try:
        data = json.loads(unb64(value))
    except (ValueError, UnicodeDecodeError):
        return []
    return data if isinstance(data, list) else []


def follow_rotations(node: str, known: str, statements: Any, revoked: Any) -> str | None:
    """The key ``statements`` lead to from ``known``: each step names ``node``, is signed by the key it retires
    (and by the new key), and no key on the way is revoked. None if no step starts from ``known``."""
    current, seen = known, {known}
    progressed = True
    while progressed:
        progressed = False
        for statement in statements if isinstance(statements, list) else []:
            if not isinstance(statement, dict) or statement.get("old") != current or statement.get("node") != node:
                continue
            body = {k: statement.get(k) for k in ("node", "old", "new", "at")}
            try:
                new = public_key(str(statement["new"]))
                public_key(current).verify(unb64(str(statement["signature"])), canonical(body))
                new.verify(unb64(str(statement["new_signature"])), canonical(body))
            except (InvalidSignature, ValueError, KeyError):
                continue
            if revoked(current) or revoked(statement["new"]) or statement["new"] in seen:
                return None
            current = str(statement["new"])
            seen.add(current)
            progressed = True
    return current if current != known else None


# -- objects ----------------------------------------------------------------------------------------

def sign_object(obj: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """``obj`` with its signature property set (any previous signature is replaced)."""
    body = {k: v for k, v in obj.items() if k != SIGNATURE_PROPERTY}
    return {**body, SIGNATURE_PROPERTY: "ed25519:" + b64(key.sign(canonical(body)))}


def verify_object(obj: dict[str, Any], public: Ed25519PublicKey) -> bool:
    """Whether the object's signature was made by ``public``'s key over exactly this content."""
    signature = obj.get(SIGNATURE_PROPERTY)
    if not isinstance(signature, str) or not signature.startswith("ed25519:"):
        return False
    body = {k: v for k, v in obj.items() if k != SIGNATURE_PROPERTY}
    try:
        public.verify(unb64(signature.removeprefix("ed25519:")), canonical(body))
    except (InvalidSignature, ValueError):
        return False
    return True


# -- requests ---------------------------------------------------------------------------------------

def _request_text(method: str, target: str, body_digest: str, timestamp: str, nonce: str, sender: str,
                  receiver: str) -> bytes:
    return "\n".join(["kizuna-request-v1", method.upper(), target, body_digest, timestamp, nonce, sender,
                      receiver]).encode("utf-8")


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign_request(key: Ed25519PrivateKey, sender: str, receiver: str, method: str, target: str,
                 body: bytes = b"") -> dict[str, str]:
    """Headers that authenticate one request from node ``sender`` to node ``receiver``.

    ``target`` is the path with its query string exactly as sent.
    """
    timestamp, nonce, body_digest = now_stamp(), secrets.token_hex(16), digest(body)
    signature = key.sign(_request_text(method, target, body_digest, timestamp, nonce, sender, receiver))
    return {HEADER_NODE: sender, HEADER_TO: receiver, HEADER_TIME: timestamp, HEADER_NONCE: nonce,
            HEADER_BODY: body_digest, HEADER_SIGNATURE: b64(signature)}


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The authentication headers of a received request."""

    sender: str
    receiver: str
    timestamp: str
    nonce: str
    body_digest: str
    signature: str

    @classmethod
    def from_headers(cls, headers: Any) -> SignedRequest | None:
        values = [headers.get(h) for h in (HEADER_NODE, HEADER_TO, HEADER_TIME, HEADER_NONCE, HEADER_BODY,
                                           HEADER_SIGNATURE)]
        if not all(values):
            return None
        return cls(*values)

    def verify(self, public: Ed25519PublicKey, method: str, target: str, body: bytes) -> bool:
        if digest(body) != self.body_digest:
            return False
        try:
            public.verify(unb64(self.signature), _request_text(method, target, self.body_digest, self.timestamp,
                                                               self.nonce, self.sender, self.receiver))
        except (InvalidSignature, ValueError):
            return False
        return True


# The response headers a client acts on: the sync cursor comes from them, so the signature covers them.
SIGNED_RESPONSE_HEADERS = ("X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last")


def response_text(request_nonce: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """What a response signature covers: the request's nonce, the status, the body and the headers clients use."""
    lower = {k.lower(): v for k, v in (headers or {}).items()}
    signed = [f"{name.lower()}:{lower.get(name.lower(), '')}" for name in SIGNED_RESPONSE_HEADERS]
    return "\n".join(["kizuna-response-v2", request_nonce, str(status), digest(body), *signed]).encode("utf-8")


def sign_response(key: Ed25519PrivateKey, request_nonce: str, status: int, body: bytes,
                  headers: dict[str, str] | None = None) -> str:
    """A response signature bound to the request's nonce, so an old response cannot answer a new request."""
    return b64(key.sign(response_text(request_nonce, status, body, headers)))


def verify_response(public: Ed25519PublicKey, request_nonce: str, status: int, body: bytes, signature: str,
                    headers: dict[str, str] | None = None) -> bool:
    try:
        public.verify(unb64(signature), response_text(request_nonce, status, body, headers))
    except (InvalidSignature, ValueError):
        return False
    return True
