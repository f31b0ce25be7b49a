"""``kizuna supplychain …``: scan SBOMs, hardware BOMs and device inventories for covered vendors."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import console, print_json
from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError
from kizuna.core.report import CSV_HEADER, csv_rows, to_html
from kizuna.core.tables import SafeCsvWriter
from kizuna.supplychain import service

app = typer.Typer(help="Supply-chain vendor risk: SBOMs, hardware BOMs and device inventories checked for covered "
                       "vendors, with the rule each finding falls under.", no_args_is_help=True)


@app.command("scan")
def scan(files: Annotated[list[Path], typer.Argument(help="CycloneDX/SPDX documents and CSV/xlsx inventories "
                                                          "(the kind is read from the content).")],
         as_json: Annotated[bool, typer.Option("--json", help="Print findings, reviews and concentration as JSON.")]
         = False,
         as_csv: Annotated[bool, typer.Option("--csv", help="Print the report as CSV.")] = False,
         as_html: Annotated[bool, typer.Option("--html", help="Print the report as HTML.")] = False,
         without_country: Annotated[list[str] | None, typer.Option("--without-country",
                                    help="What-if: this country (ISO code) unavailable.")] = None,
         without_supplier: Annotated[list[str] | None, typer.Option("--without-supplier",
                                     help="What-if: this supplier unavailable.")] = None,
         vex: Annotated[Path | None, typer.Option("--vex", help="Write the (one) CycloneDX JSON input with the "
                                                  "findings as CycloneDX annotations to this file.")] = None) -> None:
    """Find covered vendors' products by name, MAC block, CPE, package URL, FCC ID and model; print each finding
    with its rule, and the supplier concentration of the BOMs."""
    for path in files:
        if not path.is_file():
            raise InputError("no such file", path=path)
    result = service.scan_files(files, without_countries=without_country or (),
                                without_suppliers=without_supplier or ())
    if vex is not None:
        documents = [d for d in result.documents if d.raw is not None]
        if len(documents) != 1:
            raise InputError("--vex needs exactly one CycloneDX JSON input", field="--vex")
        atomic_write_text(vex, json.dumps(service.annotated_bom(result, documents[0]), ensure_ascii=False, indent=2))
    if as_json:
        print_json(result.to_dict())
    elif as_csv:
        writer = SafeCsvWriter(sys.stdout)
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(result.report))
    elif as_html:
        sys.stdout.write(to_html(result.report))
    else:
        _print(result)


def _print(result: service.ScanResult) -> None:
    for read in result.files:
        version = f" {read.spec_version}" if read.spec_version else ""
        console.print(f"{read.path}: {read.format}{version} ({read.reader}), {read.items} items")
    if not result.findings and not result.reviews:
        console.print(result.report.outcome)
    table = Table(title=result.report.outcome)
    for column in ("outcome", "component", "vendor", "rule", "signals", "path"):
        table.add_column(column, overflow="fold")
    for found in result.findings + result.reviews:
        data = found.to_dict()
        table.add_row(data["outcome"], data["component"], data["vendor"], data["rule"],
                      "; ".join(f"{s['kind']} {s['value']} ({s['confidence']})" for s in data["signals"]),
                      " > ".join(data["path"]))
    if table.row_count:
        console.print(table)
    concentrated = [c for c in result.concentration if c.single_points or c.highly_concentrated]
    if concentrated:
        shown = Table(title="Concentration per component class (HHI 0-10,000)")
        for column in ("class", "components", "supplier HHI", "country HHI", "single points of failure"):
            shown.add_column(column)
        for item in concentrated:
            shown.add_row(item.component_class, str(item.components), f"{item.supplier_hhi:,.0f}",
                          f"{item.country_hhi:,.0f}", "; ".join(item.single_points))
        console.print(shown)
    for scenario in result.scenarios:
        console.print(f"Without {scenario.what}: {len(scenario.components)} components lost "
                      f"({', '.join(scenario.components)}); products affected: {', '.join(scenario.products) or '-'}; "
                      f"classes with no other supply: {', '.join(scenario.classes_without_supply) or '-'}")


def bench_supplychain(
    rows: Annotated[int, typer.Option(min=1, help="Inventory rows.")] = 100_000,
    components: Annotated[int, typer.Option(min=1, help="SBOM components.")] = 10_000,
    baseline_rows: Annotated[int, typer.Option(min=1, help="Rows the naive baseline screens (extrapolated).")]
    = 2_000,
    precision_rows: Annotated[int, typer.Option(min=1, help="Generated non-covered devices.")] = 10_000,
) -> None:
    """A 100,000-row inventory and a 10,000-component SBOM scanned beside the naive baseline (each vendor name
    through the full screener, one by one), and the precision run on non-covered devices and samples."""
    from kizuna.supplychain import bench

    with tempfile.TemporaryDirectory(prefix="kizuna-bench-supplychain-") as folder:
        result = bench.run(Path(folder), rows, components, baseline_rows, precision_rows)
    table = Table(title=f"supply-chain scan: {rows:,} inventory rows, {components:,} SBOM components")
    table.add_column("step")
    table.add_column("wall s", justify="right")
    table.add_column("CPU s", justify="right")
    for step, seconds in result.seconds.items():
        table.add_row(step, f"{seconds:.2f}", f"{result.cpu_seconds.get(step, 0.0):.2f}")
    naive = next(k for k in result.seconds if k.startswith("naive"))
    scale = rows / baseline_rows
    table.add_row(f"naive, extrapolated to {rows:,} rows", f"{result.seconds[naive] * scale:.1f}",
                  f"{result.cpu_seconds[naive] * scale:.1f}")
    console.print(table)
    counts = Table(title="counts")
    counts.add_column("what")
    counts.add_column("n", justify="right")
    for what, n in result.counts.items():
        counts.add_row(what, f"{n:,}")
    console.print(counts)
    for match in result.registry_matches:
        console.print(f"registrant {match['registrant']!r} screens as {match['matched']!r} ({match['vendor']}, "
                      f"{match['score']:.2f}, {match['confidence']}): {'finding' if match['finding'] else 'review'}")
    for found in result.false_findings:
        console.print(f"false finding: {found['file']} {found['component']} → {found['vendor']}: "
                      f"{'; '.join(s['explanation'] for s in found['signals'])}")
