"""Trade files are hostile input: every bad cell is an InputError naming file, line and field; files are read one
line at a time; numeric country codes of trade statistics resolve through core.countries."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kizuna.controls.impact import impact
from kizuna.controls.trade import Wanted, read_flows
from kizuna.core.countries import from_numeric, numeric_aggregate
from kizuna.core.errors import InputError
from kizuna.core.tables import stream_table
from kizuna.core.text import stream_lines

HEADER = "t,i,j,k,v,q\n"


def _baci(tmp_path: Path, body: str, name: str = "baci.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _run(path: Path) -> dict[str, object]:
    return impact(path, hs=["848620"], destinations=["CN"], adopters=["US"]).to_dict()


@pytest.mark.parametrize(("row", "line", "field", "text"), [
    ("2023,842,156,848620,abc,1\n", 2, "v", "not a number"),
    ("2023,842,156,848620,-5,1\n", 2, "v", "zero or more"),
    ("2023,842,156,848620,NaN,1\n", 2, "v", "zero or more"),
    ("23,842,156,848620,5,1\n", 2, "t", "not a year"),
    ("2023,USA,156,848620,5,1\n", 2, "i", "not a numeric country code"),
    ("2023,842,156,84862X,5,1\n", 2, "k", "not an HS code"),
])
def test_a_bad_cell_names_file_line_and_field(tmp_path: Path, row: str, line: int, field: str, text: str) -> None:
    path = _baci(tmp_path, "2023,842,156,848620,1,1\n" * (line - 2) + row)
    with pytest.raises(InputError) as caught:
        _run(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)
    assert text in caught.value.message


def test_a_header_of_no_known_layout_is_refused_naming_the_layouts(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("year,from,to,value\n2023,US,CN,5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _run(path)
    assert caught.value.line == 1 and "baci: t, i, j, k, v" in caught.value.message


def test_binary_and_non_utf8_files_name_their_line(tmp_path: Path) -> None:
    binary = tmp_path / "binary.csv"
    binary.write_bytes(HEADER.encode() + b"2023,842,156,848620,1,1\n2023,842,\x00156\n")
    with pytest.raises(InputError, match="binary data") as caught:
        _run(binary)
    assert caught.value.line == 3
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + b"2023,842,156,848620,1,1\n2023,842,156,848620,1,C\xf4te\n")
    with pytest.raises(InputError, match="not UTF-8 text: byte 0xf4 at column 24") as caught:
        _run(latin)
    assert caught.value.line == 3


def test_a_huge_cell_and_a_broken_quote(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="longer than the limit") as caught:
        _run(_baci(tmp_path, "2023,842,156,848620,1,1\n" '2023,842,156,848620,1,"' + "x" * 40_000 + '"\n'))
    assert caught.value.line == 3
    with pytest.raises(InputError, match="malformed CSV") as caught:
        _run(_baci(tmp_path, '2023,842,156,848620,1,"1\n', name="quote.csv"))
    assert caught.value.line == 2


def test_files_are_read_one_line_at_a_time(tmp_path: Path) -> None:
    # The third line is not UTF-8: a streamed reader hands out the first two before it reaches it.
    path = tmp_path / "stream.csv"
    path.write_bytes(b"t,i,j,k,v,q\n2023,842,156,848620,1,1\n\xff\n")
    lines = stream_lines(path)
    assert next(lines) == "t,i,j,k,v,q\n" and next(lines) == "2023,842,156,848620,1,1\n"
    with pytest.raises(InputError):
        next(lines)
    table = stream_table(path)
    assert table.header == ["t", "i", "j", "k", "v", "q"]
    assert next(table.rows) == (2, ["2023", "842", "156", "848620", "1", "1"])


def test_byte_order_marks_are_read(tmp_path: Path) -> None:
    utf8 = tmp_path / "bom.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"2023,842,156,848620,1.5,1\n")
    assert _run(utf8)["total_value"] == 1500
    utf16 = tmp_path / "utf16.csv"
    # A form feed in a cell is not a line end (str.splitlines would cut the record there).
    utf16.write_text(HEADER + "2023,842,156,848620,2,\x0c1\n", encoding="utf-16")
    assert _run(utf16)["total_value"] == 2000


def test_only_wanted_flows_are_kept(tmp_path: Path) -> None:
    path = _baci(tmp_path, "2023,842,156,848620,1,1\n2023,842,392,848620,1,1\n2023,842,156,854231,1,1\n"
                           "2022,842,156,848620,1,1\n")
    read = read_flows(path, Wanted(("8486",), frozenset({"CN"}), 2023))
    assert [(f.exporter, f.importer, f.hs, f.year) for f in read.flows] == [("US", "CN", "848620", 2023)]
    assert read.years == {2022, 2023} and read.layout == "baci"


def test_mixed_levels_of_one_heading_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    path.write_text("Year,Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n"
                    "2020,Import,156,842,848620,10\n2020,Import,156,392,84862010,5\n", encoding="utf-8")
    with pytest.raises(InputError, match="several levels of detail"):
        impact(path, hs=["8486"], destinations=["CN"], adopters=["US"])
    # Asking for one of the levels is exact.
    assert impact(path, hs=["848620"], destinations=["CN"], adopters=["US"]).to_dict()["total_value"] == 10


def test_an_unknown_taiwan_customs_destination_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tw.csv"
    path.write_text("Year,Country,HS Code,Description,Export Value (USD)\n2024,亞特蘭提斯,85423100002,x,1\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="亞特蘭提斯") as caught:
        impact(path, hs=["8542"], destinations=["CN"], adopters=["TW"])
    assert (caught.value.line, caught.value.field) == (2, "Country")


def test_numeric_codes_of_trade_statistics() -> None:
    # ISO 3166-1 numeric, and the UN Comtrade / BACI customs-territory codes.
    assert [from_numeric(c) for c in (156, 344, 392, 528, 842, 490, 251, 699, 757, 158)] == [
        "CN", "HK", "JP", "NL", "US", "TW", "FR", "IN", "CH", "TW"]
    assert from_numeric(899) is None and from_numeric(0) is None
    assert numeric_aggregate(0) == "World" and numeric_aggregate(842) is None


def test_an_xlsx_trade_file(tmp_path: Path) -> None:
    # 400.5 + 99.5 = 500 thousand USD to China; the US ships 400.5 of it (0.801). Codes stored as numbers.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["t", "i", "j", "k", "v", "q"], [2023, 842, 156, 848620, 400.5, 1], [2023, 392.0, 156.0, 848620, 99.5]):
        sheet.append(row)
    path = tmp_path / "baci.xlsx"
    book.save(path)
    data = _run(path)
    assert (data["total_value"], data["covered_value"]) == (500_000, 400_500)


def test_made_up_flows_are_counted_together(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    rows = "".join(f"2020,Flow{n},156,842,848620,1\n" for n in range(50))
    path.write_text("Year,Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n"
                    "2020,Import,156,842,848620,10\n" + rows, encoding="utf-8")
    data = impact(path, hs=["848620"], destinations=["CN"], adopters=["US"]).to_dict()
    assert data["total_value"] == 10 and data["skipped_rows"] == {"rows of unknown flows": 50}
