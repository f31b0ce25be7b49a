"""End to end through the installed command: screen and screen-file, their options, outputs and exit codes."""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from openpyxl import Workbook, load_workbook

from kizuna import __version__
from kizuna.core.party import Party
from kizuna.screening import screen
from tests.conftest import ROOT, kizuna

CUSTOMERS = ROOT / "docs" / "examples" / "customers.csv"


def cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``kizuna ARGS`` in this process (through the entry point, so exit codes are the command's): code, out, err."""
    from kizuna.cli.main import main

    with mock.patch.object(sys, "argv", ["kizuna", *args]):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _table_rows(out: str) -> list[list[str]]:
    """The body rows of the hit table the command draws: a row starts where the score cell is filled, and each
    cell's wrapped lines are joined with spaces."""
    rows: list[list[str]] = []
    for line in out.splitlines():
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0]:
            rows.append(cells)
        else:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
    return rows


def test_screen_prints_ranked_hits_with_reasons(kizuna_home: Path) -> None:
    result = kizuna("screen", "Hikvision", "--country", "CN", "--lists", "us-dod-1260h", home=kizuna_home)
    # The 1260H list names Hikvision once: one row, its entry, its date and source, and the reasons for its score.
    [(score, list_code, entry, why)] = _table_rows(result.stdout)
    assert float(score) == pytest.approx(1.0) and list_code == "us-dod-1260h"
    assert entry.startswith("Hangzhou Hikvision Digital Technology Co., Ltd. f5efdfb11607a62c · 2026-06-10")
    assert "https://www.federalregister.gov/" in entry
    assert why.startswith("'Hikvision' ↔ 'Hikvision' (alias): shared hikvision;")
    assert "name score 1.00" in why and why.endswith("country CN matches (+0.03) → 1.00")


def test_screen_json_names_the_entry_its_score_and_why(kizuna_home: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli("screen", "Hikvision", "--country", "CN", "--lists", "us-dod-1260h", "--json", capsys=capsys)
    [hit] = json.loads(out)["hits"]
    assert code == 0 and (hit["list"], hit["entry_id"]) == ("us-dod-1260h", "f5efdfb11607a62c")
    assert hit["name"] == "Hangzhou Hikvision Digital Technology Co., Ltd." and hit["matched_name"] == "Hikvision"
    steps = {step["step"]: step for step in hit["steps"]}
    assert 0.85 <= hit["score"] <= 1.0 and steps["coverage"]["name_score"] == 1.0
    assert steps["shared"]["words"] == [{"query": "hikvision", "listed": "hikvision", "how": "exact",
                                         "similarity": 1.0}]
    assert steps["evidence"] == {"fact": "country", "query": "CN", "listed": ["CN"], "agrees": True,
                                 "change": 0.03, "step": "evidence"}
    assert "'Hikvision' ↔ 'Hikvision' (alias)" in hit["explanation"]


def test_an_unlisted_company_has_no_hits_in_any_list(kizuna_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli("screen", "Toyota Motor Corporation", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["hits"] == [] and len(data["lists"]) == 21


def test_screen_json(kizuna_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli("screen", "北京航空航天大学", "--json", "--lists", "jp-meti-eul,us-bis-entity", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["hits"][0]["matched_name"] == "北京航空航天大学"
    assert data["hits"][0]["list"] == "jp-meti-eul"
    assert data["lists"] == {"jp-meti-eul": "2025-09-29", "us-bis-entity": "2026-07"}
    # The command screens through the one public entry: its hits are screen()'s, typed steps included.
    expected = screen(Party("北京航空航天大学"), lists=["jp-meti-eul", "us-bis-entity"], limit=10)
    assert data["hits"] == [hit.to_dict() for hit in expected]
    assert data["hits"][0]["steps"][0] == {"query": "北京航空航天大学", "via": "cjk characters",
                                           "form": "北京航空航天大学", "tables": [], "step": "query_path"}


def test_exit_codes_tell_hits_from_no_hits_and_errors(kizuna_home: Path) -> None:
    hit = kizuna("screen", "Hikvision", "--fail-on-hit", home=kizuna_home, check=False)
    assert hit.returncode == 1 and "Hikvision" in hit.stdout
    assert kizuna("screen", "Hikvision", home=kizuna_home).returncode == 0
    clear = kizuna("screen", "Toyota Motor Corporation", "--fail-on-hit", home=kizuna_home, check=False)
    assert clear.returncode == 0 and "no hits for 'Toyota Motor Corporation' at threshold 0.85 in 21 list(s)" \
        in clear.stdout
    bad = kizuna("screen", "Hikvision", "--country", "Atlantis", home=kizuna_home, check=False)
    assert bad.returncode == 2 and "unknown country 'Atlantis'" in bad.stderr and "Traceback" not in bad.stderr
    usage = kizuna("screen", "Hikvision", "--limit", "ten", home=kizuna_home, check=False)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_version(kizuna_home: Path) -> None:
    result = kizuna("--version", home=kizuna_home)
    assert result.stdout.strip() == f"kizuna {__version__}"


@pytest.mark.parametrize(("args", "message"), [
    (["Huawei", "--lists", "us-bis-entyty"], "unknown list 'us-bis-entyty'; did you mean 'us-bis-entity'? loaded "
                                             "lists: au-dfat, jp-meti-eul, jp-meti-export-ban,"),
    (["Huawei", "--lists", "us-bis-uvl"], "list 'us-bis-uvl' (Unverified List) has no entries in the loaded"),
    (["Huawei", "--lists", ","], "field '--lists': an empty list code"),
    (["Huawei", "--threshold", "5"], "field '--threshold': threshold 5.0 is not a score from 0 to 1"),
    (["Huawei", "--threshold", "-1"], "threshold -1.0 is not a score from 0 to 1"),
    (["Huawei", "--threshold", "nan"], "threshold nan is not a score from 0 to 1"),
    (["Huawei", "--threshold", "inf"], "threshold inf is not a score from 0 to 1"),
    (["Huawei", "--limit", "0"], "field '--limit': limit 0 is not from 1 to 200"),
    (["Huawei", "--limit", "-2"], "limit -2 is not from 1 to 200"),
    (["Kim Jong Un", "--dob", "not-a-date"], "field '--dob': date of birth 'not-a-date' is not a date"),
    (["Kim Jong Un", "--dob", "1984-02-30"], "is not a calendar date"),
    ([""], "field 'NAME': empty name"),
    (["   "], "empty name"),
    (["Huawei", "--type", "alien"], "unknown type 'alien'"),
])
def test_options_that_would_screen_less_are_errors(kizuna_home: Path, capsys: pytest.CaptureFixture[str],
                                                   args: list[str], message: str) -> None:
    code, out, err = cli("screen", *args, capsys=capsys)
    assert code == 2 and message in " ".join(err.split())
    assert "no hits" not in out and out == ""


def test_screen_refuses_argument_bytes_that_are_not_utf8(kizuna_home: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli("screen", "Hua\udcffwei", capsys=capsys)  # how Python passes on the byte 0xff of argv
    assert code == 2 and "lone surrogate" in err


# -- screen-file --------------------------------------------------------------------------------------------


def _jsonl(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return records[0]["run"], records[1:]


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = [line for line in lines if line.startswith("# ")]
    return meta, list(csv.DictReader(line for line in lines if not line.startswith("# ")))


def test_screen_file_keeps_order_and_reports_rows_it_could_not_screen(kizuna_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(
        "id,name,country,type\n"
        "c1,Hangzhou Hikvision Digital Technology Co Ltd,CN,organization\n"
        "c2,Toyota Motor Corporation,JP,organization\n"
        "c3,,CN,\n"
        "c4,北京航空航天大学,CN,\n"
        "c5,Kim Jong Un,ZZ,person\n"
        "c6,Kim Jong Un,KP,alien\n"
        "c7,BANK MELLI IRAN,IR,\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.jsonl"
    result = kizuna("screen-file", str(source), "--output", str(output), home=kizuna_home, check=False)
    _, rows = _jsonl(output)
    assert [row["id"] for row in rows] == ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]
    assert [row["status"] for row in rows] == ["hits", "no hits", "not screened", "hits", "not screened",
                                               "not screened", "hits"]
    assert rows[1]["hits"] == [] and rows[2]["hits"] == [] and "line 4, field 'name': empty name" in rows[2]["error"]
    hit = rows[0]["hits"][0]
    assert set(hit) == {"list", "entry_id", "name", "matched_name", "score", "explanation", "source_url",
                        "data_date"}
    assert 0 <= hit["score"] <= 1 and hit["source_url"].startswith("https://") and hit["explanation"]
    assert all(a["score"] >= b["score"] for a, b in zip(rows[0]["hits"], rows[0]["hits"][1:], strict=False))
    assert "line 4, field 'name': empty name" in result.stderr
    assert "line 6, field 'country'" in result.stderr and "line 7, field 'type'" in result.stderr
    assert "4 rows screened (3 with hits, 3 not screened)" in result.stdout
    assert result.returncode == 2  # some rows were not screened: a script must not read this as "all clear"


def test_every_output_format_carries_the_runs_metadata(kizuna_home: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {ext: tmp_path / f"results{ext}" for ext in (".csv", ".xlsx", ".jsonl")}
    for output in outputs.values():
        code, out, _ = cli("screen-file", str(CUSTOMERS), "-o", str(output), "--lists",
                           "jp-meti-eul,us-bis-entity", "--threshold", "0.9", "--workers", "1", capsys=capsys)
        assert code == 0 and f"→ {output}" in out
    run, rows = _jsonl(outputs[".jsonl"])
    assert run["kizuna_version"] == __version__ and run["threshold"] == 0.9 and run["snapshot"]
    assert run["lists"] == [{"code": "jp-meti-eul", "data_date": "2025-09-29"},
                            {"code": "us-bis-entity", "data_date": "2026-07"}]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", run["started"])
    assert [row["id"] for row in rows] == [f"C-{i:03}" for i in range(1, 11)]

    meta, lines = _csv(outputs[".csv"])
    assert f"# kizuna_version: {__version__}" in meta and f"# snapshot: {run['snapshot']}" in meta
    assert "# lists: jp-meti-eul (2025-09-29); us-bis-entity (2026-07)" in meta and "# threshold: 0.9" in meta
    buaa = [line for line in lines if line["id"] == "C-002"]
    assert len(buaa) == int(buaa[0]["hits"]) >= 2 and [line["rank"] for line in buaa][:2] == ["1", "2"]
    assert buaa[0]["list"] == "jp-meti-eul" and "北京航空航天大学" in buaa[0]["explanation"]
    assert [line["status"] for line in lines if line["id"] == "C-001"] == ["no hits"]

    workbook = load_workbook(outputs[".xlsx"], read_only=True)
    sheet_rows = list(workbook["results"].iter_rows(values_only=True))
    header = list(sheet_rows[0])
    assert [dict(zip(header, row, strict=True))["id"] for row in sheet_rows[1:]] == [line["id"] for line in lines]
    settings = dict(workbook["run"].iter_rows(min_row=2, values_only=True))
    assert settings["snapshot"] == run["snapshot"] and settings["threshold"] == "0.9"
    assert settings["lists"] == "jp-meti-eul (2025-09-29); us-bis-entity (2026-07)"
    workbook.close()


def test_xlsx_input_with_mapped_columns(kizuna_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "取引先.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["取引先コード", "取引先名", "国", "生年月日"])
    sheet.append([1001, "北京航空航天大学", "CN", None])
    sheet.append([1002, "トヨタ自動車株式会社", "JP", None])
    sheet.append([None, None, None, None])
    sheet.append([1003, "Kim Jong Un", "KP", 1984])
    workbook.save(source)
    output = tmp_path / "結果.jsonl"
    code, out, err = cli("screen-file", str(source), "-o", str(output), "--name-column", "取引先名",
                         "--id-column", "取引先コード", "--country-column", "国", "--dob-column", "生年月日",
                         "--workers", "1", capsys=capsys)
    assert code == 0, err
    run, rows = _jsonl(output)
    assert run["columns"]["name"] == "取引先名"
    assert [(row["id"], row["line"], row["status"]) for row in rows] == [("1001", 2, "hits"), ("1002", 3, "no hits"),
                                                                           ("1003", 5, "hits")]
    assert rows[2]["dob"] == "1984" and "birth year 1984" in json.dumps(rows[2]["hits"], ensure_ascii=False)
    assert "3 rows screened (2 with hits, 0 not screened)" in out


def test_a_mapped_column_that_is_missing_is_an_error(kizuna_home: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out.csv"
    code, _, err = cli("screen-file", str(CUSTOMERS), "-o", str(output), "--name-column", "取引先名", capsys=capsys)
    assert code == 2 and "line 1: no '取引先名' column in the header (found: id, name, country, type)" in err
    code, _, err = cli("screen-file", str(CUSTOMERS), "-o", str(output), "--dob-column", "born", capsys=capsys)
    assert code == 2 and "no 'born' column" in err and not output.exists()


@pytest.mark.parametrize("header", ["id,name,country,name", "id,Name,country,NAME "])
def test_a_header_naming_a_column_twice_is_refused(kizuna_home: Path, tmp_path: Path, header: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "two-names.csv"
    source.write_text(f"{header}\nc1,Huawei Technologies,CN,Toyota\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code, _, err = cli("screen-file", str(source), "-o", str(output), capsys=capsys)
    assert code == 2 and "line 1: the header names the 'name' column 2 times (columns 2, 4)" in err
    assert not output.exists()


def test_the_output_is_never_the_input_a_folder_or_an_unknown_format(kizuna_home: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(CUSTOMERS.read_bytes())
    code, _, err = cli("screen-file", str(source), "-o", str(tmp_path / "." / "in.csv"), capsys=capsys)
    assert code == 2 and "is the input file" in err and source.read_bytes() == CUSTOMERS.read_bytes()
    folder = tmp_path / "results"
    folder.mkdir()
    code, _, err = cli("screen-file", str(source), "-o", str(folder), capsys=capsys)
    assert code == 2 and "is a folder: give a file name ending in .csv, .xlsx or .jsonl" in err
    assert "Traceback" not in err and sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "results"]
    code, _, err = cli("screen-file", str(source), "-o", str(tmp_path / "out.txt"), capsys=capsys)
    assert code == 2 and "cannot tell the output format from '.txt'" in err
    code, _, err = cli("screen-file", str(tmp_path / "in.tsv"), "-o", str(tmp_path / "out.csv"), capsys=capsys)
    assert code == 2 and "give a .csv, .xlsx or .parquet file" in err


def test_screen_file_options_are_checked_before_any_work(kizuna_home: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out.csv"
    for args, message in ((["--lists", "us-bis-entyty"], "unknown list 'us-bis-entyty'"),
                          (["--threshold", "5"], "not a score from 0 to 1"), (["--limit", "-2"], "limit -2")):
        code, _, err = cli("screen-file", str(CUSTOMERS), "-o", str(output), *args, capsys=capsys)
        assert code == 2 and message in err and not output.exists()


def test_a_file_that_is_not_what_its_name_says_is_a_clear_error(kizuna_home: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,name\n1,Huawei\n")
    code, _, err = cli("screen-file", str(fake), "-o", str(tmp_path / "out.csv"), capsys=capsys)
    assert code == 2 and "not a readable xlsx workbook" in err
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"id,name\n1,\xff\xfe\x00Huawei\n")
    code, _, err = cli("screen-file", str(binary), "-o", str(tmp_path / "out.csv"), capsys=capsys)
    assert code == 2 and "line 2" in err and "Traceback" not in err


def test_fail_on_hit_and_the_time_including_start_up(kizuna_home: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    started = time.perf_counter()
    result = kizuna("screen-file", str(CUSTOMERS), "-o", str(output), "--fail-on-hit", "--workers", "2",
                    home=kizuna_home, check=False, env={"TTY_COMPATIBLE": "1"})
    wall = time.perf_counter() - started
    assert result.returncode == 1 and "10 rows screened (7 with hits, 0 not screened)" in result.stdout
    timing = re.search(r"in ([\d.]+) s including start-up \(([\d.]+) s screening", result.stdout)
    assert timing, result.stdout
    total, screening = map(float, timing.groups())
    assert total >= screening and total >= 0.5 * wall  # the start-up (loading the index) is counted
    assert "10/10" in result.stderr and "ETA" in result.stderr  # the progress bar knows the total


def test_rows_without_hits_exit_0_with_fail_on_hit(kizuna_home: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "clean.csv"
    source.write_text("name\nToyota Motor Corporation\n東京大学\n", encoding="utf-8")
    code, out, _ = cli("screen-file", str(source), "-o", str(tmp_path / "out.jsonl"), "--fail-on-hit",
                       "--workers", "1", capsys=capsys)
    assert code == 0 and "2 rows screened (0 with hits, 0 not screened)" in out


def test_lists_status_shows_every_bundled_list(kizuna_home: Path) -> None:
    result = kizuna("lists", "status", "--json", home=kizuna_home)
    lists = {item["code"]: item for item in json.loads(result.stdout)["lists"]}
    assert lists["jp-meti-eul"]["entries"] == 835 and lists["jp-meti-eul"]["data_date"] == "2025-09-29"
    assert lists["un-sc"]["official_url"].startswith("https://")
    assert lists["jp-mof-asset-freeze"]["entries"] == 2862 and lists["uk-ofsi"]["entries"] == 4688
    assert len(lists) == 21  # the 16 US, UN and METI lists and the 5 allied lists of issue 16
