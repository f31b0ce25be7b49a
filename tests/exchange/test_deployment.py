"""Issue 11, deployment gaps: TLS between nodes (a self-signed certificate made here, on loopback), node key
rotation and revocation, removing a peer, disabling users, listing and expiring API tokens."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from kizuna.core import credentials
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.exchange import audit, objects, taxii, users
from kizuna.exchange.node import COLLECTION_ID
from kizuna.exchange.signing import HEADER_ROTATION, public_text, rotation_header, sign_request
from kizuna.exchange.sync import SyncError, sync_peer
from tests.exchange.conftest import AgencyNode, MakeNodes, sync_in_process

OBJECTS = f"/taxii2/api/collections/{COLLECTION_ID}/objects/"
PASSWORD = "correct horse battery staple"


def _denial(agency: AgencyNode, end_user: str, rel_to: list[str] | None = None) -> dict:
    node = agency.node
    return node.create(objects.new_denial(creator=node.identity_id, codes=["3B001.f.1.b"], item="scanner",
                                          end_user=Party(end_user, country="CN"), denial_date="2026-08-01",
                                          markings=node.markings("amber", rel_to or ["USA", "KOR"])), "test")


def _request_headers(sender: AgencyNode, receiver: AgencyNode, target: str = OBJECTS) -> dict[str, str]:
    return sign_request(sender.node.key, sender.node.identity_id, receiver.node.identity_id, "GET", target)


# -- TLS -------------------------------------------------------------------------------------------

def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key (what an agency pins when it has no shared CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_nodes_sync_over_tls_checking_the_peers_certificate(nodes: MakeNodes, tmp_path: Path) -> None:
    jp, us, kr = nodes("JP", "US", "KR")
    denial = _denial(jp, "Harbin Institute of Technology")
    cert, key = self_signed(tmp_path, "jp")
    other, _ = self_signed(tmp_path, "someone-else")
    jp.serve(True, "--tls-cert", str(cert), "--tls-key", str(key))
    https = f"https://127.0.0.1:{jp.port}"
    # US pins JP's certificate: the sync runs over TLS.
    us.node.add_peer(jp.node.card(), url=https, tls_ca=cert.read_text())
    report = sync_peer(us.node, us.node.peer(jp.node.identity_id))
    assert report.received == 1 and us.node.get(denial["id"]) is not None
    # KR trusts only the system CAs, or the wrong certificate: the connection is refused before any request.
    for ca in (None, other.read_text()):
        kr.node.add_peer(jp.node.card(), url=https, tls_ca=ca)
        with pytest.raises(SyncError, match="CERTIFICATE_VERIFY_FAILED"):
            sync_peer(kr.node, kr.node.peer(jp.node.identity_id))
    assert kr.node.get(denial["id"]) is None
    with pytest.raises(InputError, match="PEM"):
        us.node.add_peer(jp.node.card(), url=https, tls_ca="not a certificate")


def test_serve_refuses_half_a_tls_configuration(nodes: MakeNodes, tmp_path: Path) -> None:
    (jp,) = nodes("JP")
    cert, _ = self_signed(tmp_path, "jp")
    result = jp.cli("exchange", "serve", "--port", str(jp.port), "--tls-cert", str(cert), check=False)
    assert result.returncode == 2 and "--tls-key" in result.stderr


# -- key rotation and revocation -----------------------------------------------------------------

def test_a_rotated_key_is_accepted_because_the_old_key_signed_it(nodes: MakeNodes) -> None:
    jp, us, kr = nodes("JP", "US", "KR")
    first = _denial(jp, "Harbin Institute of Technology")
    sync_in_process(us, jp)
    old = public_text(jp.node.key)
    rotation = jp.node.rotate_key("test")
    assert rotation["old"] == old and rotation["new"] == public_text(jp.node.key) != old
    # Server side: JP's next request to US is signed by the new key and carries the rotation.
    headers = {**_request_headers(jp, us), HEADER_ROTATION: rotation_header(jp.node.rotations())}
    peer, _ = taxii.authenticate(us.node, "GET", OBJECTS, headers, b"")
    assert peer.public_key == rotation["new"] == us.node.peer(jp.node.identity_id).public_key
    assert audit.records(us.node.db, event="key-rotated")[0]["detail"]["new"] == jp.node.card()["fingerprint"]
    # Client side: KR learns the new key from JP's signed answer, over HTTP.
    jp.serve()
    report = sync_peer(kr.node, kr.node.peer(jp.node.identity_id))
    assert report.received == 1 and kr.node.peer(jp.node.identity_id).public_key == rotation["new"]
    second = _denial(jp, "Shenzhen Precision Optics")
    sync_peer(us.node, us.node.peer(jp.node.identity_id))
    assert us.node.get(first["id"]) and us.node.get(second["id"])
    # JP's own audit checkpoints, signed by the old and by the new key, still verify.
    audit.checkpoint_head(jp.node.db)
    assert audit.verify(jp.node.db).ok


def test_a_rotation_not_signed_by_the_known_key_is_refused(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    impostor = Ed25519PrivateKey.generate()
    statement = {"node": jp.node.identity_id, "old": public_text(impostor), "new": public_text(impostor), "at": "x"}
    forged = rotation_header([{**statement, "signature": "AAAA", "new_signature": "AAAA"}])
    headers = sign_request(impostor, jp.node.identity_id, us.node.identity_id, "GET", OBJECTS)
    with pytest.raises(taxii.AuthError, match="bad signature"):
        taxii.authenticate(us.node, "GET", OBJECTS, {**headers, HEADER_ROTATION: forged}, b"")
    # A real rotation statement, but replayed by someone holding another key, is refused too.
    rotation = jp.node.rotate_key("test")
    headers = sign_request(impostor, jp.node.identity_id, us.node.identity_id, "GET", OBJECTS)
    with pytest.raises(taxii.AuthError, match="bad signature"):
        taxii.authenticate(us.node, "GET", OBJECTS, {**headers, HEADER_ROTATION: rotation_header([rotation])}, b"")
    assert us.node.peer(jp.node.identity_id).public_key == rotation["old"]


def test_a_revoked_key_is_refused_until_the_new_card_is_added(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    denial = _denial(jp, "Harbin Institute of Technology", ["USA"])
    compromised = jp.node.card()
    us.node.revoke_peer_key("JPN", "key compromised", "test")
    # Requests signed by it, answers and objects signed by it: all refused.
    with pytest.raises(taxii.AuthError, match="revoked"):
        taxii.authenticate(us.node, "GET", OBJECTS, _request_headers(jp, us), b"")
    with pytest.raises(SyncError, match="revoked"):
        sync_in_process(us, jp)
    assert us.node.get(denial["id"]) is None
    # A rotation signed by the revoked key is not accepted either.
    rotation = jp.node.rotate_key("test")
    headers = {**_request_headers(jp, us), HEADER_ROTATION: rotation_header([rotation])}
    with pytest.raises(taxii.AuthError, match="revoked"):
        taxii.authenticate(us.node, "GET", OBJECTS, headers, b"")
    with pytest.raises(InputError, match="revoked"):
        us.node.add_peer(compromised)
    # JP's new card, exchanged out of band, restores the exchange.
    us.node.add_peer(jp.node.card())
    sync_in_process(us, jp)
    assert us.node.get(denial["id"]) is not None
    assert [r["detail"]["reason"] for r in audit.records(us.node.db, event="key-revoked")] == ["key compromised"]


def test_key_rotate_command(nodes: MakeNodes) -> None:
    (jp,) = nodes("JP")
    before = jp.node.card()["fingerprint"]
    out = jp.cli("exchange", "key", "rotate").stdout
    card = json.loads(jp.cli("exchange", "card").stdout)
    assert before in out and card["fingerprint"] in out and card["fingerprint"] != before
    assert "key-rotated" in jp.cli("exchange", "audit", "show", "--event", "key-rotated").stdout


# -- removing a peer ---------------------------------------------------------------------------------

def test_a_removed_peer_keeps_its_objects_but_nothing_is_exchanged(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    held = _denial(jp, "Harbin Institute of Technology", ["USA"])
    sync_in_process(us, jp)
    ours = _denial(us, "Shenzhen Precision Optics", ["JPN"])
    out = us.cli("exchange", "peer", "remove", "JPN").stdout
    assert "removed" in out
    assert us.node.get(held["id"]) is not None  # nothing it sent is deleted
    with pytest.raises(taxii.AuthError, match="removed"):
        taxii.authenticate(us.node, "GET", OBJECTS, _request_headers(jp, us), b"")
    with pytest.raises(SyncError, match="removed"):
        sync_peer(us.node, us.node.peer(jp.node.identity_id))
    assert "removed" in json.dumps(json.loads(us.cli("exchange", "peer", "list", "--json").stdout))
    record = audit.records(us.node.db, event="peer-removed")[0]
    assert record["peer"] == jp.node.identity_id and record["detail"]["objects_kept"] == 1
    assert jp.node.get(ours["id"]) is None
    # Adding its card again resumes the exchange.
    us.node.add_peer(jp.node.card())
    peer, _ = taxii.authenticate(us.node, "GET", OBJECTS, _request_headers(jp, us), b"")
    assert taxii.view(us.node, peer).objects


# -- users and tokens -------------------------------------------------------------------------------

def test_a_disabled_user_cannot_sign_in_or_use_a_token(nodes: MakeNodes) -> None:
    (jp,) = nodes("JP")
    users.add_user(jp.node, "aoki", "analyst", "UNCLASSIFIED", "JPN", PASSWORD)
    token = users.issue_token(jp.node, "aoki", "api", "case system")
    session = users.login(jp.node, "aoki", PASSWORD)
    assert users.user_for_token(jp.node, token) and users.user_for_token(jp.node, session)
    assert "disabled" in jp.cli("exchange", "user", "disable", "aoki").stdout
    assert users.user_for_token(jp.node, token) is None and users.user_for_token(jp.node, session) is None
    assert users.login(jp.node, "aoki", PASSWORD) is None
    assert "disabled" in jp.cli("exchange", "user", "list").stdout
    assert [r["detail"]["username"] for r in audit.records(jp.node.db, event="user-disabled")] == ["aoki"]
    jp.cli("exchange", "user", "enable", "aoki")
    assert users.user_for_token(jp.node, token) is not None


def test_tokens_expire_and_can_be_listed_and_expired(nodes: MakeNodes) -> None:
    (jp,) = nodes("JP")
    users.add_user(jp.node, "aoki", "analyst", "UNCLASSIFIED", "JPN", PASSWORD)
    token = jp.cli("exchange", "user", "token", "aoki", "--label", "case system", "--days", "30").stdout.strip()
    listed = json.loads(jp.cli("exchange", "token", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["label"] == "case system" and listed[0]["state"] == "active"
    expires = dt.datetime.fromisoformat(listed[0]["expires"].replace("Z", "+00:00"))
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    assert token not in json.dumps(listed) and listed[0]["id"] in credentials.token_digest(token)
    assert users.user_for_token(jp.node, token) is not None
    assert "expired" in jp.cli("exchange", "token", "expire", listed[0]["id"]).stdout
    assert users.user_for_token(jp.node, token) is None
    assert json.loads(jp.cli("exchange", "token", "list", "--json").stdout)[0]["state"] == "expired"
    assert audit.records(jp.node.db, event="token-expired")[0]["detail"]["token"] == listed[0]["id"]
    missing = jp.cli("exchange", "token", "expire", "abcdef123456", check=False)
    assert missing.returncode != 0 and "no token" in missing.stderr


def test_an_expired_api_token_is_refused_by_the_api(nodes: MakeNodes, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from kizuna.web import exchange

    (jp,) = nodes("JP")
    users.add_user(jp.node, "aoki", "analyst", "UNCLASSIFIED", "JPN", PASSWORD)
    token = users.issue_token(jp.node, "aoki", "api", "test", dt.timedelta(days=1))
    monkeypatch.setenv("KIZUNA_HOME", str(jp.home))
    try:
        with TestClient(exchange.create_node_app()) as client:
            auth = {"Authorization": f"Bearer {token}"}
            assert client.get("/exchange/api/objects", headers=auth).status_code == 200
            users.expire_token(jp.node, credentials.token_digest(token)[:12], "test")
            assert client.get("/exchange/api/objects", headers=auth).status_code == 401
    finally:
        node = exchange._nodes.pop(str(jp.home), None)
        if node is not None:
            node.close()

