"""``kizuna controls impact``: the impact of a proposed control on a destination's imports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kizuna.cli.output import console, print_json
from kizuna.controls import impact as service
from kizuna.core.errors import InputError
from kizuna.core.tables import SafeCsvWriter


def impact(
    trade: Annotated[Path | None, typer.Option("--trade", help="Your trade file: CEPII BACI (t,i,j,k,v,q) or a UN "
                                               "Comtrade CSV (classic or Comtrade+), CSV or xlsx.")] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="A trade file Kizuna ships instead: "
                                                "taiwan-8542 (Taiwan's IC exports by destination).")] = None,
    hs: Annotated[list[str] | None, typer.Option("--hs", help="HS codes (2, 4 or 6 digits; comma-separate or "
                                                 "repeat).")] = None,
    eccn: Annotated[list[str] | None, typer.Option("--eccn", help="ECCNs, mapped to HS-6 lines through the "
                                                   "indicative table.")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="Destinations, ISO alpha-2 (comma-separate).")] = None,
    adopters: Annotated[list[str] | None, typer.Option("--adopters", help="Countries adopting the control, ISO "
                                                       "alpha-2 (comma-separate).")] = None,
    compare: Annotated[list[str] | None, typer.Option("--compare", help="Adopter sets to compare, each "
                                                      "comma-separated: --compare US,JP US,JP,NL …")] = None,
    extra: Annotated[list[str] | None, typer.Argument(hidden=True, metavar="SETS",
                                                      help="More --compare sets.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year (default: the latest in the file).")] = None,
    tariff_equivalent: Annotated[float | None, typer.Option("--tariff-equivalent", help="The control's cost to "
                                                            "buyers as an ad-valorem tariff equivalent (0.25 = 25 %) "
                                                            "for the diversion estimate; default: per 1 %.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV: one line per destination, product and "
                                         "adopter set.")] = False,
) -> None:
    """The impact of a proposed control: covered and foreign-available shares of a destination's imports."""
    sets = [[s] for s in [*(compare or []), *(extra or [])]] if compare else []
    if extra and not compare:
        raise typer.BadParameter(f"unexpected argument {extra[0]!r}")
    result = service.impact(trade, dataset=dataset, hs=hs or [], eccn=eccn or [], destinations=to or [],
                          adopters=adopters or [], compare=sets, year=year, tariff_equivalent=tariff_equivalent)
    if as_json and as_csv:
        raise InputError("choose --json or --csv, not both", field="--csv")
    data = result.to_dict()
    if as_json:
        print_json(data)
    elif as_csv:
        _csv(data)
    else:
        _print(data)


CSV_COLUMNS = ("destination", "product", "adopters", "year", "total_value", "covered_value", "covered_share",
               "foreign_availability_share", "top_non_adopting_suppliers", "diverted_value", "notes")


def _csv(data: dict[str, Any]) -> None:
    """The rows for a spreadsheet (formula-safe); values in USD, shares as fractions."""
    writer = SafeCsvWriter(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for row in data.get("rows") or [data]:
        suppliers = "; ".join(f"{s['exporter']} {s['share']:.4f}" for s in row["top_non_adopting_suppliers"])
        writer.writerow([row["destination"], row["product"], ",".join(row["adopters"]), row["year"],
                         row["total_value"], row["covered_value"], row["covered_share"],
                         row["foreign_availability_share"], suppliers, row["diversion"]["diverted_value"],
                         "; ".join(row["notes"])])


def _print(data: dict[str, Any]) -> None:
    rows = data.get("rows") or [data]
    trade = data["trade"]
    console.print(f"[bold]Impact of a proposed control[/], {data['year']}, values in USD · "
                  f"trade: {trade.get('title') or trade['file']}")
    table = Table(show_lines=False)
    for column, justify in (("to", "left"), ("HS", "left"), ("adopters", "left"), ("total", "right"),
                            ("covered", "right"), ("covered share", "right"), ("foreign avail.", "right"),
                            ("top non-adopting suppliers", "left"), ("diverted", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        suppliers = ", ".join(f"{s['exporter']} {service.share(s['share'])}" for s in row["top_non_adopting_suppliers"])
        diverted = row["diversion"]["diverted_value"]
        table.add_row(row["destination"], row["product"], ",".join(row["adopters"]), service.money(row["total_value"]),
                      service.money(row["covered_value"]), service.share(row["covered_share"]),
                      service.share(row["foreign_availability_share"]), suppliers or "—",
                      service.money(diverted) if diverted is not None else "—")
    console.print(table)
    model_text = data["diversion_model"]
    t = data["tariff_equivalent"]
    console.print(f"[bold]diverted[/]: {model_text['title']}, at a tariff equivalent of "
                  f"{service.share(t if t is not None else model_text['reference_tariff_equivalent'])}"
                  f"{'' if t is not None else ' (the reference: a sensitivity, not a forecast)'}: "
                  f"{model_text['formula']}")
    for assumption in model_text["assumptions"]:
        console.print(f"  assumption: {assumption}")
    for r in rows:
        if r["diversion"]["reason"]:
            console.print(f"  no estimate for {r['destination']} {r['product']} ({','.join(r['adopters'])}): "
                          f"{r['diversion']['reason']}")
    for note in sorted({n for r in rows for n in r["notes"]}):
        console.print(f"[yellow]note:[/] {note}")
    if "label" in trade:
        console.print(f"[yellow]data:[/] {trade['label']} {trade['source']} {trade['licence']}")
    if "indicative" in data:
        for product in data["products"]:
            for via in product["via_eccn"]:
                console.print(f"[yellow]indicative:[/] {via['eccn']} → {product['hs']} ({product['description']}; "
                              f"listed as {via['listed_as']})")
        console.print(f"  {data['indicative']['label']}")
    for gap in data["not_captured"]:
        console.print(f"[dim]not captured: {gap}[/]")
