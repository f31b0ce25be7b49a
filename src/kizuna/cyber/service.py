"""Putting it together: score a file, evaluate a stored assessment (score, CMMC status, POA&M)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kizuna.cyber.answers import AnswerSet, read_answers
from kizuna.cyber.catalog import Catalog, load_catalog
from kizuna.cyber.cmmc import CmmcStatus, cmmc_status
from kizuna.cyber.rules import Rules, load_rules
from kizuna.cyber.scoring import ScoreReport, score
from kizuna.cyber.store import AssessmentRecord, CyberStore, PoamRecord


def rules_for(catalog: Catalog) -> Rules | None:
    """The SPRS rules when they cover this catalog's requirements, else None."""
    rules = load_rules()
    return rules if set(catalog.requirements) == set(rules.weights) else None


@dataclass(slots=True)
class Evaluation:
    """Everything the reports show about one set of answers."""

    catalog: Catalog
    answers: AnswerSet
    report: ScoreReport
    cmmc: CmmcStatus | None
    assessed_on: date | None
    record: AssessmentRecord | None = None
    revision: int | None = None
    poam: list[PoamRecord] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of ``kizuna cyber score --json`` and of the API."""
        report = self.report
        data: dict[str, Any] = {
            "catalog": self.catalog.id,
            "sprs_score": report.sprs_score,
            "maximum": report.maximum,
            "minimum": report.minimum,
            "cmmc_level2_status": self.cmmc.status if self.cmmc else None,
            "assessment_complete": report.complete,
            "ssp_present": report.ssp_present,
            "assessed_on": self.assessed_on.isoformat() if self.assessed_on else None,
            "closeout_deadline": self.cmmc.closeout_deadline if self.cmmc else None,
            "status_reasons": self.cmmc.reasons if self.cmmc else [],
            "requirements": report.counts(),
            "unanswered_objectives": report.unanswered,
            "deductions": [d.to_dict() for d in report.deductions],
            "to_conditional": [f.to_dict() for f in self.cmmc.to_conditional] if self.cmmc else [],
            "to_final": [f.to_dict() for f in self.cmmc.to_final] if self.cmmc else [],
            "notes": report.notes,
        }
        if self.record is not None:
            data["assessment"] = {**self.record.to_dict(), "revision": self.revision}
        if self.poam is not None:
            data["poam"] = [item.to_dict() for item in self.poam]
        return data


def evaluate(catalog: Catalog, answers: AnswerSet, assessed_on: date | None) -> Evaluation:
    """Score answers and, for a Rev 2 assessment, derive the CMMC Level 2 status."""
    rules = rules_for(catalog)
    report = score(catalog, answers, rules)
    status = cmmc_status(report, rules, assessed_on) if rules is not None else None
    return Evaluation(catalog, answers, report, status, assessed_on)


def score_file(path: str | Path, catalog_id: str, assessed_on: date | None = None) -> Evaluation:
    """Read an answers file (objective- or requirement-level, CSV or xlsx) and evaluate it."""
    catalog = load_catalog(catalog_id)
    answers = read_answers(path, catalog, rules_for(catalog))
    return evaluate(catalog, answers, assessed_on)


def evaluate_stored(store: CyberStore, assessment_id: int, revision: int | None = None) -> Evaluation:
    """Evaluate a stored assessment (its latest revision by default); a stored POA&M counts as its plans of action."""
    record = store.get(assessment_id)
    catalog = load_catalog(record.catalog_id)
    saved = store.revision(assessment_id, revision)
    answers = saved.answers if saved else AnswerSet(catalog.id)
    poam = store.poam(assessment_id)
    if answers.poam is None and poam is not None:
        answers.poam = {item.requirement_id for item in poam}
    evaluation = evaluate(catalog, answers, date.fromisoformat(record.assessed_on))
    evaluation.record = record
    evaluation.revision = saved.revision if saved else None
    evaluation.poam = poam
    return evaluation


def import_answers(store: CyberStore, assessment_id: int, path: str | Path, author: str = "") -> int:
    """Read a whole answers file, then store it as a new revision (nothing is written if any row is bad)."""
    record = store.get(assessment_id)
    catalog = load_catalog(record.catalog_id)
    answers = read_answers(path, catalog, rules_for(catalog))
    return store.save_answers(assessment_id, answers, author=author, note=f"imported from {Path(path).name}")
