"""End to end through the installed command: screen and screen-file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import kizuna


def test_screen_prints_ranked_hits_with_reasons(kizuna_home: Path) -> None:
    result = kizuna("screen", "ハイクビジョン", home=kizuna_home)
    assert "no hits" in result.stdout or "Hikvision" in result.stdout
    result = kizuna("screen", "Hikvision", "--country", "CN", "--lists", "us-dod-1260h", home=kizuna_home)
    assert "us-dod-1260h" in result.stdout and "Hangzhou Hikvision Digital Technology" in result.stdout
    assert "country CN matches" in result.stdout


def test_screen_json(kizuna_home: Path) -> None:
    result = kizuna("screen", "北京航空航天大学", "--json", home=kizuna_home)
    data = json.loads(result.stdout)
    assert data["hits"][0]["matched_name"] == "北京航空航天大学"
    assert data["hits"][0]["list"] == "jp-meti-eul"


def test_screen_rejects_a_bad_country_clearly(kizuna_home: Path) -> None:
    result = kizuna("screen", "Hikvision", "--country", "Atlantis", home=kizuna_home, check=False)
    assert result.returncode == 2 and "unknown country 'Atlantis'" in result.stderr
    assert "Traceback" not in result.stderr


def test_screen_file_keeps_order_and_skips_bad_rows(kizuna_home: Path, tmp_path: Path) -> None:
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
    result = kizuna("screen-file", str(source), "--output", str(output), home=kizuna_home)
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["c1", "c2", "c4", "c7"]
    assert lines[1]["hits"] == []
    hit = lines[0]["hits"][0]
    assert set(hit) == {"list", "entry_id", "name", "matched_name", "score", "explanation", "source_url"}
    assert 0 <= hit["score"] <= 1 and hit["source_url"].startswith("https://")
    assert all(a["score"] >= b["score"] for a, b in zip(lines[0]["hits"], lines[0]["hits"][1:], strict=False))
    assert "line 4, field 'name': empty name" in result.stderr
    assert "line 6, field 'country'" in result.stderr
    assert "line 7, field 'type'" in result.stderr
    assert "4 rows screened (3 with hits, 3 skipped)" in result.stdout


def test_screen_file_without_a_name_column_fails_before_writing(kizuna_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("company,country\nHikvision,CN\n")
    output = tmp_path / "out.jsonl"
    result = kizuna("screen-file", str(source), "--output", str(output), home=kizuna_home, check=False)
    assert result.returncode == 2 and "line 1: no 'name' column" in result.stderr
    assert not output.exists()


def test_lists_status_shows_every_bundled_list(kizuna_home: Path) -> None:
    result = kizuna("lists", "status", "--json", home=kizuna_home)
    lists = {item["code"]: item for item in json.loads(result.stdout)["lists"]}
    assert lists["jp-meti-eul"]["entries"] == 835 and lists["jp-meti-eul"]["data_date"] == "2025-09-29"
    assert lists["un-sc"]["official_url"].startswith("https://")
    assert len(lists) == 16
