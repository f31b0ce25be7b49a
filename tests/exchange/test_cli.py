"""The exchange commands as a user runs them: set-up, bad input named by file/line/field, tamper detection."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kizuna.core.party import Party
from kizuna.exchange.markings import rel_to_definition
from tests.conftest import kizuna


def test_init_card_peer_add_and_bad_input(tmp_path: Path) -> None:
    jp, us = tmp_path / "jp", tmp_path / "us"
    out = kizuna("exchange", "init", "--name", "Ministry of Economy, Trade and Industry", "--country", "JPN",
                 "--url", "http://127.0.0.1:9101", home=jp).stdout
    assert "fingerprint" in out and "identity--" in out
    again = kizuna("exchange", "init", "--name", "X", "--country", "JPN", "--url", "http://x", home=jp, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = kizuna("exchange", "init", "--name", "X", "--country", "Japan", "--url", "http://x", home=us, check=False)
    assert bad.returncode == 2 and "--country" in bad.stderr and "alpha-3" in bad.stderr
    kizuna("exchange", "init", "--name", "Bureau of Industry and Security", "--country", "USA",
           "--url", "http://127.0.0.1:9102", home=us)
    card = tmp_path / "jp.json"
    card.write_text(kizuna("exchange", "card", home=jp).stdout, encoding="utf-8")
    assert "up to UNCLASSIFIED" in kizuna("exchange", "peer", "add", str(card), home=us).stdout
    forged = json.loads(card.read_text(encoding="utf-8"))
    forged["identity"]["x_kizuna_country"] = "TWN"
    card.write_text(json.dumps(forged), encoding="utf-8")
    refused = kizuna("exchange", "peer", "add", str(card), home=us, check=False)
    assert refused.returncode == 2 and "not signed by the card's key" in refused.stderr
    listed = json.loads(kizuna("exchange", "peer", "list", "--json", home=us).stdout)
    assert [p["country"] for p in listed] == ["JPN"]
    wrong = kizuna("denial", "add", "--control", "3Z999", "--item", "x", "--end-user", "Y", "--date", "2026-01-01",
                   home=jp, check=False)
    assert wrong.returncode == 2 and "--control" in wrong.stderr and "not a control entry" in wrong.stderr
    bad_date = kizuna("denial", "add", "--control", "3B001", "--item", "x", "--end-user", "Y", "--date", "01/02/2026",
                      home=jp, check=False)
    assert bad_date.returncode == 2 and "--date" in bad_date.stderr


def test_import_is_all_or_nothing_and_names_the_bad_line(tmp_path: Path) -> None:
    home = tmp_path / "jp"
    kizuna("exchange", "init", "--name", "METI", "--country", "JPN", "--url", "http://127.0.0.1:9103", home=home)
    sheet = tmp_path / "denials.csv"
    sheet.write_text("control,item,end_user,end_user_country,date\n"
                     "3B001.f.1.b,scanner,北京航空航天大学,CN,2026-03-01\n"
                     "7の項(1),etcher,Harbin Institute of Technology,CN,2026-13-01\n", encoding="utf-8")
    failed = kizuna("denial", "import", str(sheet), "--rel-to", "USA", home=home, check=False)
    assert failed.returncode == 2
    assert "denials.csv, line 3, field 'date'" in failed.stderr
    assert "0 denials (all)" in kizuna("denial", "list", "--status", "all", home=home).stdout
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("2026-13-01", "2026-02-01"), encoding="utf-8")
    assert "2 denials imported" in kizuna("denial", "import", str(sheet), "--rel-to", "USA", home=home).stdout
    listed = json.loads(kizuna("denial", "list", "--json", home=home).stdout)
    assert {d["end_user"]["name"] for d in listed} == {"北京航空航天大学", "Harbin Institute of Technology"}
    assert {d["review_date"] for d in listed} == {"2029-03-01", "2029-02-01"}


def test_audit_verify_reports_a_tampered_log(tmp_path: Path) -> None:
    home = tmp_path / "jp"
    kizuna("exchange", "init", "--name", "METI", "--country", "JPN", "--url", "http://127.0.0.1:9104", home=home)
    kizuna("denial", "add", "--control", "3B001.f", "--item", "x", "--end-user", "Y Ltd.", "--date", "2026-01-01",
           "--rel-to", "USA", home=home)
    assert "hash chain verified" in kizuna("exchange", "audit", "verify", home=home).stdout
    database = sqlite3.connect(home / "exchange" / "exchange.db")
    database.execute("DROP TRIGGER audit_no_delete")
    database.execute("DELETE FROM audit WHERE seq = 1")
    database.commit()
    database.close()
    broken = kizuna("exchange", "audit", "verify", home=home, check=False)
    assert broken.returncode == 1 and "record 1 is missing" in broken.stderr


def test_bench_exchange_runs_small(tmp_path: Path) -> None:
    out = kizuna("bench", "exchange", "--objects", "300", "--incremental", "30", "--page-size", "100",
                 home=tmp_path / "bench", timeout=300).stdout
    assert "initial sync" in out and "full re-download" in out
    assert "receiver holds 331 objects (expected 331" in out


def test_an_ownership_assessment_is_shared_as_an_investor_note(kizuna_home: Path, tmp_path: Path) -> None:
    """kizuna invest check --note (kizuna.ownership) feeds kizuna exchange share investor-note --assessment."""
    from tests.ownership.conftest import GRAPHS

    note = tmp_path / "note.json"
    kizuna("invest", "check", "--graph", str(GRAPHS / "deal.csv"), "--target", "kpkk", "--investor", "harbour",
           "--stake", "5%", "--regime", "jp-fefta", "--note", str(note), home=kizuna_home)
    jp = tmp_path / "jp"
    kizuna("exchange", "init", "--name", "Ministry of Finance", "--country", "JPN", "--url", "http://127.0.0.1:9111",
           home=jp)
    out = kizuna("exchange", "share", "investor-note", "--assessment", str(note), "--rel-to", "USA", home=jp).stdout
    assert "investor note x-kizuna-investor-note--" in out and "ownership links" in out
    database = sqlite3.connect(jp / "exchange" / "exchange.db")
    bodies = [json.loads(body) for (body,) in
              database.execute("SELECT body FROM objects WHERE type = 'x-kizuna-investor-note'")]
    database.close()
    assert len(bodies) == 1 and "Harbour Ridge Capital Ltd" in json.dumps(bodies[0], ensure_ascii=False)
    filing = json.loads(note.read_text(encoding="utf-8"))["filing"]
    assert f"filing (jp-fefta): {filing['filing']} required: {filing['required']}" in json.dumps(
        bodies[0], ensure_ascii=False)  # the filing line says what is required, not an empty headline
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "something else"}', encoding="utf-8")
    refused = kizuna("exchange", "share", "investor-note", "--assessment", str(bad), home=jp, check=False)
    assert refused.returncode == 2 and "not a Kizuna investor note" in refused.stderr


def test_a_denial_without_rel_to_is_refused_unless_kept_local_on_purpose(tmp_path: Path) -> None:
    """Issue 11 item 10: a denial without REL TO goes to no ally, so `denial add` refuses it rather than store it."""
    home = tmp_path / "jp"
    kizuna("exchange", "init", "--name", "METI", "--country", "JPN", "--url", "http://127.0.0.1:9105", home=home)
    args = ("denial", "add", "--control", "3B001.f", "--item", "scanner", "--end-user", "Y Ltd.", "--date",
            "2026-01-01")
    refused = kizuna(*args, home=home, check=False)
    assert refused.returncode == 2 and "--rel-to" in refused.stderr and "no ally" in refused.stderr
    sheet = tmp_path / "denials.csv"
    sheet.write_text("control,item,end_user,date\n3B001.f,scanner,Z Ltd.,2026-01-01\n", encoding="utf-8")
    refused = kizuna("denial", "import", str(sheet), home=home, check=False)
    assert refused.returncode == 2 and "--rel-to" in refused.stderr
    assert "0 denials (all)" in kizuna("denial", "list", "--status", "all", home=home).stdout
    kept = kizuna(*args, "--local", home=home).stdout
    assert "kept on this node: releasable to no ally" in kept
    assert "1 denial (all)" in kizuna("denial", "list", "--status", "all", home=home).stdout


def test_policy_check_reports_markings_that_release_to_a_country_of_concern(tmp_path: Path) -> None:
    """Issue 11 item 9: a new REL TO WA is refused; one made before the check is reported."""
    from kizuna.exchange import objects
    from kizuna.exchange.markings import tlp_id
    from tests.exchange.conftest import make_node

    jp = make_node(tmp_path, "JP")
    node = jp.node
    refused = jp.cli("denial", "add", "--control", "3B001.f", "--item", "x", "--end-user", "Y Ltd.", "--date",
                     "2026-01-01", "--rel-to", "WA", check=False)
    assert refused.returncode == 2 and "WA includes RUS" in refused.stderr
    assert jp.cli("exchange", "policy", "check").returncode == 0
    old = rel_to_definition(["JPN", "WA"])  # as a node made it before issue 11
    node.save_definitions([old])
    denial = node.create(objects.new_denial(creator=node.identity_id, codes=["3B001.f"], item="x",
                                            end_user=Party("Y Ltd."), denial_date="2026-01-01",
                                            markings=[tlp_id("amber"), old["id"]]), "test")
    report = jp.cli("exchange", "policy", "check", check=False)
    node.close()
    assert report.returncode == 1
    assert "REL TO JPN, WA" in report.stdout and "RUS" in report.stdout and denial["id"] in report.stdout
    remarked = jp.cli("denial", "remark", denial["id"].split("--")[1][:8], "--rel-to", "CHIP4")
    assert "REL TO CHIP4, JPN" in remarked.stdout
    assert jp.cli("exchange", "policy", "check").returncode == 0


def test_licence_check_writes_its_report(tmp_path: Path) -> None:
    home = tmp_path / "jp"
    kizuna("exchange", "init", "--name", "METI", "--country", "JPN", "--url", "http://127.0.0.1:9106", home=home)
    kizuna("denial", "add", "--control", "3.B.1.f.1.b", "--item", "scanner", "--end-user", "北京航空航天大学",
           "--end-user-country", "CN", "--date", "2026-01-01", "--local", home=home)
    report = tmp_path / "check.json"
    out = kizuna("licence", "check", "--control", "3B001.f", "--end-user",
                 "Beijing University of Aeronautics and Astronautics", "--end-user-country", "CN",
                 "--report", str(report), home=home).stdout
    assert "ESSENTIALLY IDENTICAL to METI's denial" in out
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["capability"] == "licensing" and written["outcome"] == "would reverse an own denial"
    (finding,) = written["findings"]
    assert finding["outcome"] == "met" and [e["kind"] for e in finding["evidence"]] == ["control-match", "denial"]
