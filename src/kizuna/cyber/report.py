"""The score report: one self-contained HTML document (inline CSS and SVG), and a PDF printed by headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kizuna import __version__
from kizuna.core.errors import KizunaError
from kizuna.cyber.charts import COLOURS, LABELS, family_chart, score_scale
from kizuna.cyber.rules import load_rules
from kizuna.cyber.service import Evaluation

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


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
    return _env.get_template("report.html").render(report_context(evaluation))


def chromium_path() -> str:
    """Debian's Chromium (installed by ``make system-deps``), or $KIZUNA_CHROMIUM."""
    configured = os.environ.get("KIZUNA_CHROMIUM")
    found = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        raise KizunaError("PDF output needs Chromium: install Debian's chromium (make system-deps) or set "
                          "KIZUNA_CHROMIUM")
    return found


def render_pdf(html: str, target: str | Path, timeout: float = 120) -> Path:
    """Print ``html`` to a PDF at ``target`` with headless Chromium; the file appears only when complete."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kizuna-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        partial = Path(work) / "report.pdf"
        command = [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={work}/profile", "--no-pdf-header-footer",
                   f"--print-to-pdf={partial}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise KizunaError(f"Chromium did not finish the PDF within {timeout:.0f} s") from exc
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            raise KizunaError(f"Chromium could not print the PDF (exit {done.returncode}): "
                              f"{done.stderr.strip()[-300:]}")
        tmp_target = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(partial, tmp_target)
        os.replace(tmp_target, target)
    return target
