"""``kizuna cables …``: submarine-cable resilience and trusted routes; and ``kizuna bench cables``."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kizuna.cables import bench, service
from kizuna.cables.scenario import Scenario, parse_places
from kizuna.cli.output import console, print_json
from kizuna.core.countries import country_name
from kizuna.core.errors import InputError
from kizuna.core.tables import SafeCsvWriter

app = typer.Typer(help="Submarine-cable resilience: exact cable min-cuts, transit and trust policies, corridors, "
                       "criticality, what to build next, maps.", no_args_is_help=True)

DataOpt = Annotated[Path | None, typer.Option("--data", help="Cable dataset directory (TeleGeography api/v3 layout or "
                                              "cables.csv + landing_points.csv). Default: $KIZUNA_CABLES_DATA or the "
                                              "checkout's data-noncommercial/cables.")]
AsOfOpt = Annotated[int | None, typer.Option("--as-of", help="Analyse the network as of this year (RFS year).")]
PlannedOpt = Annotated[bool, typer.Option("--include-planned", help="Count planned cables too.")]
NoTransitOpt = Annotated[list[str] | None, typer.Option("--no-transit", help="Places that may not carry transit "
                                                         "(ISO alpha-2; repeat or comma-separate).")]
ConcernOpt = Annotated[bool, typer.Option("--exclude-concern",
                                          help="Drop cables with an owner or supplier of concern.")]
ConcernFileOpt = Annotated[Path | None, typer.Option("--concern", help="Your own concern list (YAML, same shape as "
                                                     "data/cables/concern.yaml).")]
CorridorOpt = Annotated[list[str] | None, typer.Option("--corridor", help="Fail every cable crossing this corridor: "
                                                       "luzon, taiwan-strait, malacca, red-sea.")]
FailCableOpt = Annotated[list[str] | None, typer.Option("--fail-cable", help="Fail a cable (id or exact name).")]
FailStationOpt = Annotated[list[str] | None, typer.Option("--fail-station", help="Fail a landing station (id).")]
FailCountryOpt = Annotated[list[str] | None, typer.Option("--fail-country", help="Fail every station of a place.")]
HopsOpt = Annotated[int | None, typer.Option("--max-hops", help="Also count disjoint routes of at most N cables.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Region of data/cables/regions.yaml (default: its "
                                                  "`default`), or 'all'.")]


def _scenario(as_of: int | None = None, include_planned: bool = False, no_transit: list[str] | None = None,
              exclude_concern: bool = False, corridor: list[str] | None = None, fail_cable: list[str] | None = None,
              fail_station: list[str] | None = None, fail_country: list[str] | None = None,
              max_hops: int | None = None) -> Scenario:
    return Scenario(as_of=as_of, include_planned=include_planned,
                    no_transit=parse_places(no_transit, "--no-transit"), exclude_concern=exclude_concern,
                    corridors=tuple(corridor or ()), failed_cables=tuple(fail_cable or ()),
                    failed_stations=tuple(fail_station or ()), failed_countries=tuple(fail_country or ()),
                    max_hops=max_hops)


def _csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    writer = SafeCsvWriter(sys.stdout)
    writer.writerow(columns)
    for row in rows:
        writer.writerow("; ".join(map(str, v)) if isinstance(v := row.get(c, ""), list) else v for c in columns)


def _only_one(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise InputError("choose --json or --csv, not both", field="--csv")


def _credit(result: dict[str, Any]) -> None:
    """The dataset's credit line (and its warnings, where the result carries them)."""
    dataset = result["dataset"]
    console.print(f"[dim]data: {dataset['name']}, as of {dataset['data_date']} · {dataset['attribution']}[/]")
    for warning in result.get("warnings", []):
        console.print(f"[yellow]warning:[/] {warning}")


def _one_place(value: str) -> str:
    codes = parse_places([value], "A")
    if len(codes) != 1:
        raise InputError(f"give one place, not {value!r}", field="A")
    return next(iter(codes))


def _name(code: str) -> str:
    return f"{country_name(code)} ({code})" if len(code) == 2 else code


@app.command()
def summary(data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
            region: RegionOpt = None, concern: ConcernFileOpt = None, as_json: JsonOpt = False,
            as_csv: CsvOpt = False) -> None:
    """The dataset: cables, stations, places, cables of concern, corridor crossings, single points of failure."""
    _only_one(as_json, as_csv)
    data_out = service.summary(_scenario(as_of, include_planned), region, data, concern)
    if as_json:
        print_json(data_out)
        return
    if as_csv:
        _csv([{"metric": k, "value": v} for k, v in data_out.items() if isinstance(v, int)], ["metric", "value"])
        return
    concern_out = data_out["concern"]
    console.print(f"[bold]{data_out['cables_in_analysis']}[/] cables in the analysis ({data_out['description']}), "
                  f"{data_out['cables_international']} of them international; {data_out['landing_points']} landing "
                  f"stations in {len(data_out['places'])} places. Dataset: {data_out['cables_total']} cables, "
                  f"{data_out['planned_in_data']} planned.")
    console.print(f"Cables with an owner or supplier of concern: [bold]{concern_out['cables']}[/] "
                  f"(supplier {concern_out['by_role']['supplier']}, owner {concern_out['by_role']['owner']}); data "
                  "names matched through screening: "
                  + ", ".join(f"{k} → {'/'.join(v)}" for k, v in concern_out["matched_names"].items()))
    table = Table(title="Corridors (cables whose route crosses them)")
    table.add_column("corridor")
    table.add_column("cables", justify="right")
    table.add_column("names", overflow="fold", ratio=3)
    for cid, crossing in data_out["corridors"].items():
        table.add_row(cid, str(crossing["cables"]), ", ".join(crossing["names"]))
    console.print(table)
    console.print(f"Single points of failure in {data_out['region']}: " + "; ".join(
        f"{s['place']} {s['kind']} {s['name']}" for s in data_out["single_points_of_failure"]))
    _credit(data_out)


@app.command()
def cut(a: Annotated[str, typer.Argument(help="A place: ISO alpha-2 country, hub:NAME or a landing station id.")],
        b: Annotated[str, typer.Argument(help="The other place.")],
        data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
        no_transit: NoTransitOpt = None, exclude_concern: ConcernOpt = False, corridor: CorridorOpt = None,
        fail_cable: FailCableOpt = None, fail_station: FailStationOpt = None, fail_country: FailCountryOpt = None,
        max_hops: HopsOpt = None, concern: ConcernFileOpt = None, as_json: JsonOpt = False,
        as_csv: CsvOpt = False) -> None:
    """The least number of whole cables whose failure separates A from B, which ones, and the disjoint routes."""
    _only_one(as_json, as_csv)
    result = service.cut(a, b, _scenario(as_of, include_planned, no_transit, exclude_concern, corridor, fail_cable,
                                         fail_station, fail_country, max_hops), data, concern)
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv([{"a": result["a"], "b": result["b"], "min_cut": result["min_cut"], **c} for c in result["cut"]],
             ["a", "b", "min_cut", "id", "name", "rfs_year", "places", "owners", "suppliers", "trust", "trust_why"])
        return
    console.print(f"[bold]{result['a_name']} ({result['a']}) – {result['b_name']} ({result['b']})[/]: min-cut "
                  f"[bold]{result['min_cut']}[/] cable{'s' if result['min_cut'] != 1 else ''} · "
                  f"{result['description']}")
    console.print(result["explanation"], soft_wrap=True)
    if result["cut"]:
        table = Table()
        for column in ("cable in the cut", "RFS", "lands in", "trust"):
            table.add_column(column, overflow="fold")
        for c in result["cut"]:
            table.add_row(c["name"], str(c["rfs_year"] or ""), " ".join(c["places"]),
                          c["trust"] + (f": {c['trust_brief']}" if c["trust_brief"] else ""))
        console.print(table)
        console.print("Disjoint routes: " + " | ".join(" → ".join(f"{h['cable']} → {h['to']}" for h in r)
                                                        for r in result["routes"]), soft_wrap=True)
    if "hop_limited" in result:
        hop = result["hop_limited"]
        console.print(f"With at most {hop['max_hops']} cables per route: {hop['disjoint_routes']} disjoint routes; "
                      f"{hop['min_cut']} cables cut them all ({', '.join(hop['cut_cables'])}).", soft_wrap=True)
    _credit(result)


@app.command()
def pairs(a: Annotated[str, typer.Argument(help="The place (ISO alpha-2).")],
          partners: Annotated[list[str], typer.Argument(help="Partner places (ISO alpha-2).")],
          no_transit: Annotated[list[str] | None, typer.Option("--no-transit", help="Places barred from transit "
                                                                "in the restricted columns (default CN).")] = None,
          data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
          corridor: CorridorOpt = None, concern: ConcernFileOpt = None, as_json: JsonOpt = False,
          as_csv: CsvOpt = False) -> None:
    """The pair table: min-cuts from A to each partner with and without transit and trust restrictions."""
    _only_one(as_json, as_csv)
    table_data = service.pairs(_one_place(a), partners, no_transit or ["CN"],
                               _scenario(as_of, include_planned, corridor=corridor), data, concern)
    if as_json:
        print_json(table_data)
        return
    columns = table_data["columns"]
    if as_csv:
        _csv(table_data["rows"], ["a", "b", *columns])
        return
    table = Table(title=f"Min-cut (cables) from {_name(table_data['a'])} · {table_data['scenario']}")
    table.add_column("pair")
    for label in columns.values():
        table.add_column(label, justify="right")
    for row in table_data["rows"]:
        table.add_row(f"{row['a']}–{row['b']} ({country_name(row['b'])})", *(str(row[k]) for k in columns))
    console.print(table)
    _credit(table_data)


@app.command()
def scenario(data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
             no_transit: NoTransitOpt = None, exclude_concern: ConcernOpt = False, corridor: CorridorOpt = None,
             fail_cable: FailCableOpt = None, fail_station: FailStationOpt = None,
             fail_country: FailCountryOpt = None, region: RegionOpt = None,
             random_failures: Annotated[int, typer.Option("--random", help="Also fail N random cables "
                                                          "(Monte Carlo; needs --pair).")] = 0,
             pair: Annotated[tuple[str, str] | None, typer.Option("--pair", help="Pair for the Monte Carlo.")] = None,
             trials: Annotated[int, typer.Option(help="Monte Carlo trials.")] = 2000,
             seed: Annotated[int, typer.Option(help="Monte Carlo seed.")] = 0,
             top: Annotated[int, typer.Option(help="Most pair changes to print.")] = 15,
             concern: ConcernFileOpt = None, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Correlated failures: which cables a corridor, station or place failure takes down, and what it does to the
    region's pairs; with --random N --pair A B, the probability the pair stays connected."""
    _only_one(as_json, as_csv)
    if random_failures and not pair:
        raise InputError("--random needs --pair A B", field="--pair")
    result = service.scenario_impact(_scenario(as_of, include_planned, no_transit, exclude_concern, corridor,
                                               fail_cable, fail_station, fail_country), region, data, concern,
                                     random_failures, pair, trials, seed)
    down = result["cables_down"]
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv(down, ["id", "name", "rfs_year", "places", "why"])
        return
    console.print(f"[bold]{len(down)}[/] cable{'s' if len(down) != 1 else ''} down · {result['description']}")
    if down:
        table = Table()
        for column in ("cable down", "RFS", "lands in", "why"):
            table.add_column(column, overflow="fold")
        for d in down:
            table.add_row(d["name"], str(d["rfs_year"] or ""), " ".join(d["places"]), d["why"])
        console.print(table)
    impact = result["impact"]
    console.print(f"{result['region']}: {impact['pairs_weakened']} of {impact['pairs']} pairs lose min-cut, "
                  f"{impact['pairs_disconnected']} are disconnected.")
    if impact["changes"]:
        changes = Table()
        for column in ("pair", "min-cut before", "after"):
            changes.add_column(column, justify="right" if column != "pair" else "left")
        for c in impact["changes"][:top]:
            changes.add_row(f"{c['a']}–{c['b']}", str(c["before"]), str(c["after"]))
        console.print(changes)
    if result["monte_carlo"]:
        console.print(result["monte_carlo"]["explanation"])
    _credit(result)


@app.command("critical")
def critical_command(data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
                     no_transit: NoTransitOpt = None, exclude_concern: ConcernOpt = False,
                     corridor: CorridorOpt = None, region: RegionOpt = None,
                     top: Annotated[int, typer.Option(help="How many cables and stations to rank.")] = 10,
                     concern: ConcernFileOpt = None, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Cables and landing stations ranked by the region's pairs they disconnect or weaken; single points of failure."""
    _only_one(as_json, as_csv)
    result = service.critical_ranking(_scenario(as_of, include_planned, no_transit, exclude_concern, corridor),
                                      region, top, data, concern)
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv([*result["cables"], *result["stations"]],
             ["kind", "id", "name", "places", "pairs_disconnected", "pairs_weakened", "min_cut_drop"])
        return
    places = result["places"]
    console.print(f"{result['region']}: {len(places)} places, {len(places) * (len(places) - 1) // 2} pairs · "
                  f"{result['description']} · {result['max_flows']:,} exact max-flows in {result['seconds']:.1f} s")
    for title, items in (("cables", result["cables"]), ("landing stations", result["stations"])):
        table = Table(title=f"Most critical {title}")
        for column in ("#", "name", "lands in", "pairs cut off", "pairs weakened", "min-cut drop", "worst pairs"):
            table.add_column(column, overflow="fold", justify="right" if column in ("#",) else "left")
        for n, item in enumerate(items, 1):
            table.add_row(str(n), item["name"], " ".join(item["places"]), str(item["pairs_disconnected"]),
                          str(item["pairs_weakened"]), str(item["min_cut_drop"]),
                          ", ".join(f"{w['a']}–{w['b']} {w['before']}→{w['after']}" for w in item["worst_pairs"]))
        console.print(table)
    console.print("Single points of failure: " + "; ".join(
        f"{s['place']} ({s['place_name']}) {s['kind']} {s['name']}" for s in result["single_points_of_failure"]),
        soft_wrap=True)
    _credit(result)


@app.command("next")
def next_command(target: Annotated[str, typer.Argument(help="The place to strengthen (ISO alpha-2).")],
                 partner: Annotated[str | None, typer.Option("--partner", help="Strengthen this one pair.")] = None,
                 region: RegionOpt = None, data: DataOpt = None, as_of: AsOfOpt = None,
                 include_planned: PlannedOpt = False, no_transit: NoTransitOpt = None,
                 exclude_concern: ConcernOpt = False, corridor: CorridorOpt = None,
                 top: Annotated[int, typer.Option(help="How many proposals.")] = 5, concern: ConcernFileOpt = None,
                 as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """What to build next: the new cable (between existing stations) or corridor avoidance that raises most min-cuts."""
    _only_one(as_json, as_csv)
    result = service.build_next(target, partner, _scenario(as_of, include_planned, no_transit, exclude_concern,
                                                           corridor), region, top, data, concern)
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv([*result["new_cables"], *result["corridor_avoidance"]],
             ["kind", "from", "to", "cable", "corridor", "estimated_length_km", "pairs_raised", "pairs"])
        return
    console.print(f"What to build next for {_name(result['target'])} · {result['description']} · route factor "
                  f"{result['rules']['route_factor']}, at most {result['rules']['max_length_km']:,.0f} km")
    for item in result["new_cables"] + result["corridor_avoidance"]:
        console.print(f"• {item['explanation']}", soft_wrap=True)
    if not result["new_cables"] and not result["corridor_avoidance"]:
        console.print("No single new cable within the length limit raises a min-cut.")
    _credit(result)


@app.command("map")
def map_command(output: Annotated[Path, typer.Option("--output", "-o", help="map.html (Leaflet) or map.png.")],
                pair: Annotated[tuple[str, str] | None,
                                typer.Option("--pair", help="Highlight this pair's cut.")] = None,
                data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
                no_transit: NoTransitOpt = None, exclude_concern: ConcernOpt = False, corridor: CorridorOpt = None,
                fail_cable: FailCableOpt = None, fail_station: FailStationOpt = None,
                fail_country: FailCountryOpt = None, concern: ConcernFileOpt = None, as_json: JsonOpt = False,
                as_csv: CsvOpt = False) -> None:
    """Draw the cables (coloured by trust, failed ones dashed) and a pair's cut set to an HTML or PNG map."""
    _only_one(as_json, as_csv)
    result = service.write_map(output, _scenario(as_of, include_planned, no_transit, exclude_concern, corridor,
                                                 fail_cable, fail_station, fail_country), pair, data, concern)
    if as_json:
        print_json(result)
    elif as_csv:
        _csv([result], ["output", "bytes", "title", "cables_drawn", "min_cut", "cut_cables"])
    else:
        console.print(f"wrote {result['output']} ({result['bytes']:,} bytes): {result['title']}; "
                      f"{result['cables_drawn']} cables")
        _credit(result)


def bench_cables(data: DataOpt = None, no_transit: Annotated[list[str] | None, typer.Option(
                     "--no-transit", help="Transit policy (default: no transit through CN).")] = None,
                 check: Annotated[int, typer.Option(help="Pairs re-checked with one max-flow each.")] = 300,
                 show: Annotated[int, typer.Option(help="Disagreements to print.")] = 25,
                 table_csv: Annotated[Path | None, typer.Option("--table", help="Write the full all-pairs table "
                                                                 "(both methods) to this CSV.")] = None) -> None:
    """All-pairs min-cut for every place with a transit policy, beside the naive baseline (networkx edge
    connectivity of the all-pairs multigraph), and the pairs on which they disagree."""
    result = bench.run(data, no_transit, check)
    seconds = result.seconds
    table = Table(title=f"all-pairs min-cut, {len(result.places)} places, {result.pairs_total:,} pairs, "
                        f"{result.view.scenario.describe()}")
    table.add_column("method")
    table.add_column("seconds", justify="right")
    table.add_column("note", overflow="fold")
    table.add_row("load data + trust screening", f"{seconds['load']:.2f}", f"{len(result.network.cables)} cables")
    table.add_row("exact: cables as units (node-split max-flow, Gusfield tree)", f"{seconds['exact']:.2f}",
                  f"{result.flows:,} max-flows")
    table.add_row("naive: networkx edge connectivity, all-pairs multigraph", f"{seconds['naive']:.2f}",
                  "Gomory-Hu tree of the multigraph")
    table.add_row(f"check: {check} random pairs, one direct max-flow each", f"{seconds['check']:.2f}",
                  f"{result.mismatches} mismatches with the exact table")
    console.print(table)
    differ = result.disagreements()
    console.print(f"The methods disagree on {len(differ):,} of {result.pairs_total:,} pairs; naive is higher on "
                  f"{sum(d > 0 for d, _, _ in differ):,}, lower on {sum(d < 0 for d, _, _ in differ):,}"
                  f"; median overstatement ×{result.median_overstatement():.1f}.")
    shown = Table(title="Featured pairs, then the largest disagreements")
    for column in ("pair", "exact (cables)", "naive (edges)"):
        shown.add_column(column, justify="right" if column != "pair" else "left")
    for a, b in result.shown_pairs(show):
        exact, naive = result.value(a, b)  # type: ignore[misc]
        shown.add_row(f"{a}–{b}", str(exact), str(naive))
    console.print(shown)
    if table_csv:
        result.write_csv(Path(table_csv))
        console.print(f"full table: {table_csv}")
    _credit({"dataset": result.network.dataset.to_dict(), "warnings": result.network.warnings})
