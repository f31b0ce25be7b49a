"""Hostile and broken files (issue 12): each is refused with file/line/field, never a traceback or a hang.

The files are generated here: binary bytes, Latin-1 and UTF-16 text, cells over the csv module's 131,072
limit, JSON nested 200,000 deep, wrong JSON/YAML types, xlsx zip bombs and DTDs, formula payloads.
"""

from __future__ import annotations

import importlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from kizuna.core.errors import InputError
from kizuna.core.limits import limits
from kizuna.core.tables import neutralise, read_table, restore, write_table
from kizuna.cyber.answers import read_rows
from kizuna.lists.sources import SourceSpec, manifest_specs
from kizuna.ownership.load import load_file
from tests.conftest import kizuna

PAYLOAD = "=cmd|' /C calc'!A0"
OWNERSHIP = "owner,owned,share\nA,B,40\n"
DEEP = "[" * 200_000 + "]" * 200_000


def _refused(call: Callable[[], object], *match: str) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    for text in match:
        assert text in str(caught.value), str(caught.value)
    return caught.value


def _list(tmp_path: Path, fmt: str, name: str, content: str | bytes) -> SourceSpec:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return SourceSpec(fmt, {"primary": path}, data_date="2026-01-01")


def _bomb(path: Path, part_bytes: int) -> Path:
    """A valid workbook whose sheet XML is padded with ``part_bytes`` of spaces (compresses ~1000 times)."""
    book = openpyxl.Workbook()
    book.active.append(["requirement_id", "status"])
    book.save(path)
    with zipfile.ZipFile(path) as original:
        parts = {i.filename: original.read(i) for i in original.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                bomb.writestr(name, data)
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            head, tail = sheet.split(b"<sheetData", 1)
            out.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(part_bytes >> 20):
                out.write(chunk)
            out.write(b"<sheetData" + tail)
    return path


# ---- encodings and binary data --------------------------------------------------------------------------------

def test_latin1_ownership_csv_names_the_right_line(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_bytes("owner,owned,share\nA,B,10\nCaf\xe9,B,20\n".encode("latin-1"))
    error = _refused(lambda: load_file(path), "not UTF-8", "byte 0xe9")
    assert error.line == 3


def test_utf16_with_bom_ownership_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(OWNERSHIP, encoding="utf-16")
    assert len(load_file(path).edges) == 1


def test_binary_ownership_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_bytes(b"owner,owned,share\n\x00\x9c\xff\x01")
    assert _refused(lambda: load_file(path), "binary data").line == 2


def test_latin1_bods_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes('[{"statementId": "caf\xe9"}]'.encode("latin-1"))
    _refused(lambda: load_file(path), "not UTF-8")


def test_latin1_lists_catalogue_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lists.json").write_bytes('{"lists": [{"id": "bis-dpl", "snapshot": "\xe9"}]}'.encode("latin-1"))
    spec = _list(tmp_path, "us-restricted-json", "e.json", json.dumps({"list_id": "bis-dpl", "entities": []}))
    _refused(lambda: spec.read(tmp_path), "lists.json", "not UTF-8")


def test_binary_sdn_is_refused(tmp_path: Path) -> None:
    spec = _list(tmp_path, "ofac-sdn", "sdn.csv", b'1,"A",-0-\n\x00\x00\x01')
    _refused(lambda: spec.read(tmp_path), "binary data", "line 2")


def test_latin1_cable_data_is_refused(tmp_path: Path) -> None:
    from kizuna.cables.loader import load_network

    (tmp_path / "landing_points.csv").write_bytes("id,country\nx,JP\ny,Espa\xf1a\n".encode("latin-1"))
    (tmp_path / "cables.csv").write_text("id,landing_points\nc,x;y\n")
    assert _refused(lambda: load_network(tmp_path), "not UTF-8").line == 3


# ---- cells over the csv module's limit ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,name,content", [
    # OFAC's files end with a Ctrl-Z byte; without it the file is refused as cut off before its cells are read.
    ("ofac-sdn", "sdn.csv", '1,"' + "A" * 140_000 + '",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n\x1a'),
    ("csl-csv", "consolidated.csv", "_id,source,name,alt_names\n1,x,\"" + "A" * 140_000 + "\",\n"),
])
def test_oversized_list_cell_is_refused(tmp_path: Path, fmt: str, name: str, content: str) -> None:
    spec = _list(tmp_path, fmt, name, content)
    _refused(lambda: spec.read(tmp_path), "longer than the limit", "input_limits.yaml")


def test_oversized_ownership_and_answers_cells_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(OWNERSHIP + "C,B,\"" + "x" * 140_000 + "\"\n")
    assert _refused(lambda: load_file(path), "longer than the limit").line == 3
    answers = tmp_path / "a.csv"
    answers.write_text("requirement_id,status,evidence\n3.1.1,met," + "x" * 140_000 + "\n")
    _refused(lambda: list(read_rows(answers)), "longer than the limit")


def test_ten_megabyte_csl_json_name_is_refused_before_indexing(tmp_path: Path) -> None:
    spec = _list(tmp_path, "csl-json", "c.json", json.dumps({"results": [{"source": "x", "name": "A" * 10_000_000}]}))
    error = _refused(lambda: spec.read(tmp_path), "10,000,000 characters")
    assert error.field == "results[0].name"


# ---- JSON nesting and types -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,text", [
    ("csl-json", DEEP), ("ftm-json", DEEP), ("us-restricted-json", '{"entities": ' + DEEP + "}"),
])
def test_deep_list_json_is_refused(tmp_path: Path, fmt: str, text: str) -> None:
    spec = _list(tmp_path, fmt, "deep.json", text)
    _refused(lambda: spec.read(tmp_path), "nested more than 64 levels")


def test_deep_bods_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('[{"statementId": ' + DEEP + "}]")
    _refused(lambda: load_file(path, "bods"), "nested more than")


def test_csl_addresses_of_numbers(tmp_path: Path) -> None:
    spec = _list(tmp_path, "csl-json", "c.json", json.dumps({"results": [{"source": "Entity List (EL) - Bureau "
                                                                          "of Industry and Security",
                                                                          "name": "Acme", "addresses": [1, 2]}]}))
    assert _refused(lambda: spec.read(tmp_path), "result #1", "an item that is a number").field == "addresses"


def test_ftm_properties_as_a_list(tmp_path: Path) -> None:
    spec = _list(tmp_path, "ftm-json", "f.json", json.dumps({"id": "x", "schema": "Person", "properties": ["a"]}))
    error = _refused(lambda: spec.read(tmp_path), "expected an object, found an array")
    assert (error.line, error.field) == (1, "properties")
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"id": "x", "schema": "Company", "properties": ["a"]}))
    _refused(lambda: load_file(path, "ftm"), "expected an object")


def test_gleif_without_attributes_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text(json.dumps({"data": [{"id": "L1", "type": "lei-records"}]}))
    assert _refused(lambda: load_file(tmp_path), "missing").field == "L1.attributes"
    empty = tmp_path / "empty"
    empty.mkdir()
    _refused(lambda: load_file(empty), "no GLEIF .json files")


def test_manifest_sources_not_a_list(tmp_path: Path) -> None:
    manifest = tmp_path / "kizuna-sources.yaml"
    manifest.write_text("sources: hello\n")
    assert _refused(lambda: manifest_specs(manifest), "expected an array, found text").field == "sources"


# ---- ownership answers that cannot be ---------------------------------------------------------------------------

def test_shares_over_100_percent(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("owner,owned,share\nA,T,70\nB,T,60\n")
    error = _refused(lambda: load_file(path), "add up to at least 130 %")
    assert (error.line, error.field) == (3, "share")


def test_same_edge_twice(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("owner,owned,share\nA,T,10\nA,T,10\n")
    assert _refused(lambda: load_file(path), "stated twice").line == 3


def test_shares_and_votes_are_separate_totals(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("owner,owned,share,voting\nA,T,60,40\nB,T,40,60\n")
    assert len(load_file(path).edges) == 2


def test_cables_before_the_first_cable(tmp_path: Path) -> None:
    from kizuna.cables.loader import load_network
    from kizuna.cables.scenario import Scenario, apply

    (tmp_path / "landing_points.csv").write_text("id,country\nx,JP\ny,US\n")
    (tmp_path / "cables.csv").write_text("id,landing_points,rfs_year\nc,x;y,2001\n")
    network = load_network(tmp_path)
    assert _refused(lambda: apply(network, Scenario(as_of=-5)), "before the first cable").field == "--as-of"
    assert len(apply(network, Scenario(as_of=2001)).active) == 1


# ---- xlsx bombs and DTDs -----------------------------------------------------------------------------------------

def test_xlsx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 4 << 20)
    assert bomb.stat().st_size < 200_000
    _refused(lambda: list(read_rows(bomb)), "compressed", "zip bomb", "xl/worksheets/sheet1.xml")
    spec = SourceSpec("meti-xlsx", {"primary": bomb})
    _refused(lambda: spec.read(tmp_path), "zip bomb")


def test_xlsx_part_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
        for _ in range((limits().xlsx_max_part_bytes >> 20) + 1):
            out.write(b"<t>" + b"a" * ((1 << 20) - 3))
    _refused(lambda: read_table(path), "larger than the limit", "xl/sharedStrings.xml")


def test_xlsx_with_a_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    write_table(path, ["requirement_id", "status"], [["3.1.1", "met"]])
    with zipfile.ZipFile(path) as original:
        parts = {i.filename: original.read(i) for i in original.infolist()}
    parts["xl/workbook.xml"] = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + parts["xl/workbook.xml"]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _refused(lambda: read_table(path), "DTD or entities", "xl/workbook.xml")


def test_un_xml_with_entities_is_refused(tmp_path: Path) -> None:
    spec = _list(tmp_path, "un-xml", "un.xml", '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "b">]>'
                                              "<CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>")
    _refused(lambda: spec.read(tmp_path), "DTD or entities")


# ---- formula injection and round trips -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [PAYLOAD, "+SUM(1)", "-2+3", "@A1", "\tx", "\rx", "'=x", "'plain"])
def test_neutralise_round_trips(text: str) -> None:
    assert neutralise(text).startswith("'")
    assert restore(neutralise(text)) == text


def test_plain_numbers_and_text_are_left_alone() -> None:
    assert [neutralise(v) for v in ("-12", "+81", "3.5", "Acme", 5)] == ["-12", "+81", "3.5", "Acme", 5]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_written_tables_hold_no_formulas_and_read_back(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"t.{suffix}"
    write_table(path, ["a", "b"], [[PAYLOAD, "@SUM(A1)"]])
    if suffix == "csv":
        assert path.read_text().splitlines()[1].startswith("'=cmd")
    else:
        cells = next(iter(openpyxl.load_workbook(path).active.iter_rows(min_row=2)))
        assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
    assert list(read_table(path).rows) == [(2, [PAYLOAD, "@SUM(A1)"])]


def test_writing_to_a_folder_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.mkdir()
    _refused(lambda: write_table(target, ["a"], [["b"]]), "is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


# ---- through the command and the API ---------------------------------------------------------------------------

def test_cli_reports_bad_files_without_a_traceback(fresh_home: Path, tmp_path: Path) -> None:
    latin = tmp_path / "o.csv"
    latin.write_bytes("owner,owned,share\nA,B,10\nCaf\xe9,B,20\n".encode("latin-1"))
    bomb = _bomb(tmp_path / "answers.xlsx", 4 << 20)
    over = tmp_path / "over.csv"
    over.write_text("owner,owned,share\nA,T,70\nB,T,60\n")
    cases = [(("ownership", "load", str(latin)), f"{latin}, line 3"),
             (("ownership", "load", str(over)), f"{over}, line 3, field 'share'"),
             (("cyber", "score", str(bomb)), "zip bomb")]
    for args, message in cases:
        result = kizuna(*args, home=fresh_home, check=False)
        assert result.returncode in (1, 2), result
        assert message in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_cli_export_neutralises_formulas(fresh_home: Path, tmp_path: Path) -> None:
    answers = tmp_path / "a.csv"
    answers.write_text(f"requirement_id,status,evidence\n3.1.1,met,\"{PAYLOAD}\"\n")
    created = kizuna("cyber", "new", "--org", "Acme", "--system", "ERP", home=fresh_home)
    assessment = created.stdout.split()[1]
    kizuna("cyber", "import", assessment, str(answers), home=fresh_home)
    out = tmp_path / "out.csv"
    kizuna("cyber", "export", assessment, str(out), home=fresh_home)
    assert PAYLOAD not in [cell for line in out.read_text().splitlines() for cell in line.split(",")]
    assert f"'{PAYLOAD}" in out.read_text()
    assert any(r.get("evidence") == PAYLOAD for _, r in read_rows(out))


def test_api_binary_and_latin1_uploads_are_4xx_and_keep_the_connection(kizuna_home: Path) -> None:
    from kizuna.web.app import create_app

    with TestClient(create_app()) as client:
        for body in (b"\x00\x01\x02\xff" * 10, "owner,owned,share\nA,B,10\nCaf\xe9,B,20\n".encode("latin-1")):
            response = client.post("/v1/ownership/graphs", files={"file": ("mine.csv", body, "text/csv")})
            assert response.status_code == 422, response.text
            detail = response.json()["detail"]
            assert detail.startswith("mine.csv, line ") and "kizuna-upload" not in detail and "/tmp" not in detail


@pytest.mark.parametrize("factory", ["kizuna.web.app:create_app", "kizuna.web.exchange:create_node_app"])
def test_an_unexpected_error_is_a_plain_500(kizuna_home: Path, factory: str) -> None:
    # Both apps Kizuna serves (the main server and an exchange node's) answer a plain 500 and keep the connection.
    module, name = factory.split(":")
    app = getattr(importlib.import_module(module), name)()

    @app.get("/v1/test-boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/test-boom")
        assert (response.status_code, response.json()) == (500, {"detail": "internal error"})
