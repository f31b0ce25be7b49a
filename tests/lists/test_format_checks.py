"""Files that would load as a different list than their publisher wrote are refused (or cleaned, and said so)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.lists.importers import csl, ftm, meti, ofac, un, usjson
from kizuna.lists.importers.common import iso_date
from kizuna.lists.store import SnapshotStore
from kizuna.lists.update import update_from
from tests.conftest import BUNDLED, FIXTURES, kizuna

SDN = FIXTURES / "lists" / "sdn_2021"
UN_XML = BUNDLED / "lists" / "un_sc" / "UN_consolidated_2026-02-27.xml"
METI = BUNDLED / "lists" / "jp_meti_eul" / "20250929_4.xlsx"
DPL = BUNDLED / "lists" / "us_restricted_2026-07" / "bis_dpl.json"


def _sdn_copy(folder: Path, sdn_text: str | None = None) -> Path:
    shutil.copytree(SDN, folder)
    if sdn_text is not None:
        (folder / "sdn.csv").write_bytes(sdn_text.encode("utf-8"))
    return folder


def _read_sdn(folder: Path) -> None:
    files = {"primary": folder / "sdn.csv", "alt": folder / "alt.csv", "add": folder / "add.csv",
             "comments": folder / "sdn_comments.csv"}
    ofac.read(files, "us-ofac-sdn", "2021-07-07", "test")


SDN_TEXT = (SDN / "sdn.csv").read_text(encoding="utf-8")


def test_sdn_cut_inside_its_last_quoted_field_is_refused(tmp_path: Path) -> None:
    cut = SDN_TEXT[: SDN_TEXT.index("a.k.a. 'BNC'") + 7]  # line 3 ends inside its Remarks field
    with pytest.raises(InputError, match="end-of-file byte") as error:
        _read_sdn(_sdn_copy(tmp_path / "f", cut))
    assert error.value.line == 3
    # even with the end byte appended, the open quote is found
    with pytest.raises(InputError, match="quoted field does not close"):
        _read_sdn(_sdn_copy(tmp_path / "g", cut + "\x1a"))


def test_sdn_cut_at_a_row_boundary_is_refused(tmp_path: Path) -> None:
    ten_rows = "".join(SDN_TEXT.splitlines(keepends=True)[:10])
    with pytest.raises(InputError, match="does not end with OFAC's end-of-file byte") as error:
        _read_sdn(_sdn_copy(tmp_path / "f", ten_rows))
    assert (error.value.path or "").endswith("sdn.csv") and error.value.line == 10


def test_a_cut_alias_file_is_refused_too(tmp_path: Path) -> None:
    folder = _sdn_copy(tmp_path / "f")
    alt = (folder / "alt.csv").read_text(encoding="utf-8")
    (folder / "alt.csv").write_text("".join(alt.splitlines(keepends=True)[:40]), encoding="utf-8")
    with pytest.raises(InputError, match="end-of-file byte") as error:
        _read_sdn(folder)
    assert (error.value.path or "").endswith("alt.csv")


def test_an_unknown_sdn_type_names_its_row(tmp_path: Path) -> None:
    bad = SDN_TEXT.replace('306,"BANCO NACIONAL DE CUBA",-0- ,', '306,"BANCO NACIONAL DE CUBA","bank",', 1)
    with pytest.raises(InputError, match="SDN_Type must be") as error:
        _read_sdn(_sdn_copy(tmp_path / "f", bad))
    assert (error.value.line, error.value.field) == (3, "SDN_Type")


def _un_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = UN_XML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "un.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_un_xml_with_a_renamed_section_is_refused(tmp_path: Path) -> None:
    path = _un_variant(tmp_path, "INDIVIDUALS>", "PERSONS>")
    with pytest.raises(InputError, match="missing: INDIVIDUALS; unknown: PERSONS"):
        un.read({"primary": path}, None, None, "test")


def test_un_xml_records_in_the_wrong_section_or_without_a_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="<ENTITIES> holds a <INDIVIDUAL>"):
        un.read({"primary": _un_variant(tmp_path, "<ENTITIES>", "<ENTITIES><INDIVIDUAL/>")}, None, None, "test")
    nameless = _un_variant(tmp_path, "<INDIVIDUALS>", "<INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>QDi.999"
                                                      "</REFERENCE_NUMBER></INDIVIDUAL>")
    with pytest.raises(InputError, match=r"<INDIVIDUAL> QDi\.999 has no name"):
        un.read({"primary": nameless}, None, None, "test")


def _csl_json(tmp_path: Path, **changes: object) -> Path:
    document = json.loads((FIXTURES / "lists" / "csl_sample.json").read_text(encoding="utf-8"))
    document["results"][0].update(changes)
    path = tmp_path / "consolidated.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ["ACME Weapons Ltd", "Other"]}, "name", "expected text, found an array"),
    ({"alt_names": "ACME Arms"}, "alt_names", "expected an array, found a string"),
    ({"programs": [["nested"]]}, "programs", "found an item that is an array"),
    ({"addresses": [1, 2]}, "addresses", "found an item that is a number"),
])
def test_csl_json_fields_of_the_wrong_type_are_refused(tmp_path: Path, changes: dict[str, object], field: str,
                                                       message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        csl.read_json({"primary": _csl_json(tmp_path, **changes)}, None, None, "test")
    assert error.value.field == field and "result #1" in str(error.value)


@pytest.mark.parametrize(("changes", "field"), [({"aliases": "ACME Arms"}, "aliases"),
                                                ({"name": ["A", "B"]}, "name")])
def test_us_list_json_fields_of_the_wrong_type_are_refused(tmp_path: Path, changes: dict[str, object],
                                                           field: str) -> None:
    document = json.loads(DPL.read_text(encoding="utf-8"))
    document["entities"][3].update(changes)
    path = tmp_path / "bis_dpl.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="entity #4") as error:
        usjson.read({"primary": path}, None, None, "test")
    assert error.value.field == field


@pytest.mark.parametrize("properties", ['{"name": "Huawei Technologies Company"}', '{"name": ["A"], "alias": "B"}'])
def test_followthemoney_properties_that_are_not_arrays_of_text_are_refused(tmp_path: Path, properties: str) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text('{"id": "x", "schema": "Company", "properties": ' + properties + ', "datasets": ["us_fcc"]}\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match="entity 'x': expected an array") as error:
        ftm.read({"primary": path}, None, None, "test")
    assert error.value.line == 1


@pytest.mark.parametrize("formula", [True, False])
def test_a_formula_in_the_meti_company_column_is_never_a_name(tmp_path: Path, formula: bool) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(METI)
    cell = workbook.active["C5"]
    cell.value = "=HYPERLINK(\"http://example.invalid\",\"ACME\")"
    if not formula:
        cell.data_type = "s"  # the same text stored as a string, not a formula
    path = tmp_path / "20250929_4.xlsx"
    workbook.save(path)
    with pytest.raises(InputError, match="a formula") as error:
        meti.read({"primary": path}, None, None, "test")
    assert (error.value.line, error.value.field) == (5, "Company or Organization")


@pytest.mark.parametrize("date", ["2021-13-45", "yesterday", "2021-02-30", "20210707", "2999-01-01"])
def test_a_data_date_that_is_not_a_real_past_date_is_refused(fresh_home: Path, date: str) -> None:
    result = kizuna("lists", "update", "--from", str(SDN), "--date", date, home=fresh_home, check=False)
    assert result.returncode == 2 and "--date" in result.stderr and "Traceback" not in result.stderr
    assert SnapshotStore().pointer() is None


@pytest.mark.parametrize(("date", "message"), [("2021-13-45", "not valid YAML: month must be in 1..12"),
                                                ("yesterday", "data date 'yesterday' is not a valid")])
def test_a_manifest_data_date_that_is_not_a_date_is_refused(fresh_home: Path, tmp_path: Path, date: str,
                                                            message: str) -> None:
    folder = _sdn_copy(tmp_path / "f")
    (folder / "kizuna-sources.yaml").write_text(
        "sources:\n  - format: ofac-sdn\n    list: us-ofac-sdn\n    files: {primary: sdn.csv}\n"
        f"    data_date: {date}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        update_from(SnapshotStore(), folder)


def test_dates_inside_files_are_real_dates_or_nothing() -> None:
    assert iso_date("2021-13-45") is None and iso_date("2021-02-29T00:00:00Z") is None
    assert iso_date("2020-02-29") == "2020-02-29" and iso_date("2026-07") == "2026-07"


def test_a_nul_byte_is_refused_as_binary(fresh_home: Path, tmp_path: Path) -> None:
    dirty = SDN_TEXT.replace('"CUBA"', '"CU\x00BA"', 1)
    with pytest.raises(InputError, match="binary data"):
        update_from(SnapshotStore(), _sdn_copy(tmp_path / "f", dirty), data_date="2021-07-07")


def test_control_characters_are_stripped_with_a_warning(fresh_home: Path, tmp_path: Path) -> None:
    dirty = SDN_TEXT.replace('"CUBA"', '"CU\x07BA\x1b"', 1)
    snapshot, _ = update_from(SnapshotStore(), _sdn_copy(tmp_path / "f", dirty), data_date="2021-07-07")
    entry = snapshot.entry("us-ofac-sdn", "36")
    assert entry.programs == ["CUBA"]
    [status] = snapshot.lists()
    assert any("control characters (e.g. NUL) were removed from programs (1); first entry 36" in w
               for w in status.warnings)
