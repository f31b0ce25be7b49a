"""The research tests share the session's data directory (bundled lists loaded, the ROR screener cached)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "research"
FIXTURES = ROOT / "tests" / "fixtures" / "research"


@pytest.fixture(scope="session")
def research_home(kizuna_home: Path) -> Iterator[Path]:
    """The session home, with the ROR organisations and their screener loaded once."""
    from kizuna.research.orgs import registry
    from tests.home_template import copy_or_build

    copy_or_build(kizuna_home, "research")
    registry().screener()
    yield kizuna_home
