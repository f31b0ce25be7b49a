"""The score report: one self-contained HTML document (inline CSS and SVG) rendered in the one Jinja environment
(``core.templating``), and a PDF printed by ``core.pdf.render_pdf``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna import __version__
from kizuna.core.templating import add_templates, env
from kizuna.cyber.charts import COLOURS, LABELS, family_chart, score_scale
from kizuna.cyber.rules import load_rules
from kizuna.cyber.service import Evaluation

add_templates(Path(__file__).parent / "templates")  # cyber/report.html in the one Jinja environment


def family_titles(evaluation: Evaluation) -> dict[str, str]:
    """Family id -> title, prefixed with the CMMC domain for a Rev 2 assessment (3.1 -> "AC Access Control")."""
    rules = load_rules() if evaluation.report.sprs_score is not None else None
    titles = {}
    for family in evaluation.catalog.families:
        domain = rules.weights[family.requirement_ids[0]].family if rules else ""
        titles[family.id] = f"{domain} {family.title}".strip()
    return titles


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
