"""Property: over random markings, peers, versions and users, no object or field is ever stored at, or shown to,
a node or user not entitled to it — judged by an oracle written from the rules, not by Kizuna's own policy code."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kizuna.core.party import Party
from kizuna.exchange import objects
from kizuna.exchange.markings import rel_to_definition, tlp_id
from kizuna.exchange.users import User
from tests.exchange.conftest import ROOT_DATA, AgencyNode, make_node, sync_in_process

TLPS = ["clear", "green", "amber", "amber+strict", "red"]
LEVELS = ["UNCLASSIFIED", "CONTROLLED", "CONFIDENTIAL"]
# Receivers and the highest classification JP releases to each (and each accepts).
RECEIVERS = {"US": "CONTROLLED", "KR": "UNCLASSIFIED", "TW": "CONTROLLED", "DE": "UNCLASSIFIED"}
CODES = ["USA", "KOR", "TWN", "DEU", "GBR", "CHIP4", "FVEY", "EU"]
ROLE_TLP = {"analyst": "amber+strict", "licensing-officer": "amber+strict", "supervisor": "red", "admin": "green"}
GROUPS = {code: set(spec["members"]) for code, spec in
          yaml.safe_load((ROOT_DATA / "exchange" / "releasability_groups.yaml").read_text())["groups"].items()}


def countries(codes: set[str]) -> set[str]:
    out: set[str] = set()
    for code in codes:
        out |= GROUPS.get(code, {code})
    return out


# -- the oracle: the rules, written out plainly ---------------------------------------------

def peer_gets(spec: dict[str, Any], country: str, org: str, level: str) -> tuple[bool, bool]:
    """(object, address) a peer node may hold."""
    tlp = spec["tlp"]
    ok = (tlp != "red" and spec["rel_to"] is not None and country in countries(spec["rel_to"] | {"JPN"})
          and LEVELS.index(spec["classification"] or "UNCLASSIFIED") <= LEVELS.index(level))
    if tlp == "amber+strict" or spec["orgs"] is not None:
        ok = ok and org in (spec["orgs"] or set())
    return ok, ok and _address_ok(spec, country, red_allowed=False)


def user_sees(spec: dict[str, Any], user: dict[str, str], insider: bool, org: str) -> tuple[bool, bool]:
    """(object, address) a user of a node holding the object may see."""
    tlp = spec["tlp"]
    ok = TLPS.index(tlp) <= TLPS.index(ROLE_TLP[user["role"]])
    if spec["rel_to"] is not None:
        ok = ok and user["nationality"] in countries(spec["rel_to"] | {"JPN"})
    ok = ok and LEVELS.index(spec["classification"] or "UNCLASSIFIED") <= LEVELS.index(user["clearance"])
    if not insider and (tlp == "amber+strict" or spec["orgs"] is not None):
        ok = ok and org in (spec["orgs"] or set())
    return ok, ok and _address_ok(spec, user["nationality"], red_allowed=ROLE_TLP[user["role"]] == "red")


def _address_ok(spec: dict[str, Any], country: str, red_allowed: bool) -> bool:
    return _field_ok(spec["address_rel_to"], spec["address_red"], country, red_allowed)


def _field_ok(rel_to: set[str] | None, red: bool, country: str, red_allowed: bool) -> bool:
    """A field under its own REL TO (None: none) and, if ``red``, TLP:RED."""
    if rel_to is not None and country not in countries(rel_to | {"JPN"}):
        return False
    return not (red and not red_allowed)


def user_sees_derived(denial: dict[str, Any], user: dict[str, str], at: str) -> bool:
    """A consultation about a JP denial, or JP's answer to it, shown to a user at ``at`` (JP or US): the user must
    be entitled to the denial it quotes and to its own markings (TLP:AMBER+STRICT, REL TO JPN and USA, ORG both)."""
    sees_denial, _ = user_sees(denial, user, insider=at == "JP", org=at)
    own = (TLPS.index(ROLE_TLP[user["role"]]) >= TLPS.index("amber+strict")
           and user["nationality"] in {"JPN", "USA"})
    return sees_denial and own


# -- strategies ---------------------------------------------------------------------------------

code_sets = st.sets(st.sampled_from(CODES), min_size=1, max_size=3)
marking_specs = st.fixed_dictionaries({
    "tlp": st.sampled_from(TLPS),
    "rel_to": st.none() | code_sets,
    "classification": st.none() | st.sampled_from(LEVELS),
    "orgs": st.none() | st.sets(st.sampled_from(list(RECEIVERS)), max_size=3),
    "address_rel_to": st.none() | code_sets,
    "address_red": st.booleans(),
})
# Markings that release the object to the US node, so that what derives from it there gets tested too.
released_to_us = st.fixed_dictionaries({
    "tlp": st.sampled_from(TLPS[:4]),
    "rel_to": code_sets.map(lambda codes: codes | {"USA"}),
    "classification": st.none() | st.sampled_from(LEVELS[:2]),
    "orgs": st.none() | st.sets(st.sampled_from(list(RECEIVERS)), max_size=3).map(lambda orgs: orgs | {"US"}),
    "address_rel_to": st.none() | code_sets,
    "address_red": st.booleans(),
}).filter(lambda spec: spec["tlp"] != "amber+strict" or spec["orgs"] is not None)
user_specs = st.fixed_dictionaries({
    "role": st.sampled_from(list(ROLE_TLP)),
    "clearance": st.sampled_from(LEVELS),
    "nationality": st.sampled_from(["USA", "KOR", "TWN", "DEU", "JPN", "GBR"]),
})


@pytest.fixture(scope="module")
def agencies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, AgencyNode]]:
    base = tmp_path_factory.mktemp("property")
    jp = make_node(base, "JP", accreditation="CONFIDENTIAL")
    out = {"JP": jp}
    for code, level in RECEIVERS.items():
        receiver = make_node(base, code, accreditation=level)
        jp.node.add_peer(receiver.node.card(), level)
        receiver.node.add_peer(jp.node.card(), level)
        out[code] = receiver
    yield out
    for agency in out.values():
        agency.node.close()


def _refs(agencies: dict[str, AgencyNode], spec: dict[str, Any]) -> list[str]:
    """JP's object-level markings for ``spec``."""
    node = agencies["JP"].node
    orgs = (None if spec["orgs"] is None
            else [agencies[c].node.identity_id for c in spec["orgs"]] + [node.identity_id])
    refs = node.markings(spec["tlp"], sorted(spec["rel_to"]) if spec["rel_to"] is not None else None,
                         spec["classification"], orgs)
    if spec["tlp"] == "amber+strict" and spec["orgs"] is None:
        spec["orgs"] = set()  # the node names only itself
    return refs


def _field_marking(node: Any, rel_to: set[str] | None, red: bool, selector: str) -> list[dict[str, Any]]:
    granular = []
    if rel_to is not None:
        definition = rel_to_definition(sorted(rel_to | {"JPN"}))
        node.save_definitions([definition])
        granular.append({"marking_ref": definition["id"], "selectors": [selector]})
    if red:
        granular.append({"marking_ref": tlp_id("red"), "selectors": [selector]})
    return granular


def _publish(agencies: dict[str, AgencyNode], spec: dict[str, Any], address: str,
             current: dict[str, Any] | None, name: str | None = None) -> dict[str, Any]:
    node = agencies["JP"].node
    refs = _refs(agencies, spec)
    granular = _field_marking(node, spec["address_rel_to"], spec["address_red"], "end_user.address")
    end_user = Party(name or f"Property End User {uuid.uuid4().hex[:8]}", country="CN", addresses=[address])
    if current is None:
        obj = objects.new_denial(creator=node.identity_id, codes=["3B001.f"], item="scanner", end_user=end_user,
                                 denial_date="2026-05-01", markings=refs, granular=granular or None)
        return node.create(obj, "property")
    changes: dict[str, Any] = {"object_marking_refs": refs, "end_user": {**current["end_user"], "address": address}}
    changes["granular_markings"] = granular or None
    return node.revise(current["id"], changes, "property", "re-marked")


def _held(agency: AgencyNode, object_id: str) -> dict[str, Any] | None:
    body = agency.node.db.scalar("SELECT body FROM objects WHERE id = ?", (object_id,))
    return json.loads(body) if body else None


def _anywhere(agency: AgencyNode, text: str) -> bool:
    rows = agency.node.db.all("SELECT body FROM objects UNION ALL SELECT body FROM versions")
    return any(text in row[0] for row in rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=marking_specs, second=st.none() | marking_specs, viewers=st.lists(user_specs, min_size=1, max_size=4))
def test_nothing_reaches_a_node_or_user_not_entitled(agencies: dict[str, AgencyNode], first: dict[str, Any],
                                                     second: dict[str, Any] | None,
                                                     viewers: list[dict[str, str]]) -> None:
    jp = agencies["JP"]
    first_address = f"{uuid.uuid4().hex} Road"
    obj = _publish(agencies, first, first_address, None)
    for code in RECEIVERS:
        sync_in_process(agencies[code], jp)
    spec, address = first, first_address
    if second is not None:
        address = f"{uuid.uuid4().hex} Avenue"
        obj = _publish(agencies, second, address, obj)
        spec = second
        for code in RECEIVERS:
            sync_in_process(agencies[code], jp)
    for code, level in RECEIVERS.items():
        agency = agencies[code]
        org = code
        may_have, may_have_address = peer_gets(spec, agency.node.country, org, level)
        held = _held(agency, obj["id"])
        assert (held is not None) == may_have, (code, spec)
        if held is not None:
            assert held["modified"] == obj["modified"]
            assert ("address" in held["end_user"]) == may_have_address, (code, spec)
        # Neither the current address (unless entitled) nor a superseded one is stored anywhere.
        assert _anywhere(agency, address) == (held is not None and may_have_address), (code, spec)
        if address != first_address:
            assert not _anywhere(agency, first_address), (code, "kept an old version's field")
        for viewer in viewers:
            user = User("u", viewer["role"], viewer["clearance"], viewer["nationality"])
            shown, _ = agency.node.visible(held, user.recipient(agency.node)) if held else (None, [])
            sees, sees_address = user_sees(spec, viewer, insider=False, org=org)
            assert (shown is not None) == (held is not None and sees), (code, viewer, spec)
            if shown is not None:
                assert held is not None
                assert ("address" in shown["end_user"]) == ("address" in held["end_user"] and sees_address)
    for viewer in viewers:
        user = User("u", viewer["role"], viewer["clearance"], viewer["nationality"])
        shown, _ = jp.node.visible(obj, user.recipient(jp.node))
        sees, sees_address = user_sees(spec, viewer, insider=True, org="JP")
        assert (shown is not None) == sees, (viewer, spec)
        if shown is not None:
            assert ("address" in shown["end_user"]) == sees_address, (viewer, spec)


def test_oracle_is_not_vacuous() -> None:
    """The oracle says yes and no: both outcomes occur for peers and for fields."""
    spec = {"tlp": "amber", "rel_to": {"USA"}, "classification": None, "orgs": None, "address_rel_to": {"DEU"},
            "address_red": False}
    assert peer_gets(spec, "USA", "US", "UNCLASSIFIED") == (True, False)
    assert peer_gets(spec, "KOR", "KR", "UNCLASSIFIED") == (False, False)
    assert peer_gets({**spec, "address_rel_to": None}, "USA", "US", "UNCLASSIFIED") == (True, True)



link_specs = st.lists(st.fixed_dictionaries({"rel_to": st.none() | code_sets, "red": st.booleans()}),
                      min_size=1, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=released_to_us | marking_specs, links=link_specs, viewers=st.lists(user_specs, min_size=1, max_size=4))
def test_list_items_reach_only_who_their_own_markings_allow(agencies: dict[str, AgencyNode], spec: dict[str, Any],
                                                            links: list[dict[str, Any]],
                                                            viewers: list[dict[str, str]]) -> None:
    """Each ownership-chain link under its own markings: removing some for a peer never unmarks the others."""
    jp = agencies["JP"]
    node, tag = jp.node, uuid.uuid4().hex[:8]
    names = [f"Link {n} {tag}" for n in range(len(links))]
    granular = [g for n, link in enumerate(links)
                for g in _field_marking(node, link["rel_to"], link["red"], f"ownership_chain.[{n}]")]
    note = node.create(objects.new_investor_note(
        creator=node.identity_id, investor=Party(f"Investor {tag}"), concerns="property",
        chain=[{"name": name, "owns": "target"} for name in names], markings=_refs(agencies, spec),
        granular=granular or None), "property")
    for code, level in RECEIVERS.items():
        agency = agencies[code]
        sync_in_process(agency, jp)
        country = agency.node.country
        may_have, _ = peer_gets({**spec, "address_rel_to": None, "address_red": False}, country, code, level)
        held = _held(agency, note["id"])
        assert (held is not None) == may_have, (code, spec)
        if held is None:
            continue
        expected = {name for name, link in zip(names, links, strict=True)
                    if _field_ok(link["rel_to"], link["red"], country, red_allowed=False)}
        event(f"{len(links) - len(expected)} of {len(links)} links withheld from a peer")
        assert {link["name"] for link in held.get("ownership_chain", [])} == expected, (code, spec, links)
        for viewer in viewers:
            user = User("u", viewer["role"], viewer["clearance"], viewer["nationality"])
            shown, _ = agency.node.visible(held, user.recipient(agency.node))
            sees, _ = user_sees({**spec, "address_rel_to": None, "address_red": False}, viewer, False, code)
            assert (shown is not None) == sees, (code, viewer, spec)
            if shown is not None:
                red_allowed = ROLE_TLP[viewer["role"]] == "red"
                wanted = {name for name, link in zip(names, links, strict=True) if name in expected
                          and _field_ok(link["rel_to"], link["red"], viewer["nationality"], red_allowed)}
                assert {link["name"] for link in shown.get("ownership_chain", [])} == wanted, (code, viewer, links)


def _word(hex_text: str) -> str:
    """A made-up word no other end user shares, so screening matches only the denial it was made for."""
    return "".join(chr(ord("a") + int(c, 16)) for c in hex_text).capitalize()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=released_to_us | marking_specs, viewers=st.lists(user_specs, min_size=1, max_size=4))
def test_consultations_and_answers_reach_only_who_may_see_the_denial_they_quote(
        agencies: dict[str, AgencyNode], spec: dict[str, Any], viewers: list[dict[str, str]]) -> None:
    from kizuna.exchange import licensing

    jp, us = agencies["JP"], agencies["US"]
    name = f"{_word(uuid.uuid4().hex[:10])} {_word(uuid.uuid4().hex[:8])}"
    denial = _publish(agencies, spec, f"{uuid.uuid4().hex} Road", None, name=name)
    sync_in_process(us, jp)
    held = _held(us, denial["id"]) is not None
    event("the denial reached the US" if held else "the denial was not released to the US")
    assert held == peer_gets(spec, "USA", "US", RECEIVERS["US"])[0]
    app, _ = licensing.check_application(us.node, "property", None, ["3B001.f"], Party(name, country="CN"),
                                         "", "CN")
    consultations = [c for c in app.consultations if us.node.get(c)["denial_ref"] == denial["id"]]
    assert len(consultations) == int(held)
    if not held:
        return
    consultation = consultations[0]
    sync_in_process(jp, us)
    assert _held(jp, consultation) is not None
    answer = licensing.answer_consultation(jp.node, consultation, "No objection.", "no-objection", "property")
    sync_in_process(us, jp)
    assert us.node.get(consultation)["status"] == "answered"
    for viewer in viewers:
        user = User("u", viewer["role"], viewer["clearance"], viewer["nationality"])
        for at, agency in (("JP", jp), ("US", us)):
            expected = user_sees_derived(spec, viewer, at)
            for object_id in (consultation, answer["id"]):
                obj = _held(agency, object_id)
                assert obj is not None, (at, object_id)
                shown, _ = agency.node.visible(obj, user.recipient(agency.node))
                assert (shown is not None) == expected, (at, object_id, viewer, spec)
