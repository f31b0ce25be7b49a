"""``kizuna cyber …`` end to end, as a user runs it (subprocess)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import kizuna
from tests.cyber.conftest import WriteAnswers


def test_score_json_requirement_level(requirement_csv: WriteAnswers, tmp_path: Path) -> None:
    path = requirement_csv({"3.1.3": "not_met", "3.13.11": "partial", "3.1.12": "not_applicable"})
    data = json.loads(kizuna("cyber", "score", str(path), "--json", "--date", "2026-03-01", home=tmp_path).stdout)
    assert data["sprs_score"] == 106 and data["cmmc_level2_status"] == "conditional"
    assert data["closeout_deadline"] == "2026-08-28"
    assert [(d["practice_id"], d["points"]) for d in data["deductions"]] == [("AC.L2-3.1.3", 1), ("SC.L2-3.13.11", 3)]
    assert all(d["reason"] and d["citation"] for d in data["deductions"])


def test_score_json_all_unmet_and_objective_level(requirement_csv: WriteAnswers, tmp_path: Path) -> None:
    data = json.loads(kizuna("cyber", "score", str(requirement_csv(default="not_met")), "--json", home=tmp_path).stdout)
    assert data["sprs_score"] == -203 and data["cmmc_level2_status"] == "not_eligible"
    assert data["assessment_complete"] is False
    template = tmp_path / "template.csv"
    kizuna("cyber", "template", str(template), home=tmp_path)
    filled = template.read_text(encoding="utf-8").replace("\n3.1.1,3.1.1[a],,", "\n3.1.1,3.1.1[a],not_met,")
    filled = re.sub(r"^([\d.]+,[^,]+),,", r"\1,met,", filled, flags=re.M)
    template.write_text(filled, encoding="utf-8")
    data = json.loads(kizuna("cyber", "score", str(template), "--json", home=tmp_path).stdout)
    assert data["sprs_score"] == 105 and data["unanswered_objectives"] == 0
    assert data["deductions"][0]["reason"].startswith("NOT MET: 1 of 6 objectives not met (3.1.1[a])")


def test_bad_file_is_one_line_error_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("requirement_id,status\n3.1.1,met\n3.1.77,met\n", encoding="utf-8")
    result = kizuna("cyber", "score", str(path), home=tmp_path, check=False)
    assert result.returncode == 2
    assert f"{path}, line 3, field 'requirement_id': unknown requirement id '3.1.77'" in result.stderr
    assert "Traceback" not in result.stderr


def test_stored_assessment_lifecycle(requirement_csv: WriteAnswers, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = kizuna("cyber", "new", "--org", "Sakura Precision K.K.", "--system", "CUI enclave", "--assessor",
                 "J. Tanaka", "--date", "2026-03-01", home=home).stdout
    created = re.search(r"assessment (\d+) created", out)
    assert created, out
    assessment_id = created.group(1)
    kizuna("cyber", "import", assessment_id, str(requirement_csv({"3.1.3": "not_met", "3.4.9": "not_met"})),
           home=home)
    # a bad file: error, and the stored answers stay as they were (no partial write)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip at all")
    result = kizuna("cyber", "import", assessment_id, str(bad), home=home, check=False)
    assert result.returncode == 2 and "not a readable xlsx workbook" in result.stderr
    history = json.loads(kizuna("cyber", "history", assessment_id, "--json", home=home).stdout)
    assert [h["revision"] for h in history] == [1] and history[0]["sprs_score"] == 108

    kizuna("cyber", "import", assessment_id, str(requirement_csv({"3.4.9": "not_met"}, name="second.csv")), home=home)
    history = json.loads(kizuna("cyber", "history", assessment_id, "--json", home=home).stdout)
    assert [h["sprs_score"] for h in history] == [108, 109]

    poam = json.loads(kizuna("cyber", "poam", assessment_id, "--owner", "IT lead", "--json", home=home).stdout)
    assert [(i["requirement_id"], i["owner"], i["due_date"]) for i in poam] == [("3.4.9", "IT lead", "2026-08-28")]

    shown = json.loads(kizuna("cyber", "show", assessment_id, "--json", home=home).stdout)
    assert shown["sprs_score"] == 109 and shown["cmmc_level2_status"] == "conditional"
    assert shown["assessment"]["revision"] == 2 and shown["poam"][0]["objectives"] == ["3.4.9[a]", "3.4.9[b]",
                                                                                        "3.4.9[c]"]
    export = tmp_path / "export.xlsx"
    kizuna("cyber", "export", assessment_id, str(export), home=home)
    again = json.loads(kizuna("cyber", "score", str(export), "--json", home=home).stdout)
    assert again["sprs_score"] == 109

    results, poam_file = tmp_path / "ar.json", tmp_path / "poam.json"
    kizuna("cyber", "oscal", assessment_id, "--kind", "results", "-o", str(results), home=home)
    kizuna("cyber", "oscal", assessment_id, "--kind", "poam", "-o", str(poam_file), home=home)
    assert "assessment-results" in json.loads(results.read_text())
    assert len(json.loads(poam_file.read_text())["plan-of-action-and-milestones"]["poam-items"]) == 1

    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    kizuna("cyber", "report", assessment_id, "-o", str(html), home=home)
    text = html.read_text(encoding="utf-8")
    assert "<svg" in text and "CM.L2-3.4.9" in text and "conditional" in text
    kizuna("cyber", "report", assessment_id, "-o", str(pdf), home=home)
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000


def test_map_shows_profiles_side_by_side(tmp_path: Path) -> None:
    rows = json.loads(kizuna("cyber", "map", "3.1.13", "--json", home=tmp_path).stdout)
    assert rows[0]["practice_id"] == "AC.L2-3.1.13" and rows[0]["rev3"] == ["03.13.08"]
    assert rows[0]["jp_basis"] == "project mapping" and rows[0]["jp_family"] == "アクセス制御"
    assert len(json.loads(kizuna("cyber", "map", "--json", home=tmp_path).stdout)) == 110


def test_registry_listed_company_is_never_trusted(kizuna_home: Path) -> None:
    kizuna("cyber", "registry", "add", "--name", "Hangzhou Hikvision Digital Technology Co., Ltd.", "--country",
           "CN", "--sector", "defence electronics", "--score", "110", "--status", "final", "--date", "2026-01-15",
           "--assessor", "self", home=kizuna_home)
    kizuna("cyber", "registry", "add", "--name", "Sakura Precision K.K.", "--country", "JP", "--sector",
           "aerospace", "--score", "96", "--status", "conditional", "--date", "2026-09-01",
           "--evidence", "C3PAO report 2026-09", home=kizuna_home)
    rows = {r["name"]: r for r in json.loads(kizuna("cyber", "registry", "list", "--json", home=kizuna_home).stdout)}
    listed = rows["Hangzhou Hikvision Digital Technology Co., Ltd."]
    assert listed["screening"]["listed"] is True and listed["trusted"] is False
    assert listed["sprs_score"] == 110 and "never shown as trusted" in listed["why"][0]
    assert rows["Sakura Precision K.K."]["screening"]["listed"] is False
    text = kizuna("cyber", "registry", "list", home=kizuna_home).stdout
    assert "LISTED" in text and listed["screening"]["hits"][0]["list"] in text  # the hit's list, in words
    trusted = json.loads(kizuna("cyber", "registry", "list", "--trusted", "--country", "JP", "--json",
                                home=kizuna_home).stdout)
    names = [r["name"] for r in trusted]  # the session's data directory may hold other tests' companies
    assert "Sakura Precision K.K." in names and all(r["country"] == "JP" and r["trusted"] for r in trusted)
    bad = kizuna("cyber", "registry", "add", "--name", "X", "--country", "JP", "--sector", "aerospace", "--score",
                 "80", "--status", "conditional", "--date", "2026-01-01", home=kizuna_home, check=False)
    assert bad.returncode == 2 and "at least 88" in bad.stderr
