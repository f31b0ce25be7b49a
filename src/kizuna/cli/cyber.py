"""``kizuna cyber …``: NIST SP 800-171 assessments, SPRS score, CMMC Level 2 status, POA&M, OSCAL, reports, registry;
and ``kizuna bench cyber``."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kizuna.cli.output import console, print_json
from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError
from kizuna.core.pdf import render_pdf
from kizuna.cyber import service
from kizuna.cyber.answers import write_answers
from kizuna.cyber.catalog import REV2, catalog_ids, load_catalog
from kizuna.cyber.oscal import assessment_results, import_oscal, poam_document, write_json
from kizuna.cyber.profiles import crosswalk
from kizuna.cyber.registry import STATUSES, Filters, list_registry, register
from kizuna.cyber.report import render_html
from kizuna.cyber.service import Evaluation, evaluate_stored, import_answers, score_file
from kizuna.cyber.store import CyberStore

app = typer.Typer(help="Defence-supplier cyber maturity: NIST SP 800-171 / CMMC Level 2 assessments and the "
                       "trusted-capital registry.", no_args_is_help=True)
registry_app = typer.Typer(help="Trusted-capital registry: companies' latest assessments, screened.",
                           no_args_is_help=True)
app.add_typer(registry_app, name="registry")

CatalogOption = Annotated[str, typer.Option("--catalog", help="Catalog id (see `kizuna cyber catalogs`).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not an ISO date (YYYY-MM-DD): {value!r}", field=name) from exc


def _print_evaluation(evaluation: Evaluation) -> None:
    report, cmmc = evaluation.report, evaluation.cmmc
    counts = report.counts()
    head = (f"SPRS score [bold]{report.sprs_score}[/] of {report.maximum} (range {report.minimum}..{report.maximum})"
            if report.sprs_score is not None else "no SPRS score for this catalog")
    console.print(head)
    if cmmc:
        console.print(f"CMMC Level 2 status: [bold]{cmmc.status}[/]"
                      + (f" (close-out by {cmmc.closeout_deadline})" if cmmc.closeout_deadline else ""))
        for reason in cmmc.reasons:
            console.print(f"  · {escape(reason)}")
    console.print(f"requirements: {counts['met']} met, {counts['not_applicable']} not applicable, "
                  f"{counts['partial']} partial, {counts['not_met']} not met")
    for note in report.notes:
        console.print(f"[dim]note: {escape(note)}[/]")
    if report.deductions:
        table = Table(title=f"deductions ({len(report.deductions)})")
        table.add_column("requirement")
        table.add_column("points", justify="right")
        table.add_column("why", overflow="fold", ratio=3)
        table.add_column("POA&M")
        for d in report.deductions:
            table.add_row(d.practice_id, f"-{d.points}", f"{escape(d.reason)}\n[dim]{escape(d.citation)}[/]",
                          "eligible" if d.poam_eligible else "no")
        console.print(table)
    if cmmc and cmmc.to_conditional:
        console.print("to reach conditional, cheapest first: " + ", ".join(
            f"{f.practice_id} ({escape(f.why)})" for f in cmmc.to_conditional))


@app.command("catalogs")
def catalogs_command(as_json: JsonOption = False) -> None:
    """The catalogs that can be assessed (bundled and imported)."""
    summaries = [load_catalog(cid).to_summary() for cid in catalog_ids()]
    if as_json:
        print_json(summaries)
        return
    table = Table()
    for column in ("id", "title", "requirements", "objectives", "source"):
        table.add_column(column, overflow="fold")
    for s in summaries:
        table.add_row(s["id"], f"{s['title']} ({s['version']})", str(s["requirements"]), str(s["objectives"]),
                      s["source"])
    console.print(table)


@app.command("catalog-import")
def catalog_import(
    path: Annotated[Path, typer.Argument(metavar="OSCAL.json", help="An OSCAL catalog or profile (JSON).")],
    catalog_id: Annotated[str, typer.Option("--id", help="Id to assess it under, e.g. sp800-171r3-subset.")],
) -> None:
    """Import an OSCAL catalog, or a profile of a bundled/imported catalog, so it can be assessed."""
    catalog = import_oscal(path, catalog_id)
    s = catalog.to_summary()
    console.print(f"imported {s['id']}: {s['title']} — {s['families']} families, {s['requirements']} requirements, "
                  f"{s['objectives']} objectives")


@app.command("map")
def map_command(
    requirement: Annotated[str | None, typer.Argument(help="A Rev 2 requirement, e.g. 3.1.13 (default: all).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Rev 2 beside Rev 3, the CMMC practice id and the Japanese profile (防衛産業サイバーセキュリティ基準)."""
    rows = [r for r in crosswalk() if requirement in (None, r.requirement_id, r.practice_id)]
    if not rows:
        raise InputError(f"unknown Rev 2 requirement {requirement!r}", field="REQUIREMENT")
    if as_json:
        print_json([r.to_dict() for r in rows])
        return
    table = Table(caption="JP = project's own mapping (see data/cyber/profiles/jp-dicss.yaml); Rev 3 = derived from "
                          "the two NIST catalogs")
    for column in ("rev 2", "CMMC", "points", "rev 3", "JP (project mapping)"):
        table.add_column(column, overflow="fold")
    for r in rows:
        rev3 = escape(", ".join(f"{i} {t}" for i, t in zip(r.rev3, r.rev3_titles, strict=True)) or "—")
        if "withdrawn" in r.rev3_basis:
            rev3 += f"\n[dim]{escape(r.rev3_basis)}[/]"
        table.add_row(r.requirement_id, r.practice_id, str(r.points), rev3, f"{r.jp_family}: {r.jp_summary}")
    console.print(table)


@app.command("template")
def template_command(
    output: Annotated[Path, typer.Argument(metavar="OUT.csv|OUT.xlsx")],
    catalog: CatalogOption = REV2,
) -> None:
    """Write a blank objective-level answers file to fill in."""
    rows = write_answers(output, load_catalog(catalog), None)
    console.print(f"wrote {rows} objectives of {catalog} to {output}")


@app.command("score")
def score_command(
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS.csv|.xlsx",
                                            help="Objective-level answers, or requirement_id,status rows.")],
    catalog: CatalogOption = REV2,
    assessed_on: Annotated[str | None, typer.Option("--date", help="Assessment date (for the close-out "
                                                    "deadline); default today.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score an answers file: SPRS score, CMMC Level 2 status and every deduction."""
    evaluation = score_file(answers, catalog, _date(assessed_on, "--date") or date.today())
    if as_json:
        print_json(evaluation.to_dict())
    else:
        _print_evaluation(evaluation)


@app.command("new")
def new_command(
    organization: Annotated[str, typer.Option("--org", help="The organization assessed.")],
    system: Annotated[str, typer.Option(help="The system (SSP scope) assessed.")],
    catalog: CatalogOption = REV2,
    assessor: Annotated[str, typer.Option(help="Who assesses.")] = "",
    assessed_on: Annotated[str | None, typer.Option("--date", help="Assessment date; default today.")] = None,
) -> None:
    """Create a stored assessment; prints its id."""
    load_catalog(catalog)
    with CyberStore() as store:
        assessment_id = store.create(organization, system, catalog, assessor,
                                     _date(assessed_on, "--date") or date.today())
    console.print(f"assessment {assessment_id} created ({organization} / {system}, {catalog})")


@app.command("import")
def import_command(
    assessment_id: Annotated[int, typer.Argument(metavar="ID")],
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS.csv|.xlsx")],
    author: Annotated[str, typer.Option(help="Who made this revision.")] = "",
) -> None:
    """Store an answers file as the assessment's new revision (all rows checked first; nothing written on error)."""
    with CyberStore() as store:
        revision = import_answers(store, assessment_id, answers, author)
        evaluation = evaluate_stored(store, assessment_id)
    console.print(f"assessment {assessment_id} revision {revision}: {len(evaluation.answers.answers)} objectives "
                  f"answered; SPRS score {evaluation.report.sprs_score}"
                  + (f", CMMC Level 2 {evaluation.cmmc.status}" if evaluation.cmmc else ""))


@app.command("export")
def export_command(
    assessment_id: Annotated[int, typer.Argument(metavar="ID")],
    output: Annotated[Path, typer.Argument(metavar="OUT.csv|OUT.xlsx")],
    revision: Annotated[int | None, typer.Option(help="Revision (default: latest).")] = None,
) -> None:
    """Export an assessment's answers to CSV or xlsx (the same format `import` reads)."""
    with CyberStore() as store:
        evaluation = evaluate_stored(store, assessment_id, revision)
    rows = write_answers(output, evaluation.catalog, evaluation.answers)
    console.print(f"wrote {rows} rows of assessment {assessment_id} revision {evaluation.revision} to {output}")


@app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """Stored assessments."""
    with CyberStore() as store:
        records = store.assessments()
    if as_json:
        print_json([r.to_dict() for r in records])
        return
    table = Table()
    for column in ("id", "organization", "system", "catalog", "assessor", "assessed", "revisions"):
        table.add_column(column)
    for r in records:
        table.add_row(str(r.id), r.organization, r.system, r.catalog_id, r.assessor, r.assessed_on, str(r.revisions))
    console.print(table)


@app.command("show")
def show_command(
    assessment_id: Annotated[int, typer.Argument(metavar="ID")],
    revision: Annotated[int | None, typer.Option(help="Revision (default: latest).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score, CMMC status and deductions of a stored assessment."""
    with CyberStore() as store:
        evaluation = evaluate_stored(store, assessment_id, revision)
    if as_json:
        print_json(evaluation.to_dict())
        return
    record = evaluation.record
    assert record is not None
    console.print(f"assessment {record.id}: {record.organization} / {record.system}, {record.catalog_id}, "
                  f"assessed {record.assessed_on} by {record.assessor or '—'}, revision {evaluation.revision}")
    _print_evaluation(evaluation)


@app.command("history")
def history_command(assessment_id: Annotated[int, typer.Argument(metavar="ID")], as_json: JsonOption = False) -> None:
    """Every saved revision of an assessment with the score it gives under today's rules."""
    with CyberStore() as store:
        rows = service.history(store, assessment_id)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("revision", "saved", "author", "note", "answered", "SPRS", "CMMC L2"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["revision"]), r["saved_at"], r["author"], r["note"], str(r["answered"]),
                      str(r["sprs_score"]), str(r["cmmc_level2_status"]))
    console.print(table)


@app.command("poam")
def poam_command(
    assessment_id: Annotated[int, typer.Argument(metavar="ID")],
    owner: Annotated[str, typer.Option(help="Default owner of every item.")],
    owners: Annotated[Path | None, typer.Option(help="CSV key,owner: key = requirement (3.1.1), family (3.1) or "
                                                "CMMC domain (AC).")] = None,
    due_days: Annotated[int | None, typer.Option(help="Days after the assessment each item is due "
                                                 "(default: the 180-day close-out window).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Generate (or regenerate) the POA&M from the unmet objectives of the latest revision, and store it."""
    owner_table = service.read_owners(owners) if owners else {}
    with CyberStore() as store:
        items = service.make_poam(store, assessment_id, owner, owner_table, due_days)
    if as_json:
        print_json([i.to_dict() for i in items])
        return
    table = Table(title=f"POA&M of assessment {assessment_id}: {len(items)} items")
    for column in ("requirement", "open objectives", "points", "eligible", "owner", "due"):
        table.add_column(column, overflow="fold")
    for i in items:
        table.add_row(i.requirement_id, escape(", ".join(i.objectives)), str(i.points), "yes" if i.eligible else "no",
                      i.owner, i.due_date)
    console.print(table)


@app.command("oscal")
def oscal_command(
    assessment_id: Annotated[int, typer.Argument(metavar="ID")],
    kind: Annotated[str, typer.Option(help="results (assessment-results) or poam.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the OSCAL JSON.")],
) -> None:
    """Export an assessment as OSCAL assessment-results, or its POA&M as OSCAL plan-of-action-and-milestones."""
    if kind not in ("results", "poam"):
        raise InputError("kind must be results or poam", field="--kind")
    with CyberStore() as store:
        evaluation = evaluate_stored(store, assessment_id)
    document = assessment_results(evaluation) if kind == "results" else poam_document(evaluation)
    write_json(output, document)
    console.print(f"wrote OSCAL {next(iter(document))} of assessment {assessment_id} to {output}")


@app.command("report")
def report_command(
    assessment_id: Annotated[int, typer.Argument(metavar="ID")],
    output: Annotated[Path, typer.Option("--output", "-o", help="report.html or report.pdf")],
) -> None:
    """The score report as HTML, or PDF (printed by headless Chromium)."""
    with CyberStore() as store:
        html = render_html(evaluate_stored(store, assessment_id))
    suffix = output.suffix.casefold()
    if suffix == ".pdf":
        render_pdf(html, output)
    elif suffix in (".html", ".htm"):
        atomic_write_text(output, html)
    else:
        raise InputError("the report is written as .html or .pdf", path=output)
    console.print(f"wrote the report of assessment {assessment_id} to {output}")


@registry_app.command("add")
def registry_add(
    name: Annotated[str, typer.Option(help="Company name as registered.")],
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 country.")],
    sector: Annotated[str, typer.Option(help="Sector (see data/cyber/registry.yaml).")],
    assessment: Annotated[int | None, typer.Option(help="A stored Rev 2 assessment to take the score from.")] = None,
    score: Annotated[int | None, typer.Option(help="SPRS score (without --assessment).")] = None,
    status: Annotated[str | None, typer.Option(help="final, conditional or not_eligible.")] = None,
    assessed_on: Annotated[str | None, typer.Option("--date", help="Assessment date.")] = None,
    assessor: Annotated[str, typer.Option(help="Who assessed.")] = "",
    evidence: Annotated[str, typer.Option(help="Evidence summary.")] = "",
) -> None:
    """Register a company's latest assessment."""
    with CyberStore() as store:
        company_id = register(store, name, country, sector, assessment_id=assessment, sprs_score=score,
                              cmmc_status=status, assessed_on=assessed_on, assessor=assessor,
                              evidence_summary=evidence)
    console.print(f"registered {name} (company {company_id})")


@registry_app.command("list")
def registry_list(
    min_score: Annotated[int | None, typer.Option(help="Lowest SPRS score.")] = None,
    status: Annotated[list[str] | None, typer.Option(help="CMMC status (repeatable).")] = None,
    max_age_days: Annotated[int | None, typer.Option(help="Oldest assessment, in days.")] = None,
    sector: Annotated[str | None, typer.Option()] = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-2.")] = None,
    trusted: Annotated[bool, typer.Option("--trusted", help="Only companies shown as trusted.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Registered companies with their cyber score beside their restricted-party screening."""
    for value in status or []:
        if value not in STATUSES:
            raise InputError(f"status must be one of {', '.join(STATUSES)}", field="--status")
    with CyberStore() as store:
        views = list_registry(store, Filters(min_score, tuple(status or ()), max_age_days, sector, country, trusted))
    if as_json:
        print_json([v.to_dict() for v in views])
        return
    table = Table(expand=True)
    table.add_column("company", ratio=3, overflow="fold")
    for column in ("SPRS", "CMMC L2", "assessed", "screening", "trusted"):
        table.add_column(column, no_wrap=column in ("SPRS", "trusted"))
    table.add_column("why", ratio=4, overflow="fold")
    for v in views:
        r = v.registration
        screening = (f"[red]LISTED[/]\n{v.screening.hits[0].list_code}" if v.screening.listed else "no hit")
        table.add_row(f"{escape(r.name)}\n[dim]{r.country} · {r.sector}[/]", str(r.sprs_score),
                      r.cmmc_status.replace("_", " "), f"{r.assessed_on}\n({v.age_days} d)", screening,
                      "[green]yes[/]" if v.trusted else "[red]no[/]", escape("; ".join(v.why)))
    console.print(table)


def bench_cyber(
    assessments: Annotated[int, typer.Option(help="Stored assessments to score.")] = 10_000,
    baseline_sample: Annotated[int, typer.Option(help="Assessments scored by the baseline (it is slow).")] = 200,
) -> None:
    """Score N stored assessments (objective level, 320 objectives each) and render one report, beside a baseline
    that re-reads the rules and the catalog for every assessment."""
    from kizuna.cyber.bench import run_benchmark

    with tempfile.TemporaryDirectory(prefix="kizuna-bench-cyber-") as work:
        figures = run_benchmark(Path(work) / "cyber.db", assessments, baseline_sample)
    table = Table(title=f"kizuna bench cyber: {assessments:,} stored assessments, "
                        f"{figures['objectives']} objectives each")
    table.add_column("step")
    table.add_column("total s", justify="right")
    table.add_column("per assessment", justify="right")
    for label, total, per in figures["rows"]:
        table.add_row(label, f"{total:.2f}", per)
    console.print(table)
    console.print(json.dumps(figures["summary"]))
