"""The printable determination record of an assessment: the shared report renderer with the licensing template
(``templates/licensing/record.html``) for HTML and PDF; JSON, CSV and xlsx as every report."""

from __future__ import annotations

from pathlib import Path

from kizuna.core.atomic import atomic_write_text
from kizuna.core.pdf import render_pdf
from kizuna.core.report import Report, to_html, write
from kizuna.core.templating import add_templates
from kizuna.licensing.assess import LicenceAssessment

TEMPLATE = "licensing/record.html"
add_templates(Path(__file__).parent / "templates")


def record_html(report: Report) -> str:
    return to_html(report, TEMPLATE)


def write_record(assessment: LicenceAssessment, path: Path) -> Path:
    """Write the record to ``path`` by its suffix (.html, .pdf, .json, .csv, .xlsx), atomically."""
    report = assessment.report()
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "html":
        atomic_write_text(path, record_html(report))
        return path
    if suffix == "pdf":
        render_pdf(record_html(report), path)
        return path
    return write(report, path)
