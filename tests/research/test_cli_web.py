"""The commands as a user runs them, the API and the console pages (also in headless Chromium)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from kizuna.research.rules import rules
from kizuna.web.app import create_app
from tests.conftest import kizuna, screenshot
from tests.research.conftest import BENCH

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.usefixtures("research_home")


def test_resolve_json_from_the_command_line(research_home: Path) -> None:
    output = kizuna("research", "resolve", "東京大学大学院工学系研究科", "--json", home=research_home).stdout
    result = json.loads(output)
    assert result["ror_id"] == "https://ror.org/057zh3y96" and result["name"] == "The University of Tokyo"
    assert set(result) >= {"ror_id", "name", "parent", "score", "reasons"}
    none = json.loads(kizuna("research", "resolve", "AIST", "--json", home=research_home).stdout)
    assert none["ror_id"] is None


def test_check_exits_1_with_findings_and_2_when_refused(research_home: Path, tmp_path: Path) -> None:
    found = kizuna("research", "check", "Beihang University", "--json", "--report", str(tmp_path / "r.html"),
                   home=research_home, check=False)
    assert found.returncode == 1
    findings = json.loads(found.stdout)["findings"]
    assert all(set(f) >= {"organisation", "rule", "evidence", "confidence"} for f in findings)
    assert "Beihang University" in (tmp_path / "r.html").read_text(encoding="utf-8")
    clean = kizuna("research", "check", "Kyoto University", "--json", home=research_home)
    assert json.loads(clean.stdout)["findings"] == []
    refused = kizuna("research", "check", "Chinese nationals at Kyoto University", home=research_home, check=False)
    assert refused.returncode == 2 and "never risk factors" in refused.stderr


def test_priorities_export_is_formula_safe(research_home: Path, tmp_path: Path) -> None:
    kizuna("research", "priorities", "--priority", "AI", "--export", str(tmp_path / "p.csv"), home=research_home)
    text = (tmp_path / "p.csv").read_text(encoding="utf-8")
    assert text.startswith("row_type,title") and "AI" in text


def test_the_api() -> None:
    client = TestClient(create_app())
    resolved = client.get("/v1/research/resolve", params={"affiliation": "Dept. of Physics, Tsinghua Univ., Beijing"})
    assert resolved.status_code == 200 and resolved.json()["name"] == "Tsinghua University"
    checked = client.get("/v1/research/check", params={"query": "北京航空航天大学"}).json()
    assert {f["rule"] for f in checked["findings"]} >= {"nsf-restricted-entities", "meti-eul"}
    refused = client.get("/v1/research/check", params={"query": "researchers by nationality"})
    assert refused.status_code == 422 and "never risk factors" in refused.text
    report = client.get("/v1/research/report", params={"query": "Beihang University", "format": "csv"})
    assert report.status_code == 200 and report.text.startswith("outcome,finding")
    assert client.get("/v1/research/priorities", params={"priority": "biosecurity"}).json()
    assert client.get("/v1/research/coauthors", params={"priority": "nothing"}).status_code == 422


def test_a_team_is_checked_through_the_api() -> None:
    client = TestClient(create_app())
    team = b"member,affiliations,past_affiliations\nA,Beihang University,\nB,,\n"
    result = client.post("/v1/research/team", files={"file": ("my-team.csv", team, "text/csv")})
    assert result.status_code == 200
    assert result.json()["members"] == 2 and result.json()["not_checked"][0]["subject"] == "B"
    refused = client.post("/v1/research/team", files={"file": ("t.csv", b"member,nationality\nA,X\n", "text/csv")})
    assert refused.status_code == 422 and "never risk factors" in refused.text


def test_pages_render_and_refusal_is_shown() -> None:
    client = TestClient(create_app())
    assert "研究" in client.get("/research", params={"lang": "ja"}).text
    refused = client.get("/research", params={"query": "ethnicity of staff at MIT"})
    assert refused.status_code == 422 and "never risk factors" in refused.text


@pytest.mark.usefixtures("research_home")
def test_console_pages_in_chromium(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/research")
    page.fill("#resolve-form input[name=affiliation]", "Hokkaido University Hospital, Sapporo")
    page.click("#resolve-form button")
    page.wait_for_selector("#resolved")
    assert "Hokkaido University Hospital" in page.inner_text("#resolved")
    page.fill("#check-form input[name=query]", "北京航空航天大学")
    page.click("#check-form button")
    page.wait_for_selector("#findings")
    rules = page.eval_on_selector_all("#findings tr[data-rule]", "rows => rows.map(r => r.dataset.rule)")
    assert "nsf-restricted-entities" in rules and "meti-eul" in rules
    screenshot(page, "research-check")
    page.click("#report-html")
    page.wait_for_load_state()
    assert "Research due diligence" in page.content()
    page.goto(f"{live_server}/research/coauthors?priority=quantum+computing&country=JP")
    bars = page.locator("#chart-countries rect.bar")
    assert bars.count() >= 5 and bars.first.bounding_box() is not None
    screenshot(page, "research-coauthors")
    page.goto(f"{live_server}/research/priorities?priority=quantum+computing")
    assert page.locator("#crosswalk tbody tr").count() >= 2
    with page.expect_download() as download:
        page.click("#export")
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("row_type,title")


def test_bench_research_prints_both_methods(research_home: Path) -> None:
    output = kizuna("bench", "research", "--split", "test", "--team", str(BENCH / "team50.csv"), "--json",
                    home=research_home, timeout=600).stdout
    result = json.loads(output)
    assert result["resolution"]["kizuna"]["p_at_1"] >= 0.95
    assert result["team"]["members"] == 50 and result["team"]["best_seconds"] > 0


HOSTILE_TEAM = (b'member,affiliations,funders\n'
                b'"=HYPERLINK(""http://example.invalid"")",Beihang University,\n'
                b'B,"=1+2",\n'
                b'C,,\n')


def test_the_team_page_refuses_hostile_uploads_naming_line_and_field() -> None:
    client = TestClient(create_app())
    limit = rules().diligence.max_team_file_bytes
    too_big = b"member,affiliations\n" + b"A,Kyoto University\n" * (limit // 19 + 1)
    for body, wanted in [(too_big, f"team.csv: larger than the limit of {limit:,} bytes"),
                         (b"member,affiliations,hobby\nA,X,Y\n", "team.csv, line 1, field 'hobby': unknown column"),
                         (b"member,affiliations,nationality\nA,X,Y\n", "team.csv, line 1, field 'nationality'"),
                         (b"member,affiliations\nA,Kyoto University\nB,ethnicity of staff\n",
                          "team.csv, line 3, field 'affiliations': Refused"),
                         (b"member,orcid_file\nA,../../etc/passwd\n", "team.csv, line 2, field 'orcid_file'")]:
        answer = client.post("/research/team", files={"file": ("team.csv", body, "text/csv")})
        assert answer.status_code == 422 and "kizuna-upload" not in answer.text
        assert html.unescape(answer.text).count(wanted) == 1, wanted
    damaged = client.post("/research/team", data={"carried": "not base64!", "filename": "team.csv"})
    assert damaged.status_code == 422 and "upload it again" in damaged.text
    api = client.post("/v1/research/team", files={"file": ("team.csv", too_big, "text/csv")})
    assert api.status_code == 422 and "larger than the limit" in api.text


def test_the_team_report_download_is_formula_safe() -> None:
    client = TestClient(create_app())
    page = client.post("/research/team", files={"file": ("team.csv", HOSTILE_TEAM, "text/csv")})
    carried = re.search(r'name="carried" value="([^"]*)"', page.text)
    assert page.status_code == 200 and carried is not None
    answer = client.post("/research/team", data={"carried": carried.group(1), "filename": "team.csv",
                                                 "format": "csv"})
    assert answer.headers["content-disposition"] == 'attachment; filename="research-team-team.csv"'
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["outcome", "finding", "rule", "citations", "evidence", "score"]
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    note = next(r for r in rows if r[2] == "not-resolved")
    assert note[0] == "note" and note[4] == "'=1+2" and "'=1+2'" in note[1]
    assert any(r[2] == "nsf-restricted-entities" for r in rows)


@pytest.mark.usefixtures("research_home")
def test_the_team_page_in_chromium(live_server: str, page: Page, tmp_path: Path) -> None:
    """Upload a team file, see the findings and what the priority did, download the reports; a bad file is an
    error naming line and field."""
    team = tmp_path / "proposal-team.csv"
    # the bench team's rows (member,openalex_author,affiliations) under the hostile rows, in one header
    hostile = HOSTILE_TEAM.decode().splitlines()
    members = (BENCH / "team50.csv").read_text(encoding="utf-8").splitlines()[1:]
    team.write_text("\n".join(["member,openalex_author,affiliations,funders"]
                              + [row.replace(",", ",,", 1) for row in hostile[1:]]
                              + [f"{row.replace('Member ', 'Q')}," for row in members]) + "\n", encoding="utf-8")
    page.goto(f"{live_server}/research/team")
    page.set_input_files("#team-form input[name=file]", str(team))
    page.select_option("#team-form select[name=priority]", "quantum computing")
    page.click("#team-form button[type=submit]")
    page.wait_for_selector("#findings")
    rules_found = page.eval_on_selector_all("#findings tr[data-rule]", "rows => rows.map(r => r.dataset.rule)")
    assert "nsf-restricted-entities" in rules_found
    assert "are in the area" in page.inner_text("#priority-filter")
    page.click("#unresolved summary")  # collapsed until opened
    assert "=1+2" in page.inner_text("#unresolved")
    screenshot(page, "research-team")
    with page.expect_download() as download:
        page.click("#download-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("outcome,finding") and "'=1+2" in text
    with page.expect_download() as download:
        page.click("#download-pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as download:
        page.click("#download-json")
    assert json.loads(Path(download.value.path()).read_text(encoding="utf-8"))["findings"]
    bad = tmp_path / "bad-team.csv"
    bad.write_text("member,affiliations,shoe_size\nA,Kyoto University,44\n", encoding="utf-8")
    page.goto(f"{live_server}/research/team")
    page.set_input_files("#team-form input[name=file]", str(bad))
    page.click("#team-form button[type=submit]")
    page.wait_for_selector("#team-error")
    assert "bad-team.csv, line 1, field 'shoe_size'" in page.inner_text("#team-error")
