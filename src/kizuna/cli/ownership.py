"""``kizuna ownership load|chain|ubo|share|check``, ``kizuna invest check`` and ``kizuna bench ownership``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import console, print_json
from kizuna.core.atomic import atomic_write_text
from kizuna.core.evidence import Citation
from kizuna.ownership import service
from kizuna.ownership.load import FORMATS
from kizuna.ownership.model import Tri
from kizuna.ownership.rules import REGIME_CODES

REPORT_FORMATS = ("json", "csv", "xlsx", "html", "pdf")  # core.report.write, by the file's suffix

app = typer.Typer(help="Ownership graphs: load, chains, beneficial owners, attributed shares, checks.",
                  no_args_is_help=True)
invest_app = typer.Typer(help="Investment screening: FEFTA / CFIUS filing triggers.", no_args_is_help=True)

SourceArg = Annotated[str, typer.Argument(metavar="FILE|GRAPH", help="An ownership file, or a loaded graph's name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RegimeOption = Annotated[str, typer.Option("--regime", help=f"One of: {', '.join(REGIME_CODES)}.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="ISO date the rules are read at (default today).")]
ReportOption = Annotated[Path | None, typer.Option("--report", help="Also write the report here "
                                                   f"({', '.join(REPORT_FORMATS)}, by the suffix).")]
_MARK = {Tri.YES: "[red]yes[/]", Tri.NO: "[green]no[/]", Tri.UNDETERMINED: "[yellow]undetermined[/]"}


def _cite(citation: Citation) -> str:
    """A citation for the console, marked unconfirmed when its text was recalled rather than checked."""
    return f"[dim][{citation.label()}][/]"


@app.command("load")
def load(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="CSV, BODS 0.4 JSON/JSONL, GLEIF API JSON (file or "
                                         "folder) or FollowTheMoney JSONL.")],
    name: Annotated[str | None, typer.Option(help="Name to store the graph under (default: the file name).")] = None,
    fmt: Annotated[str, typer.Option("--format", help=f"auto or one of: {', '.join(FORMATS)}.")] = "auto",
    as_json: JsonOption = False,
) -> None:
    """Validate an ownership file and store it as a named graph (the previous graph of that name stays on error)."""
    info = service.load(path, name, fmt)
    if as_json:
        print_json(asdict(info))
        return
    console.print(f"loaded {info.source_format} graph [bold]{info.name}[/]: {info.parties:,} parties, "
                  f"{info.edges:,} interests, {info.claims:,} declared indirect interests (from {info.source})")


@app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """The loaded graphs."""
    graphs = service.list_graphs()
    if as_json:
        print_json([asdict(g) for g in graphs])
        return
    table = Table()
    for column in ("name", "format", "parties", "interests", "loaded", "source"):
        table.add_column(column)
    for g in graphs:
        table.add_row(g.name, g.source_format, str(g.parties), str(g.edges), g.loaded_at, g.source)
    console.print(table)


@app.command("share")
def share(
    source: SourceArg,
    owner: Annotated[str, typer.Argument(help="Owner id or exact name.")],
    owned: Annotated[str, typer.Argument(help="Owned company id or exact name.")],
    regime_code: RegimeOption = "none",
    as_json: JsonOption = False,
) -> None:
    """OWNER's share in OWNED as a regime counts it (default: integrated economic ownership)."""
    result = service.share(service.open_source(source), owner, owned, regime_code)
    if as_json:
        print_json(result.to_dict())
        return
    parties = result.graph.parties
    console.print(f"{parties[result.owner].name} → {parties[result.owned].name}: [bold]{result.share.label()}[/] "
                  f"under {result.regime.code} ({result.regime.describe()})")
    for citation in result.regime.citations:
        console.print(f"  {_cite(citation)}")


@app.command("chain")
def chain(source: SourceArg, target: Annotated[str, typer.Argument(help="Target id or exact name.")],
          as_json: JsonOption = False) -> None:
    """Everyone with a chain of interests to TARGET, each screened against every list."""
    result = service.chain(service.open_source(source), target)
    if as_json:
        print_json(result.to_dict())
        return
    parties = result.graph.parties
    table = Table(title=f"chain of {parties[result.target].name}")
    for column in ("owner", "owned", "interest", "share"):
        table.add_column(column)
    for e in result.edges:
        table.add_row(parties[e.owner].name, parties[e.owned].name, ", ".join(e.interest_types),
                      e.label())
    console.print(table)
    members = result.members
    hits = [s for s in result.screens.values() if s.hits]
    for s in hits:
        best = s.hits[0]
        also = [code for code in s.lists if code != best.list_code]  # equal scores sort by list code
        on = f" (also on {', '.join(also)})" if also else ""
        console.print(f"[red]listed?[/] {s.name}: {best.list_code} {best.name!r} score {best.score:.2f}{on} — "
                      f"{best.explanation}", soft_wrap=True)
    if not hits:
        console.print(f"no party in the chain ({len(members)}) has a screening hit")


@app.command("ubo")
def ubo(source: SourceArg, target: Annotated[str, typer.Argument(help="Target id or exact name.")],
        regime_code: RegimeOption = "eu-amlr", as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Beneficial owners and controllers of TARGET under one regime."""
    result = service.ubo(service.open_source(source), target, regime_code, as_of)
    rule = result.regime
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"[bold]{rule.name}[/] — {rule.describe()}")
    console.print(f"answer: {_MARK[result.answer]} · {result.headline}", soft_wrap=True)
    table = Table()
    for column in ("party", "kind", "country", "share", "meets", "basis"):
        table.add_column(column)
    for h in result.holders:
        table.add_row(h.name, h.kind, h.country or "", h.share.label() if h.share else "", _MARK[h.meets], h.basis)
    if result.holders:
        console.print(table)
    for note in result.assumptions:
        console.print(f"[dim]assumption: {note}[/]", soft_wrap=True)


@app.command("check")
def check(source: SourceArg, target: Annotated[str, typer.Argument(help="Target id or exact name.")],
          as_of: AsOfOption = None, report: ReportOption = None, as_json: JsonOption = False) -> None:
    """Every regime's answer for TARGET, screening of its chain, derived statuses and declared-figure checks."""
    result = service.check(service.open_source(source), target, as_of)
    graph = result.graph
    if report is not None:
        service.write_report(service.check_report(result), report)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"{graph.parties[result.target].name} — as of {result.as_of}", show_lines=True)
    for column in ("regime", "rule applied", "answer", "finding"):
        table.add_column(column, overflow="fold")
    for code, item in result.answers.items():
        table.add_row(code, item.regime.describe(), _MARK[item.answer], item.headline)
    console.print(table)
    for status in result.statuses:
        console.print(f"[red]•[/] {status}", soft_wrap=True)
    for claim in result.claims:
        console.print(f"declared {graph.parties[claim.claim.owner].name} → {graph.parties[claim.claim.owned].name}: "
                      f"{claim.verdict} ({claim.explanation})", soft_wrap=True)
    if report is not None:
        console.print(f"report written to {report}")


@invest_app.command("check")
def invest_check(
    graph_source: Annotated[str, typer.Option("--graph", help="An ownership file or a loaded graph's name.")],
    target: Annotated[str, typer.Option("--target", help="The company invested in (id or exact name).")],
    investor: Annotated[str, typer.Option("--investor", help="The acquirer (id or exact name).")],
    stake: Annotated[str, typer.Option("--stake", help="Stake acquired, e.g. 5%.")],
    regime_code: Annotated[str, typer.Option("--regime", help="jp-fefta or us-cfius.")],
    listed: Annotated[bool | None, typer.Option("--listed/--unlisted", help="FEFTA: target listed or not "
                                                "(default: from the data).")] = None,
    sector: Annotated[list[str] | None, typer.Option("--sector", help="FEFTA business sector code (repeat).")] = None,
    financial_institution: Annotated[bool, typer.Option(help="FEFTA: the investor is a foreign financial "
                                                        "institution.")] = False,
    sanctioned: Annotated[bool, typer.Option(help="FEFTA: the investor was sanctioned under FEFTA before.")] = False,
    tid: Annotated[list[str] | None, typer.Option("--tid", help="CFIUS: critical-technologies, "
                                                  "critical-infrastructure, sensitive-personal-data.")] = None,
    right: Annotated[list[str] | None, typer.Option("--right", help="CFIUS: control, board, access, "
                                                    "involvement (repeat).")] = None,
    export_licence: Annotated[bool | None, typer.Option(
        "--export-licence/--no-export-licence", "--export-license/--no-export-license",
        help="CFIUS: an export licence would be needed (--export-license is accepted too).")] = None,
    excepted_investor: Annotated[bool, typer.Option(help="CFIUS: the investor is an excepted investor.")] = False,
    note: Annotated[Path | None, typer.Option("--note", help="Also write the investor note (JSON) here.")] = None,
    as_of: AsOfOption = None,
    report: ReportOption = None,
    as_json: JsonOption = False,
) -> None:
    """Whether acquiring STAKE of TARGET needs FEFTA prior notification or a CFIUS mandatory declaration."""
    options = service.InvestOptions(listed, sector or [], financial_institution, sanctioned, tid or [], right or [],
                                    export_licence, excepted_investor)
    outcome = service.invest(service.open_source(graph_source), target, investor, service.parse_stake(stake),
                             regime_code, options, as_of=as_of, note=note is not None)
    result, parties = outcome.trigger, outcome.graph.parties
    if note is not None:
        atomic_write_text(note, json.dumps(outcome.note, ensure_ascii=False, indent=2))
    if report is not None:
        service.write_report(service.invest_report(outcome), report)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"[bold]{result.filing}[/] ({_MARK[result.required]}) — {parties[result.investor].name} "
                  f"acquiring {result.stake:.2%} of {parties[result.target].name} (rules as of {result.as_of})",
                  soft_wrap=True)
    for finding in result.findings:
        cite = f" {_cite(finding.citation)}" if finding.citation else ""
        console.print(f"  • {finding.text}{cite}", soft_wrap=True)
    for question in result.questions:
        console.print(f"  ? {question.text}", soft_wrap=True)
    if note is not None:
        console.print(f"investor note written to {note}")
    if report is not None:
        console.print(f"report written to {report}")


def bench_ownership(
    companies: Annotated[int, typer.Option(help="Companies in the synthetic graph.")] = 1_000_000,
    edges: Annotated[int, typer.Option(help="Ownership edges in the synthetic graph.")] = 2_000_000,
    baseline_budget: Annotated[float, typer.Option(help="Seconds after which the path baseline stops growing.")] = 20.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Integrated ownership on a large synthetic graph beside a naive path-enumeration baseline."""
    from kizuna.ownership.bench import run_benchmark  # numpy/scipy graph generation: only for the benchmark

    run_benchmark(companies, edges, baseline_budget, seed, lambda line: console.print(line, markup=False))
