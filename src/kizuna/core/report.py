"""The one report: a subject, the date it is as of, findings with their citations and evidence, the sources read
and the version of the rule data applied — rendered to JSON, CSV, HTML or PDF by the one renderer below, so a
licence assessment, an ownership check and a cable review print the same way."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna import __version__
from kizuna.core.atomic import atomic_write_text
from kizuna.core.evidence import Citation, Finding
from kizuna.core.party import PartyRef
from kizuna.core.pdf import render_pdf
from kizuna.core.tables import write_table
from kizuna.core.templating import env

FORMATS = ("json", "csv", "html", "pdf")
CSV_HEADER = ["outcome", "finding", "rule", "citations", "evidence", "score"]


@dataclass(slots=True)
class Report:
    """What was asked about whom, what was found and on what it rests."""

    title: str
    subject: PartyRef | str
    as_of: str  # ISO date the answer is for (the rules and data in force then)
    findings: list[Finding] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)  # lists, registers and files read
    rule_data_version: str = ""  # see ``data_version``
    capability: str = ""
    outcome: str = ""  # the answer in a few words ("licence required", "filing needed: undetermined")
    facts: dict[str, Any] = field(default_factory=dict)  # the inputs and figures behind the answer
    generated: str = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0).isoformat())

    @property
    def subject_name(self) -> str:
        return self.subject if isinstance(self.subject, str) else self.subject.name

    def citations(self) -> list[Citation]:
        """Every citation of every finding, once each, in order."""
        seen: dict[str, Citation] = {}
        for finding in self.findings:
            for citation in finding.citations:
                seen.setdefault(citation.id or citation.citation, citation)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "capability": self.capability,
                "subject": self.subject if isinstance(self.subject, str) else self.subject.to_dict(),
                "as_of": self.as_of, "outcome": self.outcome, "facts": self.facts,
                "findings": [f.to_dict() for f in self.findings], "sources": [s.to_dict() for s in self.sources],
                "rule_data_version": self.rule_data_version, "generated": self.generated,
                "kizuna_version": __version__}


def data_version(paths: Iterable[Path]) -> str:
    """A short fingerprint of the rule files an answer applied: the same files give the same version."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def csv_rows(report: Report) -> list[list[Any]]:
    """One row per finding (citations and evidence joined with ``; ``), in ``CSV_HEADER`` order."""
    rows = []
    for finding in report.findings:
        scores = [e.score for e in finding.evidence if e.score is not None]
        rows.append([finding.outcome.value, finding.text, finding.rule,
                     "; ".join(c.label() for c in finding.citations),
                     "; ".join(e.summary for e in finding.evidence),
                     "" if not scores else round(max(scores), 4)])
    return rows


def to_html(report: Report, template: str = "report.html", **context: Any) -> str:
    """The report as one self-contained HTML document (inline CSS, no external resources)."""
    return env.get_template(template).render(report=report, version=__version__, **context)


def write(report: Report, path: Path, fmt: str | None = None, template: str = "report.html", **context: Any) -> Path:
    """Write ``report`` to ``path`` in ``fmt`` (default: the file's suffix), atomically; CSV and xlsx cells are
    formula-safe (``core.tables``). HTML and PDF use ``template`` (a capability's, extending ``report.html``) with
    ``context``."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen == "json":
        atomic_write_text(path, to_json(report))
    elif chosen in ("csv", "xlsx"):
        write_table(path, CSV_HEADER, csv_rows(report))
    elif chosen == "html":
        atomic_write_text(path, to_html(report, template, **context))
    elif chosen == "pdf":
        render_pdf(to_html(report, template, **context), path)
    else:
        raise ValueError(f"unknown report format {chosen!r} (one of: {', '.join(FORMATS)}, xlsx)")
    return path
