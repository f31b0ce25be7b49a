"""The allied lists' importers on their real files (data/lists/, as bundled) and on damaged copies.

Each importer's entry count is checked against a count made here independently of it (openpyxl, odfpy, pdfminer,
ElementTree straight on the file); every name the source gives in a non-Latin script must be kept; every entry
must say where it came from; a damaged file must be refused naming its file, line and field.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

from kizuna.core.entity import Entry, NameKind, PartyKind
from kizuna.core.errors import InputError
from kizuna.core.scripts import is_cjk
from kizuna.lists.importers import dfat, eufsf, fcdo, ftm, meti_export_ban, mof, ofsi
from kizuna.lists.model import ListData
from kizuna.lists.sources import bundled_specs
from tests.conftest import BUNDLED, FIXTURES

LISTS = BUNDLED / "lists"
MOF = LISTS / "jp_mof_asset_freeze" / "shisantouketsu20260305.xlsx"
OFSI = LISTS / "uk_ofsi_conlist" / "ConList_2025-04-14.xlsx"
FCDO = LISTS / "uk_fcdo_sanctions_list" / "FCDO_SL_Mon_Aug_11_2025.ods"
DFAT = LISTS / "au_dfat_consolidated" / "Australian_Sanctions_Consolidated_List_2026-02-24.xlsx"
METI = {role: LISTS / "jp_meti_export_ban" / name for role, name in (
    ("russia", "list_russia_tokutei.pdf"), ("third_countries", "list_daisangoku_tokutei.pdf"),
    ("belarus", "list_belarus_tokutei.pdf"))}
EU = FIXTURES / "lists" / "eu_fsf_sample.xml"
FTM = FIXTURES / "lists" / "opensanctions"


def _read(reader: Callable[..., list[ListData]], files: dict[str, Path]) -> ListData:
    [data] = reader(files, None, None, "test")
    return data


@pytest.fixture(scope="module")
def mof_data() -> ListData:
    return _read(mof.read, {"primary": MOF})


@pytest.fixture(scope="module")
def ofsi_data() -> ListData:
    return _read(ofsi.read, {"primary": OFSI})


@pytest.fixture(scope="module")
def dfat_data() -> ListData:
    return _read(dfat.read, {"primary": DFAT})


@pytest.fixture(scope="module")
def meti_data() -> ListData:
    return _read(meti_export_ban.read, METI)


def _names(entry: Entry) -> set[str]:
    """An entry's names, spacing normalised (``dedupe_names`` keeps one of two spellings differing in case only)."""
    return {" ".join(n.text.split()) for n in entry.names}


def _kept(name: object, entry: Entry) -> bool:
    key = " ".join(str(name).split()).casefold()
    return key in {n.casefold() for n in _names(entry)}


def _assert_provenance(data: ListData, code: str, url: str) -> None:
    assert data.code == code and data.entries
    for entry in data.entries:
        assert entry.list_code == code and entry.provenance.list_code == code
        assert entry.provenance.source == "test" and entry.provenance.data_date == data.data_date
        assert entry.provenance.official_url.startswith(url)
    assert len({e.entry_id for e in data.entries}) == len(data.entries)  # ids are unique within the list


# -- Japan MOF asset-freeze list --------------------------------------------------------------------------------

def _mof_rows() -> list[tuple[str, list[object]]]:
    """Named rows below each programme sheet's header, read with openpyxl directly."""
    book = openpyxl.load_workbook(MOF, read_only=True)
    rows = []
    for sheet in book.worksheets[1:]:
        header_seen = False
        for row in sheet.iter_rows(values_only=True):
            if not header_seen:
                header_seen = bool(row) and row[0] == "告示日付"
                continue
            cells = [*row, None, None, None, None][:4]
            if cells[2] or cells[3]:
                rows.append((sheet.title, cells))
    book.close()
    return rows


def test_mof_has_every_named_designation_of_every_programme_sheet(mof_data: ListData) -> None:
    rows = _mof_rows()
    assert len(mof_data.entries) == len(rows) == 2862
    assert mof_data.data_date == "2026-03-05"
    _assert_provenance(mof_data, "jp-mof-asset-freeze", "https://www.mof.go.jp/")
    assert len({e.programs[0] for e in mof_data.entries}) == 40  # 44 sheets, 3 lifted, 1 (Mali) all delisted


def test_mof_keeps_the_katakana_and_kanji_name_of_every_row(mof_data: ListData) -> None:
    japanese = {" ".join(str(cells[2]).split()) for _, cells in _mof_rows() if cells[2]}
    kept = {n for e in mof_data.entries for n in _names(e)}
    assert japanese <= kept
    by_name = {e.name: e for e in mof_data.entries}
    putin = by_name["Vladimir Putin"]
    assert putin.entity_type is PartyKind.PERSON and putin.dates_of_birth == ["1952-10-07"]
    assert ("ウラジーミル・プーチン", NameKind.RENDERED) in {(n.text, n.kind) for n in putin.aliases}
    bank = by_name["Central Bank of the Russian Federation"]
    assert bank.entity_type is PartyKind.ORGANIZATION and "ロシア連邦中央銀行" in _names(bank)
    # aliases in both scripts are split into names of their own
    komid = next(e for e in mof_data.entries if e.entry_id == "14-*1")
    assert {"チャングァン・シンヨン・コーポレーション", "Changgwang Sinyong Corporation"} <= _names(komid)
    assert "also designated under the UN Security Council measures" in (komid.remarks or "")


def test_mof_katakana_renderings_of_foreign_names_sit_beside_their_english_spelling(mof_data: ListData) -> None:
    """The pairs the issue names, as the Japanese-path test material: katakana and English in one entry."""
    pairs = [("キム・ギョンイル", "KIM KYONG IL"),
             ("ザ・アーミー・オブ・エミグランツ・アンド・サポーターズ", "THE ARMY OF EMIGRANTS AND SUPPORTERS")]
    for katakana, english in pairs:
        entries = [e for e in mof_data.entries if katakana in _names(e)]
        assert entries and all(english.casefold() in {n.casefold() for n in _names(e)} for e in entries)


def _mof_workbook(path: Path, rows: Sequence[Sequence[object]], title: str = "29.ロシア連邦(個人)") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "一覧"
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["告示日付", "告示番号", "日本語表記", "英語表記", "別名", "生年月日"]


def test_mof_damaged_workbooks_name_the_sheet_line_and_field(tmp_path: Path) -> None:
    no_header = _mof_workbook(tmp_path / "a.xlsx", [["title"], ["2022.3.1", "1", "ウラジーミル・プーチン", "Putin"]])
    with pytest.raises(InputError, match="no header row") as raised:
        mof.read({"primary": no_header}, None, None, "x")
    assert raised.value.field == "29.ロシア連邦(個人)"
    formula = _mof_workbook(tmp_path / "b.xlsx", [["title"], HEADER, ["2022.3.1", "1", "=HYPERLINK(\"x\")", "A"]])
    with pytest.raises(InputError, match="formula") as raised:
        mof.read({"primary": formula}, None, None, "x")
    assert (raised.value.line, raised.value.field) == (3, "29.ロシア連邦(個人)!日本語表記")
    unnumbered = _mof_workbook(tmp_path / "c.xlsx", [["title"], HEADER, ["2022.3.1", None, "プーチン", "Putin"]])
    with pytest.raises(InputError, match="notice number") as raised:
        mof.read({"primary": unnumbered}, None, None, "x")
    assert (raised.value.line, raised.value.field) == (3, "29.ロシア連邦(個人)!告示番号")
    lifted = _mof_workbook(tmp_path / "d.xlsx", [["【2015年12月18日告示廃止】"]], title="8.【解除】リベリア")
    assert mof.read({"primary": lifted}, None, None, "x")[0].entries == []  # a lifted programme has no header


# -- UK OFSI ConList --------------------------------------------------------------------------------------------

def _ofsi_rows() -> tuple[list[str], list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(OFSI, read_only=True)
    rows = list(book["Data"].iter_rows(values_only=True))
    book.close()
    return [str(c) for c in rows[1]], rows[2:]


def test_ofsi_has_one_entry_per_group_id_with_every_non_latin_name(ofsi_data: ListData) -> None:
    header, rows = _ofsi_rows()
    group, script = header.index("Group ID"), header.index("Name Non-Latin Script")
    assert len(ofsi_data.entries) == len({r[group] for r in rows}) == 4688
    assert ofsi_data.data_date == "2025-04-14"
    _assert_provenance(ofsi_data, "uk-ofsi", "https://www.gov.uk/")
    by_id = {e.entry_id: e for e in ofsi_data.entries}
    for row in rows:
        if row[script]:
            assert _kept(row[script], by_id[str(row[group])])
    kim = by_id["16816"]
    assert "김영복" in _names(kim) and kim.entity_type is PartyKind.PERSON
    assert ("UK Sanctions List Ref", "RUS2452") in {(i.type, i.value) for i in kim.identifiers}
    assert by_id["15672"].listed_on == "2022-12-09"  # dd/mm/yyyy, not mm/dd


def test_ofsi_row_without_group_id_names_line_and_field(tmp_path: Path) -> None:
    header, rows = _ofsi_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Last Updated", "14/04/2025"])
    sheet.append(header)
    sheet.append(list(rows[0]))
    sheet.append([*rows[1][:-1], None])
    book.save(tmp_path / "ConList.xlsx")
    with pytest.raises(InputError, match="Group ID") as raised:
        ofsi.read({"primary": tmp_path / "ConList.xlsx"}, None, None, "x")
    assert (raised.value.line, raised.value.field) == (4, "Group ID")


# -- UK FCDO UK Sanctions List (ODS) ---------------------------------------------------------------------------

def _ods_rows(path: Path) -> list[list[str]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    table = load(str(path)).getElementsByType(Table)[0]
    rows = []
    for row in table.getElementsByType(TableRow):
        cells = [teletype.extractText(c).strip() for c in row.getElementsByType(TableCell)]
        if any(cells):
            rows.append(cells)
    return rows


def test_fcdo_has_every_named_designation() -> None:
    data = _read(fcdo.read, {"primary": FCDO})
    rows = _ods_rows(FCDO)[1:]
    nameless = [r[0] for r in rows if not r[2]]
    assert len(rows) == 5302 and nameless == ["BEL0174", "RUS1467"]
    assert len(data.entries) == len(rows) - len(nameless)
    assert [w.split()[0] for w in data.warnings] == nameless  # reported, not silently dropped
    _assert_provenance(data, "uk-fcdo", "https://www.gov.uk/")
    assert data.data_date == "2025-08-11"
    first = data.entries[0]
    assert (first.entry_id, first.listed_on, first.entity_type) == ("AFG0001", "2012-06-29", PartyKind.ORGANIZATION)
    assert ("OFSI Group ID", "12703") in {(i.type, i.value) for i in first.identifiers}


def _write_ods(path: Path, rows: list[list[str]]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="UK_Sanction_List")
    for values in rows:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def test_fcdo_damaged_ods_names_line_and_field(tmp_path: Path) -> None:
    header = ["Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type", "Designation source", "Date Designated",
              "Sanctions Imposed"]
    good = ["RUS0001", "1", "IVANOV Ivan", "Russia", "Individual", "UK", "15-03-2022", "Asset freeze"]
    ods = _write_ods(tmp_path / "a.ods", [header, good, [*good[:6], "2022-03-15", good[7]]])
    with pytest.raises(InputError, match="DD-MM-YYYY") as raised:
        fcdo.read({"primary": ods}, None, None, "x")
    assert (raised.value.line, raised.value.field) == (3, "Date Designated")
    ods = _write_ods(tmp_path / "b.ods", [header, [*good[:4], "Person", *good[5:]]])
    with pytest.raises(InputError, match="unknown Type") as raised:
        fcdo.read({"primary": ods}, None, None, "x")
    assert (raised.value.line, raised.value.field) == (2, "Type")
    ods = _write_ods(tmp_path / "c.ods", [header[1:], good[1:]])
    with pytest.raises(InputError, match="missing column"):
        fcdo.read({"primary": ods}, None, None, "x")


def test_an_ods_zip_bomb_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "bomb.ods"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<a>" + " " * (80 << 20) + "</a>")
    with pytest.raises(InputError, match=r"larger than the limit|zip bomb") as raised:
        fcdo.read({"primary": bomb}, None, None, "x")
    assert raised.value.field == "content.xml"
    not_zip = tmp_path / "list.ods"
    not_zip.write_text("Unique ID,Name\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable ODS spreadsheet"):
        fcdo.read({"primary": not_zip}, None, None, "x")


# -- Australia DFAT --------------------------------------------------------------------------------------------

def test_dfat_has_one_entry_per_reference_with_every_original_script_name(dfat_data: ListData) -> None:
    book = openpyxl.load_workbook(DFAT, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    book.close()
    references = {re.match(r"\d+", str(r[0]).strip())[0] for r in rows}  # type: ignore[index]
    assert len(dfat_data.entries) == len(references) == 3811
    assert dfat_data.data_date == "2026-02-24"
    _assert_provenance(dfat_data, "au-dfat", "https://www.dfat.gov.au/")
    by_id = {e.entry_id: e for e in dfat_data.entries}
    originals = [(re.match(r"\d+", str(r[0]).strip())[0], r[1]) for r in rows if r[3] == "Original Script"]  # type: ignore[index]
    assert len(originals) == 452
    for reference, name in originals:
        assert _kept(name, by_id[reference])
    akhund = by_id["2"]
    assert akhund.name == "MOHAMMAD HASSAN AKHUND" and "محمد حسن أخوند" in _names(akhund)
    assert by_id["3"].dates_of_birth == ["1963"]  # a bare year, not an Excel serial
    assert len(dfat_data.warnings) == 2  # two references without a Primary Name row, reported


def test_dfat_bad_reference_names_line_and_field(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Reference", "Name of Individual or Entity", "Type", "Name Type", "Committees"])
    sheet.append([1, "A PERSON", "Individual", "Primary Name", "1267"])
    sheet.append(["x1", "ANOTHER", "Individual", "Primary Name", "1267"])
    book.save(tmp_path / "dfat.xlsx")
    with pytest.raises(InputError, match="reference 'x1'") as raised:
        dfat.read({"primary": tmp_path / "dfat.xlsx"}, None, None, "x")
    assert (raised.value.line, raised.value.field) == (3, "Reference")


# -- Japan METI export-ban lists (PDF) -------------------------------------------------------------------------

def _pdf_numbers(path: Path) -> dict[int, str]:
    """The entry numbers and the text after each, read with pdfminer directly (not pdfplumber): a line that is a
    number followed by Japanese text, in sequence from 1."""
    from pdfminer.high_level import extract_text

    numbers: dict[int, str] = {}
    for line in extract_text(str(path)).splitlines():
        m = re.match(r"\s*(\d+)\s*(\S.*)", unicodedata.normalize("NFKC", line))
        if m and int(m[1]) == len(numbers) + 1 and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", m[2]):
            numbers[int(m[1])] = m[2]
    return numbers


def test_meti_export_ban_has_every_numbered_entry_of_the_three_lists(meti_data: ListData) -> None:
    counts = {role: len(_pdf_numbers(path)) for role, path in METI.items()}  # independent of the importer
    assert counts == {"russia": 561, "third_countries": 56, "belarus": 27}
    for role, count in counts.items():
        ids = [e.entry_id for e in meti_data.entries if e.entry_id.startswith(f"{role}-")]
        assert ids == [f"{role}-{n}" for n in range(1, count + 1)]
    assert meti_data.data_date == "2025-09-12"
    _assert_provenance(meti_data, "jp-meti-export-ban", "https://www.meti.go.jp/")


def test_meti_export_ban_keeps_japanese_english_and_chinese_names(meti_data: ListData) -> None:
    by_id = {e.entry_id: e for e in meti_data.entries}
    # every entry whose Japanese name has kana or kanji (outside its 別称 aliases) keeps it as a name of its own;
    # 74 MPI VOLNA（別称、…）is written in Latin letters in the Japanese column too
    for role, path in METI.items():
        for number, first_line in _pdf_numbers(path).items():
            if is_cjk(re.sub(r"\(別称.*", "", first_line)):
                entry = by_id[f"{role}-{number}"]
                assert any(n.kind is NameKind.RENDERED and is_cjk(n.text) for n in entry.aliases), entry.entry_id
    fsb = by_id["russia-6"]
    assert fsb.name == "Federal Security Service (FSB)" and fsb.countries == ["RU"]
    assert {"連邦保安庁", "Federalnaya Sluzhba Bezopasnosti"} <= _names(fsb)
    rqc = by_id["russia-12"]
    assert {"ロシア量子センター", "RQC", "Russian Quantum Center"} <= _names(rqc) and len(rqc.addresses) == 3
    ele = by_id["third_countries-48"]
    assert ele.name == "Ele Technology Co LTD" and "深圳市易络电子有限公司" in _names(ele)
    assert "イーエルイー・テクノロジー・コーポレーション・リミテッド" in _names(ele)


def test_meti_export_ban_refuses_what_is_not_the_list(tmp_path: Path) -> None:
    text = tmp_path / "list_russia_tokutei.pdf"
    text.write_text("1 株式会社\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a PDF"):
        meti_export_ban.read({"russia": text}, None, None, "x")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure = pyplot.figure()
    figure.text(0.1, 0.5, "A PDF without the last-update line")
    other = tmp_path / "other.pdf"
    figure.savefig(other)
    pyplot.close(figure)
    with pytest.raises(InputError, match="最終更新日") as raised:
        meti_export_ban.read({"russia": other}, None, None, "x")
    assert raised.value.field == "最終更新日"
    with pytest.raises(InputError, match="unknown file role"):
        meti_export_ban.read({"primary": other}, None, None, "x")


# -- EU Financial Sanctions File (XML fixture written from its layout) ------------------------------------------

def test_eu_fsf_reads_every_sanction_entity_in_every_language() -> None:
    data = _read(eufsf.read, {"primary": EU})
    root = ET.parse(EU).getroot()
    entities = root.findall(f"{{{eufsf.NAMESPACE}}}sanctionEntity")
    assert len(data.entries) == len(entities) == 4
    assert data.data_date == "2026-11-28"
    _assert_provenance(data, "eu-fsf", "https://data.europa.eu/")
    for element, entry in zip(entities, data.entries, strict=True):
        whole = [a.get("wholeName") for a in element.findall(f"{{{eufsf.NAMESPACE}}}nameAlias") if a.get("wholeName")]
        assert all(_kept(n, entry) for n in whole)
    person = data.entries[0]
    assert {n.script for n in person.aliases} >= {"Grek", "Cyrl", "Arab"}
    assert ("Abu Nadir", NameKind.WEAK) in {(n.text, n.kind) for n in person.aliases}
    assert person.dates_of_birth == ["1965-04-12", "1966"] and person.countries == ["YE"]
    assert ("UN reference", "QDi.012") in {(i.type, i.value) for i in person.identifiers}
    assert data.entries[3].name == "Kyong Il Kim" and data.entries[3].dates_of_birth == ["1979-07"]


def test_eu_fsf_damaged_files_name_line_and_field(tmp_path: Path) -> None:
    text = EU.read_text(encoding="utf-8")
    no_name = tmp_path / "a.xml"
    no_name.write_text(re.sub(r'wholeName="JSC Severnaya Tekhnika"', 'wholeName=""', text).replace(
        'wholeName="АО Северная техника"', 'wholeName=""'), encoding="utf-8")
    with pytest.raises(InputError, match="no nameAlias") as raised:
        eufsf.read({"primary": no_name}, None, None, "x")
    assert raised.value.line == text.splitlines().index(
        next(line for line in text.splitlines() if 'logicalId="9002"' in line)) + 1
    assert raised.value.field == "nameAlias.wholeName"
    bad_type = tmp_path / "b.xml"
    bad_type.write_text(text.replace('code="enterprise"', 'code="company"', 1), encoding="utf-8")
    with pytest.raises(InputError, match="subjectType") as raised:
        eufsf.read({"primary": bad_type}, None, None, "x")
    assert raised.value.field == "subjectType.code"
    cut = tmp_path / "c.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError, match="malformed XML") as raised:
        eufsf.read({"primary": cut}, None, None, "x")
    assert raised.value.line is not None
    entity = tmp_path / "d.xml"
    entity.write_text(text.replace("<export ", '<!DOCTYPE export [<!ENTITY x "y">]>\n<export ', 1), encoding="utf-8")
    with pytest.raises(InputError, match="DTD"):
        eufsf.read({"primary": entity}, None, None, "x")


# -- OpenSanctions FollowTheMoney exports (CC BY-NC: test fixtures only) -----------------------------------------

@pytest.mark.parametrize("name", ["zala_entities.ftm.json", "t1_eu_fsf_entities.ftm.json"])
def test_followthemoney_real_exports_keep_every_party_and_name(name: str) -> None:
    path = FTM / name
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    parties = [r for r in records if r["schema"] in ("Person", "Company", "Organization", "LegalEntity",
                                                      "PublicBody", "Vessel", "Airplane")]
    lists = ftm.read({"primary": path}, None, None, "test")
    entries = {e.entry_id: e for data in lists for e in data.entries}
    assert len(entries) == len(parties) and parties
    for record in parties:
        entry = entries[record["id"]]
        props = record["properties"]
        assert all(_kept(n, entry) for n in props.get("name", []) + props.get("alias", []))
        assert entry.provenance.source == "test" and entry.provenance.data_date
    scripts = {n.script for e in entries.values() for n in e.names}
    assert "Cyrl" in scripts
    codes = {data.code for data in lists}
    assert codes <= {"us-ofac-sdn", "eu-fsf", "uk-fcdo", "jp-mof-asset-freeze", "au-dfat", "jp-meti-export-ban",
                     "jp-meti-eul", "us-csl", "un-sc"} | {c for c in codes if "-" in c}


def test_followthemoney_broken_line_names_the_line(tmp_path: Path) -> None:
    lines = (FTM / "zala_entities.ftm.json").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4][: len(lines[4]) // 2]
    broken = tmp_path / "entities.ftm.json"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        ftm.read({"primary": broken}, None, None, "x")
    assert raised.value.line == 5


# -- the bundle ---------------------------------------------------------------------------------------------------

def test_the_bundle_holds_every_allied_list_whose_licence_allows_it() -> None:
    _, specs = bundled_specs()
    formats = {spec.format for spec in specs}
    assert {"mof-xlsx", "meti-export-ban-pdf", "ofsi-xlsx", "fcdo-ods", "dfat-xlsx"} <= formats
    assert "ftm-json" not in formats  # OpenSanctions data is CC BY-NC: never bundled
    sources = (LISTS / "SOURCES.md").read_text(encoding="utf-8")
    for spec in specs:
        for path in spec.files.values():
            assert str(path.relative_to(LISTS)) in sources or path.name in sources


def test_update_recognises_each_allied_file_by_its_name_and_content(tmp_path: Path) -> None:
    from kizuna.lists.sources import detect_specs

    folder = tmp_path / "downloads"
    folder.mkdir()
    for path in (MOF, OFSI, FCDO, DFAT, EU, *METI.values()):
        (folder / path.name).symlink_to(path)
    (folder / "ConList.xlsx").symlink_to(OFSI)  # OFSI's own name for it: recognised by its content, not its name
    (folder / OFSI.name).unlink()
    formats = {spec.format: spec for spec in detect_specs(folder)}
    assert sorted(formats) == ["dfat-xlsx", "eu-fsf-xml", "fcdo-ods", "meti-export-ban-pdf", "mof-xlsx", "ofsi-xlsx"]
    assert sorted(formats["meti-export-ban-pdf"].files) == ["belarus", "russia", "third_countries"]
