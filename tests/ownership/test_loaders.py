"""Loaders: all 19 BODS examples, the BODS conformance fixtures, GLEIF, FollowTheMoney, CSV errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.ownership.bods import load_bods, validate
from kizuna.ownership.claims import check_claims
from kizuna.ownership.load import load_file
from kizuna.ownership.model import InterestKind
from tests.ownership.conftest import CONFORMANCE, EXAMPLES, FIXTURES

# Declared indirect shares in the examples and what the data allow (percent): see docs/ownership.md.
EXPECTED_CLAIMS = {
    "indirect-ownership.json": ("within computed range", [0.0, 60.0]),
    "mixed-direct-and-indirect-ownership.json": ("within computed range", [0.0, 50.0]),
    "multiple-indirect-ownership.json": ("within computed range", [0.0, 100.0]),
    "mutilple-indirect-ownership-2.json": ("within computed range", [0.0, 60.0]),
    "bods-package-fi-soe.json": ("matches with control attributed", 0.0),
    "nomination.json": ("no share declared", 0.0),
}


def test_all_nineteen_examples_load() -> None:
    files = sorted(EXAMPLES.glob("*.json"))
    assert len(files) == 19
    for path in files:
        graph = load_bods(path)
        assert graph.parties, path.name


def test_declared_indirect_shares_against_computed() -> None:
    seen = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        for check in check_claims(load_bods(path)):
            seen[path.name] = (check.verdict, check.computed.percent())
    assert seen.keys() == EXPECTED_CLAIMS.keys()
    for name, (verdict, computed) in EXPECTED_CLAIMS.items():
        assert seen[name][0] == verdict, name
        assert seen[name][1] == pytest.approx(computed), name


def test_bods_record_updates_and_closures_apply_in_order() -> None:
    tecido = load_bods(EXAMPLES / "tecido.json")
    assert "018AF6B3EB" not in {e.owner for e in tecido.edges}  # Maria Esteves' interest was closed
    [edge] = tecido.edges
    assert edge.share is not None and edge.share.lo == pytest.approx(0.8)
    fermcat = load_bods(EXAMPLES / "fermcat.json")
    [edge] = fermcat.edges
    assert edge.share is not None and edge.share.lo == pytest.approx(1.0)


def test_bods_state_and_ranges() -> None:
    soe = load_bods(EXAMPLES / "bods-package-fi-soe.json")
    assert {p.kind for p in soe.parties.values()} >= {PartyKind.STATE}
    pep = load_bods(EXAMPLES / "bods-package-linking-annotations.json")
    [edge] = pep.edges
    assert edge.share is not None and 0.25 < edge.share.lo < 0.2501 and 0.4999 < edge.share.hi < 0.5


def test_conformance_valid_fixtures_pass() -> None:
    files = sorted((CONFORMANCE / "valid-statements").glob("*.json"))
    assert len(files) > 100
    for path in files:
        assert validate(json.loads(path.read_text())) == [], path.name


def test_conformance_invalid_fixtures_fail_as_the_standard_says() -> None:
    folder = CONFORMANCE / "invalid-statements"
    with (folder / "expected_errors.csv").open() as handle:
        expected = {row[0]: row for row in csv.reader(handle)}
    files = sorted(folder.glob("*.json"))
    assert len(files) > 150
    for path in files:
        errors = validate(json.loads(path.read_text()))
        assert errors, f"{path.name} should be invalid"
        row = expected[path.name]
        assert any(e.validator == row[1] and e.path == row[2] for e in errors), (path.name, row, errors[:3])


def test_invalid_bods_file_names_file_and_field(tmp_path: Path) -> None:
    source = CONFORMANCE / "invalid-statements" / "entity_missing_declarationSubject.json"
    target = tmp_path / "bad.json"
    target.write_text(source.read_text())
    with pytest.raises(InputError) as info:
        load_bods(target)
    assert info.value.path == str(target) and info.value.field == "$[0]"
    lines = tmp_path / "bad.jsonl"
    statements = json.loads(source.read_text())
    good = json.loads((EXAMPLES / "bods-package.json").read_text())
    lines.write_text("\n".join(json.dumps(s) for s in [*good, *statements]) + "\n")
    with pytest.raises(InputError) as info:
        load_bods(lines)
    assert info.value.line == len(good) + 1


def test_gleif_level2_is_consolidation_control_with_ultimate_claims() -> None:
    graph = load_file(FIXTURES / "gleif")
    assert graph.source_format == "gleif"
    assert len(graph.edges) == 59 and all(e.kind == InterestKind.CONTROL for e in graph.edges)
    assert len(graph.claims) == 62
    bloomberg = graph.parties["5493001KJTIIGC8Y1R12"]
    assert bloomberg.name == "Bloomberg Finance L.P." and bloomberg.country == "US"
    assert any("NON_PUBLIC" in note for p in graph.parties.values() for note in p.notes)
    # direct parent of Bloomberg Finance: a control edge from its parent
    assert any(e.owned == "5493001KJTIIGC8Y1R12" for e in graph.edges)


def test_ftm_entities(tmp_path: Path) -> None:
    rows = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ito Ken"], "nationality": ["jp"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Alpha KK"], "jurisdiction": ["jp"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Beta Ltd"], "country": ["gb"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["25-50"]}},
        {"id": "o2", "schema": "Ownership", "properties": {"owner": ["c1"], "asset": ["c2"], "percentage": ["51.0"]}},
        {"id": "o3", "schema": "Ownership", "properties": {"owner": ["c2"], "asset": ["c1"], "percentage": ["n/a"]}},
        {"id": "k1", "schema": "Control", "properties": {"controller": ["p1"], "controlled": ["c2"],
                                                          "controlType": ["appointment"]}},
    ]
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    graph = load_file(path)
    assert graph.source_format == "ftm"
    assert graph.parties["p1"].kind == PartyKind.PERSON and graph.parties["c2"].country == "GB"
    shares = {(e.owner, e.owned): e.share for e in graph.edges}
    assert shares[("p1", "c1")] is not None and shares[("p1", "c1")].hi == pytest.approx(0.5)
    assert shares[("c2", "c1")] is None and graph.notes  # unparseable percentage kept as unknown, with a note
    assert any(e.kind == InterestKind.CONTROL for e in graph.edges)


@pytest.mark.parametrize(("content", "line", "field"), [
    ("owner,owned\nA,B\n", 1, None),
    ("owner,owned,share\nA,B,60\nA,C,sixty\n", 3, "share"),
    ("owner,owned,share\nA,,60\n", 2, "owned"),
    ("owner,owned,share,owner_country\nA,B,60,Atlantis\n", 2, "owner_country"),
    ("owner,owned,share,interest\nA,B,60,friendship\n", 2, "interest"),
])
def test_csv_errors_name_line_and_field(tmp_path: Path, content: str, line: int, field: str | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_file(path)
    assert info.value.line == line and info.value.field == field
