"""The hits of a fixed query set (tests/fixtures/screening/golden_hits.json, written by make_golden.py from the
code before the cold-start and structure work) must not change: same entries, scores and explanations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.screening.make_golden import run

GOLDEN = Path(__file__).parent.parent / "fixtures" / "screening" / "golden_hits.json"


@pytest.mark.usefixtures("screener")
def test_the_fixed_query_set_gives_the_same_hits_as_before() -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    cases = [{k: case[k] for k in ("query", "type", "country")} for case in expected]
    actual = run(cases)
    changed = [(e["query"], e["hits"][:1], a["hits"][:1]) for e, a in zip(expected, actual, strict=True)
               if e["hits"] != a["hits"]]
    assert not changed, f"{len(changed)} of {len(expected)} queries changed, e.g. {changed[:3]}"
