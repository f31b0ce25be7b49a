"""The shared data-file readers: bad files are InputErrors that name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kizuna.core.datafiles import parse_json, read_json, read_json_records, read_yaml
from kizuna.core.errors import InputError
from kizuna.core.limits import limits


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: ok\n owner: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML") as error:
        read_yaml(path)
    assert (error.value.path, error.value.line) == (str(path), 2)
    assert str(error.value).startswith(f"{path}, line 2: not valid YAML")


def test_yaml_list_at_top_level_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a YAML mapping") as error:
        read_yaml(path)
    assert error.value.path == str(path)


def test_empty_yaml_is_refused_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a YAML mapping"):
        read_yaml(path)
    assert read_yaml(path, allow_empty=True) == {}


def test_missing_yaml_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(InputError, match="no such file") as error:
        read_yaml(path)
    assert error.value.path == str(path)


def test_json_lines_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"id": 1}\n\n{"id": \n{"id": 4}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON") as error:
        read_json_records(path)
    assert (error.value.path, error.value.line) == (str(path), 3)


def test_json_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('\n{"id": 1}\n\n{"id": 2}\n', encoding="utf-8")
    assert read_json_records(path) == [(2, {"id": 1}), (4, {"id": 2})]


def test_json_array_returns_its_elements(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text('\n  [{"id": 1}, {"id": 2}]\n', encoding="utf-8")
    assert read_json_records(path) == [(0, {"id": 1}), (0, {"id": 2})]


def test_json_records_from_decoded_text(tmp_path: Path) -> None:
    path = tmp_path / "not-read.json"
    assert read_json_records(path, '{"name": "Café"}\n') == [(1, {"name": "Café"})]
    with pytest.raises(InputError) as error:
        read_json_records(path, '[{"id": 1},\n{"id": }]')
    assert (error.value.path, error.value.line) == (str(path), 2)


def test_a_json_document_is_read_and_a_syntax_error_has_its_line(tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    card.write_text('{"identity": {"id": "identity--1"}}', encoding="utf-8")
    assert read_json(card) == {"identity": {"id": "identity--1"}}
    card.write_text('{"identity":\n  {"id": }}', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON") as error:
        read_json(card)
    assert error.value.line == 2


def test_a_regulation_text_may_be_longer_than_a_cell_where_the_reader_asks() -> None:
    document = json.dumps([{"text": "x" * 42_369}])  # the longest ECCN text of the 2026-07-23 CCL
    with pytest.raises(InputError, match="longer than the limit of 32,767"):
        parse_json(document, "ccl.json")
    assert len(parse_json(document, "ccl.json", max_chars=limits().max_legal_text_chars)[0]["text"]) == 42_369
    with pytest.raises(InputError, match=r"\[0\]\.text.*longer than the limit of 1,048,576"):
        parse_json(json.dumps([{"text": "x" * 1_048_577}]), "ccl.json", max_chars=limits().max_legal_text_chars)
