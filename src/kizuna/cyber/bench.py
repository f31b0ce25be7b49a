"""``kizuna bench cyber``: score many stored assessments and render one report, beside a naive baseline.

The baseline re-reads the rule files and re-parses the catalog for every assessment, as a per-request script
without caches would; the measured path reads them once. Both score the same stored answers, and the benchmark
checks that they agree.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date
from pathlib import Path
from typing import Any

from kizuna.core.paths import bundled
from kizuna.cyber.answers import Answer, AnswerSet, Status
from kizuna.cyber.catalog import BUNDLED, REV2, load_catalog, parse_catalog, read_json
from kizuna.cyber.rules import load_rules
from kizuna.cyber.scoring import score
from kizuna.cyber.service import evaluate, evaluate_stored
from kizuna.cyber.store import CyberStore

_DAY = date(2026, 6, 1)


def synthetic_answers(seed: int) -> AnswerSet:
    """Plausible answers: most objectives met, a few gaps clustered per assessment (seeded, reproducible)."""
    catalog, rules = load_catalog(REV2), load_rules()
    rng = random.Random(seed)
    gap_rate = rng.choice((0.0, 0.01, 0.03, 0.08, 0.2))
    answers = AnswerSet(catalog.id, poam=set() if seed % 3 else None)
    for objective in catalog.objectives.values():
        roll = rng.random()
        status = Status.NOT_MET if roll < gap_rate else Status.NOT_APPLICABLE if roll > 0.995 else Status.MET
        if objective.requirement_id in rules.never_not_applicable and status is Status.NOT_APPLICABLE:
            status = Status.MET
        answers.answers[objective.id] = Answer(objective.id, status, "evidence ref", [], _DAY.isoformat())
    for requirement_id in rules.partial:
        if rng.random() < 0.1:
            answers.partial.add(requirement_id)
            first = catalog.requirements[requirement_id].objectives[0].id
            answers.answers[first] = Answer(first, Status.NOT_MET)
    if answers.poam is not None:
        answers.poam = {o.requirement_id for o in catalog.objectives.values()
                        if answers.answers[o.id].status is Status.NOT_MET and rng.random() < 0.9}
    return answers


def _timed(fn: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def run_benchmark(db: Path, count: int, baseline_sample: int) -> dict[str, Any]:
    """Create ``count`` stored assessments, score them all, render one report; time each step and the baseline."""
    from kizuna.core.pdf import render_pdf
    from kizuna.cyber.report import render_html

    catalog = load_catalog(REV2)
    store = CyberStore(db)
    rows: list[tuple[str, float, str]] = []

    def setup() -> None:
        with store.transaction() as conn:
            for index in range(count):
                conn.exec_driver_sql(
                    "INSERT INTO assessments (id, organization, system, catalog_id, assessor, assessed_on, "
                    "created_at) VALUES (?, ?, 'CUI enclave', ?, 'bench', ?, '')",
                    (index + 1, f"Supplier {index + 1}", REV2, _DAY.isoformat()))
                conn.exec_driver_sql(
                    "INSERT INTO revisions (assessment_id, revision, saved_at, answers) VALUES (?, 1, '', ?)",
                    (index + 1, json.dumps(synthetic_answers(index).to_dict(), separators=(",", ":"))))

    _, seconds = _timed(setup)
    rows.append((f"store {count:,} synthetic assessments (setup)", seconds, f"{seconds / count * 1e3:.3f} ms"))

    def score_all() -> dict[int, int | None]:
        out = {}
        for record, answers in store.iter_latest():
            evaluation = evaluate(catalog, answers, date.fromisoformat(record.assessed_on))
            out[record.id] = evaluation.report.sprs_score
        return out

    scores, fast = _timed(score_all)
    rows.append((f"score {len(scores):,} stored assessments (rules and catalog read once)", fast,
                 f"{fast / len(scores) * 1e3:.3f} ms"))

    sample = list(store.iter_latest())[:baseline_sample]

    def naive() -> dict[int, int | None]:
        out = {}
        for record, answers in sample:
            load_rules.cache_clear()  # re-read sprs_weights.csv and the YAML rules every time
            name = BUNDLED[REV2][0]
            fresh = parse_catalog(read_json(bundled("cyber", "catalogs", name)), REV2, name)
            out[record.id] = score(fresh, answers, load_rules()).sprs_score
        return out

    naive_scores, slow = _timed(naive)
    load_rules.cache_clear()
    mismatches = sum(1 for k, v in naive_scores.items() if scores[k] != v)
    per_naive = slow / max(len(sample), 1)
    rows.append((f"baseline: re-read rules and catalog per assessment ({len(sample):,} sampled)", slow,
                 f"{per_naive * 1e3:.3f} ms"))
    rows.append((f"baseline estimated for {count:,}", per_naive * count, f"{per_naive * 1e3:.3f} ms"))

    html, render_s = _timed(lambda: render_html(evaluate_stored(store, 1)))
    rows.append(("render one HTML report", render_s, "—"))
    pdf_s: float | None = None
    try:
        _, pdf_s = _timed(lambda: render_pdf(html, db.parent / "report.pdf"))
        rows.append(("print that report to PDF (headless Chromium)", pdf_s, "—"))
    except Exception as exc:  # a machine without Chromium still gets the scoring figures
        rows.append((f"PDF skipped: {exc}", 0.0, "—"))
    store.close()
    values = [v for v in scores.values() if v is not None]
    return {
        "objectives": catalog.objective_count,
        "rows": rows,
        "summary": {"assessments": len(scores), "ms_per_assessment": round(fast / len(scores) * 1e3, 4),
                    "baseline_ms_per_assessment": round(per_naive * 1e3, 4),
                    "speedup": round(per_naive / (fast / len(scores)), 1), "baseline_mismatches": mismatches,
                    "score_min": min(values), "score_max": max(values),
                    "html_report_s": round(render_s, 3), "pdf_report_s": None if pdf_s is None else round(pdf_s, 3)},
    }
