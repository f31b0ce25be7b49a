"""``screen-file`` on one process, on local processes, and on a Dask LocalCluster of the same cores: the throughput
of each, the Dask overhead beside the native multi-process path, and whether the outputs agree row for row.

Each run is a whole ``kizuna screen-file`` process, as a user runs it, so the cluster's start-up (scheduler,
worker processes, each loading the index once) is counted; over a million rows it is a few seconds of many minutes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kizuna.core.tables import write_table

KIZUNA = str(Path(sys.executable).parent / "kizuna")


@dataclass(frozen=True, slots=True)
class FileRun:
    """One way of running the file: its label, the command's extra options, and what it measured."""

    label: str
    options: tuple[str, ...]
    seconds: float
    digest: str  # of the result rows (the first line, the run's metadata, names its start time)

    def rate(self, rows: int) -> float:
        return rows / self.seconds


def customer_file(path: Path, names: list[str], rows: int) -> Path:
    """A customer file of ``rows`` rows cycling through ``names`` (each row its own id, as a register has)."""
    write_table(path, ["id", "name"], ([f"C{i}", names[i % len(names)]] for i in range(rows)))
    return path


def run_file(source: Path, label: str, options: tuple[str, ...]) -> FileRun:
    """Time one whole ``kizuna screen-file`` of ``source`` with ``options``."""
    target = source.with_name(f"{source.stem}-{label.replace(' ', '-')}.jsonl")
    started = time.perf_counter()
    done = subprocess.run([KIZUNA, "screen-file", str(source), "-o", str(target), *options], capture_output=True,
                          text=True, check=False)
    if done.returncode not in (0, 2):  # 2: some rows could not be screened, which the output reports
        raise RuntimeError(f"kizuna screen-file {' '.join(options)}: exit {done.returncode}: {done.stderr[-300:]}")
    seconds = time.perf_counter() - started
    with target.open("rb") as handle:
        handle.readline()
        digest = hashlib.sha256(handle.read()).hexdigest()
    target.unlink()
    return FileRun(label, options, seconds, digest)


def compare(source: Path, workers: int, repeats: int = 2) -> list[FileRun]:
    """The file on one process, on ``workers`` local processes, and on a LocalCluster of ``workers`` workers.

    The two parallel ways run ``repeats`` times in turn and each keeps its fastest run: on a shared virtual
    machine the speed drifts by a tenth or more from one minute to the next, and runs in turn see the same drift.
    """
    single = run_file(source, "1 process", ("--workers", "1"))
    ways = [(f"{workers} processes", ("--workers", str(workers))),
            (f"Dask LocalCluster, {workers} workers", ("--dask", f"local:{workers}"))]
    tries = [[run_file(source, label, options) for label, options in ways] for _ in range(repeats)]
    return [single, *(min(runs, key=lambda run: run.seconds) for runs in zip(*tries, strict=True))]
