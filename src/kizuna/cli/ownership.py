"""``kizuna ownership load|chain|ubo|share|check``, ``kizuna invest check`` and ``kizuna bench ownership``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.bench import app as bench_app
from kizuna.cli.output import console, print_json
from kizuna.core.atomic import atomic_write_text
from kizuna.ownership.bench import run_benchmark
from kizuna.ownership.load import FORMATS
from kizuna.ownership.model import Tri
from kizuna.ownership.regimes import answer, attribute
from kizuna.ownership.report import assess, investor_note
from kizuna.ownership.rules import REGIME_CODES, regime
from kizuna.ownership.screen import listed_map, screen_parties
from kizuna.ownership.store import list_graphs, load_and_save, resolve_source
from kizuna.ownership.triggers import cfius_check, fefta_check, parse_stake

app = typer.Typer(help="Ownership graphs: load, chains, beneficial owners, attributed shares, checks.",
                  no_args_is_help=True)
invest_app = typer.Typer(help="Investment screening: FEFTA / CFIUS filing triggers.", no_args_is_help=True)

SourceArg = Annotated[str, typer.Argument(metavar="FILE|GRAPH", help="An ownership file, or a loaded graph's name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RegimeOption = Annotated[str, typer.Option("--regime", help=f"One of: {', '.join(REGIME_CODES)}.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="ISO date the rules are read at (default today).")]
_MARK = {Tri.YES: "[red]yes[/]", Tri.NO: "[green]no[/]", Tri.UNDETERMINED: "[yellow]undetermined[/]"}


@app.command("load")
def load(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="CSV, BODS 0.4 JSON/JSONL, GLEIF API JSON (file or "
                                         "folder) or FollowTheMoney JSONL.")],
    name: Annotated[str | None, typer.Option(help="Name to store the graph under (default: the file name).")] = None,
    fmt: Annotated[str, typer.Option("--format", help=f"auto or one of: {', '.join(FORMATS)}.")] = "auto",
    as_json: JsonOption = False,
) -> None:
    """Validate an ownership file and store it as a named graph (the previous graph of that name stays on error)."""
    info = load_and_save(path, name, fmt)
    if as_json:
        print_json(asdict(info))
        return
    console.print(f"loaded {info.source_format} graph [bold]{info.name}[/]: {info.parties:,} parties, "
                  f"{info.edges:,} interests, {info.claims:,} declared indirect interests (from {info.source})")


@app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """The loaded graphs."""
    graphs = list_graphs()
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
    graph = resolve_source(source)
    rule = regime(regime_code)
    owner_id, owned_id = graph.resolve(owner), graph.resolve(owned)
    result = attribute(graph, owner_id, owned_id, rule)
    payload = {"owner": owner_id, "owned": owned_id, "share": result.percent(), "regime": rule.code,
               "rule": rule.describe(), "citations": [c.to_dict() for c in rule.rules]}
    if as_json:
        print_json(payload)
        return
    console.print(f"{graph.parties[owner_id].name} → {graph.parties[owned_id].name}: [bold]{result.label()}[/] "
                  f"under {rule.code} ({rule.describe()})")
    for citation in rule.rules:
        unverified = "" if citation.verified else " (not verified against the primary text)"
        console.print(f"  [dim]{citation.citation}{unverified}[/]")


@app.command("chain")
def chain(source: SourceArg, target: Annotated[str, typer.Argument(help="Target id or exact name.")],
          as_json: JsonOption = False) -> None:
    """Everyone with a chain of interests to TARGET, each screened against every list."""
    graph = resolve_source(source)
    target_id = graph.resolve(target)
    members = graph.ancestors(target_id)
    screens = screen_parties(graph, members)
    edges = [e for e in graph.edges if e.owner in members and e.owned in members]
    if as_json:
        print_json({"target": target_id, "parties": [
            {"id": p, "name": graph.parties[p].name, "kind": graph.parties[p].kind.value,
             "country": graph.parties[p].country, "screening": screens[p].to_dict()} for p in members],
            "edges": [{"owner": e.owner, "owned": e.owned, "share": None if e.share is None else e.share.percent(),
                       "kind": e.kind.value, "interests": e.interest_types} for e in edges]})
        return
    table = Table(title=f"chain of {graph.parties[target_id].name}")
    for column in ("owner", "owned", "interest", "share"):
        table.add_column(column)
    for e in edges:
        table.add_row(graph.parties[e.owner].name, graph.parties[e.owned].name, ", ".join(e.interest_types),
                      e.share.label() if e.share else ("control" if e.kind.value == "control" else "unknown"))
    console.print(table)
    hits = [s for s in screens.values() if s.hits]
    for s in hits:
        best = s.hits[0]
        console.print(f"[red]listed?[/] {s.name}: {best.list_code} {best.name!r} score {best.score:.2f} — "
                      f"{best.explanation}", soft_wrap=True)
    if not hits:
        console.print(f"no party in the chain ({len(members)}) has a screening hit")


@app.command("ubo")
def ubo(source: SourceArg, target: Annotated[str, typer.Argument(help="Target id or exact name.")],
        regime_code: RegimeOption = "eu-amlr", as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Beneficial owners and controllers of TARGET under one regime."""
    graph = resolve_source(source)
    target_id = graph.resolve(target)
    rule = regime(regime_code)
    listed = listed_map(screen_parties(graph, graph.ancestors(target_id))) if rule.method == "aggregate-50" else {}
    result = answer(graph, target_id, rule, listed, as_of)
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
          as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Every regime's answer for TARGET, screening of its chain, derived statuses and declared-figure checks."""
    graph = resolve_source(source)
    result = assess(graph, graph.resolve(target), as_of)
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
    as_json: JsonOption = False,
) -> None:
    """Whether acquiring STAKE of TARGET needs FEFTA prior notification or a CFIUS mandatory declaration."""
    graph = resolve_source(graph_source)
    target_id, investor_id = graph.resolve(target), graph.resolve(investor)
    fraction = parse_stake(stake)
    if regime_code == "jp-fefta":
        result = fefta_check(graph, target_id, investor_id, fraction, listed=listed, sectors=sector or [],
                             financial_institution=financial_institution, sanctioned=sanctioned)
    elif regime_code == "us-cfius":
        result = cfius_check(graph, target_id, investor_id, fraction, tid=tid or [], export_licence=export_licence,
                             rights=right or [], excepted_investor=excepted_investor)
    else:
        regime(regime_code)  # unknown codes get the list of codes
        raise typer.BadParameter("invest check takes --regime jp-fefta or us-cfius")
    if note is not None:
        atomic_write_text(note, json.dumps(investor_note(assess(graph, investor_id, as_of), result),
                                           ensure_ascii=False, indent=2))
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"[bold]{result.filing}[/] ({_MARK[result.required]}) — {graph.parties[investor_id].name} "
                  f"acquiring {fraction:.2%} of {graph.parties[target_id].name}", soft_wrap=True)
    for finding in result.findings:
        cite = f" [dim][{finding.citation.citation}][/]" if finding.citation else ""
        console.print(f"  • {finding.text}{cite}", soft_wrap=True)
    for question in result.questions:
        console.print(f"  ? {question.text}", soft_wrap=True)
    if note is not None:
        console.print(f"investor note written to {note}")


@bench_app.command("ownership")
def bench_ownership(
    companies: Annotated[int, typer.Option(help="Companies in the synthetic graph.")] = 1_000_000,
    edges: Annotated[int, typer.Option(help="Ownership edges in the synthetic graph.")] = 2_000_000,
    baseline_budget: Annotated[float, typer.Option(help="Seconds after which the path baseline stops growing.")] = 20.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Integrated ownership on a large synthetic graph beside a naive path-enumeration baseline."""
    run_benchmark(companies, edges, baseline_budget, seed, lambda line: console.print(line, markup=False))
