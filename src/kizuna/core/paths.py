"""Where Kizuna keeps its state and where the bundled public data lives."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def home() -> Path:
    """The data directory: ``$KIZUNA_HOME``, else ``~/.local/share/kizuna``."""
    configured = os.environ.get("KIZUNA_HOME")
    base = Path(configured) if configured else Path.home() / ".local" / "share" / "kizuna"
    base.mkdir(parents=True, exist_ok=True)
    return base


@contextlib.contextmanager
def home_at(path: Path) -> Iterator[Path]:
    """Run in-process code with ``path`` as the data directory (one node of several, a benchmark's scratch home)."""
    previous = os.environ.get("KIZUNA_HOME")
    os.environ["KIZUNA_HOME"] = str(path)
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop("KIZUNA_HOME", None)
        else:
            os.environ["KIZUNA_HOME"] = previous


def bundled_data_dir() -> Path:
    """The bundled public data: inside the wheel (``kizuna/_bundled``) or the repository's ``data/``."""
    installed = _PACKAGE_DIR / "_bundled"
    if installed.is_dir():
        return installed
    repo = _PACKAGE_DIR.parent.parent / "data"
    if repo.is_dir():
        return repo
    raise FileNotFoundError("bundled data not found: reinstall kizuna or run from a checkout")


def bundled(*parts: str) -> Path:
    """A path inside the bundled data directory."""
    return bundled_data_dir().joinpath(*parts)
