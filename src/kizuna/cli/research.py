"""``kizuna research …``: shared priorities, affiliations resolved to ROR, co-authorship strength, and due
diligence of institutions, researchers and proposal teams; and ``kizuna bench research``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kizuna.cli.output import console, print_json
from kizuna.core.errors import InputError
from kizuna.core.report import write
from kizuna.core.tables import SafeCsvWriter, write_table
from kizuna.research import bench, service
from kizuna.research.fetch import fetch_ror
from kizuna.research.priorities import EXPORT_HEADER

app = typer.Typer(help="Research security: screen partners and funders.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PriorityOpt = Annotated[str | None, typer.Option("--priority", help="Memo priority: AI, quantum computing, "
                                                 "high-energy-density science, biosecurity.")]
WorksOpt = Annotated[Path | None, typer.Option("--works", help="Your own OpenAlex works (JSON, API page or JSON "
                                               "Lines) instead of the bundled sample.")]
_REPO_BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "research"


@app.command("resolve")
def resolve_command(affiliation: Annotated[str, typer.Argument(help="An affiliation string in any script, or a "
                                                               "ROR id.")],
                    country: Annotated[str | None, typer.Option(help="The organisation's country (ISO code or "
                                                                "name), where the source gives it.")] = None,
                    json_output: JsonOpt = False) -> None:
    """Resolve an affiliation string to its ROR organisation and parent, with the score and the reasons."""
    result = service.resolve_affiliation(affiliation, country)
    if json_output:
        print_json(result.to_dict())
        return
    data = result.to_dict()
    if data["ror_id"] is None:
        console.print(f"no match ({escape(data['ror_release'])})")
    else:
        parent = data["parent"]
        console.print(f"{escape(data['name'])}  {data['ror_id']}  score {data['score']:.2f}"
                      + (f"\nparent: {escape(parent['name'])}  {parent['ror_id']}" if parent else ""))
    for reason in data["reasons"]:
        console.print(f"  - {escape(reason)}")


@app.command("check")
def check_command(query: Annotated[str | None, typer.Argument(help="An institution: name in any script, or ROR "
                                                              "id.")] = None,
                  orcid: Annotated[Path | None, typer.Option("--orcid", help="A researcher's ORCID record (public "
                                                             "data file XML).")] = None,
                  team: Annotated[Path | None, typer.Option("--team", help="A proposal team (CSV/xlsx: member, "
                                                            "orcid_file, openalex_author, affiliations, "
                                                            "past_affiliations, funders).")] = None,
                  openalex_author: Annotated[str | None, typer.Option("--openalex-author", help="An OpenAlex "
                                                                      "author id (A…) in the works.")] = None,
                  works: WorksOpt = None, priority: PriorityOpt = None,
                  report: Annotated[Path | None, typer.Option("--report", help="Write the report to file "
                                                              "(.json, .csv, .xlsx, .html or .pdf).")] = None,
                  json_output: JsonOpt = False) -> None:
    """Due diligence: every affiliation, funder and co-authoring institution resolved to ROR, then checked with
    its ROR parents against the restricted lists and the cited defence-linked data. Exit 1 when something is
    found. Organisations only: nationality, ethnicity and a person's name alone are refused."""
    given = [x for x in (query, orcid, team, openalex_author) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of NAME_OR_ROR_ID, --orcid, --team, --openalex-author", field="query")
    if orcid is not None:
        result = service.check_orcid(orcid, priority)
    elif team is not None:
        result = service.check_team(team, works, priority)
    elif openalex_author is not None:
        result = service.check_openalex_author(openalex_author, works, priority)
    else:
        result = service.check(str(query), priority)
    if report is not None:
        write(result.report(), report)
    if json_output:
        print_json(result.to_dict())
    else:
        _print_check(result)
    if result.findings:
        raise typer.Exit(1)


def _print_check(result: service.Diligence) -> None:
    data = result.to_dict()
    console.print(f"{escape(data['subject'])}: {escape(data['outcome'])}  ({escape(data['ror_release'])}; "
                  f"{len(data['resolved'])} affiliation(s) resolved, {len(data['unresolved'])} not)")
    if data["priority_filter"]:
        console.print(escape(data["priority_filter"]["text"]), soft_wrap=True)
    for f in data["findings"]:
        console.print(f"[bold]{escape(f['rule'])}[/] {escape(f['organisation']['name'])} "
                      f"({f['organisation']['ror_id']}) — {escape(f['relation'])}: {escape(f['listed']['name'])} "
                      f"— {f['confidence']}")
        for e in f["evidence"]:
            console.print(f"    {escape(e['source'])}: {escape(e['entry'])} — {escape(e['citation'])} ({e['date']}; "
                          f"{e['confidence']})", soft_wrap=True)
    for item in data["unresolved"]:
        console.print(f"  not resolved: {escape(item['text'])} — {escape('; '.join(item['reasons']))}")
    for item in data["not_checked"]:
        console.print(f"  not checked: {escape(item['subject'])} — {escape(item['reason'])}")


@app.command("priorities")
def priorities_command(priority: PriorityOpt = None,
                       search: Annotated[str | None, typer.Option("--search", help="Only rows containing this "
                                                                  "text.")] = None,
                       csv_output: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
                       export: Annotated[Path | None, typer.Option("--export", help="Write CSV or xlsx.")] = None,
                       json_output: JsonOpt = False) -> None:
    """The US–Japan priority crosswalk: CET 2024 areas, ESPA areas, CAO 2025 areas, Moonshot goals and the memo's
    priorities, each row with its overlap, confidence and citation."""
    rows = service.priority_rows(priority, search)
    if export is not None:
        write_table(export, EXPORT_HEADER, [r.row() for r in rows])
    if json_output:
        print_json([r.to_dict() for r in rows])
    elif csv_output:
        writer = SafeCsvWriter(sys.stdout)
        writer.writerow(EXPORT_HEADER)
        for row in rows:
            writer.writerow(row.row())
    else:
        table = Table()
        for column in ("area", "memo priorities", "Japan (ESPA / CAO 2025)", "Moonshot", "overlap", "confidence"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(r.title, "; ".join(r.memo_priorities),
                          "; ".join(r.jp_espa_areas) + " / " + "; ".join(r.jp_cao2025_areas),
                          "; ".join(r.moonshot_goals), r.overlap, r.confidence)
        console.print(table)


@app.command("coauthors")
def coauthors_command(priority: Annotated[str, typer.Option("--priority", help="Memo priority (AI, quantum "
                                                            "computing, …).")],
                      country: Annotated[str | None, typer.Option(help="Focus on this country (ISO alpha-2): its "
                                                                  "institutions, pairs and partners.")] = None,
                      works: WorksOpt = None,
                      year: Annotated[int | None, typer.Option(help="Year of the country figures.")] = None,
                      json_output: JsonOpt = False) -> None:
    """Who is strong in a priority area, and who already works together (countries and institutions)."""
    result = service.strength(priority, country, works, year)
    if json_output:
        print_json(result.to_dict())
        return
    for title, rows, label in (("countries by works", result.countries, lambda r: r["country"]),
                               ("institutions by works", result.institutions,
                                lambda r: f"{r['name']} ({r['country']})"),
                               ("institution pairs", result.institution_pairs,
                                lambda r: f"{r['a']['name']} – {r['b']['name']}"),
                               ("country pairs", result.country_pairs, lambda r: f"{r['a']}–{r['b']}"),
                               (f"partners of {result.country}", result.partners, lambda r: r["country"])):
        if rows:
            table = Table(title=title)
            table.add_column("who", overflow="fold")
            table.add_column("works", justify="right")
            for row in rows:
                table.add_row(escape(str(label(row))), f"{row['works']:,}")
            console.print(table)
    console.print("sources: " + "; ".join(result.sources))
    for note in result.notes:
        console.print(f"note: {escape(note)}")


@app.command("fetch-ror")
def fetch_ror_command(url: Annotated[str | None, typer.Option(help="Where to download the ROR data dump zip "
                                                              "(default: Zenodo, from data/research/rules.yaml)."
                                                              )] = None,
                      file: Annotated[Path | None, typer.Option(help="A dump zip already downloaded.")] = None) -> None:
    """Load the full ROR data dump (CC0) in place of the bundled union of recent records."""
    fetched = fetch_ror(url, file)
    console.print(f"{fetched.organisations:,} organisations of {escape(fetched.release)} → {fetched.path}")


def bench_research(labelled: Annotated[Path, typer.Option(help="Labelled affiliation strings (CSV).")]
                   = _REPO_BENCH / "affiliations.csv",
                   team: Annotated[Path, typer.Option(help="A team file to time.")] = _REPO_BENCH / "team50.csv",
                   split: Annotated[str | None, typer.Option(help="Only this split (dev, test).")] = None,
                   show: Annotated[int, typer.Option(help="Wrong answers to list.")] = 20,
                   json_output: JsonOpt = False) -> None:
    """Affiliation resolution (P@1, "no match" recall) beside a rapidfuzz baseline, and a team's due diligence
    timed."""
    accuracy = bench.resolution(labelled, split)
    timing = bench.team(team)
    if json_output:
        print_json({"resolution": accuracy, "team": timing})
        return
    table = Table(title=f"{accuracy['strings']} labelled strings ({accuracy['split']}), {accuracy['ror_release']}")
    for column in ("method", "P@1", "strings with an organisation", '"no match" recall', "no-match strings",
                   "seconds"):
        table.add_column(column, justify="right")
    for key in ("kizuna", "baseline"):
        r = accuracy[key]
        table.add_row(r["method"], f"{r['p_at_1']:.3f}", str(r["with_organisation"]), f"{r['no_match_recall']:.3f}",
                      str(r["no_match_strings"]), f"{r['seconds']:.1f}")
    console.print(table)
    for wrong in accuracy["kizuna"]["wrong"][:show]:
        console.print(f"  kizuna wrong: {escape(wrong['affiliation'])} → {wrong['got']} (expected "
                      f"{wrong['expected']}, {wrong['category']})")
    console.print(f"team {timing['team_file']}: {timing['members']} members, {timing['affiliations']} affiliations, "
                  f"{timing['organisations']} organisations, {timing['findings']} findings; load "
                  f"{timing['load_seconds']:.2f} s, check {timing['best_seconds']:.2f} s (best of "
                  f"{len(timing['check_seconds'])})")
