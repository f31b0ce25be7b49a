"""A node's store, sync checks and the no-undercut workflow, in-process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from kizuna.core.errors import KizunaError
from kizuna.core.party import Party
from kizuna.exchange import audit, licensing, objects, taxii, users
from kizuna.exchange.markings import marking_refs
from kizuna.exchange.signing import sign_object
from kizuna.exchange.sync import SyncReport, receive_page
from tests.exchange.conftest import MakeNodes, add_denial, sync_in_process


def test_denial_reaches_entitled_peers_with_fields_filtered(nodes: MakeNodes) -> None:
    jp, us, kr, tw = nodes("JP", "US", "KR", "TW")
    denial = add_denial(jp, address_to=["USA"])
    for receiver in (us, kr, tw):
        sync_in_process(receiver, jp)
    assert us.node.get(denial["id"])["end_user"]["address"] == "9 Gaoxin Road, Shenzhen"
    at_kr = kr.node.get(denial["id"])
    assert at_kr is not None and "address" not in at_kr["end_user"]
    assert tw.node.get(denial["id"]) is None
    refused = audit.records(jp.node.db, object_id=denial["id"], event="refused")
    assert [r["peer"] for r in refused] == [tw.node.identity_id]
    assert "does not include TWN" in refused[0]["detail"]["reason"]
    # Syncing again transfers nothing and audits no second refusal.
    assert sync_in_process(us, jp).received == 0
    sync_in_process(tw, jp)
    assert len(audit.records(jp.node.db, object_id=denial["id"], event="refused")) == 1
    assert all(audit.verify(n.node.db).ok for n in (jp, us, kr, tw))


def test_receivers_never_forward_and_only_originators_version(nodes: MakeNodes) -> None:
    jp, us, kr = nodes("JP", "US", "KR")
    denial = add_denial(jp)
    sync_in_process(kr, jp)
    # KR's view for US holds none of JP's objects, even though JP's markings would allow US.
    page = taxii.view(kr.node, kr.node.peer(us.node.identity_id))
    assert [o for o in page.objects if o["type"] != "marking-definition"] == []
    # KR cannot make a new version of JP's denial …
    with pytest.raises(KizunaError, match="only its originator"):
        kr.node.revise(denial["id"], {"status": "revoked"}, "test", "try")
    # … and if KR sent JP's object on anyway (re-signed by KR), US rejects it and logs why.
    forwarded = sign_object(kr.node.get(denial["id"]), kr.node.key)
    report = SyncReport("KR")
    receive_page(us.node, us.node.peer(kr.node.identity_id), [forwarded], None, report)
    assert report.rejected == 1 and us.node.get(denial["id"]) is None
    rejected = audit.records(us.node.db, event="rejected")
    assert "not originated by" in rejected[0]["detail"]["reason"]


def test_tampered_object_and_unknown_signer_are_rejected(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    add_denial(jp)
    page = taxii.view(jp.node, jp.node.peer(us.node.identity_id))
    tampered = [dict(o) for o in page.objects]
    target = next(o for o in tampered if o["type"] == objects.DENIAL)
    target["end_user"] = {**target["end_user"], "name": "Somebody Else Ltd."}
    report = SyncReport("JP")
    receive_page(us.node, us.node.peer(jp.node.identity_id), tampered, page.last_added, report)
    assert report.rejected == 1 and us.node.count(objects.DENIAL) == 0
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    impostor = sign_object(next(o for o in page.objects if o["type"] == objects.DENIAL), Ed25519PrivateKey.generate())
    receive_page(us.node, us.node.peer(jp.node.identity_id), [impostor], page.last_added, report)
    assert report.rejected == 2 and us.node.count(objects.DENIAL) == 0
    reasons = [r["detail"]["reason"] for r in audit.records(us.node.db, event="rejected")]
    assert all("signature" in r for r in reasons) and len(reasons) == 2


def test_revocation_and_narrowing_propagate(nodes: MakeNodes) -> None:
    jp, us, kr = nodes("JP", "US", "KR")
    denial = add_denial(jp)
    other = add_denial(jp, end_user="Harbin Institute of Technology")
    for receiver in (us, kr):
        sync_in_process(receiver, jp)
    jp.node.revise(denial["id"], {"status": "revoked", "status_reason": "licence granted on appeal",
                                  "revoked": True}, "test", "revoked")
    # JP narrows the other denial to the US only: KR must drop what it holds.
    narrowed = jp.node.markings("amber", ["USA"])
    jp.node.revise(other["id"], {"object_marking_refs": narrowed}, "test", "narrowed")
    for receiver in (us, kr):
        sync_in_process(receiver, jp)
        assert objects.effective_status(receiver.node.get(denial["id"])) == "revoked"
        assert licensing.active_denials(receiver.node) == ([receiver.node.get(other["id"])] if receiver is us else [])
    assert kr.node.get(other["id"]) is None
    assert audit.records(kr.node.db, object_id=other["id"], event="withdrawn")
    # The review date passes: the denial stops counting on its own.
    assert objects.effective_status(us.node.get(other["id"]), date(2029, 10, 2)) == "expired"


def test_no_undercut_consultation_blocks_approval_until_answered(nodes: MakeNodes) -> None:
    jp, us, kr = nodes("JP", "US", "KR")
    denial = add_denial(jp, end_user="Beijing University of Aeronautics and Astronautics")
    add_denial(kr, end_user="Beijing University of Aeronautics and Astronautics", code="5A002")
    sync_in_process(us, jp)
    sync_in_process(us, kr)
    app, checked = licensing.check_application(
        us.node, "test", None, ["3.B.1.f"],
        Party("BEIJING UNIVERSITY OF AERONAUTICS & ASTRONAUTICS", country="CN"), "research", "CN")
    matches = checked.matches
    assert [m.denial.id for m in matches] == [denial["id"]]  # KR's denial is for another control entry
    assert app.status == "consulting" and len(app.consultations) == 1
    consultation = us.node.get(app.consultations[0])
    assert consultation["denial_ref"] == denial["id"] and consultation["status"] == "open"
    # Sent only to the denying ally.
    sync_in_process(jp, us)
    sync_in_process(kr, us)
    assert jp.node.get(consultation["id"]) is not None and kr.node.get(consultation["id"]) is None
    with pytest.raises(KizunaError, match="cannot be approved"):
        licensing.approve(us.node, app.id, "test")
    with pytest.raises(KizunaError, match="no consultation"):  # KR never received it
        licensing.answer_consultation(kr.node, consultation["id"], "no", "objection", "test")
    licensing.answer_consultation(jp.node, consultation["id"], "No objection: the lab has since closed.",
                                  "no-objection", "test")
    sync_in_process(us, jp)
    answered = us.node.get(consultation["id"])
    assert answered["status"] == "answered" and answered["position"] == "no-objection"
    assert licensing.approve(us.node, app.id, "test").status == "approved"
    # The answered version goes back to JP (US is the consultation's originator).
    sync_in_process(jp, us)
    assert jp.node.get(consultation["id"])["status"] == "answered"


def test_an_unanswered_consultation_stops_blocking_after_its_deadline(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    add_denial(jp)
    sync_in_process(us, jp)
    app, _ = licensing.check_application(us.node, "test", None, ["3B001.f.1.b"],
                                         Party("Shenzhen Precision Optics", country="CN"), "", "CN",
                                         deadline_days=10)
    with pytest.raises(KizunaError, match="deadline"):
        licensing.approve(us.node, app.id, "test", today=date.today() + timedelta(days=10))
    approved = licensing.approve(us.node, app.id, "test", today=date.today() + timedelta(days=11))
    assert approved.status == "approved" and "no answer by the deadline" in approved.note


def test_no_match_for_another_end_user_or_control(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    add_denial(jp)
    sync_in_process(us, jp)
    _, checked = licensing.check_application(us.node, "test", None, ["3B001.f.1.b"],
                                             Party("Toyota Motor Corporation", country="JP"), "", "JP")
    matches = checked.matches
    assert matches == []
    _, checked = licensing.check_application(us.node, "test", None, ["3B001.c"],
                                             Party("Shenzhen Precision Optics", country="CN"), "", "CN")
    matches = checked.matches
    assert matches == []


def test_users_see_only_what_every_marking_allows(nodes: MakeNodes) -> None:
    jp, _us = nodes("JP", "US")
    denial = add_denial(jp, address_to=["JPN"])
    secret = add_denial(jp, end_user="Secret End User", classification="CONTROLLED")
    analyst = users.add_user(jp.node, "aoki", "analyst", "UNCLASSIFIED", "JPN", "correct horse battery")
    liaison = users.add_user(jp.node, "kim", "analyst", "CONTROLLED", "KOR", "correct horse battery")
    admin = users.add_user(jp.node, "root-admin", "admin", "SECRET", "JPN", "correct horse battery")
    assert jp.node.visible(denial, analyst.recipient(jp.node))[0]["end_user"]["address"]
    shown, withheld = jp.node.visible(denial, liaison.recipient(jp.node))
    assert withheld == ["end_user.address"] and "address" not in shown["end_user"]
    assert jp.node.visible(secret, analyst.recipient(jp.node))[0] is None  # clearance
    assert jp.node.visible(denial, admin.recipient(jp.node))[0] is None  # admin reads up to TLP:GREEN
    # Passwords and tokens are stored hashed.
    token = users.issue_token(jp.node, "aoki", "api", "test")
    stored = json.dumps(jp.node.db.all("SELECT * FROM tokens") + jp.node.db.all("SELECT * FROM users"))
    assert token not in stored and "correct horse battery" not in stored
    assert users.user_for_token(jp.node, token) == analyst
    assert users.login(jp.node, "aoki", "wrong password!") is None
    assert [r["event"] for r in audit.records(jp.node.db, event="login-failed")] == ["login-failed"]


def test_audit_log_is_append_only_in_the_database(nodes: MakeNodes) -> None:
    (jp,) = nodes("JP")
    add_denial(jp)
    for statement in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"), jp.node.db.transaction():
            jp.node.db.execute(statement)
    assert audit.verify(jp.node.db).ok


def test_end_users_meet_across_scripts(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    add_denial(jp, end_user="北京航空航天大学")
    sync_in_process(us, jp)
    _, checked = licensing.check_application(us.node, "test", None, ["3B001.f.1.b"],
                                             Party("Beijing University of Aeronautics and Astronautics",
                                              country="CN"), "", "CN")
    matches = checked.matches
    assert [m.relation for m in matches] == ["same"]


def test_a_consultation_and_its_answer_carry_the_markings_of_the_denial_they_quote(nodes: MakeNodes) -> None:
    """Issue 11 item 3: a consultation about a CONTROLLED denial is CONTROLLED, on both nodes, and so is the answer."""
    jp, us = nodes("JP", "US", level="CONTROLLED")
    add_denial(jp, end_user="Xi'an Institute of Optics and Precision Mechanics", classification="CONTROLLED",
               rel_to=["USA"])
    sync_in_process(us, jp)
    password = "correct horse battery staple"
    officer = users.add_user(us.node, "officer", "licensing-officer", "CONTROLLED", "USA", password)
    clerk = users.add_user(us.node, "clerk", "licensing-officer", "UNCLASSIFIED", "USA", password)
    app, _ = licensing.check_application(us.node, officer.actor, officer.recipient(us.node), ["3B001.f"],
                                         Party("Xi'an Institute of Optics and Precision Mechanics",
                                          country="CN"), "", "CN")
    consultation = us.node.get(app.consultations[0])
    markings = us.node.resolver.resolve(consultation["object_marking_refs"])
    assert markings.classification == "CONTROLLED" and markings.tlp == "amber+strict"
    assert us.node.visible(consultation, clerk.recipient(us.node))[0] is None
    assert us.node.visible(consultation, officer.recipient(us.node))[0] is not None
    sync_in_process(jp, us)
    assert jp.node.get(consultation["id"]) is not None
    tanaka = users.add_user(jp.node, "tanaka", "licensing-officer", "CONTROLLED", "JPN", password)
    sato = users.add_user(jp.node, "sato", "licensing-officer", "UNCLASSIFIED", "JPN", password)
    assert jp.node.visible(jp.node.get(consultation["id"]), sato.recipient(jp.node))[0] is None
    with pytest.raises(KizunaError, match="no consultation"):
        licensing.answer_consultation(jp.node, consultation["id"], "no", "objection", sato.actor,
                                      sato.recipient(jp.node))
    note = licensing.answer_consultation(jp.node, consultation["id"], "We object.", "objection", tanaka.actor,
                                         tanaka.recipient(jp.node))
    assert jp.node.resolver.resolve(note["object_marking_refs"]).classification == "CONTROLLED"
    sync_in_process(us, jp)
    answered = us.node.get(consultation["id"])
    assert answered["status"] == "answered" and answered["answer"] == "We object."
    assert us.node.visible(answered, clerk.recipient(us.node))[0] is None
    assert us.node.visible(us.node.get(note["id"]), clerk.recipient(us.node))[0] is None


def test_a_licence_check_against_a_denial_the_officer_may_not_see_shows_only_the_block(nodes: MakeNodes) -> None:
    """Issue 11 item 2: an UNCLASSIFIED officer learns that a CONTROLLED denial blocks, and nothing of it."""
    jp, us = nodes("JP", "US", level="CONTROLLED")
    add_denial(jp, end_user="Changchun Institute of Optics, Fine Mechanics and Physics", classification="CONTROLLED",
               rel_to=["USA"], address_to=["USA"])
    sync_in_process(us, jp)
    clerk = users.add_user(us.node, "clerk", "licensing-officer", "UNCLASSIFIED", "USA", "correct horse battery")
    app, checked = licensing.check_application(us.node, clerk.actor, clerk.recipient(us.node), ["3B001.f"],
                                               Party("CHANGCHUN INSTITUTE OF OPTICS FINE MECHANICS AND PHYSICS",
                                                country="CN"), "", "CN")
    matches = checked.matches
    assert app.status == "consulting"  # the block holds whoever records the application
    assert [m.shown() for m in matches] == [{"visible": False, "relation": "same", "blocks": True}]
    # An officer cleared for it sees the whole match.
    officer = users.add_user(us.node, "officer", "licensing-officer", "CONTROLLED", "USA", "correct horse battery")
    _, checked = licensing.check_application(us.node, officer.actor, officer.recipient(us.node), ["3B001.f"],
                                             Party("Changchun Institute of Optics, Fine Mechanics and Physics",
                                              country="CN"), "", "CN")
    matches = checked.matches
    shown = matches[0].shown()
    assert shown["visible"] and "3B001.f.1.b" in shown["control"] and shown["consultation"]


def test_taxii_limit_counts_marking_definitions_and_still_pages_every_object(nodes: MakeNodes) -> None:
    """Issue 11: `limit` is honoured exactly; the definitions an object needs count and may come a page earlier."""
    jp, us = nodes("JP", "US")
    made = {add_denial(jp, end_user=f"Limit Test {n} Ltd.", address_to=["USA"] if n % 2 else None)["id"]
            for n in range(5)}
    peer = jp.node.peer(us.node.identity_id)
    for limit in (1, 2, 3, 7):
        seen: list[str] = []
        known: set[str] = set()
        after = None
        for _ in range(100):
            page = taxii.view(jp.node, peer, added_after=after, limit=limit, record=False)
            assert 0 < len(page.objects) <= limit, (limit, len(page.objects))
            known |= {o["id"] for o in page.objects if o["type"] == "marking-definition"}
            for obj in page.objects:
                if obj["type"] == objects.DENIAL:
                    seen.append(obj["id"])
                    # Every marking it uses reached the peer on this page or an earlier one.
                    assert set(marking_refs(obj)) <= known
            envelope = page.envelope()
            if not envelope["more"]:
                break
            after = envelope["next"]
        assert sorted(seen) == sorted(made), limit
    report = sync_in_process(us, jp, page_size=1)
    assert report.rejected == 0 and {d["id"] for d in us.node.objects(objects.DENIAL)} == made
