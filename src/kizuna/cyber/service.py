"""The cyber service: the only thing ``kizuna cyber …`` and ``/v1/cyber`` (and the console pages) call to score a
file, evaluate a stored assessment (score, CMMC status, POA&M), list its history, generate its POA&M and store
one family's answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.tables import read_table
from kizuna.cyber.answers import AnswerSet, parse_rows, read_answers
from kizuna.cyber.catalog import Catalog, Family, load_catalog
from kizuna.cyber.cmmc import CmmcStatus, cmmc_status
from kizuna.cyber.poam import generate_poam
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


def history(store: CyberStore, assessment_id: int) -> list[dict[str, Any]]:
    """Every saved revision of an assessment with the score and status it gives under today's rules."""
    rows = []
    for saved in store.history(assessment_id):
        evaluation = evaluate_stored(store, assessment_id, saved.revision)
        rows.append({"revision": saved.revision, "saved_at": saved.saved_at, "author": saved.author,
                     "note": saved.note, "answered": len(saved.answers.answers),
                     "sprs_score": evaluation.report.sprs_score,
                     "cmmc_level2_status": evaluation.cmmc.status if evaluation.cmmc else None})
    return rows


def make_poam(store: CyberStore, assessment_id: int, owner: str, owners: dict[str, str] | None = None,
              due_days: int | None = None) -> list[PoamRecord]:
    """Generate the POA&M from the unmet objectives of the latest revision and store it (replacing the old one)."""
    evaluation = evaluate_stored(store, assessment_id)
    assert evaluation.record is not None  # evaluate_stored always sets it
    items = generate_poam(evaluation.catalog, evaluation.report, rules_for(evaluation.catalog),
                          date.fromisoformat(evaluation.record.assessed_on), owner, owners or {}, due_days)
    store.replace_poam(assessment_id, items)
    return items


def read_owners(path: Path) -> dict[str, str]:
    """A ``key,owner`` table (CSV or xlsx): key = requirement (3.1.1), family (3.1) or CMMC domain (AC)."""
    owners: dict[str, str] = {}
    table = read_table(path)
    table.require("key", "owner")
    for line, row in table.records():
        key, owner = str(row["key"]).strip(), str(row["owner"]).strip()
        if not key or not owner:
            raise InputError("key and owner must not be empty", path=path, line=line,
                             field="owner" if key else "key")
        owners[key] = owner
    return owners


def family(catalog: Catalog, family_id: str) -> Family:
    """A family of the catalog; NotFoundError for an unknown one."""
    found = next((f for f in catalog.families if f.id == family_id), None)
    if found is None:
        raise NotFoundError(f"catalog {catalog.id} has no family {family_id!r}")
    return found


def progress(evaluation: Evaluation) -> list[tuple[Family, int, int]]:
    """Per family: (family, objectives answered, objectives)."""
    catalog, answered = evaluation.catalog, evaluation.answers.answers
    out = []
    for item in catalog.families:
        objectives = [o.id for rid in item.requirement_ids for o in catalog.requirements[rid].objectives]
        out.append((item, sum(1 for o in objectives if o in answered), len(objectives)))
    return out


def save_family(store: CyberStore, assessment_id: int, family_id: str, rows: list[tuple[int, dict[str, Any]]],
                author: str = "") -> int:
    """Store one family's answers (checked first) as a new revision, carrying the other families' answers over
    from the latest revision; the new revision's number. ``rows`` are answer rows as a form or a file gives them."""
    catalog = load_catalog(store.get(assessment_id).catalog_id)
    chosen = family(catalog, family_id)
    # The blank first row stands for the header, so a family cleared of every answer is valid.
    parsed = parse_rows([(0, {"objective_id": "", "status": ""}), *rows], catalog, rules_for(catalog),
                        f"family {family_id} form")
    previous = store.revision(assessment_id)
    merged = previous.answers if previous else AnswerSet(catalog.id)
    mine = {o.id for rid in chosen.requirement_ids for o in catalog.requirements[rid].objectives}
    merged.answers = {k: v for k, v in merged.answers.items() if k not in mine} | parsed.answers
    merged.partial = {r for r in merged.partial if r not in chosen.requirement_ids} | parsed.partial
    return store.save_answers(assessment_id, merged, author=author, note=f"family {family_id} entered in the console")
