"""The score report: one self-contained HTML document (inline CSS and SVG) rendered in the one Jinja environment
(``core.templating``), and a PDF printed by ``core.pdf.render_pdf``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna import __version__
from kizuna.core.evidence import Citation, Evidence, EvidenceKind, Finding, Outcome
from kizuna.core.templating import add_templates, env
from kizuna.cyber.charts import COLOURS, LABELS, family_chart, score_scale
from kizuna.cyber.rule_files import sprs_rules
from kizuna.cyber.rules import load_rules
from kizuna.cyber.service import Evaluation, rules_for

add_templates(Path(__file__).parent / "templates")  # cyber/report.html in the one Jinja environment


def family_titles(evaluation: Evaluation) -> dict[str, str]:
    """Family id -> title, prefixed with the CMMC domain for a Rev 2 assessment (3.1 -> "AC Access Control")."""
    rules = load_rules() if evaluation.report.sprs_score is not None else None
    titles = {}
    for family in evaluation.catalog.families:
        domain = rules.weights[family.requirement_ids[0]].family if rules else ""
        titles[family.id] = f"{domain} {family.title}".strip()
    return titles


_OUTCOMES = {"met": Outcome.MET, "not_met": Outcome.NOT_MET, "partial": Outcome.NOT_MET,
             "not_applicable": Outcome.NOT_APPLICABLE}


def findings(evaluation: Evaluation) -> dict[str, Finding]:
    """Requirement id -> the finding the report states for it: met or not met, the sentence from
    ``findings`` in sprs_rules.yaml, the rule's citation, and the objectives as evidence."""
    texts, rules = sprs_rules().findings, rules_for(evaluation.catalog)
    out = {}
    for result in evaluation.report.requirements:
        applicable = result.objectives_total - result.objectives_not_applicable
        values = {"requirement": result.practice_id or result.id, "title": result.title,
                  "objectives_met": result.objectives_met, "applicable": applicable, "points": result.points,
                  "reason": result.reason}
        cited = result.citation or (rules.weight_citation(result.id) if rules else evaluation.catalog.source)
        citation = Citation(result.id, result.title, cited, rules.source_url if rules else "")
        evidence = Evidence(EvidenceKind.ASSESSMENT, f"{result.objectives_met} of {applicable} objectives met",
                            data={"status": result.status, "open_objectives": list(result.open_objectives),
                                  "unanswered": result.unanswered, "points": result.points})
        out[result.id] = Finding.from_rule(_OUTCOMES[result.status], getattr(texts, result.status), values,
                                           rule=result.id, citations=(citation,), evidence=(evidence,))
    return out


def report_context(evaluation: Evaluation) -> dict[str, Any]:
    """Everything the report template shows."""
    report, rules = evaluation.report, load_rules()
    titles = family_titles(evaluation)
    charts = {"families": family_chart(report, titles)}
    if report.sprs_score is not None and report.minimum is not None and report.maximum is not None:
        charts["scale"] = score_scale(report.sprs_score, report.minimum, report.maximum, rules.conditional_minimum)
    requirements = evaluation.catalog.requirements
    return {
        "ev": evaluation,
        "report": report,
        "cmmc": evaluation.cmmc,
        "record": evaluation.record,
        "catalog": evaluation.catalog,
        "titles": titles,
        "findings": findings(evaluation),
        "charts": charts,
        "colours": COLOURS,
        "labels": LABELS,
        "requirement_title": lambda rid: requirements[rid].title,
        "rules": rules,
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "version": __version__,
    }


def render_html(evaluation: Evaluation) -> str:
    """The report as one HTML document with no external resources."""
    return env.get_template("cyber/report.html").render(report_context(evaluation))
