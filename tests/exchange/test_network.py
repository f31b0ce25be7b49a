"""Four agencies (US, JP, KR, TW), each a real ``kizuna exchange serve`` process with its own data directory,
syncing over loopback through the CLI; on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import httpx
import pytest

from kizuna.core.party import Party
from kizuna.exchange import audit, objects, users
from kizuna.exchange.markings import rel_to_definition, tlp_id
from kizuna.exchange.node import COLLECTION_ID
from kizuna.exchange.signing import sign_request
from kizuna.exchange.sync import PeerClient, sync_peer
from tests.exchange.conftest import BACKENDS, KIZUNA, AgencyNode, link, make_node, serve_all, sync_all

OBJECTS = f"/taxii2/api/collections/{COLLECTION_ID}/objects/"


@pytest.fixture(scope="module", params=BACKENDS)
def network(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("agencies")
    database = (lambda: None) if request.param == "sqlite" else request.getfixturevalue("postgres").new_database
    agencies = {code: make_node(base, code, database()) for code in ("US", "JP", "KR", "TW")}
    link(list(agencies.values()))
    serve_all(list(agencies.values()))
    yield agencies
    for agency in agencies.values():
        agency.stop()
        agency.node.close()


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6].upper()}"


def _denial_id(output: str) -> str:
    return next(w for w in output.split() if w.startswith("x-kizuna-denial--"))


def _stored(agency: AgencyNode, object_id: str) -> dict[str, Any] | None:
    row = agency.node.db.scalar("SELECT body FROM objects WHERE id = ?", (object_id,))
    return json.loads(row) if row else None


def _held(agency: AgencyNode, object_id: str) -> dict[str, Any]:
    """The stored object the test expects ``agency`` to hold."""
    body = _stored(agency, object_id)
    assert body is not None, f"{object_id} is not stored at {agency.code}"
    return body


def _audit_mentions(agency: AgencyNode, *needles: str) -> bool:
    rows = agency.node.db.all("SELECT object_id, detail FROM audit")
    text = json.dumps(rows, ensure_ascii=False)
    return any(needle in text for needle in needles)


def test_jp_denial_reaches_us_and_kr_never_tw(network: dict[str, AgencyNode]) -> None:
    jp, us, kr, tw = network["JP"], network["US"], network["KR"], network["TW"]
    end_user = _unique("Shenzhen Precision Optics")
    address = f"{uuid.uuid4().hex[:4]} Gaoxin South Road, Nanshan, Shenzhen"
    out = jp.cli("denial", "add", "--control", "3B001.f.1.b", "--item", "ArF immersion scanner", "--end-user", end_user,
                 "--end-user-country", "CN", "--end-user-address", address, "--date", "2026-10-01",
                 "--reason", "military end use", "--rel-to", "USA,KOR", "--field-rel-to", "end_user.address=USA")
    denial_id = _denial_id(out.stdout)
    sync_all([us, kr, tw])
    # US: the whole denial. KR: the denial without the address. TW: nothing.
    assert _held(us, denial_id)["end_user"]["address"] == address
    at_kr = _stored(kr, denial_id)
    assert at_kr is not None and "address" not in at_kr["end_user"]
    assert address not in json.dumps(kr.node.db.all("SELECT body FROM objects"), ensure_ascii=False)
    assert _stored(tw, denial_id) is None
    # TW's store, its API answers and its audit log never show it.
    client = PeerClient(tw.node, tw.node.peer(jp.node.identity_id))
    try:
        envelope, _ = client.get(OBJECTS)
    finally:
        client.close()
    assert denial_id not in json.dumps(envelope) and end_user not in json.dumps(envelope, ensure_ascii=False)
    assert not _audit_mentions(tw, denial_id, end_user, address)
    refused = audit.records(jp.node.db, object_id=denial_id, event="refused")
    assert [r["peer"] for r in refused] == [tw.node.identity_id]
    # KR cannot forward it: US pulling from KR gets nothing of JP's.
    us.sync("--peer", "KOR")
    assert audit.records(kr.node.db, object_id=denial_id, event="sent") == []
    # The revocation reaches both.
    jp.cli("denial", "revoke", denial_id, "--reason", "licence granted on appeal")
    sync_all([us, kr, tw], "--peer", "JPN")
    assert _held(us, denial_id)["status"] == "revoked" and _held(kr, denial_id)["status"] == "revoked"
    assert _stored(tw, denial_id) is None
    listed = us.cli("denial", "list", "--status", "revoked", "--json")
    assert denial_id in listed.stdout
    assert all(audit.verify(agency.node.db).ok for agency in network.values())


def test_single_object_endpoint_does_not_reveal_what_a_peer_may_not_have(network: dict[str, AgencyNode]) -> None:
    jp, tw, us = network["JP"], network["TW"], network["US"]
    denial_id = _add(jp, _unique("Tianjin Optics"), ["USA"])
    for agency, expected in ((us, 200), (tw, 404)):
        node = agency.node
        target = OBJECTS + denial_id + "/"
        headers = sign_request(node.key, node.identity_id, jp.node.identity_id, "GET", target)
        response = httpx.get(jp.url + target, headers=headers)
        assert response.status_code == expected
    manifest = PeerClient(tw.node, tw.node.peer(jp.node.identity_id))
    try:
        records, _ = manifest.get(f"/taxii2/api/collections/{COLLECTION_ID}/manifest/")
    finally:
        manifest.close()
    assert denial_id not in json.dumps(records)


def test_tampered_replayed_stale_and_unknown_requests_are_refused(network: dict[str, AgencyNode]) -> None:
    jp, kr = network["JP"], network["KR"]
    node = kr.node
    target = OBJECTS + "?limit=5"
    headers = sign_request(node.key, node.identity_id, jp.node.identity_id, "GET", target)
    assert httpx.get(jp.url + target, headers=headers).status_code == 200
    replay = httpx.get(jp.url + target, headers=headers)
    assert replay.status_code == 401 and "replayed" in replay.text
    fresh = sign_request(node.key, node.identity_id, jp.node.identity_id, "GET", target)
    tampered = httpx.get(jp.url + OBJECTS + "?limit=500", headers=fresh)
    assert tampered.status_code == 401 and "bad signature" in tampered.text
    stale = sign_request(node.key, node.identity_id, jp.node.identity_id, "GET", target)
    stale["X-Kizuna-Timestamp"] = "2020-01-01T00:00:00.000000Z"
    assert "stale" in httpx.get(jp.url + target, headers=stale).text
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = sign_request(Ed25519PrivateKey.generate(), node.identity_id, jp.node.identity_id, "GET", target)
    assert httpx.get(jp.url + target, headers=forged).status_code == 401
    unknown = sign_request(Ed25519PrivateKey.generate(), "identity--" + str(uuid.uuid4()), jp.node.identity_id,
                           "GET", target)
    assert "unknown node" in httpx.get(jp.url + target, headers=unknown).text
    assert httpx.get(jp.url + target).status_code == 401
    reasons = [r["detail"]["reason"] for r in audit.records(jp.node.db, event="request-refused", limit=20)]
    for expected in ("replayed", "bad signature", "stale", "unknown node", "not signed"):
        assert any(expected in r for r in reasons), expected


def _pull(receiver: AgencyNode, sender: AgencyNode) -> None:
    """An HTTP sync run from the test process (the same code as `kizuna exchange sync`, without a new process)."""
    sync_peer(receiver.node, receiver.node.peer(sender.node.identity_id))


def _add(jp: AgencyNode, end_user: str, rel_to: list[str]) -> str:
    node = jp.node
    obj = objects.new_denial(creator=node.identity_id, codes=["3B001.f.1.b"], item="scanner",
                             end_user=Party(end_user, country="CN"), denial_date="2026-08-01",
                             markings=node.markings("amber", rel_to))
    return str(node.create(obj, "test")["id"])


def test_no_undercut_across_the_network(network: dict[str, AgencyNode]) -> None:
    jp, us, kr, tw = network["JP"], network["US"], network["KR"], network["TW"]
    end_user = _unique("Beijing Aerospace Precision Works")
    denial_id = _add(jp, end_user, ["USA", "KOR"])
    _pull(us, jp)
    check = json.loads(us.cli("licence", "check", "--control", "wa 3.B.1.f", "--end-user", end_user.upper(),
                              "--end-user-country", "CN", "--end-use", "research", "--json").stdout)
    assert check["status"] == "consulting" and check["matches"][0]["denial"] == denial_id
    consultation = check["consultations"][0]
    refused = us.cli("licence", "approve", check["application"], check=False)
    assert refused.returncode == 2 and "consultation still open" in refused.stderr
    sync_all([jp, kr, tw], "--peer", "USA")
    assert _stored(jp, consultation) is not None
    assert _stored(kr, consultation) is None and _stored(tw, consultation) is None
    jp.cli("consultation", "answer", consultation, "--text", "We object: same lab, same scanner.",
           "--position", "objection")
    _pull(us, jp)
    assert _held(us, consultation)["position"] == "objection"
    approved = us.cli("licence", "approve", check["application"])
    assert "approved" in approved.stdout and "objection" in approved.stdout


def test_a_node_that_was_down_catches_up(network: dict[str, AgencyNode]) -> None:
    jp, us = network["JP"], network["US"]
    jp.stop()
    try:
        denial_id = _add(jp, _unique("Down Time Ltd."), ["USA"])
        down = us.cli("exchange", "sync", "--peer", "JPN", check=False)
        assert down.returncode == 1 and "cannot be reached" in down.stderr
    finally:
        jp.serve()
    assert "1 received" in us.sync("--peer", "JPN").stdout
    assert _stored(us, denial_id) is not None


def test_sync_killed_mid_way_resumes_without_loss_or_duplicates(tmp_path: Path,
                                                                backend: Callable[[], str | None]) -> None:
    jp, us = make_node(tmp_path, "JP", backend()), make_node(tmp_path, "US", backend())
    link([jp, us])
    total = 1500
    sheet = tmp_path / "denials.csv"
    lines = ["control,item,end_user,end_user_country,date"]
    lines += [f"3B001.f.1.b,scanner,Bulk End User {n},CN,2026-06-01" for n in range(total)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"{total} denials imported" in jp.cli("denial", "import", str(sheet), "--rel-to", "USA").stdout
    jp.serve()
    try:
        sync = subprocess.Popen([KIZUNA, "exchange", "sync", "--page-size", "5"],
                                env={**os.environ, "KIZUNA_HOME": str(us.home)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while us.node.count(objects.DENIAL) < 100 and time.monotonic() < deadline:
            time.sleep(0.02)
        sync.send_signal(signal.SIGKILL)
        sync.wait(timeout=10)
        partial = us.node.count(objects.DENIAL)
        assert 0 < partial < total, partial
        us.sync()
        assert us.node.count(objects.DENIAL) == total
        received = us.node.db.all("SELECT object_id, count(*) FROM audit WHERE event = 'received' "
                                  "GROUP BY object_id")
        assert len(received) == total and all(count == 1 for _, count in received)
        assert audit.verify(us.node.db).ok
        _pull(us, jp)
        assert us.node.count(objects.DENIAL) == total
    finally:
        jp.stop()
        jp.node.close()
        us.node.close()


# -- issue 11: what users see, and what they may do -------------------------------------------------

PASSWORD = "correct horse battery staple"


def _user(agency: AgencyNode, role: str, clearance: str, nationality: str) -> str:
    """A new user of the agency's node; returns its name."""
    name = f"{role}-{nationality}-{uuid.uuid4().hex[:6]}".lower()
    users.add_user(agency.node, name, role, clearance, nationality, PASSWORD)
    return name


def _api(agency: AgencyNode, username: str, path: str) -> httpx.Response:
    token = users.issue_token(agency.node, username, "api", "test")
    return httpx.get(agency.url + path, headers={"Authorization": f"Bearer {token}"})


def _console(agency: AgencyNode, username: str) -> tuple[httpx.Client, str]:
    """A signed-in console session and its CSRF token."""
    client = httpx.Client(base_url=agency.url)
    form = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/exchange/login").text)
    assert form, "the login page carries its CSRF token"
    response = client.post("/exchange/login", data={"username": username, "password": PASSWORD,
                                                    "login_csrf": form.group(1)})
    assert response.status_code == 303, response.text
    return client, hashlib.sha256(f"kizuna-csrf:{client.cookies['kizuna_session']}".encode()).hexdigest()[:32]


def test_a_list_item_withheld_for_a_peer_does_not_shift_the_markings_of_the_others(
        network: dict[str, AgencyNode]) -> None:
    """Issue 11 item 1: JP strips chain link [0] for the US; the USA-only link [1] must stay marked USA-only."""
    jp, us = network["JP"], network["US"]
    node, tag = jp.node, uuid.uuid4().hex[:6]
    japan, usa = rel_to_definition(["JPN"]), rel_to_definition(["JPN", "USA"])
    node.save_definitions([japan, usa])
    chain = [{"name": f"Japan-only Holdings {tag}", "owns": "Harbour Ridge"},
             {"name": f"US-only Trust {tag}", "owns": "Japan-only Holdings"},
             {"name": f"Open Fund {tag}", "owns": "US-only Trust"}]
    note = node.create(objects.new_investor_note(
        creator=node.identity_id, investor=Party(f"Harbour Ridge {tag}", country="CN"), chain=chain,
        concerns="state-backed fund", markings=node.markings("amber", ["USA", "KOR"]),
        granular=[{"marking_ref": japan["id"], "selectors": ["ownership_chain.[0]"]},
                  {"marking_ref": usa["id"], "selectors": ["ownership_chain.[1]"]}]), "test")
    _pull(us, jp)
    korean, american = _user(us, "analyst", "UNCLASSIFIED", "KOR"), _user(us, "analyst", "UNCLASSIFIED", "USA")
    seen_by_korean = _api(us, korean, "/exchange/api/objects?type=x-kizuna-investor-note")
    assert seen_by_korean.status_code == 200 and note["id"] in seen_by_korean.text
    assert f"Open Fund {tag}" in seen_by_korean.text
    assert f"US-only Trust {tag}" not in seen_by_korean.text and f"Japan-only Holdings {tag}" not in seen_by_korean.text
    seen_by_american = _api(us, american, "/exchange/api/objects?type=x-kizuna-investor-note").text
    assert f"US-only Trust {tag}" in seen_by_american and f"Japan-only Holdings {tag}" not in seen_by_american


def _consultation_at_jp(network: dict[str, AgencyNode]) -> str:
    """JP denies; the US records an essentially identical application; JP receives the consultation."""
    jp, us = network["JP"], network["US"]
    end_user = _unique("Dalian Vacuum Optics")
    _add(jp, end_user, ["USA", "KOR"])
    _pull(us, jp)
    check = json.loads(us.cli("licence", "check", "--control", "3B001.f", "--end-user", end_user,
                              "--end-user-country", "CN", "--json").stdout)
    _pull(jp, us)
    return str(check["consultations"][0])


def test_a_user_cannot_answer_a_consultation_they_cannot_see(network: dict[str, AgencyNode]) -> None:
    """Issue 11 item 4: the answer form checks the same visibility as the page; hidden and absent look alike."""
    jp = network["JP"]
    consultation = _consultation_at_jp(network)
    korean = _user(jp, "licensing-officer", "UNCLASSIFIED", "KOR")  # the consultation is REL TO JPN, USA
    client, csrf = _console(jp, korean)
    assert client.get(f"/exchange/objects/{consultation}").status_code == 404
    answers = len(jp.node.objects(objects.NOTE))
    refused = {}
    for ref in (consultation, consultation.split("--")[1][:8], "0123abcd"):
        response = client.post(f"/exchange/consultations/{ref}/answer",
                               data={"text": "no objection", "position": "no-objection", "csrf": csrf})
        assert response.status_code == 303
        refused[ref] = response.headers["location"].replace(quote_plus(ref), "REF")
    client.close()
    assert len(jp.node.objects(objects.NOTE)) == answers  # nothing was answered
    assert len(set(refused.values())) == 1 and "error=" in refused["0123abcd"], refused
    logged = audit.records(jp.node.db, event="access-refused", limit=10)
    assert {r["actor"] for r in logged} == {f"user:{korean}"}
    assert {r["detail"]["action"] for r in logged} == {"view", "answer"}
    assert consultation in {r["object_id"] for r in logged}
    # A user who may see it answers it.
    tanaka = _user(jp, "licensing-officer", "UNCLASSIFIED", "JPN")
    client, csrf = _console(jp, tanaka)
    response = client.post(f"/exchange/consultations/{consultation}/answer",
                           data={"text": "no objection", "position": "no-objection", "csrf": csrf})
    client.close()
    assert "message=" in response.headers["location"], response.headers["location"]
    assert len(jp.node.objects(objects.NOTE)) == answers + 1


@pytest.mark.parametrize("level", ["red", "controlled"])
def test_a_licence_check_shows_a_denial_the_officer_may_not_see_only_as_a_block(
        network: dict[str, AgencyNode], level: str) -> None:
    """Issue 11 item 2: the match line of a TLP:RED or CONTROLLED denial says a denial blocks, and nothing of it."""
    us = network["US"]
    node, tag = us.node, uuid.uuid4().hex[:6].upper()
    address, listed = f"{tag} Songbei Road, Harbin", f"Harbin Vacuum Photonics Co., Ltd. {tag}"
    denial = node.create(objects.new_denial(
        creator=node.identity_id, codes=["3B001.a.1"], item="MOCVD reactor", reason="missile programme",
        end_user=Party(listed, country="CN", addresses=[address]), denial_date="2026-09-01",
        markings=node.markings("red" if level == "red" else "amber", ["USA"],
                               "CONTROLLED" if level == "controlled" else None)), "test")
    officer = _user(us, "licensing-officer", "UNCLASSIFIED", "USA")
    client, csrf = _console(us, officer)
    page = client.post("/exchange/licence", data={"control": "3B001.a", "end_user": f"HARBIN VACUUM PHOTONICS {tag}",
                                                  "end_user_country": "CN", "csrf": csrf}).text
    client.close()
    assert "not cleared to see" in page
    for secret in (denial["id"], "3B001.a.1", "Co., Ltd.", address, "missile programme", "2026-09-01"):
        assert secret not in page, secret


def test_the_user_api_returns_limit_objects_the_user_may_see(network: dict[str, AgencyNode]) -> None:
    """Issue 11: hidden objects do not eat into `limit`."""
    us = network["US"]
    node = us.node
    for n, tlp in enumerate(["amber", "amber", "red", "red", "red"]):
        node.create(objects.new_denial(creator=node.identity_id, codes=["5A002"], item="crypto module",
                                       end_user=Party(f"Limit Ltd. {n}"), denial_date="2026-09-01",
                                       markings=node.markings(tlp, ["USA"])), "test")
    analyst = _user(us, "analyst", "UNCLASSIFIED", "USA")
    listed = _api(us, analyst, "/exchange/api/objects?type=x-kizuna-denial&limit=2").json()["objects"]
    assert len(listed) == 2 and all(o["object"]["object_marking_refs"][0] != tlp_id("red") for o in listed)
    assert _api(us, analyst, "/exchange/api/objects?limit=0").status_code == 422
