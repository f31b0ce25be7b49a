"""Whole-process speed of screening beside a baseline commit, for ``kizuna bench screening``.

Every figure is a separate ``kizuna`` process timed from start to exit, as a user runs it: a single query in CJK
and in Latin script, ``screen-file`` on a Latin and a CJK-heavy file (rows per second counting start-up), and a
process that screens a few parties of its own. Each runs with the current code and with the baseline commit's
(``benchmarks/screening/speed.yaml``), taken from git into a temporary folder, in the same data directory.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from kizuna.core.entity import Entry, NameKind
from kizuna.core.rules import RuleModel, load_rules
from kizuna.core.scripts import is_cjk
from kizuna.core.tables import write_table
from kizuna.screening.tables import limits

REPO = Path(__file__).resolve().parents[3]
CONFIG = REPO / "benchmarks" / "screening" / "speed.yaml"
# The kizuna command (``kizuna.cli.main``); and the screening commands alone, without the other capabilities'
# imports, so that the screening figures can be read apart from the start-up of the whole CLI.
_KIZUNA = "from kizuna.cli.main import main; main()"
_SCREENING_ONLY = ("import typer; from kizuna.cli import screening; app = typer.Typer(add_completion=False); "
                   "screening.register(app); app.callback()(lambda: None); app()")
# Screening a few of one's own parties, as cables, ownership and licence commands do (kizuna.screening.screen
# with entries=, the same in the baseline).
_OWN_PARTIES = ("import json, sys; from kizuna.core.entity import Entry; from kizuna.core.party import Party; "
                "from kizuna.screening import screen; "
                "entries = [Entry.from_dict(e) for e in json.load(open(sys.argv[1], encoding='utf-8'))]; "
                "[screen(Party(name=e.name), entries=entries) for e in entries[:5]]")


class Targets(RuleModel):
    cjk_query_seconds: float
    latin_query_seconds: float
    latin_file_rows_per_second: float
    cjk_file_rows_per_second: float
    own_parties_seconds: float


class Queries(RuleModel):
    cjk: str
    latin: str


class SpeedConfig(RuleModel):
    baseline: str
    runs: int
    queries: Queries
    latin_rows: int
    cjk_rows: int
    own_parties: int
    commands: list[list[str]]
    targets: Targets


def load_config(path: Path = CONFIG) -> SpeedConfig:
    return load_rules(path, SpeedConfig)


@dataclass(frozen=True, slots=True)
class Code:
    """A version of Kizuna to run: its ``src`` folder, or why it is not available."""

    label: str
    src: Path | None
    missing: str = ""


def baseline_code(commit: str, folder: Path, repo: Path = REPO) -> Code:
    """The baseline commit's src/, data/ and data-noncommercial/ (the cable data) extracted into ``folder`` (git
    archive), or why that is impossible."""
    label = f"baseline {commit}"
    try:
        archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, "src", "data",
                                  "data-noncommercial"],
                                 capture_output=True, check=False)
    except OSError as exc:
        return Code(label, None, f"git is not available ({exc})")
    if archive.returncode != 0:
        reason = archive.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        return Code(label, None, f"not in a git checkout with commit {commit} ({''.join(reason)})")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return Code(label, folder / "src")


def current_code() -> Code:
    return Code("now", Path(__file__).resolve().parents[2])


class RunFailed(Exception):
    """A measured process exited with an error (its last line of output says why)."""


def prepare_home(code: Code, home: Path) -> None:
    """Load ``code``'s own bundled lists into ``home``: an older version cannot read a newer version's snapshot
    (a name kind it does not know), so each version is measured on a data directory it made."""
    assert code.src is not None
    env = {**environment(), "PYTHONPATH": str(code.src), "KIZUNA_HOME": str(home), "COLUMNS": "160"}
    done = subprocess.run([sys.executable, "-c", _KIZUNA, "lists", "load-bundled"], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RunFailed(f"{code.label}: loading its bundled lists failed, {last.strip()[:200]}")


def compile_code(code: Code) -> None:
    """Write ``code``'s bytecode first, so that neither version pays for compiling its modules in every measured
    process (what PYTHONDONTWRITEBYTECODE in the environment would otherwise cause, for one version or both)."""
    import compileall

    assert code.src is not None
    compileall.compile_dir(code.src, quiet=2)


def run_seconds(code: Code, home: Path, measure: Measure, runs: int) -> float:
    """Median wall time of ``runs`` processes (after one unmeasured run that fills the caches, when the measure
    asks for it); RunFailed when one fails."""
    assert code.src is not None
    env = {**environment(), "PYTHONPATH": str(code.src), "KIZUNA_HOME": str(home), "COLUMNS": "160"}
    timings = []
    for attempt in range(runs + measure.fill_caches):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", measure.program, *measure.args], env=env, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            if "internal error" in last and "Error:" in done.stderr:  # a traceback: its exception line says more
                last = next(line for line in reversed(done.stderr.splitlines()) if "Error:" in line)
            raise RunFailed(f"{code.label}, {measure.label}: exit {done.returncode}, {last.strip()[:200]}")
        if attempt >= measure.fill_caches:
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def environment() -> dict[str, str]:
    """This process's environment without what would point a measured process at other code or data."""
    import os

    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KIZUNA_HOME")}


@dataclass(frozen=True, slots=True)
class Measure:
    """One whole-process figure: how to run it, how to turn seconds into the figure, and its target."""

    label: str
    program: str
    args: list[str]
    target: float | None
    rows: int = 0  # a rate: rows per second of wall time; else seconds
    fill_caches: bool = False  # run once unmeasured first (the first runs of a version build its caches)

    def figure(self, seconds: float) -> float:
        return self.rows / seconds if self.rows else seconds

    def met(self, value: float) -> bool | None:
        if self.target is None:
            return None
        return value >= self.target if self.rows else value <= self.target


def measures(config: SpeedConfig, files: dict[str, Path]) -> list[Measure]:
    """Every figure of the speed table, in order."""
    t, q = config.targets, config.queries
    found = [
        Measure(f"kizuna screen {q.cjk!r} (s)", _KIZUNA, ["screen", q.cjk], t.cjk_query_seconds, fill_caches=True),
        Measure(f"kizuna screen {q.latin!r} (s)", _KIZUNA, ["screen", q.latin], t.latin_query_seconds,
                fill_caches=True),
        Measure(f"  same, screening commands only: {q.cjk!r} (s)", _SCREENING_ONLY, ["screen", q.cjk], None),
        Measure(f"  same, screening commands only: {q.latin!r} (s)", _SCREENING_ONLY, ["screen", q.latin], None),
        Measure(f"kizuna screen-file, {config.latin_rows:,} Latin rows (rows/s with start-up)", _KIZUNA,
                ["screen-file", str(files["latin"]), "-o", str(files["latin_out"])], t.latin_file_rows_per_second,
                config.latin_rows),
        Measure(f"kizuna screen-file, {config.cjk_rows:,} katakana/kanji rows (rows/s with start-up)", _KIZUNA,
                ["screen-file", str(files["cjk"]), "-o", str(files["cjk_out"])], t.cjk_file_rows_per_second,
                config.cjk_rows),
        Measure(f"screen 5 parties against {config.own_parties} own entries, whole process (s)", _OWN_PARTIES,
                [str(files["own"])], t.own_parties_seconds, fill_caches=True),
    ]
    found += [Measure(f"kizuna {' '.join(c)} (s)", _KIZUNA, c, t.own_parties_seconds, fill_caches=True)
              for c in config.commands]
    return found


SPARE_ROWS = 100  # asked of the workloads beyond the file sizes, for the few listed names too long for a query


def write_inputs(folder: Path, config: SpeedConfig, latin: list[str], cjk: list[str],
                 own: list[Entry]) -> dict[str, Path]:
    """The benchmark's input files in ``folder``: the two customer files, of the configured sizes, of names a
    query may have (a few listed names are longer), and the own parties' entries."""
    longest = limits().max_name_length
    latin = [n for n in latin if len(n) <= longest][: config.latin_rows]
    cjk = [n for n in cjk if len(n) <= longest][: config.cjk_rows]
    files = {"latin": folder / "latin.csv", "cjk": folder / "cjk.csv", "own": folder / "own.json",
             "latin_out": folder / "latin-out.jsonl", "cjk_out": folder / "cjk-out.jsonl"}
    write_table(files["latin"], ["id", "name"], ([i, name] for i, name in enumerate(latin, 1)))
    write_table(files["cjk"], ["id", "name"], ([i, name] for i, name in enumerate(cjk, 1)))
    files["own"].write_text(json.dumps([_as_baseline_reads(e) for e in own], ensure_ascii=False), encoding="utf-8")
    return files


def _as_baseline_reads(entry: Entry) -> dict[str, object]:
    """The entry as JSON, a rendered name written as an alias: the baseline predates that kind and refuses it, and
    both versions must screen the same file."""
    data = entry.to_dict()
    for alias in data["aliases"]:
        if alias["kind"] == NameKind.RENDERED:
            alias["kind"] = NameKind.ALIAS.value
    return data


def own_parties(entries: list[Entry], size: int) -> list[Entry]:
    """``size`` listed entries standing for a capability's parties of concern: half with a CJK name (the
    expensive kind to index), the rest spread over the lists."""
    cjk = [e for e in entries if any(is_cjk(n.text) for n in e.names)][: size // 2]
    step = max(1, len(entries) // max(1, size - len(cjk)))
    return (cjk + entries[::step])[:size]
