"""Each importer on real published files: counts, joins, scripts and provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.core.entity import Entry, NameKind, PartyKind
from kizuna.core.errors import InputError
from kizuna.lists.importers import ftm, meti, ofac, un, usjson
from kizuna.lists.sources import Reader, bundled_specs, detect_specs
from tests.conftest import BUNDLED, FIXTURES

LISTS = BUNDLED / "lists"


def _by_id(entries: list[Entry], entry_id: str) -> Entry:
    return next(e for e in entries if e.entry_id == entry_id)


def test_sdn_joins_aliases_addresses_and_comments() -> None:
    folder = FIXTURES / "lists" / "sdn_2021"
    [data] = ofac.read({"primary": folder / "sdn.csv", "alt": folder / "alt.csv", "add": folder / "add.csv",
                        "comments": folder / "sdn_comments.csv"}, "us-ofac-sdn", "2021-07-07", "fixture")
    assert len(data.entries) == 302  # the Ctrl-Z byte at the end is not a row
    cubana = _by_id(data.entries, "306")
    assert cubana.name == "BANCO NACIONAL DE CUBA"
    assert "NATIONAL BANK OF CUBA" in [a.text for a in cubana.aliases]
    assert cubana.countries == ["CH", "ES", "JP", "PA"] and cubana.programs == ["CUBA"]  # its branches
    person = _by_id(data.entries, "12300")
    assert person.entity_type is PartyKind.PERSON
    assert person.dates_of_birth[:3] == ["1965-05-13", "1968-04-13", "1964-07-07"]
    assert "Linked To: R D I S" in (person.remarks or "")  # the sdn_comments.csv overflow is appended
    assert any(i.type == "Cedula No." and i.value == "7548733" and i.country == "CO" for i in person.identifiers)
    assert person.provenance.official_url == "https://sanctionslist.ofac.treas.gov/Home/SdnList"


def test_bundled_sdn_uses_2024_entries_with_2026_aliases() -> None:
    base, specs = bundled_specs()
    [spec] = [s for s in specs if s.list_code == "us-ofac-sdn"]
    [data] = spec.read(base)
    assert len(data.entries) == 14965
    assert data.data_date == "2024-05-03"
    assert any("have no row in sdn.csv" in w for w in data.warnings)
    kinds = {e.entity_type for e in data.entries}
    assert kinds == {PartyKind.PERSON, PartyKind.ORGANIZATION, PartyKind.VESSEL, PartyKind.AIRCRAFT}
    with_aliases = sum(1 for e in data.entries if e.aliases)
    assert with_aliases > 7000


def test_un_xml_reads_persons_entities_and_original_script() -> None:
    [data] = un.read({"primary": LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml"}, None, None, "fixture")
    assert data.code == "un-sc" and data.data_date == "2026-02-27"
    persons = [e for e in data.entries if e.entity_type is PartyKind.PERSON]
    assert (len(persons), len(data.entries) - len(persons)) == (730, 273)
    saddam = next(e for e in data.entries if e.name == "SADDAM HUSSEIN AL-TIKRITI")
    original = [a for a in saddam.aliases if a.kind is NameKind.ORIGINAL]
    assert original and original[0].script == "Arab"
    assert saddam.listed_on and saddam.entry_id.startswith("IQi.")


def test_meti_end_user_list_keeps_kanji_names_and_concerns() -> None:
    [data] = meti.read({"primary": LISTS / "jp_meti_eul" / "20250929_4.xlsx"}, None, None, "fixture")
    assert data.code == "jp-meti-eul" and data.data_date == "2025-09-29" and len(data.entries) == 835
    koryo = next(e for e in data.entries if e.name == "Air Koryo")
    assert [a.text for a in koryo.aliases if a.kind is NameKind.ORIGINAL] == ["高麗航空"]
    assert koryo.countries == ["KP"]
    assert koryo.programs == ["WMD-B (biological)", "WMD-C (chemical)", "WMD-M (missile)", "WMD-N (nuclear)"]
    cetc = next(e for e in data.entries if "CETC 14" in e.name)
    assert cetc.name == "China Electronics Technology Group Corporation 14th Research Institute (CETC 14)"
    assert "中国電子科技集団公司第十四研究所" in [a.text for a in cetc.aliases]
    # A name written only in Japanese script becomes the primary name.
    assert any(e.name == "セソン技術貿易" for e in data.entries)
    # Multi-line English names are joined.
    assert any(e.name == "Guangzhou Tian-Hai-Xiang Aviation Technology Co., Ltd." for e in data.entries)
    conventional = [e for e in data.entries if "CW (conventional weapons)" in e.programs]
    assert len(conventional) == 240


def test_us_restricted_json_cites_the_official_publication() -> None:
    [data] = usjson.read({"primary": LISTS / "us_restricted_2026-07" / "bis_entity_list.json"}, None, None, "f")
    assert data.code == "us-bis-entity" and len(data.entries) == 3409
    buaa = next(e for e in data.entries if e.name.startswith("Beijing University of Aeronautics"))
    assert "Beihang University" in [a.text for a in buaa.aliases]
    assert buaa.countries == ["CN"]
    assert buaa.provenance.official_url.startswith("https://www.ecfr.gov/")
    assert "eCFR text as downloaded July 2026" in buaa.provenance.source
    [dpl] = usjson.read({"primary": LISTS / "us_restricted_2026-07" / "bis_dpl.json"}, None, None, "f")
    assert dpl.data_date == "2026-04-14"


def test_addresses_the_entity_list_text_ran_into_an_alias_become_addresses() -> None:
    # 77 FR 61256: "Sergei Nikoleivich Sanev, 5A North Street, Saransk, ...; and 53 Sherbakovskaya Street, ..."
    [data] = usjson.read({"primary": LISTS / "us_restricted_2026-07" / "bis_entity_list.json"}, None, None, "f")
    sanaev = next(e for e in data.entries if e.name == "Sergey Nikolayevich Sanaev")
    assert [a.text for a in sanaev.aliases] == ["Sergei Nikoleivich Sanev"]
    address = sanaev.addresses[0]
    assert address.startswith("5A North Street, Saransk") and "; and 53 Sherbakovskaya" in address
    names = [a.text for e in data.entries for a in e.aliases]
    assert not [n for n in names if n.endswith("; and")]
    assert "Huawei Software Technologies Co. Ltd." in names and "M.A.G. Tech" in names and "APEX Ltd." in names
    assert max(map(len, names)) < 250  # 510 before the split


def test_followthemoney_entities_become_entries_by_dataset() -> None:
    lists = ftm.read({"primary": FIXTURES / "lists" / "opensanctions_sample.ftm.json"}, None, None, "fixture")
    by_code = {d.code: d for d in lists}
    assert set(by_code) == {"us-fcc-covered", "us-ofac-sdn", "un-sc"}
    [kim] = by_code["us-ofac-sdn"].entries
    assert kim.entity_type is PartyKind.PERSON and kim.dates_of_birth == ["1984-01-08"] and kim.countries == ["KP"]
    [komid] = by_code["un-sc"].entries  # the Address entity is not a party
    assert [(a.text, a.kind) for a in komid.aliases] == [("KOMID", NameKind.ALIAS), ("KMDTC", NameKind.WEAK)]
    [huawei] = by_code["us-fcc-covered"].entries
    assert huawei.aliases[0].script == "Hani"
    assert by_code["us-fcc-covered"].data_date == "2026-07-01"


def test_detection_recognises_official_file_names_and_content() -> None:
    specs = detect_specs(LISTS)
    # bundle.yaml in the folder is a manifest and wins over guessing
    assert {s.format for s in specs} >= {"ofac-sdn", "un-xml", "meti-xlsx", "us-restricted-json"}
    detected = detect_specs(FIXTURES / "lists")
    formats = sorted(s.format for s in detected)
    assert formats == ["csl-csv", "csl-csv", "csl-json", "eu-fsf-xml", "ftm-json", "ftm-json", "ftm-json", "ofac-sdn"]


@pytest.mark.parametrize(
    ("content", "line", "reader", "name"),
    [
        ('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n\x1a', 1, ofac.read, "sdn.csv"),
        ('36,"OK",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \nX1,"BAD",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,'
         '-0- ,-0- ,-0- \n\x1a', 2, ofac.read, "sdn.csv"),
        ("<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL>\n</CONSOLIDATED_LIST>", 3, un.read, "un.xml"),
        ('{"list_id": "bis-dpl", "entities": [\n{"name": "A"},\n{"name": }]}', 3, usjson.read, "x.json"),
    ],
)
def test_malformed_list_files_name_file_and_line(tmp_path: Path, content: str, line: int, reader: Reader,
                                                 name: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        reader({"primary": path}, None, "2026-01-01", "test")
    assert error.value.path == str(path)
    assert error.value.line == line
    assert str(path) in str(error.value) and f"line {line}" in str(error.value)


def test_not_an_xlsx_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "20250929_4.xlsx"
    path.write_text("No.,Country\n1,Iran\n")
    with pytest.raises(InputError, match="not a readable xlsx workbook"):
        meti.read({"primary": path}, None, None, "test")


def test_meti_unknown_country_names_row_and_field(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(LISTS / "jp_meti_eul" / "20250929_4.xlsx")
    workbook.active["B5"] = "どこか\nAtlantis"
    path = tmp_path / "20250929_4.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as error:
        meti.read({"primary": path}, None, None, "test")
    assert (error.value.line, error.value.field) == (5, "Country or Region")
    assert "Atlantis" in str(error.value)
