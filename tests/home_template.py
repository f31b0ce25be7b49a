"""Template data directories for the tests, built once and copied into each test process's home.

Loading the bundled lists and building their screening index takes half a minute, the research organisations'
index twenty seconds; every test process would pay both. A template is built in a process of its own that records
what the build read: the files of this repository it opened or imported (by content) and the other modules it
imported (by path, size and time). It is copied for as long as all of those are unchanged, so that editing a
module the build does not use keeps it. A clean clone (CI) builds every template.

``python -m tests.home_template NAME HOME`` builds template NAME in the data directory HOME.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / ".test-homes"
# Each template: the folder of the data directory it fills.
PARTS = {"lists": ".", "research": "cache/research"}
# The repository's own folders, whose files a build read are compared by content.
OWN = ("src", "data", "tests")


def copy_or_build(home: Path, name: str) -> None:
    """Fill ``home`` with template ``name``: copied if one read what is on disk now, else built and kept."""
    TEMPLATES.mkdir(exist_ok=True)
    with (TEMPLATES / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other test process waits for this build instead of repeating it
        template = _current(name) or _build(name)
    shutil.copytree(template / "part", home / PARTS[name], dirs_exist_ok=True)


def _current(name: str) -> Path | None:
    for template in sorted(TEMPLATES.glob(f"{name}-*")):
        if _unchanged(json.loads((template / "read.json").read_text())):
            return template
        shutil.rmtree(template, ignore_errors=True)  # built from other code or data
    return None


def _build(name: str) -> Path:
    staging = TEMPLATES / f".building-{name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "home").mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "tests.home_template", name, str(staging / "home")], cwd=ROOT,
                            env={**os.environ, "KIZUNA_HOME": str(staging / "home")}, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"building the {name} test home failed:\n{result.stdout}\n{result.stderr}")
    (staging / "home" / PARTS[name]).rename(staging / "part")
    shutil.rmtree(staging / "home", ignore_errors=True)
    digest = hashlib.sha256((staging / "read.json").read_bytes()).hexdigest()[:16]
    template = TEMPLATES / f"{name}-{digest}"
    staging.rename(template)
    return template


def _unchanged(read: dict[str, dict[str, list[int] | str]]) -> bool:
    return (all((ROOT / path).is_file() and _sha(ROOT / path) == sha for path, sha in read["content"].items())
            and all(_stat(Path(path)) == stat for path, stat in read["stat"].items()))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def _record_reads(build: Callable[[], object]) -> dict[str, dict[str, list[int] | str]]:
    opened: set[Path] = set()

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and isinstance(args[0], str | Path):
            opened.add(Path(args[0]).resolve())

    sys.addaudithook(hook)
    build()
    imported = {Path(file).resolve() for module in list(sys.modules.values())
                if isinstance(file := getattr(module, "__file__", None), str)}
    content: dict[str, list[int] | str] = {}
    stat: dict[str, list[int] | str] = {}
    for path in sorted(opened | imported):
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in OWN and path.is_file():
            content[str(path.relative_to(ROOT))] = _sha(path)
        elif path in imported:
            stat[str(path)] = _stat(path) or []
    return {"content": content, "stat": stat}


def _build_lists() -> None:
    from kizuna.lists.store import SnapshotStore
    from kizuna.screening.service import ensure_current

    ensure_current(SnapshotStore())


def _build_research() -> None:
    from kizuna.research.orgs import registry

    registry().screener()


if __name__ == "__main__":
    name, where = sys.argv[1], Path(sys.argv[2]).resolve()
    reads = _record_reads({"lists": _build_lists, "research": _build_research}[name])
    (where.parent / "read.json").write_text(json.dumps(reads, indent=1))
