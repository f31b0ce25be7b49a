"""The rules, case by case: markings and who they allow, granular withholding, signatures, the audit chain
(control-entry numbering: tests/controls)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kizuna.core.errors import InputError
from kizuna.exchange.markings import (
    MarkingResolver,
    check_definition,
    classification_definition,
    organizations_definition,
    rel_to_definition,
    tlp_definitions,
    tlp_id,
)
from kizuna.exchange.objects import review_date
from kizuna.exchange.policy import Recipient, decide, redact
from kizuna.exchange.signing import SignedRequest, sign_object, sign_request, verify_object

JP_ORG = "identity--00000000-0000-4000-8000-00000000000a"
US_ORG = "identity--00000000-0000-4000-8000-00000000000b"
KR_ORG = "identity--00000000-0000-4000-8000-00000000000c"
TW_ORG = "identity--00000000-0000-4000-8000-00000000000d"

US = Recipient("peer", "US", "USA", US_ORG, "UNCLASSIFIED", "amber+strict")
KR = Recipient("peer", "KR", "KOR", KR_ORG, "UNCLASSIFIED", "amber+strict")
TW = Recipient("peer", "TW", "TWN", TW_ORG, "CONTROLLED", "amber+strict")


def _resolver(*definitions: dict) -> MarkingResolver:
    resolver = MarkingResolver()
    for d in definitions:
        resolver.add(d)
    return resolver


def _denial(refs: list[str], granular: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"type": "x-kizuna-denial", "id": "x-kizuna-denial--1", "created_by_ref": JP_ORG,
           "object_marking_refs": refs, "end_user": {"name": "X", "country": "CN", "address": "1 Road"}}
    if granular:
        obj["granular_markings"] = granular
    return obj


def test_rel_to_names_the_peer_or_nothing_leaves() -> None:
    rel = rel_to_definition(["JPN", "KOR", "USA"])
    resolver = _resolver(rel)
    obj = _denial([tlp_id("amber"), rel["id"]])
    assert decide(obj, resolver, US).allowed
    assert decide(obj, resolver, KR).allowed
    refused = decide(obj, resolver, TW)
    assert not refused.allowed and "does not include TWN" in refused.reason
    # No REL TO at all: default deny for every peer.
    assert "default deny" in decide(_denial([tlp_id("green")]), resolver, US).reason
    # No TLP: default deny too.
    assert "no TLP" in decide(_denial([rel["id"]]), resolver, US).reason


def test_groups_expand_and_taiwan_is_not_wassenaar() -> None:
    wa = rel_to_definition(["WA"])
    resolver = _resolver(wa)
    obj = _denial([tlp_id("green"), wa["id"]])
    assert decide(obj, resolver, US).allowed and decide(obj, resolver, KR).allowed
    assert not decide(obj, resolver, TW).allowed


def test_tlp_red_never_leaves_and_amber_strict_needs_the_named_organisation() -> None:
    rel = rel_to_definition(["KOR", "USA"])
    orgs = organizations_definition([JP_ORG, US_ORG])
    resolver = _resolver(rel, orgs)
    assert "never leaves" in decide(_denial([tlp_id("red"), rel["id"]]), resolver, US).reason
    strict = _denial([tlp_id("amber+strict"), rel["id"], orgs["id"]])
    assert decide(strict, resolver, US).allowed
    assert "not named" in decide(strict, resolver, KR).reason
    assert not decide(_denial([tlp_id("amber+strict"), rel["id"]]), resolver, US).allowed


def test_classification_above_the_peer_is_refused() -> None:
    rel = rel_to_definition(["TWN", "USA"])
    controlled = classification_definition("CONTROLLED")
    resolver = _resolver(rel, controlled)
    obj = _denial([tlp_id("amber"), rel["id"], controlled["id"]])
    assert "clearance" in decide(obj, resolver, US).reason  # US peer configured UNCLASSIFIED here
    assert decide(obj, resolver, TW).allowed


def test_granular_marking_withholds_a_field_and_only_tightens() -> None:
    rel = rel_to_definition(["JPN", "KOR", "USA"])
    address_us = rel_to_definition(["JPN", "USA"])
    wider = rel_to_definition(["JPN", "KOR", "TWN", "USA"])
    resolver = _resolver(rel, address_us, wider)
    obj = _denial([tlp_id("amber"), rel["id"]],
                  [{"marking_ref": address_us["id"], "selectors": ["end_user.address"]}])
    assert decide(obj, resolver, US).withheld == []
    kr = decide(obj, resolver, KR)
    assert kr.allowed and kr.withheld == ["end_user.address"]
    shown = redact(obj, kr.withheld)
    assert "address" not in shown["end_user"] and "granular_markings" not in shown
    assert obj["end_user"]["address"] == "1 Road"  # the original is untouched
    # A granular marking wider than the object cannot widen it: TW still gets nothing.
    loose = _denial([tlp_id("amber"), rel["id"]], [{"marking_ref": wider["id"], "selectors": ["end_user.address"]}])
    assert not decide(loose, resolver, TW).allowed
    # A granular TLP:RED field never leaves, whoever the peer.
    red = _denial([tlp_id("amber"), rel["id"]], [{"marking_ref": tlp_id("red"), "selectors": ["end_user.address"]}])
    assert decide(red, resolver, US).withheld == ["end_user.address"]


def test_users_need_nationality_clearance_and_role() -> None:
    rel = rel_to_definition(["JPN", "USA"])
    resolver = _resolver(rel)
    obj = _denial([tlp_id("amber+strict"), rel["id"]])
    jp_analyst = Recipient("user", "a", "JPN", JP_ORG, "UNCLASSIFIED", "amber+strict")
    kr_liaison = Recipient("user", "b", "KOR", JP_ORG, "SECRET", "amber+strict")
    jp_admin = Recipient("user", "c", "JPN", JP_ORG, "SECRET", "green")
    assert decide(obj, resolver, jp_analyst).allowed  # originator's own staff, AMBER+STRICT
    assert "KOR" in decide(obj, resolver, kr_liaison).reason
    assert "above what" in decide(obj, resolver, jp_admin).reason


def test_unknown_or_forged_marking_definitions_are_refused() -> None:
    resolver = MarkingResolver()
    assert "unknown marking" in decide(_denial([tlp_id("green"), "marking-definition--x"]), resolver, US).reason
    forged = rel_to_definition(["USA"])
    forged["extensions"][next(iter(forged["extensions"]))]["rel_to"] = ["TWN", "USA"]
    with pytest.raises(InputError, match="does not match"):
        check_definition(forged)
    official = dict(next(iter(tlp_definitions().values())))
    official["name"] = "TLP:ANYTHING"
    with pytest.raises(InputError, match="official"):
        check_definition(official)


def test_review_date_is_three_years_on() -> None:
    from datetime import date

    assert review_date(date(2026, 10, 1)) == date(2029, 10, 1)
    assert review_date(date(2028, 2, 29)) == date(2031, 2, 28)


def test_signatures_detect_any_change() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    obj = sign_object({"type": "note", "id": "note--1", "content": "北京航空航天大学"}, key)
    assert verify_object(obj, key.public_key())
    assert not verify_object({**obj, "content": "Beihang"}, key.public_key())
    assert not verify_object(obj, other.public_key())
    headers = sign_request(key, "identity--a", "identity--b", "GET", "/taxii2/api/?limit=5")
    signed = SignedRequest.from_headers(headers)
    assert signed is not None
    assert signed.verify(key.public_key(), "GET", "/taxii2/api/?limit=5", b"")
    assert not signed.verify(key.public_key(), "GET", "/taxii2/api/?limit=500", b"")
    assert not signed.verify(key.public_key(), "POST", "/taxii2/api/?limit=5", b"")


def test_audit_chain_detects_an_edited_record(tmp_path: Path) -> None:
    from kizuna.exchange import audit
    from kizuna.exchange.db import Database

    db = Database(f"sqlite:///{tmp_path / 'a.db'}")
    db.create_schema()
    with db.transaction():
        db.execute("INSERT INTO counters (name, value, stamp) VALUES ('audit', 0, '')")
    for n in range(5):
        with db.transaction():
            audit.append(db, audit.Event("viewed", f"user:{n}", f"note--{n}"))
    assert audit.verify(db).ok and audit.verify(db).records == 5
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), db.transaction():
        db.execute("UPDATE audit SET actor = 'user:mallory' WHERE seq = 3")
    # Someone with the database file can drop the guard; the chain still tells.
    raw = sqlite3.connect(tmp_path / "a.db")
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET actor = 'user:mallory' WHERE seq = 3")
    raw.commit()
    raw.close()
    result = audit.verify(db)
    assert not result.ok and result.seq == 3 and "altered" in result.problem


def _note_with_chain(granular: list[dict]) -> dict:
    chain = [{"name": "Japan-only Holdings", "owns": "B"}, {"name": "US-only Trust", "owns": "C"},
             {"name": "Open Fund", "owns": "D"}]
    return {"type": "x-kizuna-investor-note", "id": "x-kizuna-investor-note--1", "created_by_ref": JP_ORG,
            "object_marking_refs": [], "ownership_chain": chain, "granular_markings": granular}


def test_removing_a_list_item_re_indexes_the_markings_of_the_items_after_it() -> None:
    """Issue 11 item 1: after [0] is withheld, the marking of [1] must follow its item to [0]."""
    japan, usa = rel_to_definition(["JPN"]), rel_to_definition(["JPN", "USA"])
    obj = _note_with_chain([{"marking_ref": japan["id"], "selectors": ["ownership_chain.[0]"]},
                            {"marking_ref": usa["id"], "selectors": ["ownership_chain.[1]"]}])
    shown = redact(obj, ["ownership_chain.[0]"])
    assert [link["name"] for link in shown["ownership_chain"]] == ["US-only Trust", "Open Fund"]
    assert shown["granular_markings"] == [{"marking_ref": usa["id"], "selectors": ["ownership_chain.[0]"]}]
    # Nested lists and several removals: each selector is moved by the items removed before it.
    nested = {"hits": [{"names": ["a", "b", "c", "d"]}, {"names": ["e"]}],
              "granular_markings": [{"marking_ref": usa["id"], "selectors": ["hits.[0].names.[3]", "hits.[1]",
                                                                           "hits.[1].names.[0]"]}]}
    out = redact(nested, ["hits.[0].names.[0]", "hits.[0].names.[2]"])
    assert out["hits"][0]["names"] == ["b", "d"]
    assert out["granular_markings"][0]["selectors"] == ["hits.[0].names.[1]", "hits.[1]", "hits.[1].names.[0]"]
    out = redact(nested, ["hits.[0]"])
    assert out["granular_markings"][0]["selectors"] == ["hits.[0]", "hits.[0].names.[0]"]


def test_a_group_with_a_country_of_concern_is_no_releasability_group() -> None:
    """Issue 11 item 9: REL TO WA would include Russia; such markings are refused, and never admit Russia."""
    from kizuna.exchange.config import check_rel_to, countries_of_concern, groups

    with pytest.raises(InputError, match="WA includes RUS"):
        check_rel_to(["USA", "WA"])
    with pytest.raises(InputError, match="RUS is a country of concern"):
        check_rel_to(["RUS"])
    assert check_rel_to(["chip4", "FVEY", "DEU"]) == ["CHIP4", "DEU", "FVEY"]
    assert {"RUS", "CHN", "PRK", "IRN"} <= countries_of_concern()
    assert [code for code, members in groups().items() if members & countries_of_concern()] == ["WA"]
    # A REL TO WA marking made before the check still reaches the allies in it, but never a country of concern.
    wa = rel_to_definition(["WA"])
    russia = Recipient("peer", "RU", "RUS", "identity--00000000-0000-4000-8000-00000000000e", "UNCLASSIFIED",
                       "amber+strict")
    obj = _denial([tlp_id("green"), wa["id"]])
    assert decide(obj, _resolver(wa), US).allowed
    assert "does not include RUS" in decide(obj, _resolver(wa), russia).reason
