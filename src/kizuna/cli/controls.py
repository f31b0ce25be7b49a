"""``kizuna controls …``: the allied control lists as data — CCL entries and search, the gap matrix, what changed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kizuna.cli.output import console, print_json
from kizuna.controls import service
from kizuna.controls.gaps import JURISDICTIONS
from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError
from kizuna.core.pdf import render_pdf
from kizuna.core.report import to_html
from kizuna.core.tables import SafeCsvWriter, write_table

app = typer.Typer(help="Allied control lists as data: CCL entries and search, the gap matrix, what changed.",
                  no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CclOpt = Annotated[Path | None, typer.Option("--ccl", help="Another edition of the CCL: an eCFR part 774 file (JSON, "
                                             ".json.gz, or the eCFR XML). Default: the bundled 2026-07-23 text.")]
CclDateOpt = Annotated[str | None, typer.Option("--ccl-date", help="The date that file's text is as of.")]
CategoryOpt = Annotated[str, typer.Option("--category", help="CCL category or group: 3, 3B (default: all rows).")]


def _only_one(**flags: bool) -> None:
    chosen = [name for name, on in flags.items() if on]
    if len(chosen) > 1:
        raise InputError(f"choose one of {', '.join('--' + n for n in chosen)}", field=f"--{chosen[-1]}")


def _mark(confidence: str) -> str:
    return f"{confidence} [yellow](unconfirmed)[/]" if confidence == "recalled" else confidence


@app.command()
def entry(reference: Annotated[str, typer.Argument(help="An ECCN or paragraph (3A090, 3A090.a.2), or a Wassenaar "
                                                       "code (3.B.1.f).")],
          ccl: CclOpt = None, ccl_date: CclDateOpt = None, as_json: JsonOpt = False) -> None:
    """An ECCN or paragraph of the Commerce Control List: its text, notes, related controls, crosswalk rows."""
    result = service.entry(reference, service.edition(ccl, ccl_date))
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]{result['reference']}[/] — {escape(result['heading'])}")
    if result["read_as"]:
        console.print(f"[dim]{escape(result['read_as'])}[/]")
    console.print(escape(result["text"]))
    for note in result["notes"] + result["entry_notes"]:
        console.print(f"  [italic]{escape(note['heading'])}[/] {escape(note['text'][:400])}")
    for paragraph in (result["paragraph"] or {}).get("children", result["paragraphs"]):
        console.print(f"  {paragraph['label']}. {escape(paragraph['text'][:160])}")
    if result["related_controls"]:
        console.print(f"Related controls: {escape(result['related_controls'][:600])}")
    if result["licence_requirements"]:
        first = result["licence_requirements"][0]
        console.print(f"Licence requirements ({first['confidence']}: a parse of the eCFR of {first['edition']}):")
        for row in result["licence_requirements"]:
            applies = {True: "applies", False: "does not apply", None: "depends on the paragraph"}[row["applies"]]
            what = row["column"] or row["special"] or row.get("note", "")
            console.print(f"  {row['reason'] or '—':3} {escape(row['scope'] or row['kind']):14} {escape(what[:150])} "
                          f"[dim]({applies})[/]")
    if result["wassenaar"]:
        console.print(f"Wassenaar 2025: {result['wassenaar']['wa_code']} (EU Annex I {result['wassenaar']['eu_code']})")
    for row in result["crosswalk"]:
        console.print(f"Crosswalk line {row['line']} ({row['us_eccn']}, {_mark(str(row['confidence']))}): "
                      f"WA {escape(str(row['wassenaar_code']))}; JP {escape(str(row['jp_item'])[:80])}")
    console.print(f"[dim]{result['sources'][0]['citation']}[/]")


@app.command()
def jp(item: Annotated[str, typer.Argument(help="An item (項) of 別表第一: 7, 3の2 (or 3-2), 16.")],
       as_json: JsonOpt = False) -> None:
    """An item of Japan's Export Trade Control Order, appended table 1 (別表第一), from the e-Gov text."""
    result = service.jp_item(item)
    if as_json:
        print_json(result)
        return
    category = f" · Wassenaar category {result['wassenaar_category']}" if result["wassenaar_category"] else ""
    console.print(f"[bold]別表第一 {result['item']}の項[/] → {escape(result['destinations'])}{category}")
    for sentence in result["sentences"]:
        console.print(f"  {escape(sentence['text'])}")
    if result["sme_items_2023"]:
        console.print(f"{len(result['sme_items_2023'])} SME items of 2023 under this item (貨物等省令, in force "
                      f"{result['sme_items_2023'][0]['in_force']}; [yellow]unconfirmed[/] where recalled):")
        for sme in result["sme_items_2023"]:
            mark = " [yellow](unconfirmed)[/]" if sme["confidence"] == "recalled" else ""
            console.print(f"  {sme['seq']:4} {escape(sme['description'])} — US {escape(sme['us_analogue'])}{mark}")
    console.print(f"[dim]{result['sources'][0]['citation']}[/]")


@app.command()
def search(query: Annotated[str, typer.Argument(help="English words; every one must appear.")],
           category: CategoryOpt = "", limit: Annotated[int, typer.Option(help="At most this many hits.")] = 50,
           ccl: CclOpt = None, ccl_date: CclDateOpt = None, as_json: JsonOpt = False) -> None:
    """Search the CCL's English text (headings, paragraphs, notes, related controls)."""
    result = service.search(query, category or None, limit, service.edition(ccl, ccl_date))
    if as_json:
        print_json(result)
        return
    for hit in result["hits"]:
        console.print(f"[bold]{hit['reference']}[/] ({hit['where']}): {escape(hit['text'][:200])}")
    console.print(f"[dim]{result['count']} hits · CCL as of {result['as_of']}[/]")


@app.command()
def gaps(category: CategoryOpt = "",
         as_of: Annotated[str | None, typer.Option("--as-of", help="The matrix on this date (YYYY-MM-DD).")] = None,
         show: Annotated[str, typer.Option("--show", help="all, unilateral (one jurisdiction alone) or unknown "
                                           "(rows with unknown cells).")] = "all",
         controlled_by: Annotated[str | None, typer.Option("--controlled-by", help="Only the rows this jurisdiction "
                                                            "controls (its list as of the date): US, JP, NL, EU, KR, "
                                                            "TW, WA.")] = None,
         as_json: JsonOpt = False, as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
         html: Annotated[Path | None, typer.Option("--html", help="Write a printable HTML report here.")] = None,
         pdf: Annotated[Path | None, typer.Option("--pdf", help="Write a PDF report here (Chromium).")] = None,
         output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the CSV here (.csv or .xlsx) "
                                                     "instead of standard output.")] = None) -> None:
    """The gap matrix: per item family, each jurisdiction's control (since when, which code, which confidence)."""
    _only_one(json=as_json, csv=as_csv)
    report, result = service.gap_report(category, as_of, show, controlled_by)
    if html or pdf:
        page = to_html(report, "controls/gaps_report.html", matrix=result)
        if html:
            atomic_write_text(html, page)
            console.print(f"wrote {html}")
        if pdf:
            render_pdf(page, pdf)
            console.print(f"wrote {pdf}")
        return
    if as_json:
        print_json(result.to_dict())
        return
    if as_csv or output:
        header, rows = service.gap_csv_rows(result)
        if output:
            write_table(output, header, rows)
        else:
            writer = SafeCsvWriter(sys.stdout)
            writer.writerow(header)
            writer.writerows(rows)
        return
    _print_matrix(result.to_dict())


def _cell_text(cell: dict[str, Any]) -> str:
    colour = {"controlled": "green", "not controlled": "red", "unknown": "yellow"}[cell["status"]]
    since = "" if not cell["since"] else f" {cell['since']}" if cell["status"] == "controlled" else \
        f" (from {cell['since']})"
    mark = "?" if cell["unconfirmed"] else ""
    return f"[{colour}]{ {'controlled': 'yes', 'not controlled': 'no', 'unknown': '—'}[cell['status']]}{since}{mark}[/]"


def _print_matrix(result: dict[str, Any]) -> None:
    table = Table(title=f"Gap matrix, category {result['category']}, as of {result['as_of'] or 'all dates'}")
    table.add_column("item family")
    for j in JURISDICTIONS:
        table.add_column(j)
    for row in result["rows"]:
        name = escape(row["family"]) + (" [bold red]unilateral[/]" if row["unilateral"] else "")
        table.add_row(name, *(_cell_text(row["cells"][j]) for j in JURISDICTIONS))
    console.print(table)
    s = result["summary"]
    console.print(f"{s['rows']} rows: {s['unilateral']} unilateral, {s['unknown_cells']} unknown cells, "
                  f"{s['unconfirmed_rows']} unconfirmed (recalled rows; '?' marks their cells).")


@app.command()
def diff(date_from: Annotated[str, typer.Option("--from", help="The earlier date (YYYY-MM-DD).")],
         date_to: Annotated[str, typer.Option("--to", help="The later date (YYYY-MM-DD).")],
         category: CategoryOpt = "", as_json: JsonOpt = False) -> None:
    """What changed between two dates: cells of the gap matrix that changed, and the measures in between."""
    result = service.diff(date_from, date_to, category)
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]{result['summary']['changed_cells']}[/] cells changed from {result['from']} to "
                  f"{result['to']} (category {result['category']}): "
                  + ", ".join(f"{j} {n}" for j, n in result["summary"]["by_jurisdiction"].items()))
    for change in result["changes"]:
        console.print(f"  {change['since'] or '—':10} {change['jurisdiction']:3} {escape(change['family'])}: "
                      f"{change['before']} → {change['after']} ({change['confidence']}"
                      + (", [yellow]unconfirmed[/])" if change["unconfirmed"] else ")"))
    console.print("Measures in between:")
    for measure in result["measures"]:
        unconfirmed = " [yellow](unconfirmed)[/]" if measure["level"] == "recalled" else ""
        console.print(f"  {measure['date']} {measure['jurisdiction']}: {escape(measure['citation'])}{unconfirmed} — "
                      f"{escape(measure['what'][:140])}")


@app.command("lists")
def lists_command(as_json: JsonOpt = False) -> None:
    """The bundled control lists: records, the date each is as of, citation and confidence."""
    result = service.lists()
    if as_json:
        print_json(result)
        return
    table = Table(title="Control lists")
    for column in ("list", "records", "as of", "confidence", "citation"):
        table.add_column(column)
    for item in result["lists"]:
        table.add_row(item["name"], str(item["records"]), item["as_of"], _mark(item["confidence"]),
                      escape(item["citation"]))
    console.print(table)
