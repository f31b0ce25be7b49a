"""``kizuna bench …``: speed, memory and accuracy figures, each printed beside a baseline from the same run."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import console
from kizuna.core.entity import Entry
from kizuna.core.errors import InputError
from kizuna.core.paths import home
from kizuna.lists.store import SnapshotStore
from kizuna.screening import benchmark as bench
from kizuna.screening import speed
from kizuna.screening.index import ScreeningIndex, cache_file
from kizuna.screening.screener import Screener
from kizuna.screening.service import ensure_current

app = typer.Typer(help="Benchmarks: figures beside a baseline measured in the same run.", no_args_is_help=True)
_REPO_DEVSET = Path(__file__).resolve().parents[3] / "benchmarks" / "screening"


@app.command("screening")
def screening(
    dataset: Annotated[Path, typer.Option(help="Folder of a labelled set (the development set, or its holdout/).")]
    = _REPO_DEVSET,
    speed_queries: Annotated[int, typer.Option(min=0, help="Queries for the throughput runs (0: accuracy only).")]
    = 6000,
    api: Annotated[bool, typer.Option(help="Measure single-query latency through the HTTP API.")] = True,
    show: Annotated[int, typer.Option(help="Misses and false positives to list.")] = 25,
    whole_process: Annotated[bool, typer.Option(help="Time whole kizuna processes, now and at the baseline "
                                                "commit of benchmarks/screening/speed.yaml.")] = True,
    runs: Annotated[int | None, typer.Option(min=1, help="Runs per whole-process figure (default from "
                                             "speed.yaml).")] = None,
) -> None:
    """Recall per script, false positives, queries/s, latency, index build/load time and memory; whole-process
    start-up and file throughput beside the baseline commit's, with the targets."""
    if not (dataset / "negatives.tsv").exists():
        raise InputError("no development set here (expected latin/chinese/japanese/korean/negatives .tsv)",
                         path=dataset)
    cases = bench.load_devset(dataset)
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    entries = list(snapshot.entries())
    build_seconds, built = bench.timed(lambda: ScreeningIndex.build(entries, snapshot.id))
    assert isinstance(built, ScreeningIndex)
    cache = cache_file(snapshot.path)
    built.save(cache)
    load_seconds, index = bench.timed(lambda: ScreeningIndex.load(cache))
    assert isinstance(index, ScreeningIndex)
    screener = Screener(index)
    brute = bench.BruteForce(index)
    matchers: dict[str, bench.Matcher] = {"Kizuna": bench.kizuna_matcher(screener), "brute-force rapidfuzz": brute}
    matchers.update(bench.nomenklatura_matchers(screener))

    results = {name: bench.accuracy(matcher, cases) for name, matcher in matchers.items()}
    console.print(_accuracy_table(results, cases, dataset))
    if speed_queries:
        speed = _speed_table(cases, index, screener, brute, speed_queries, api)
        speed.add_row(f"index build ({len(index.name_text):,} names, {len(entries):,} entries) (s)",
                      f"{build_seconds:.2f}", "", "")
        speed.add_row("index load from its on-disk cache (s)", f"{load_seconds:.2f}", "", "")
        console.print(speed)

    if whole_process:
        console.print(_whole_process_table(cases, index, entries, runs))

    kizuna = results["Kizuna"]
    if kizuna.misses:
        console.print(f"[bold]Kizuna misses[/] ({len(kizuna.misses)}):")
        for case in kizuna.misses[:show]:
            console.print(f"  {case.category:8} {case.query}  (expected e.g. {sorted(case.expected)[0][1]})",
                          markup=False)
    if kizuna.false_positives:
        console.print(f"[bold]Kizuna false positives[/] ({len(kizuna.false_positives)}):")
        for case, hits in kizuna.false_positives[:show]:
            console.print(f"  {case.query}  → {sorted(hits)[0][0]}: {sorted(hits)[0][1]}", markup=False)


def _accuracy_table(results: dict[str, bench.Accuracy], cases: list[bench.Case], dataset: Path) -> Table:
    table = Table(title=f"Accuracy on {len(cases)} labelled cases ({dataset})", title_justify="left")
    table.add_column("matcher")
    for category in bench.CATEGORIES:
        count = sum(1 for c in cases if c.category == category)
        table.add_column(f"recall {category} ({count})", justify="right")
    negatives = sum(1 for c in cases if c.category == "negative")
    table.add_column(f"false positives ({negatives} unlisted)", justify="right")
    for name, result in results.items():
        table.add_row(name, *(f"{result.recall.get(c, 0):.3f}" for c in bench.CATEGORIES),
                      f"{result.false_positive_rate:.1%}")
    return table


def _speed_table(cases: list[bench.Case], index: ScreeningIndex, screener: Screener, brute: bench.BruteForce,
                 size: int, api: bool) -> Table:
    """Throughput, latency and memory of Kizuna beside brute-force rapidfuzz, measured now on this machine."""
    queries = [c.query for c in cases]
    workload = bench.workload(cases, index, size)
    speed = Table(title=f"Speed and memory (2 cores; full bundled lists; {len(workload):,} distinct queries)",
                  title_justify="left")
    for column in ("measure", "Kizuna", "brute-force rapidfuzz", "ratio"):
        speed.add_column(column, justify="left" if column == "measure" else "right")
    kizuna_qps = bench.throughput(bench.kizuna_matcher(screener), workload)
    brute_qps = bench.throughput(brute, workload[: max(100, len(workload) // 30)])
    speed.add_row("queries/s, 2 processes", f"{kizuna_qps:,.0f}", f"{brute_qps:,.1f}",
                  f"{kizuna_qps / brute_qps:,.0f}×")
    file_rate, file_peak = bench.screen_file_rate(home(), workload)
    speed.add_row("kizuna screen-file rows/s (separate process)", f"{file_rate:,.0f}", "", "")
    speed.add_row("kizuna screen-file peak memory, per process (MiB)", f"{file_peak:,.0f}", "", "")
    single = _latencies(lambda q: screener.screen(bench.Query(q)), queries)
    brute_single = _latencies(lambda q: brute(bench.Query(q)), queries[:60])
    speed.add_row("in-process latency p50 / p99 (ms)",
                  f"{bench.percentile(single, 0.5):.2f} / {bench.percentile(single, 0.99):.2f}",
                  f"{bench.percentile(brute_single, 0.5):.1f} / {bench.percentile(brute_single, 0.99):.1f}", "")
    if api:
        p50, p99, server_peak = bench.api_latency(home(), queries)
        speed.add_row("API POST /v1/screen p50 / p99 (ms)", f"{p50:.1f} / {p99:.1f}", "", "")
        speed.add_row("API server peak memory (MiB)", f"{server_peak:,.0f}", "", "")
    return speed


def _whole_process_table(cases: list[bench.Case], index: ScreeningIndex, entries: list[Entry],
                         runs: int | None) -> Table:
    """Each whole-process figure for the baseline commit and now, in the same data directory, with its target."""
    config = speed.load_config()
    runs = runs or config.runs
    with tempfile.TemporaryDirectory(prefix="kizuna-bench-") as folder:
        scratch = Path(folder)
        files = speed.write_inputs(scratch, config, bench.workload(cases, index, config.latin_rows + speed.SPARE_ROWS),
                                   bench.cjk_workload(cases, index, config.cjk_rows + speed.SPARE_ROWS),
                                   speed.own_parties(entries, config.own_parties))
        (scratch / "baseline").mkdir()
        versions = [speed.baseline_code(config.baseline, scratch / "baseline"), speed.current_code()]
        for version in versions:
            if version.src is not None:
                speed.compile_code(version)
        table = Table(title=f"Whole processes (median of {runs} runs; a first run filling the caches not counted; "
                      f"data directory {home()}, the baseline's its own)", title_justify="left")
        for column in ("measure", *(v.label for v in versions), "target", "met"):
            table.add_column(column, justify="left" if column == "measure" else "right")
        notes = [f"{v.label}: not measured, {v.missing}" for v in versions if v.src is None]
        homes = [scratch / "baseline-home", home()]  # each version on a data directory its own code loaded
        notes = notes + _prepared(versions[0], homes[0])
        for measure in speed.measures(config, files):
            values: list[float | None] = []
            for version, version_home in zip(versions, homes, strict=True):
                try:
                    values.append(measure.figure(speed.run_seconds(version, version_home, measure, runs))
                                  if version.src else None)
                except speed.RunFailed as exc:
                    values.append(None)
                    notes.append(str(exc))
            met = measure.met(values[-1]) if values[-1] is not None else False
            table.add_row(measure.label, *(_figure(v, measure) for v in values), _figure(measure.target, measure),
                          "" if measure.target is None else "yes" if met else "NO")
    table.caption = "\n".join(notes) or None
    table.caption_justify = "left"
    return table


def _prepared(version: speed.Code, folder: Path) -> list[str]:
    """Load the version's bundled lists into ``folder``; the note to print when that fails."""
    if version.src is None:
        return []
    try:
        speed.prepare_home(version, folder)
    except speed.RunFailed as exc:
        return [str(exc)]
    return []


def _figure(value: float | None, measure: speed.Measure) -> str:
    """A figure as the table shows it; — for none (not measured, or the run failed: the caption says why)."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if measure.rows else f"{value:.2f}"


def _latencies(screen: Callable[[str], object], queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        screen(query)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@app.command("index")
def index_command(repeat: Annotated[int, typer.Option(help="Load repetitions.")] = 3) -> None:
    """Time to build the screening index of the current snapshot and to load it from its cache."""
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    read_seconds, entries = bench.timed(lambda: list(snapshot.entries()))
    assert isinstance(entries, list)
    build_seconds, built = bench.timed(lambda: ScreeningIndex.build(entries, snapshot.id))
    assert isinstance(built, ScreeningIndex)
    loads = [bench.timed(lambda: ScreeningIndex.load(cache_file(snapshot.path)))[0] for _ in range(repeat)]
    table = Table(title=f"screening index, snapshot {snapshot.id}")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_row(f"read {len(entries):,} entries from the snapshot", f"{read_seconds:.2f}")
    table.add_row(f"build index ({len(built.name_text):,} names, {len(built.words):,} words)", f"{build_seconds:.2f}")
    table.add_row(f"load index from cache (best of {repeat})", f"{min(loads):.2f}")
    console.print(table)


@app.command("dask")
def dask_file(
    rows: Annotated[int, typer.Option(min=1, help="Rows of the customer file (the issue's figure is 1,000,000).")]
    = 1_000_000,
    workers: Annotated[int, typer.Option(min=1, help="Local processes and Dask workers.")] = 2,
    repeats: Annotated[int, typer.Option(min=1, help="Runs of each parallel way, in turn; the fastest counts.")] = 2,
) -> None:
    """screen-file on one process, on local processes and on a Dask LocalCluster of the same cores: throughput,
    the Dask overhead beside the native multi-process path, and whether the outputs agree row for row."""
    from kizuna.screening import cluster_bench

    cases = bench.load_devset(_REPO_DEVSET)
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    index = ScreeningIndex.load(cache_file(snapshot.path)) or ScreeningIndex.build(snapshot.entries(), snapshot.id)
    names = bench.workload(cases, index, min(rows, 20_000))
    with tempfile.TemporaryDirectory(prefix="kizuna-bench-dask-") as folder:
        source = cluster_bench.customer_file(Path(folder) / "customers.csv", names, rows)
        runs = cluster_bench.compare(source, workers, repeats)
    native = runs[1]
    table = Table(title=f"kizuna screen-file, {rows:,} Latin rows ({len(names):,} distinct names), whole "
                  "processes", title_justify="left")
    for column in ("run", "seconds", "rows/s", "vs 1 process", "output"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for run in runs:
        table.add_row(run.label, f"{run.seconds:,.1f}", f"{run.rate(rows):,.0f}",
                      f"{runs[0].seconds / run.seconds:.2f}×",
                      "identical" if run.digest == runs[0].digest else "DIFFERS")
    overhead = runs[2].seconds / native.seconds - 1
    table.caption = (f"Dask overhead beside {native.label}: {overhead:+.1%} of wall time (goal: within 15 %); "
                     f"the parallel runs are the fastest of {repeats}, run in turn")
    table.caption_justify = "left"
    console.print(table)


@app.command("katakana")
def katakana(
    baseline: Annotated[str, typer.Option(help="The commit to compare with (its src/ and data/, by git archive).")]
    = "9007282",
) -> None:
    """Recall of katakana names (the MOF asset-freeze list's own katakana / English pairs) finding the parties
    their English names find on the bundled lists, now and at the baseline commit, with the negatives' hits."""
    from kizuna.screening import katakana_bench

    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    with tempfile.TemporaryDirectory(prefix="kizuna-bench-katakana-") as folder:
        versions = [speed.baseline_code(baseline, Path(folder) / "code"), speed.current_code()]
        (Path(folder) / "baseline-home").mkdir()
        homes = [Path(folder) / "baseline-home", home()]  # the baseline loads its own bundle: it cannot read ours
        figures = [katakana_bench.measure(v, h, snapshot) if v.src else (None, None)
                   for v, h in zip(versions, homes, strict=True)]
    table = Table(title=f"Katakana names of the MOF list (benchmarks/screening/katakana_mof.csv) against the "
                  f"UN, US and METI lists (MOF and the lists bundled with it left out); data directory {home()}, "
                  "the baseline's its own", title_justify="left")
    table.add_column("measure")
    for version in versions:
        table.add_column(version.label, justify="right")
    reference = next(f for f, _ in figures if f)
    kinds = {None: ("person", "other"), "person": ("person",), "other": ("other",)}
    rows = ((None, None, "recall"), ("person", None, "recall, persons"), ("other", None, "recall, organisations"),
            (None, katakana_bench.KATAKANA, "recall, names written in katakana (the goal: 0.90)"),
            (None, katakana_bench.KANJI, "recall, names translated into or written in kanji"))
    for part in ("dev", "holdout"):
        for kind, written, label in rows:
            table.add_row(f"{part}: {label} ({reference.cell(part, kinds[kind], written).total:,})",
                          *(f"{f.recall(part, kind, written):.3f}" if f else "—" for f, _ in figures))
        for written, label in ((None, ""), (katakana_bench.KATAKANA, ", written in katakana,")):
            negatives = reference.cell(part, ("negative",), written)
            table.add_row(f"{part}: negatives{label} with a hit ({negatives.total:,})",
                          *(f"{f.cell(part, ('negative',), written).found:,}" if f else "—" for f, _ in figures))
            table.add_row(f"{part}: … a hit no birth date confirms (false positives)",
                          *(f"{f.cell(part, ('negative',), written).unconfirmed:,}" if f else "—" for f, _ in figures))
        # As a register holds the party: the MOF entry's kind and birth date in the query, the evidence the
        # screener weighs (a namesake born another year, a company for a person).
        table.add_row(f"{part}, with kind and birth date: recall, names written in katakana",
                      *(f"{r.recall(part, None, katakana_bench.KATAKANA):.3f}" if r else "—" for _, r in figures))
        table.add_row(f"{part}, with kind and birth date: negatives, a hit no birth date confirms",
                      *(f"{r.cell(part, ('negative',)).unconfirmed:,}" if r else "—" for _, r in figures))
    notes = [f"{v.label}: not measured, {v.missing}" for v in versions if v.src is None]
    table.caption = "\n".join([*notes, "Katakana: no Han character outside a Japanese legal form (株式会社 …); the "
                               "issue's goal is about names the MOF list renders by sound. A negative's hit is "
                               "confirmed when its birth date agrees with the MOF entry's (both must give one)."])
    console.print(table)
