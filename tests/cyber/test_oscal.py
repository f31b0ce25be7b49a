"""OSCAL: exports validate with compliance-trestle; catalogs and profiles import and can be assessed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import bundled
from kizuna.cyber.answers import Answer, AnswerSet, Status
from kizuna.cyber.catalog import BUNDLED, REV2, REV3, load_catalog
from kizuna.cyber.oscal import assessment_results, import_oscal, poam_document, write_json
from kizuna.cyber.poam import generate_poam
from kizuna.cyber.rules import load_rules
from kizuna.cyber.service import evaluate, evaluate_stored
from kizuna.cyber.store import CyberStore
from tests.conftest import present
from tests.cyber.conftest import answer_set


@pytest.fixture()
def stored(cyber_home: Path) -> Iterator[tuple[CyberStore, int]]:
    store = CyberStore()
    assessment_id = store.create("Sakura Precision K.K.", "CUI enclave", REV2, "J. Tanaka", date(2026, 3, 1))
    answers = answer_set({"3.1.3": Status.NOT_MET, "3.13.11": Status.NOT_MET, "3.4.9[b]": Status.NOT_MET},
                         partial={"3.13.11"})
    answers.answers["3.1.1[a]"] = Answer("3.1.1[a]", Status.MET, "user list", ["https://intranet.example/u"],
                                         "2026-02-20")
    store.save_answers(assessment_id, answers)
    ev = evaluate_stored(store, assessment_id)
    store.replace_poam(assessment_id, generate_poam(ev.catalog, ev.report, load_rules(), date(2026, 3, 1), "CISO"))
    yield store, assessment_id
    store.close()


def test_assessment_results_validate_with_trestle(stored: tuple[CyberStore, int], tmp_path: Path) -> None:
    store, assessment_id = stored
    path = tmp_path / "ar.json"
    write_json(path, assessment_results(evaluate_stored(store, assessment_id)))
    model = AssessmentResults.oscal_read(path)
    assert isinstance(model, AssessmentResults)
    result = model.results[0]
    props = {p.name: p.value for p in present(result.props)}
    assert props["sprs-score"] == "105" and props["cmmc-level2-status"] == "conditional"
    findings, observations = present(result.findings), present(result.observations)
    assert len(findings) == 110 and len(observations) == 320
    failed = {f.target.target_id for f in findings if present(f.target.status).state.value == "not-satisfied"}
    assert failed == {"sp800-171r2-3.1.3_smt", "sp800-171r2-3.4.9_smt", "sp800-171r2-3.13.11_smt"}
    evidence = next(o for o in observations if any(p.value == "3.1.1[a]" for p in present(o.props)))
    assert present(evidence.relevant_evidence)[0].href == "https://intranet.example/u"


def test_poam_validates_with_trestle(stored: tuple[CyberStore, int], tmp_path: Path) -> None:
    store, assessment_id = stored
    path = tmp_path / "poam.json"
    write_json(path, poam_document(evaluate_stored(store, assessment_id)))
    model = PlanOfActionAndMilestones.oscal_read(path)
    assert isinstance(model, PlanOfActionAndMilestones)
    assert len(model.poam_items) == 3
    item = next(i for i in model.poam_items if any(p.value == "3.4.9" for p in present(i.props)))
    props = {p.name: p.value for p in present(item.props)}
    assert props["owner"] == "CISO" and props["due-date"] == "2026-08-28" and props["poam-eligible"] == "yes"
    assert {str(present(r.deadline).date()) for r in present(model.risks)} == {"2026-08-28"}


def test_poam_export_needs_a_poam(cyber_home: Path) -> None:
    ev = evaluate(load_catalog(REV2), answer_set(), date(2026, 3, 1))
    with pytest.raises(InputError, match="generate one first"):
        poam_document(ev)


def test_rev3_results_validate_too(tmp_path: Path) -> None:
    catalog = load_catalog(REV3)
    answers = AnswerSet(REV3, {o: Answer(o, Status.MET) for o in catalog.objectives})
    answers.answers["A.03.01.01.a.01"] = Answer("A.03.01.01.a.01", Status.NOT_MET)
    path = tmp_path / "ar3.json"
    write_json(path, assessment_results(evaluate(catalog, answers, date(2026, 3, 1))))
    model = AssessmentResults.oscal_read(path)
    assert isinstance(model, AssessmentResults) and len(present(model.results[0].findings)) == 97


def profile(tmp_path: Path, href: str, ids: list[str], name: str = "profile.json") -> Path:
    document = {"profile": {
        "uuid": "0f1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        "metadata": {"title": "FAR 52.204-21 basic safeguarding, as 800-171 requirements", "version": "1",
                     "last-modified": "2026-11-01T00:00:00Z", "oscal-version": "1.1.2"},
        "imports": [{"href": href, "include-controls": [{"with-ids": ids}]}]}}
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_profile_import_selects_controls_and_can_be_assessed(cyber_home: Path, tmp_path: Path) -> None:
    far = ["3.1.1", "3.1.2", "3.1.20", "3.1.22", "3.5.1", "3.5.2", "3.8.3", "3.10.1", "3.10.3", "3.10.4",
           "3.10.5", "3.13.1", "3.13.5", "3.14.1", "3.14.2", "3.14.4", "3.14.5"]
    path = profile(tmp_path, BUNDLED[REV2][0], [*far[:-1], "sp800-171r2-3.14.5"])  # labels or OSCAL ids
    catalog = import_oscal(path, "far-basic")
    assert sorted(catalog.requirements) == sorted(far)
    assert load_catalog("far-basic").objective_count == sum(
        len(load_catalog(REV2).requirements[r].objectives) for r in far)
    answers = AnswerSet("far-basic", {o: Answer(o, Status.MET) for o in catalog.objectives})
    ev = evaluate(load_catalog("far-basic"), answers, date(2026, 3, 1))
    assert ev.report.sprs_score is None and ev.report.counts()["met"] == 17
    assert "Rev 2 only" in ev.report.notes[0]


def test_catalog_import_of_a_file(cyber_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "rev3.json"
    shutil.copy(bundled("cyber", "catalogs", BUNDLED[REV3][0]), copy)
    catalog = import_oscal(copy, "my-rev3")
    assert len(catalog.requirements) == 97 and catalog.objective_count == 422
    # a profile beside its catalog file
    catalog = import_oscal(profile(tmp_path, "rev3.json", ["03.01.01", "SP_800_171_03.13.11"]), "rev3-two")
    assert sorted(catalog.requirements) == ["03.01.01", "03.13.11"]


def test_bad_imports_leave_the_previous_catalog(cyber_home: Path, tmp_path: Path) -> None:
    import_oscal(profile(tmp_path, BUNDLED[REV2][0], ["3.1.1"]), "small")
    with pytest.raises(InputError, match="does not have"):
        import_oscal(profile(tmp_path, BUNDLED[REV2][0], ["3.1.1", "9.9.9"], "bad.json"), "small")
    with pytest.raises(InputError, match="no such file"):
        import_oscal(profile(tmp_path, "elsewhere/missing.json", ["3.1.1"], "bad2.json"), "small")
    broken = tmp_path / "broken.json"
    broken.write_text('{"catalog": {"metadata": {}, "groups": [\n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON") as caught:
        import_oscal(broken, "small")
    assert caught.value.line == 2
    with pytest.raises(InputError, match="must be 2-63"):
        import_oscal(broken, "Bad Id")
    assert sorted(load_catalog("small").requirements) == ["3.1.1"]
    with pytest.raises(NotFoundError):
        load_catalog("never-imported")
