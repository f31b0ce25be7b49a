"""Standard tools against a node: OASIS taxii2-client reads a served node with a user's API token, and
stix2-validator --strict (offline, with Kizuna's published extension schemas) passes on every object a node emits."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stix2validator import ValidationOptions, validate_instance
from taxii2client.common import TokenAuth
from taxii2client.exceptions import AccessError
from taxii2client.v21 import Server, as_pages

from kizuna.core import credentials
from kizuna.core.party import Party
from kizuna.exchange import audit, extensions, licensing, objects, reader, taxii, users
from kizuna.exchange.markings import _kizuna_definition, marking_refs, rel_to_definition
from kizuna.exchange.signing import SIGNATURE_PROPERTY, public_key, sign_object, verify_object
from kizuna.exchange.sync import SyncReport, receive_page
from tests.exchange.conftest import BACKENDS, AgencyNode, MakeNodes, add_denial, link, make_node, sync_in_process
from tests.exchange.test_property import (  # the releasability oracle written from the rules
    RECEIVERS,
    _publish,
    agencies,  # noqa: F401 (a fixture)
    marking_specs,
    user_sees,
    user_specs,
)

PASSWORD = "correct horse battery staple"
ADDRESS = "9 Gaoxin South Road, Nanshan, Shenzhen"


def _strict(obj: dict[str, Any]) -> list[str]:
    """stix2-validator --strict, also checking Kizuna's objects against their published JSON schemas."""
    options = ValidationOptions(version="2.1", strict=True, schema_dir=str(extensions.schema_dir()))
    result = validate_instance(obj, options)
    return [str(e) for e in result.errors]


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validator must not fetch schemas: an HTTP request to anything but the node on loopback fails the test."""
    real = requests.Session.request

    def loopback_only(session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if not url.startswith("http://127.0.0.1:"):
            raise AssertionError(f"network access attempted: {method} {url}")
        return real(session, method, url, *args, **kwargs)
    monkeypatch.setattr(requests.Session, "request", loopback_only)


# -- taxii2-client against a served node ------------------------------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """JP shares denials with the US; the US node is served; a US national and a Korean national have tokens."""
    base = tmp_path_factory.mktemp("interop")
    database = (lambda: None) if request.param == "sqlite" else request.getfixturevalue("postgres").new_database
    jp, us = make_node(base, "JP", database()), make_node(base, "US", database())
    link([jp, us])
    both = add_denial(jp, "Shenzhen Precision Optics", rel_to=["USA", "KOR"], address_to=["USA"], address=ADDRESS)
    usa_only = add_denial(jp, "Harbin Photonics", rel_to=["USA"])
    more = [add_denial(jp, f"Optics Works No. {i}", rel_to=["USA", "KOR"]) for i in range(4)]
    note = jp.node.create(objects.new_screening_note(
        creator=jp.node.identity_id, party_=Party("Shenzhen Precision Optics", country="CN"),
        hits=[{"list": "us-entity-list", "entry_id": "EL-1", "name": "Shenzhen Precision Optics", "score": 0.97}],
        finding="Listed on the US Entity List", markings=jp.node.markings("amber", ["USA", "KOR"])), "test")
    sync_in_process(us, jp)
    for name, nationality in (("smith", "USA"), ("kim", "KOR")):
        users.add_user(us.node, name, "analyst", "UNCLASSIFIED", nationality, PASSWORD)
    tokens = {name: users.issue_token(us.node, name, "api", "taxii2-client") for name in ("smith", "kim")}
    us.serve()
    yield {"us": us, "jp": jp, "tokens": tokens, "both": both, "usa_only": usa_only, "more": more, "note": note}
    us.stop()
    jp.node.close()
    us.node.close()


def _collection(served: dict[str, Any], user: str) -> Any:
    server = Server(f"{served['us'].url}/taxii2/", auth=TokenAuth(served["tokens"][user]))
    collections = server.default.collections
    assert len(collections) == 1
    return collections[0]


def _by_id(envelope: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in envelope.get("objects", [])}


def test_taxii2_client_reads_what_the_user_may_see(served: dict[str, Any]) -> None:
    us = served["us"]
    server = Server(f"{us.url}/taxii2/", auth=TokenAuth(served["tokens"]["kim"]))
    assert server.title.startswith("Kizuna exchange node") and server.default is server.api_roots[0]
    assert server.default.versions == ["application/taxii+json;version=2.1"]
    collection = _collection(served, "kim")
    assert collection.can_read and not collection.can_write
    kim = _by_id(collection.get_objects())
    smith = _by_id(_collection(served, "smith").get_objects())
    both, usa_only = served["both"]["id"], served["usa_only"]["id"]
    # The US national gets the whole denial; the Korean national gets it without the USA-only address, and not
    # the USA-only denial at all: the same as each sees in the console.
    assert smith[both]["end_user"]["address"] == ADDRESS
    assert both in kim and "address" not in kim[both]["end_user"] and ADDRESS not in json.dumps(kim)
    assert usa_only in smith and usa_only not in kim
    for name, seen in (("kim", kim), ("smith", smith)):
        user = users.get_user(us.node, name)
        expected = {o["id"] for o in us.node.objects() if us.node.visible(o, user.recipient(us.node))[0]}
        assert {i for i, o in seen.items() if o["type"] not in ("marking-definition", "extension-definition")} \
            == expected
        for object_id in expected:
            console, _ = us.node.visible(us.node.get(object_id), user.recipient(us.node))
            assert console is not None
            without = {k: v for k, v in console.items() if k != SIGNATURE_PROPERTY}
            assert {k: v for k, v in seen[object_id].items() if k != SIGNATURE_PROPERTY} == without
    # Each page carries the definitions its objects refer to.
    for obj in kim.values():
        assert all(ref in kim for ref in marking_refs(obj))
        assert all(ext in kim for ext in extensions.used(obj))
    # One object, its versions and the manifest.
    assert list(_by_id(collection.get_object(both)))[-1] == both
    with pytest.raises(requests.HTTPError) as hidden:
        collection.get_object(usa_only)
    assert hidden.value.response is not None and hidden.value.response.status_code == 404
    assert collection.object_versions(both)["versions"] == [served["both"]["modified"]]
    assert {r["id"] for r in collection.get_manifest()["objects"]} == set(kim)
    viewed = audit.records(us.node.db, event="viewed", limit=100)
    assert any(r["actor"] == "user:kim" and r["object_id"] == both and r["detail"] == {"page": "taxii"}
               for r in viewed)


def test_taxii2_client_pages_with_as_pages_and_limit_is_exact(served: dict[str, Any]) -> None:
    collection = _collection(served, "kim")
    everything = collection.get_objects()
    pages = list(as_pages(collection.get_objects, per_request=2))
    assert len(pages) >= 4 and all(len(p["objects"]) <= 2 for p in pages)
    assert [p["more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    paged = [o for p in pages for o in p["objects"] if o["type"] not in ("marking-definition", "extension-definition")]
    assert [o["id"] for o in paged] == [o["id"] for o in everything["objects"]
                                        if o["type"] not in ("marking-definition", "extension-definition")]
    # A page of one still makes progress through an object's definitions, and filters apply.
    ones = list(as_pages(collection.get_objects, per_request=1, type="x-kizuna-denial"))
    assert all(len(p["objects"]) == 1 for p in ones)
    assert {p["objects"][0]["id"] for p in ones} == {served["both"]["id"], *(d["id"] for d in served["more"])}
    # added_after and the date headers work as TAXII clients expect.
    response = httpx.get(f"{served['us'].url}/taxii2/api/collections/{taxii.COLLECTION_ID}/objects/",
                         params={"limit": 3}, headers={"Authorization": f"Bearer {served['tokens']['kim']}"})
    assert response.headers["content-type"].startswith("application/taxii+json;version=2.1")
    last = response.headers["X-TAXII-Date-Added-Last"]
    later = collection.get_objects(added_after=last)
    assert not {o["id"] for o in later["objects"]} & {o["id"] for o in response.json()["objects"]
                                                     if o["type"].startswith("x-kizuna")}


def test_a_user_token_never_writes_nor_reaches_the_peer_view(served: dict[str, Any]) -> None:
    us, jp, token = served["us"], served["jp"], served["tokens"]["kim"]
    objects_url = f"{us.url}/taxii2/api/collections/{taxii.COLLECTION_ID}/objects/"
    collection = _collection(served, "kim")
    with pytest.raises(AccessError):
        collection.add_objects({"objects": [served["note"]]})
    held = us.node.count()
    posted = httpx.post(objects_url, headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/taxii+json;version=2.1"},
                        content=json.dumps({"objects": [served["note"]]}))
    assert posted.status_code in (403, 405) and us.node.count() == held
    # A token presented as if from a peer node is a peer request without a signature: refused.
    posing = httpx.get(objects_url, headers={"Authorization": f"Bearer {token}",
                                             "X-Kizuna-Node": jp.node.identity_id})
    assert posing.status_code == 401
    # A wrong token, or none, reads nothing, and the refusal is audited.
    wrong = httpx.get(objects_url, headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401 and wrong.json()["http_status"] == "401"
    assert any("API token" in r["detail"]["reason"]
               for r in audit.records(us.node.db, event="request-refused", limit=20))
    assert httpx.get(objects_url, headers={"Authorization": f"Bearer {token}",
                                           "Accept": "application/xml"}).status_code == 406
    for bad in ({"next": "garbage"}, {"next": "|-1|x"}, {"added_after": "yesterday"}):
        answer = httpx.get(objects_url, params=bad, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 400 and answer.json()["title"] == "Bad request", bad


def test_everything_served_to_a_standard_client_passes_strict_validation(served: dict[str, Any],
                                                                         offline: None) -> None:
    served_objects = _collection(served, "smith").get_objects()["objects"]
    assert {"x-kizuna-denial", "x-kizuna-screening-note", "marking-definition", "extension-definition"} <= {
        o["type"] for o in served_objects}
    for obj in served_objects:
        assert _strict(obj) == [], obj["id"]


# -- every object type a node emits -------------------------------------------------------------------

def test_every_object_type_a_node_emits_passes_strict_validation(nodes: MakeNodes, offline: None) -> None:
    jp, us = nodes("JP", "US")
    emitted: list[dict[str, Any]] = [jp.node.card()["identity"], us.node.card()["identity"]]

    def pull(receiver: AgencyNode, sender: AgencyNode) -> None:
        page = taxii.view(sender.node, sender.node.peer(receiver.node.identity_id), limit=5000)
        emitted.extend(page.objects)
        receive_page(receiver.node, receiver.node.peer(sender.node.identity_id), page.objects, page.last_added,
                     SyncReport(sender.code))

    denial = add_denial(jp, "Shenzhen Precision Optics Co., Ltd.", rel_to=["USA", "KOR"], address_to=["USA"])
    narrowed = add_denial(jp, "Dalian Optics", rel_to=["USA"])
    jp.node.create(objects.new_screening_note(
        creator=jp.node.identity_id, party_=Party("Dalian Optics", country="CN"),
        hits=[{"list": "us-entity-list", "entry_id": "EL-2", "name": "Dalian Optics", "score": 1.0}],
        finding="Listed", markings=jp.node.markings("amber", ["USA"])), "test")
    jp.node.create(objects.new_investor_note(
        creator=jp.node.identity_id, investor=Party("Wise Road Capital", country="CN"),
        chain=[{"name": "JAC Capital", "country": "CN", "share": "100%", "owns": "Wise Road Capital"}],
        concerns="state-backed fund", markings=jp.node.markings("amber+strict", ["USA"],
                                                                organizations=[us.node.identity_id])), "test")
    jp.node.create(objects.new_note(creator=jp.node.identity_id, about=[denial["id"]], content="Appeal reviewed.",
                                    markings=jp.node.markings("amber", ["USA"])), "test")
    pull(us, jp)
    app, _ = licensing.check_application(us.node, "test", None, ["3B001.f.1.b"],
                                         Party("Shenzhen Precision Optics Co., Ltd.", country="CN"),
                                         "research", "CN", today=date.today())
    pull(jp, us)
    consultation = app.consultations[0]
    licensing.answer_consultation(jp.node, consultation, "We object.", "objection", "test")
    jp.node.revise(denial["id"], {"status": "revoked", "revoked": True}, "test", "appeal granted")
    jp.node.revise(narrowed["id"], {"object_marking_refs": jp.node.markings("amber", ["KOR"])}, "test", "narrowed")
    pull(us, jp)
    pull(jp, us)  # the consultation, answered: a new version by the US
    emitted += list(extensions.bundle()["objects"])
    kinds = {o["type"] for o in emitted}
    assert {"identity", "x-kizuna-denial", "x-kizuna-consultation", "note", "x-kizuna-screening-note",
            "x-kizuna-investor-note", "marking-definition", taxii.WITHDRAWAL, "extension-definition"} <= kinds
    assert any(o.get("revoked") for o in emitted)
    assert any(o.get("x_kizuna_answer_to") == consultation for o in emitted)
    assert any(o["type"] == "x-kizuna-consultation" and o["status"] == "answered" for o in emitted)
    failures = {o["id"]: errors for o in emitted if (errors := _strict(o))}
    assert failures == {}
    # The check can fail: an undeclared custom type, a property its schema does not define, a UUIDv5 id.
    legacy = {k: v for k, v in denial.items() if k != "extensions"}
    assert any("extension" in e for e in _strict(legacy))
    assert any("bogus" in e for e in _strict({**denial, "bogus": 1}))
    assert any("UUIDv4" in e for e in _strict(_kizuna_definition("rel_to", ["USA"], legacy=True)))


def test_objects_stored_before_the_extensions_are_read_and_emitted_current(nodes: MakeNodes, offline: None) -> None:
    jp, us = nodes("JP", "US")
    node = jp.node
    # A denial as the previous release stored it: no extensions, a UUIDv5 REL TO id, signed as it was.
    old_rel_to = _kizuna_definition("rel_to", ["JPN", "KOR", "USA"], legacy=True)
    node.save_definitions([old_rel_to])
    fresh = objects.new_denial(creator=node.identity_id, codes=["3B001.f.1.b"], item="scanner",
                               end_user=Party("Old Record Ltd.", country="CN"), denial_date="2026-05-01",
                               markings=[node.markings("amber", None)[0], old_rel_to["id"]])
    old = {k: v for k, v in fresh.items() if k != "extensions"}
    stored = node.create(old, "test")
    assert "extensions" not in node.get(stored["id"]) and verify_object(node.get(stored["id"]), public_key(
        node.card()["public_key"]))
    # It is read as before: a Korean national sees it, a Taiwanese national does not.
    from kizuna.exchange.policy import Recipient
    kr_user = Recipient("user", "kim", "KOR", node.identity_id, "UNCLASSIFIED", "amber+strict")
    peer_tw = Recipient("peer", "TW", "TWN", "identity--00000000-0000-4000-8000-000000000000", "UNCLASSIFIED",
                        "amber+strict")
    assert node.visible(stored, kr_user)[0] is not None
    assert node.visible(stored, peer_tw)[0] is None
    # It is emitted in the current form: extensions declared, the marking under its current id, re-signed.
    page = taxii.view(node, node.peer(us.node.identity_id))
    sent = next(o for o in page.objects if o["id"] == stored["id"])
    current_id = rel_to_definition(["JPN", "KOR", "USA"])["id"]
    assert extensions.object_extension(objects.DENIAL) in sent["extensions"]
    assert current_id in sent["object_marking_refs"] and old_rel_to["id"] not in sent["object_marking_refs"]
    assert any(o["id"] == current_id for o in page.objects)
    assert all(_strict(o) == [] for o in page.objects)
    report = SyncReport("JP")
    receive_page(us.node, us.node.peer(node.identity_id), page.objects, page.last_added, report)
    assert report.received == 1 and report.rejected == 0
    # A node made before the extensions publishes its identity with them declared, signed by its own key.
    node.identity = {k: v for k, v in node.identity.items() if k not in ("extensions", SIGNATURE_PROPERTY)}
    card = node.card()
    assert _strict(card["identity"]) == [] and verify_object(card["identity"], public_key(card["public_key"]))
    # A peer still sending the legacy form is read too.
    legacy_page = [old_rel_to, sign_object(dict(old, id=old["id"].replace(old["id"][-4:], "beef")), node.key)]
    report = SyncReport("JP")
    receive_page(us.node, us.node.peer(node.identity_id), legacy_page, page.last_added, report)
    assert report.received == 1 and report.rejected == 0


def test_authorization_header_schemes() -> None:
    assert credentials.token_from_header("Bearer abc") == "abc"
    assert credentials.token_from_header("Token abc") == "abc"  # taxii2-client's TokenAuth
    assert credentials.token_from_header("Basic abc") is None
    assert credentials.token_from_header("Bearer ") is None and credentials.token_from_header(None) is None


def test_published_extension_bundle_is_complete(offline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = extensions.bundle()
    defined = {o["id"] for o in bundle["objects"] if o["type"] == "extension-definition"}
    declared = {extensions.object_extension(t) for t in (objects.DENIAL, objects.CONSULTATION,
                                                          objects.SCREENING_NOTE, objects.INVESTOR_NOTE,
                                                          taxii.WITHDRAWAL)}
    assert declared | {extensions.properties_extension()} <= defined
    for definition in bundle["objects"]:
        if definition["type"] == "extension-definition":
            assert json.loads(definition["schema"])["$id"] == f"{definition['id']}.json"
    assert _strict(bundle) == []
    # As docs/exchange.md runs it: `stix2_validator --strict --schemas data/exchange/extensions` (a relative path).
    monkeypatch.chdir(extensions.schema_dir().parents[1])
    options = ValidationOptions(version="2.1", strict=True, schema_dir="exchange/extensions")
    denial = {**extensions.publisher(), "type": "x-kizuna-denial", "id": "x-kizuna-denial--" + str(uuid.uuid4()),
              "extensions": {extensions.object_extension(objects.DENIAL): {"extension_type": "new-sdo"}}}
    errors = [str(e) for e in validate_instance(denial, options).errors]
    assert errors and all("Unresolvable" not in e for e in errors) and any("control_entries" in e for e in errors)


# -- property: the TAXII reader shows exactly what the rules allow, as the console does ---------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=marking_specs, viewers=st.lists(user_specs, min_size=1, max_size=3))
def test_a_users_taxii_view_follows_the_rules(agencies: dict[str, AgencyNode], spec: dict[str, Any],  # noqa: F811
                                              viewers: list[dict[str, str]]) -> None:
    jp = agencies["JP"]
    address = f"{uuid.uuid4().hex} Road"
    obj = _publish(agencies, spec, address, None)
    for code in RECEIVERS:
        sync_in_process(agencies[code], jp)
    for code in ("JP", *RECEIVERS):
        node = agencies[code].node
        held = node.get(obj["id"])
        for viewer in viewers:
            user = users.User("u", viewer["role"], viewer["clearance"], viewer["nationality"])
            result = reader.page(node, user, query=reader.TaxiiFilter(ids=[obj["id"]]))
            got = [e.obj for e in result.entries]
            console = node.visible(held, user.recipient(node))[0] if held else None
            sees, sees_address = user_sees(spec, viewer, insider=code == "JP", org=code)
            assert bool(got) == (console is not None) == (held is not None and sees), (code, viewer, spec)
            if got:
                assert held is not None and console is not None
                assert ("address" in got[0]["end_user"]) == ("address" in held["end_user"] and sees_address)
                assert {k: v for k, v in got[0].items() if k != SIGNATURE_PROPERTY} == {
                    k: v for k, v in console.items() if k != SIGNATURE_PROPERTY}
            assert (address in json.dumps(result.envelope())) == bool(got and "address" in got[0]["end_user"])
