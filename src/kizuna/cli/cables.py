"""``kizuna cables …``: submarine-cable resilience and trusted routes; and ``kizuna bench cables``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from kizuna.cables import analysis, build, critical, montecarlo
from kizuna.cables.corridors import crosses, load_corridors
from kizuna.cables.flow import FlowNetwork
from kizuna.cables.loader import load_network
from kizuna.cables.maps import write_map
from kizuna.cables.model import Network
from kizuna.cables.places_graph import hypergraph
from kizuna.cables.scenario import Scenario, View, apply, parse_places
from kizuna.cables.trust import load_concern
from kizuna.cli.bench import app as bench_app
from kizuna.cli.output import console, print_json
from kizuna.core.countries import country_name
from kizuna.core.errors import InputError
from kizuna.core.tables import SafeCsvWriter, write_table

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
RegionOpt = Annotated[str, typer.Option("--region", help="Region of data/cables/regions.yaml, or 'all'.")]


def _view(data: Path | None, as_of: int | None = None, include_planned: bool = False,
          no_transit: list[str] | None = None, exclude_concern: bool = False, corridor: list[str] | None = None,
          fail_cable: list[str] | None = None, fail_station: list[str] | None = None,
          fail_country: list[str] | None = None, max_hops: int | None = None,
          concern: Path | None = None) -> View:
    network = load_network(data)
    scenario = Scenario(as_of=as_of, include_planned=include_planned,
                        no_transit=parse_places(no_transit, "--no-transit"), exclude_concern=exclude_concern,
                        corridors=tuple(corridor or ()), failed_cables=tuple(fail_cable or ()),
                        failed_stations=tuple(fail_station or ()), failed_countries=tuple(fail_country or ()),
                        max_hops=max_hops)
    return apply(network, scenario, load_concern(concern) if concern else None)


def _region(value: str) -> str | None:
    return None if value == "all" else value


def _csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    writer = SafeCsvWriter(sys.stdout)
    writer.writerow(columns)
    for row in rows:
        writer.writerow("; ".join(map(str, v)) if isinstance(v := row.get(c, ""), list) else v for c in columns)


def _only_one(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise InputError("choose --json or --csv, not both", field="--csv")


def _credit(network: Network) -> None:
    dataset = network.dataset
    console.print(f"[dim]data: {dataset.name}, as of {dataset.data_date} · {dataset.attribution}[/]")
    for warning in network.warnings:
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
            region: RegionOpt = "indo-pacific", concern: ConcernFileOpt = None, as_json: JsonOpt = False,
            as_csv: CsvOpt = False) -> None:
    """The dataset: cables, stations, places, cables of concern, corridor crossings, single points of failure."""
    _only_one(as_json, as_csv)
    view = _view(data, as_of, include_planned, concern=concern)
    network = view.network
    up = [network.cables[c] for c in view.active]
    concern_cables = [c for c in up if view.trust.untrusted(c.id)]
    by_role = {role: sum(1 for c in concern_cables if any(f.role == role for f in view.trust.findings[c.id]))
               for role in ("supplier", "owner")}
    corridors = {cid: sorted(c.name for c in up if crosses(c, corridor)) for cid, corridor in load_corridors().items()}
    places = critical.region_places(_region(region), view)
    spofs = critical.single_points(view, places)
    data_out = {
        "dataset": network.dataset.to_dict(), "warnings": network.warnings, "scenario": view.scenario.to_dict(),
        "cables_total": len(network.cables), "cables_in_analysis": len(up),
        "cables_international": len(view.international()),
        "planned_in_data": sum(c.is_planned for c in network.cables.values()),
        "landing_points": len({lp for c in up for lp in c.landings}), "places": len(view.places()),
        "concern": {"list": view.trust.concern.path, "cables": len(concern_cables), "by_role": by_role,
                    "matched_names": {k: [p for p, _ in v] for k, v in view.trust.matches.items()}},
        "corridors": {cid: {"cables": len(names), "names": names} for cid, names in corridors.items()},
        "region": region, "single_points_of_failure": [s.to_dict() for s in spofs]}
    if as_json:
        print_json(data_out)
        return
    if as_csv:
        _csv([{"metric": k, "value": v} for k, v in data_out.items() if isinstance(v, int)], ["metric", "value"])
        return
    console.print(f"[bold]{len(up)}[/] cables in the analysis ({view.scenario.describe()}), "
                  f"{data_out['cables_international']} of them international; {data_out['landing_points']} landing "
                  f"stations in {data_out['places']} places. Dataset: {len(network.cables)} cables, "
                  f"{data_out['planned_in_data']} planned.")
    console.print(f"Cables with an owner or supplier of concern: [bold]{len(concern_cables)}[/] "
                  f"(supplier {by_role['supplier']}, owner {by_role['owner']}); data names matched through screening: "
                  + ", ".join(f"{k} → {'/'.join(p for p, _ in v)}" for k, v in sorted(view.trust.matches.items())))
    table = Table(title="Corridors (cables whose route crosses them)")
    table.add_column("corridor")
    table.add_column("cables", justify="right")
    table.add_column("names", overflow="fold", ratio=3)
    for cid, names in corridors.items():
        table.add_row(cid, str(len(names)), ", ".join(names))
    console.print(table)
    console.print(f"Single points of failure in {region}: " + "; ".join(
        f"{s.place} {s.kind} {s.name}" for s in spofs))
    _credit(network)


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
    view = _view(data, as_of, include_planned, no_transit, exclude_concern, corridor, fail_cable, fail_station,
                 fail_country, max_hops, concern)
    result = analysis.pair_cut(view, a, b).to_dict()
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
    _credit(view.network)


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
    network = load_network(data)
    concern_list = load_concern(concern) if concern else None
    barred = parse_places(no_transit or ["CN"], "--no-transit")
    base = Scenario(as_of=as_of, include_planned=include_planned, corridors=tuple(corridor or ()))

    def view_for(blocked: frozenset[str], exclude: bool) -> View:
        return apply(network, replace(base, no_transit=blocked, exclude_concern=exclude), concern_list)

    codes: list[str] = []
    for value in partners:  # keep the order the user gave
        codes += [c for c in sorted(parse_places([value], "PARTNERS")) if c not in codes]
    table_data = analysis.policy_table(view_for, _one_place(a), codes, barred)
    table_data["scenario"] = base.describe()
    table_data["dataset"] = network.dataset.to_dict()
    if as_json:
        print_json(table_data)
        return
    columns = table_data["columns"]
    if as_csv:
        _csv(table_data["rows"], ["a", "b", *columns])
        return
    table = Table(title=f"Min-cut (cables) from {_name(table_data['a'])} · {base.describe()}")
    table.add_column("pair")
    for label in columns.values():
        table.add_column(label, justify="right")
    for row in table_data["rows"]:
        table.add_row(f"{row['a']}–{row['b']} ({country_name(row['b'])})", *(str(row[k]) for k in columns))
    console.print(table)
    _credit(network)


@app.command()
def scenario(data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
             no_transit: NoTransitOpt = None, exclude_concern: ConcernOpt = False, corridor: CorridorOpt = None,
             fail_cable: FailCableOpt = None, fail_station: FailStationOpt = None,
             fail_country: FailCountryOpt = None, region: RegionOpt = "indo-pacific",
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
    view = _view(data, as_of, include_planned, no_transit, exclude_concern, corridor, fail_cable, fail_station,
                 fail_country, None, concern)
    # The same period and policy without the failures, to measure what the failures do.
    base = _view(data, as_of, include_planned, no_transit, exclude_concern, concern=concern)
    down_ids = sorted(view.removed, key=lambda k: (view.cable(k).rfs_year or 0, view.cable(k).name))
    down: list[dict[str, Any]] = [
        {"id": k, "name": view.cable(k).name, "rfs_year": view.cable(k).rfs_year,
         "places": view.network.countries_of(view.cable(k)), "why": view.removed[k]} for k in down_ids]
    result: dict[str, Any] = {**view.summary(), "cables_down": down,
                              "impact": critical.scenario_impact(base, view, _region(region))}
    if random_failures and pair:
        result["monte_carlo"] = montecarlo.random_failures(view, pair[0], pair[1], random_failures, trials,
                                                           seed).to_dict()
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv(down, ["id", "name", "rfs_year", "places", "why"])
        return
    console.print(f"[bold]{len(down)}[/] cable{'s' if len(down) != 1 else ''} down · {view.scenario.describe()}")
    if down:
        table = Table()
        for column in ("cable down", "RFS", "lands in", "why"):
            table.add_column(column, overflow="fold")
        for d in down:
            table.add_row(d["name"], str(d["rfs_year"] or ""), " ".join(d["places"]), d["why"])
        console.print(table)
    impact = result["impact"]
    console.print(f"{region}: {impact['pairs_weakened']} of {impact['pairs']} pairs lose min-cut, "
                  f"{impact['pairs_disconnected']} are disconnected.")
    if impact["changes"]:
        changes = Table()
        for column in ("pair", "min-cut before", "after"):
            changes.add_column(column, justify="right" if column != "pair" else "left")
        for c in impact["changes"][:top]:
            changes.add_row(f"{c['a']}–{c['b']}", str(c["before"]), str(c["after"]))
        console.print(changes)
    if "monte_carlo" in result:
        console.print(result["monte_carlo"]["explanation"])
    _credit(view.network)


@app.command("critical")
def critical_command(data: DataOpt = None, as_of: AsOfOpt = None, include_planned: PlannedOpt = False,
                     no_transit: NoTransitOpt = None, exclude_concern: ConcernOpt = False,
                     corridor: CorridorOpt = None, region: RegionOpt = "indo-pacific",
                     top: Annotated[int, typer.Option(help="How many cables and stations to rank.")] = 10,
                     concern: ConcernFileOpt = None, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Cables and landing stations ranked by the region's pairs they disconnect or weaken; single points of failure."""
    _only_one(as_json, as_csv)
    view = _view(data, as_of, include_planned, no_transit, exclude_concern, corridor, concern=concern)
    started = time.perf_counter()
    ranked = critical.rank(view, _region(region), top)
    seconds = time.perf_counter() - started
    result = {**view.summary(), "region": region, "places": ranked.places, "max_flows": ranked.flows,
              "seconds": round(seconds, 2), "cables": [i.to_dict() for i in ranked.cables],
              "stations": [i.to_dict() for i in ranked.stations],
              "single_points_of_failure": [s.to_dict() for s in ranked.single_points]}
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv([*result["cables"], *result["stations"]],
             ["kind", "id", "name", "places", "pairs_disconnected", "pairs_weakened", "min_cut_drop"])
        return
    console.print(f"{region}: {len(ranked.places)} places, {len(ranked.places) * (len(ranked.places) - 1) // 2} "
                  f"pairs · {view.scenario.describe()} · {ranked.flows:,} exact max-flows in {seconds:.1f} s")
    for title, items in (("cables", ranked.cables), ("landing stations", ranked.stations)):
        table = Table(title=f"Most critical {title}")
        for column in ("#", "name", "lands in", "pairs cut off", "pairs weakened", "min-cut drop", "worst pairs"):
            table.add_column(column, overflow="fold", justify="right" if column in ("#",) else "left")
        for n, item in enumerate(items, 1):
            table.add_row(str(n), item.name, " ".join(item.places), str(item.pairs_disconnected),
                          str(item.pairs_weakened), str(item.cut_drop),
                          ", ".join(f"{a}–{b} {x}→{y}" for a, b, x, y in item.worst))
        console.print(table)
    console.print("Single points of failure: " + "; ".join(
        f"{s.place} ({country_name(s.place)}) {s.kind} {s.name}" for s in ranked.single_points), soft_wrap=True)
    _credit(view.network)


@app.command("next")
def next_command(target: Annotated[str, typer.Argument(help="The place to strengthen (ISO alpha-2).")],
                 partner: Annotated[str | None, typer.Option("--partner", help="Strengthen this one pair.")] = None,
                 region: RegionOpt = "indo-pacific", data: DataOpt = None, as_of: AsOfOpt = None,
                 include_planned: PlannedOpt = False, no_transit: NoTransitOpt = None,
                 exclude_concern: ConcernOpt = False, corridor: CorridorOpt = None,
                 top: Annotated[int, typer.Option(help="How many proposals.")] = 5, concern: ConcernFileOpt = None,
                 as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """What to build next: the new cable (between existing stations) or corridor avoidance that raises most min-cuts."""
    _only_one(as_json, as_csv)
    view = _view(data, as_of, include_planned, no_transit, exclude_concern, corridor, concern=concern)
    proposal = build.plan(view, target, partner, _region(region), top)
    result = {**view.summary(), "target": proposal.target, "partners": proposal.partners,
              "min_cut_before": proposal.before, "rules": proposal.rules,
              "new_cables": [c.to_dict() for c in proposal.candidates],
              "corridor_avoidance": [r.to_dict() for r in proposal.reroutes]}
    if as_json:
        print_json(result)
        return
    if as_csv:
        _csv([*result["new_cables"], *result["corridor_avoidance"]],
             ["kind", "from", "to", "cable", "corridor", "estimated_length_km", "pairs_raised", "pairs"])
        return
    console.print(f"What to build next for {_name(proposal.target)} · {view.scenario.describe()} · route factor "
                  f"{proposal.rules['route_factor']}, at most {proposal.rules['max_length_km']:,.0f} km")
    for item in result["new_cables"] + result["corridor_avoidance"]:
        console.print(f"• {item['explanation']}", soft_wrap=True)
    if not result["new_cables"] and not result["corridor_avoidance"]:
        console.print("No single new cable within the length limit raises a min-cut.")
    _credit(view.network)


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
    view = _view(data, as_of, include_planned, no_transit, exclude_concern, corridor, fail_cable, fail_station,
                 fail_country, None, concern)
    highlight: set[str] = set()
    title = "Submarine cables"
    cut_result = None
    if pair:
        cut_result = analysis.pair_cut(view, pair[0], pair[1])
        highlight = set(cut_result.cut_cables)
        title = f"{cut_result.a.label} – {cut_result.b.label}: min-cut {cut_result.min_cut} cables"
    path = write_map(view, output, highlight, title)
    result = {"output": str(path), "bytes": path.stat().st_size, "title": title, "cables_drawn": len(view.active) +
              len(view.removed), "cut_cables": sorted(view.cable(c).name for c in highlight),
              "min_cut": cut_result.min_cut if cut_result else None, **view.summary()}
    if as_json:
        print_json(result)
    elif as_csv:
        _csv([result], ["output", "bytes", "title", "cables_drawn", "min_cut", "cut_cables"])
    else:
        console.print(f"wrote {path} ({result['bytes']:,} bytes): {title}; {result['cables_drawn']} cables")
        _credit(view.network)


@bench_app.command("cables")
def bench_cables(data: DataOpt = None, no_transit: Annotated[list[str] | None, typer.Option(
                     "--no-transit", help="Transit policy (default: no transit through CN).")] = None,
                 check: Annotated[int, typer.Option(help="Pairs re-checked with one max-flow each.")] = 300,
                 show: Annotated[int, typer.Option(help="Disagreements to print.")] = 25,
                 table_csv: Annotated[Path | None, typer.Option("--table", help="Write the full all-pairs table "
                                                                 "(both methods) to this CSV.")] = None) -> None:
    """All-pairs min-cut for every place with a transit policy, beside the naive baseline (networkx edge
    connectivity of the all-pairs multigraph), and the pairs on which they disagree."""
    started = time.perf_counter()
    network = load_network(data)
    view = apply(network, Scenario(no_transit=parse_places(no_transit or ["CN"], "--no-transit")))
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    exact = analysis.all_pairs(view)
    exact_seconds = time.perf_counter() - started
    places = exact.places
    started = time.perf_counter()
    naive = analysis.naive_edge_connectivity(view, places)
    naive_seconds = time.perf_counter() - started
    rng = np.random.default_rng(0)
    index = {p: i for i, p in enumerate(places)}
    mapping = {lp: p.country for lp, p in network.landing_points.items()}
    mismatches = 0
    started = time.perf_counter()
    for _ in range(check):
        i, j = rng.choice(len(places), size=2, replace=False)
        a, b = places[i], places[j]
        graph = hypergraph(view, mapping, {a, b})
        direct = FlowNetwork(graph).value(a, b) if a in graph.index and b in graph.index else 0
        mismatches += int(direct != exact.values[i, j])
    check_seconds = time.perf_counter() - started
    upper = np.triu(np.ones_like(exact.values, dtype=bool), 1)
    differ = upper & (naive != exact.values)
    pairs_total = int(upper.sum())
    table = Table(title=f"all-pairs min-cut, {len(places)} places, {pairs_total:,} pairs, "
                        f"{view.scenario.describe()}")
    table.add_column("method")
    table.add_column("seconds", justify="right")
    table.add_column("note", overflow="fold")
    table.add_row("load data + trust screening", f"{load_seconds:.2f}", f"{len(network.cables)} cables")
    table.add_row("exact: cables as units (node-split max-flow, Gusfield tree)", f"{exact_seconds:.2f}",
                  f"{exact.flows:,} max-flows")
    table.add_row("naive: networkx edge connectivity, all-pairs multigraph", f"{naive_seconds:.2f}",
                  "Gomory-Hu tree of the multigraph")
    table.add_row(f"check: {check} random pairs, one direct max-flow each", f"{check_seconds:.2f}",
                  f"{mismatches} mismatches with the exact table")
    console.print(table)
    ratio = naive[differ] / np.maximum(exact.values[differ], 1)
    higher, lower = int((naive > exact.values)[differ].sum()), int((naive < exact.values)[differ].sum())
    console.print(f"The methods disagree on {int(differ.sum()):,} of {pairs_total:,} pairs; naive is higher on "
                  f"{higher:,}, lower on {lower:,}"
                  f"; median overstatement ×{float(np.median(ratio)) if ratio.size else 1:.1f}.")
    rows = sorted(((int(naive[i, j]) - int(exact.values[i, j]), places[i], places[j])
                   for i, j in zip(*np.nonzero(differ), strict=True)), reverse=True)
    featured = [("JP", "TW"), ("JP", "PH"), ("JP", "SG"), ("JP", "US"), ("TO", "FJ")]
    shown = Table(title="Featured pairs, then the largest disagreements")
    for column in ("pair", "exact (cables)", "naive (edges)"):
        shown.add_column(column, justify="right" if column != "pair" else "left")
    seen = set()
    for a, b in featured + [(a, b) for _, a, b in rows[:show]]:
        if a in index and b in index and (a, b) not in seen:
            seen.add((a, b))
            shown.add_row(f"{a}–{b}", str(exact.values[index[a], index[b]]), str(naive[index[a], index[b]]))
    console.print(shown)
    if table_csv:
        write_table(Path(table_csv), ["a", "b", "exact_min_cut", "naive_edge_connectivity"],
                    ([a, places[j], int(exact.values[i, j]), int(naive[i, j])]
                     for i, a in enumerate(places) for j in range(i + 1, len(places))))
        console.print(f"full table: {table_csv}")
    _credit(network)
