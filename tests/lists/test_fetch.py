"""``kizuna lists fetch`` against a real HTTP server on loopback serving the official files' paths (--mirror)."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.lists.fetch import (
    FetchOutcome,
    FetchPolicy,
    fetch_lists,
    fetchable,
    mirrored,
    parse_every,
    policy,
    schedule,
)
from kizuna.lists.store import Snapshot, SnapshotStore
from tests.conftest import BUNDLED, FIXTURES, kizuna

SDN = FIXTURES / "lists" / "sdn_2021"
EXPORTS = "/api/PublicationPreview/exports/"
FILES = {"SDN.CSV": "sdn.csv", "ALT.CSV": "alt.csv", "ADD.CSV": "add.csv", "SDN_COMMENTS.CSV": "sdn_comments.csv"}
FAST = FetchPolicy(**{**policy().model_dump(), "backoff_seconds": [0.0]})


@dataclass
class Site:
    """What the test server serves, and what it saw."""

    files: dict[str, bytes]
    failures: dict[str, int] = field(default_factory=dict)  # path -> 503s to answer before the file
    truncate: set[str] = field(default_factory=set)  # paths whose body is cut short
    requests: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # path, If-None-Match, IMS
    modified: str = "Mon, 30 Nov 2026 17:05:00 GMT"

    @staticmethod
    def etag(body: bytes) -> str:
        return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
            if site.failures.get(self.path, 0) > 0:
                site.failures[self.path] -= 1
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = site.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            tag = site.etag(body)
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", tag)
            self.send_header("Last-Modified", site.modified)
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if self.path in site.truncate else body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture()
def site() -> Iterator[tuple[Site, str]]:
    served = Site({EXPORTS + url: (SDN / name).read_bytes() for url, name in FILES.items()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _fetch(mirror: str, **options: object) -> tuple[Snapshot | None, list[FetchOutcome]]:
    return fetch_lists(SnapshotStore(), ["us-ofac-sdn"], mirror=mirror, rules=FAST, **options)  # type: ignore[arg-type]


def _sdn_rows(body: bytes) -> int:
    return sum(1 for line in body.decode("cp1252").splitlines() if line.strip() and line.strip() != "\x1a")


def test_fetch_loads_the_list_then_a_second_fetch_is_conditional_and_loads_nothing(
        fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    snapshot, [outcome] = _fetch(url)
    assert outcome.status == "loaded" and snapshot is not None
    [status] = [s for s in snapshot.lists() if s.code == "us-ofac-sdn"]
    assert status.entries == _sdn_rows(served.files[EXPORTS + "SDN.CSV"])
    body = served.files[EXPORTS + "SDN.CSV"]
    assert outcome.files["primary"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert outcome.files["primary"]["bytes"] == len(body)
    entry = next(snapshot.entries(["us-ofac-sdn"]))
    assert entry.provenance.source.startswith(f"{url}{EXPORTS}SDN.CSV + ")  # provenance names the URLs
    assert status.data_date == "2026-11-30"  # OFAC's CSV has no date: the server's Last-Modified stands in
    served.requests.clear()
    again, [second] = _fetch(url)
    assert again is None and second.status == "not modified"
    # every file was asked for with its ETag and Last-Modified, and answered 304
    assert sorted(r[0] for r in served.requests) == sorted(EXPORTS + name for name in FILES)
    assert all(r[1] == Site.etag(served.files[r[0]]) and r[2] == served.modified for r in served.requests)
    assert SnapshotStore().current_id() == snapshot.id


def test_a_changed_file_is_loaded_with_the_unchanged_ones_from_the_last_good_copy(
        fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    first, _ = _fetch(url)
    assert first is not None
    lines = served.files[EXPORTS + "SDN.CSV"].split(b"\n")
    served.files[EXPORTS + "SDN.CSV"] = b"\n".join(lines[1:])  # the first entry delisted
    second, [outcome] = _fetch(url)
    assert outcome.status == "loaded" and second is not None and second.id != first.id
    assert second.count() == first.count() - 1
    # the alias file was not sent again (304) but its aliases are still joined
    assert sum(a.kind == "alias" for e in second.entries(["us-ofac-sdn"]) for a in e.aliases) > 0


def test_a_503_is_retried_with_back_off_from_the_policy(fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    served.failures[EXPORTS + "SDN.CSV"] = 2
    waits: list[float] = []
    rules = FetchPolicy(**{**FAST.model_dump(), "backoff_seconds": [0.01, 0.02]})
    snapshot, [outcome] = fetch_lists(SnapshotStore(), ["us-ofac-sdn"], mirror=url, rules=rules, sleep=waits.append)
    assert outcome.status == "loaded" and snapshot is not None
    assert waits == [0.01, 0.02]
    assert [r[0] for r in served.requests].count(EXPORTS + "SDN.CSV") == 3


def test_a_server_that_keeps_failing_changes_nothing(fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    first, _ = _fetch(url)
    served.files[EXPORTS + "SDN.CSV"] += b"\n"
    served.failures[EXPORTS + "SDN.CSV"] = 99
    snapshot, [outcome] = _fetch(url)
    assert snapshot is None and outcome.status == "failed" and "HTTP 503" in outcome.detail
    assert "gave up after 4 attempts" in outcome.detail
    assert first is not None and SnapshotStore().current_id() == first.id


def test_a_truncated_download_leaves_the_previous_snapshot_and_the_last_good_copy(
        fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    first, _ = _fetch(url)
    assert first is not None
    served.files[EXPORTS + "SDN.CSV"] = b"\n".join(served.files[EXPORTS + "SDN.CSV"].split(b"\n")[3:])
    served.truncate.add(EXPORTS + "SDN.CSV")
    snapshot, [outcome] = _fetch(url)
    assert snapshot is None and outcome.status == "failed"
    assert "incomplete" in outcome.detail or "truncated" in outcome.detail
    assert SnapshotStore().current_id() == first.id
    # the next fetch is still conditional on the last GOOD copy: the server's new file loads in full
    served.truncate.clear()
    third, [after] = _fetch(url)
    assert after.status == "loaded" and third is not None and third.count() == first.count() - 3


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(fresh_home: Path, site: tuple[Site, str]) -> None:
    _, url = site
    rules = FetchPolicy(**{**FAST.model_dump(), "max_bytes": 10_000})
    snapshot, [outcome] = fetch_lists(SnapshotStore(), ["us-ofac-sdn"], mirror=url, rules=rules)
    assert snapshot is None and outcome.status == "failed"
    assert "larger than the limit of 10,000" in outcome.detail
    assert SnapshotStore().current_id() is None
    assert not list((SnapshotStore().root / "fetch").glob("us-ofac-sdn*"))


def test_a_file_its_importer_refuses_fails_that_list_only(fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    served.files[EXPORTS + "SDN.CSV"] = b"this is not, the OFAC layout\n"
    snapshot, [outcome] = _fetch(url)
    assert snapshot is None and outcome.status == "failed"
    assert "SDN.CSV, line 1" in outcome.detail and f"downloaded from {url}{EXPORTS}SDN.CSV" in outcome.detail


def test_mirror_replaces_scheme_and_host_only() -> None:
    official = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=abc"
    assert mirrored(official, "http://127.0.0.1:8080") == ("http://127.0.0.1:8080/fsd/fsf/public/files/"
                                                          "xmlFullSanctionsList_1_1/content?token=abc")
    assert mirrored(official, "https://mirror.example/lists/") == ("https://mirror.example/lists/fsd/fsf/public/"
                                                                  "files/xmlFullSanctionsList_1_1/content?token=abc")
    with pytest.raises(InputError, match="scheme and host"):
        mirrored(official, "mirror.example")


def test_every_parses_durations_and_the_schedule_repeats() -> None:
    assert parse_every("6h") == 21600 and parse_every("1h30m") == 5400 and parse_every("1d") == 86400
    for bad in ("6", "6x", "10s", "h6"):
        with pytest.raises(InputError):
            parse_every(bad)
    waits: list[float] = []
    runs = iter(range(3))
    assert list(schedule(3600, lambda: next(runs), sleep=waits.append, rounds=3)) == [0, 1, 2]
    assert len(waits) == 2 and all(3599 < w <= 3600 for w in waits)


def test_the_command_fetches_through_a_mirror(fresh_home: Path, site: tuple[Site, str]) -> None:
    served, url = site
    result = kizuna("lists", "fetch", "us-ofac-sdn", "--mirror", url, home=fresh_home)
    assert "us-ofac-sdn: loaded" in result.stdout and "is now current" in result.stdout
    again = kizuna("lists", "fetch", "us-ofac-sdn", "--mirror", url, home=fresh_home)
    assert "us-ofac-sdn: not modified" in again.stdout and "no list changed" in again.stdout
    del served.files[EXPORTS + "ALT.CSV"]  # a 404 is not retried
    failed = kizuna("lists", "fetch", "us-ofac-sdn", "--mirror", url, home=fresh_home, check=False)
    assert failed.returncode == 1 and "HTTP 404" in failed.stderr


def test_every_download_names_a_known_format_and_every_fetched_list_a_cadence() -> None:
    from datetime import date

    from kizuna.lists.freshness import freshness
    from kizuna.lists.registry import list_info
    from kizuna.lists.sources import FORMATS

    codes = fetchable()
    assert {"jp-mof-asset-freeze", "jp-meti-export-ban", "uk-ofsi", "uk-fcdo", "au-dfat", "eu-fsf"} <= set(codes)
    for code in codes:
        download = list_info(code).download
        assert download["format"] in FORMATS and download["files"]
        rule = freshness(code, "2026-11-01", today=date(2026, 12, 3))
        assert rule.cadence != "unknown publisher cadence", code  # cadence.yaml names it
    # `lists status` warns on the bundled allied lists by their own publishers' cadences
    assert freshness("uk-ofsi", "2025-04-14", today=date(2026, 12, 3)).stale
    assert not freshness("jp-meti-export-ban", "2025-09-12", today=date(2026, 1, 3)).stale


def test_a_dated_file_is_found_by_its_link_on_the_publishers_page(fresh_home: Path, site: tuple[Site, str]) -> None:
    """MOF names each release by its date: the fetcher reads the list's page and takes the matching link."""
    served, url = site
    folder = "/policy/international_policy/gaitame_kawase/gaitame/economic_sanctions/"
    workbook = BUNDLED / "lists" / "jp_mof_asset_freeze" / "shisantouketsu20260305.xlsx"
    served.files[folder + "list.html"] = (b'<html><body><a href="../economic_sanctions/shisantouketsu20260305.xlsx">'
                                          b'\xe8\xb3\x87\xe7\x94\xa3\xe5\x87\x8d\xe7\xb5\x90 (Excel)</a></body></html>')
    served.files[folder + "shisantouketsu20260305.xlsx"] = workbook.read_bytes()
    snapshot, [outcome] = fetch_lists(SnapshotStore(), ["jp-mof-asset-freeze"], mirror=url, rules=FAST)
    assert outcome.status == "loaded" and snapshot is not None
    [status] = snapshot.lists()
    assert (status.code, status.entries, status.data_date) == ("jp-mof-asset-freeze", 2862, "2026-03-05")
    assert next(snapshot.entries()).provenance.source == f"{url}{folder}shisantouketsu20260305.xlsx"
    served.files[folder + "list.html"] = b"<html><body>no workbook today</body></html>"
    _, [changed_page] = fetch_lists(SnapshotStore(), ["jp-mof-asset-freeze"], mirror=url, rules=FAST)
    assert changed_page.status == "failed" and "no link matching" in changed_page.detail
