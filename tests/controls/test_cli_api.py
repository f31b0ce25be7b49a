"""``kizuna controls …`` as a user runs it (subprocess) and ``/v1/controls/…`` (TestClient on the real app)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.web.app import create_app
from tests.conftest import kizuna


def test_entry_json_has_the_thresholds(tmp_path: Path) -> None:
    result = json.loads(kizuna("controls", "entry", "3A090.a.2", "--json", home=tmp_path).stdout)
    assert result["reference"] == "3A090.a.2" and result["as_of"] == "2026-07-23"
    assert "1600" in result["text"] and "5.92" in result["text"]
    assert result["paragraph"]["text"] == ("A 'total processing performance' of 1600 or more and a 'performance "
                                           "density' of 5.92 or more.")
    assert [n["heading"] for n in result["notes"]][:2] == ["Note 1 to 3A090.a:", "Technical Note 1 to 3A090.a:"]
    assert [r["us_eccn"] for r in result["crosswalk"]] == ["3A090.a"]
    assert result["sources"][0]["citation"] == "15 CFR 774 Supp. No. 1 (eCFR, 2026-07-23)"


def test_entry_of_a_wassenaar_code_and_an_unknown_one(tmp_path: Path) -> None:
    result = json.loads(kizuna("controls", "entry", "3.B.1.f", "--json", home=tmp_path).stdout)
    assert result["reference"] == "3B001.f" and result["wassenaar"]["wa_code"] == "3.B.1.f"
    assert "Wassenaar 3.B.1.f is written 3B001.f" in result["read_as"]
    missing = kizuna("controls", "entry", "3A090.q", home=tmp_path, check=False)
    assert missing.returncode != 0 and "3A090 has no paragraph .q" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_gaps_csv_and_html(tmp_path: Path) -> None:
    out = kizuna("controls", "gaps", "--category", "3B", "--as-of", "2023-09-01", "--csv", home=tmp_path).stdout
    rows = {r["family"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["3B001.a.4"]["JP_status"] == "controlled" and rows["3B001.a.4"]["JP_since"] == "2023-07-23"
    assert rows["3B001.a.4"]["NL_since"] == "2023-09-01" and rows["3B001.a.4"]["US_status"] == "not controlled"
    assert rows["3B001.c.1.a"]["confidence"] == "recalled (unconfirmed)"
    html = tmp_path / "gaps.html"
    kizuna("controls", "gaps", "--category", "3B", "--html", str(html), home=tmp_path)
    page = html.read_text(encoding="utf-8")
    assert "Allied control gap matrix, category 3B" in page and "unconfirmed" in page and "3B001.a.4" in page


def test_diff_text(tmp_path: Path) -> None:
    out = kizuna("controls", "diff", "--from", "2023-10-16", "--to", "2024-12-03", home=tmp_path).stdout
    assert "cells changed from 2023-10-16 to 2024-12-03" in out
    assert "2024-09-07 NL  3B993.f.1: not controlled → controlled" in out


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def test_api_entry_gaps_diff(client: TestClient) -> None:
    entry = client.get("/v1/controls/entry/3A090.a.2").json()
    assert "5.92" in entry["text"]
    gaps = client.get("/v1/controls/gaps", params={"category": "4A"}).json()
    row = next(r for r in gaps["rows"] if r["family"] == "4A090")
    assert row["cells"]["US"]["since"] == "2022-10-07" and row["cells"]["US"]["revised"] == ["2023-11-17"]
    changed = client.get("/v1/controls/diff", params={"from": "2023-10-16", "to": "2024-12-03"}).json()
    assert changed["from"] == "2023-10-16" and changed["summary"]["changed_cells"] > 0
    lists = {item["name"]: item for item in client.get("/v1/controls/lists").json()["lists"]}
    assert lists["ccl"]["records"] == 637 and lists["jp_sme"]["records"] == 23 and lists["crosswalk"]["records"] == 94


def test_api_bad_input_is_422(client: TestClient) -> None:
    assert client.get("/v1/controls/gaps", params={"as_of": "yesterday"}).status_code == 422
    assert client.get("/v1/controls/entry/not-an-eccn").status_code == 422
    assert client.get("/v1/controls/entry/9E999").status_code == 404
    assert client.get("/v1/controls/search", params={"q": "!!!"}).status_code == 422


def test_api_japan_item(client: TestClient) -> None:
    item = client.get("/v1/controls/jp/7").json()
    assert item["wassenaar_category"] == "3" and item["destinations"] == "全地域"
    first = {"sub_item": "（一）", "text": "（一）\u3000集積回路（四の項の中欄に掲げるものを除く。）"}
    assert item["sentences"][1] == first
    assert len(item["sme_items_2023"]) == 23
    catch_all = client.get("/v1/controls/jp/16").json()
    assert catch_all["catch_all"] and catch_all["destinations"] == "全地域（別表第三に掲げる地域を除く。）"
    assert client.get("/v1/controls/jp/3-2").json()["item"] == "3の2"
    assert client.get("/v1/controls/jp/17").status_code == 404


def test_entry_from_another_edition(tmp_path: Path) -> None:
    xml = Path(__file__).parents[1] / "fixtures" / "controls" / "ecfr_part774_excerpt.xml"
    result = json.loads(kizuna("controls", "entry", "4A090", "--ccl", str(xml), "--ccl-date", "2026-07-23", "--json",
                               home=tmp_path).stdout)
    assert result["sources"][0]["citation"] == "ecfr_part774_excerpt.xml (eCFR part 774, 2026-07-23)"
    assert "RS applies to 4A090.a" in result["preamble"]
    missing = kizuna("controls", "entry", "3B001", "--ccl", str(xml), "--ccl-date", "2026-07-23", home=tmp_path,
                     check=False)
    assert missing.returncode != 0 and "3B001 is not in the Commerce Control List as of 2026-07-23" in missing.stderr
    undated = kizuna("controls", "search", "computers", "--ccl", str(xml), home=tmp_path, check=False)
    assert undated.returncode != 0 and "--ccl-date" in undated.stderr
