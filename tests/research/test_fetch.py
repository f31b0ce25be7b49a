"""``fetch-ror`` loads a ROR data dump over HTTP (here from a loopback server) and the resolver's answers then
name that release."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kizuna.core.errors import InputError
from kizuna.research.fetch import fetch_ror
from kizuna.research.resolve import resolve

RECORDS: list[dict[str, object]] = [
    {"id": "https://ror.org/02e16g702", "status": "active", "types": ["education"],
     "names": [{"value": "Hokkaido University", "types": ["ror_display", "label"], "lang": "en"},
               {"value": "北海道大学", "types": ["label"], "lang": "ja"},
               {"value": "Hokudai", "types": ["alias"], "lang": None}],
     "locations": [{"geonames_details": {"country_code": "JP", "name": "Sapporo"}}], "relationships": []},
    {"id": "https://ror.org/0419drx70", "status": "active", "types": ["healthcare"],
     "names": [{"value": "Hokkaido University Hospital", "types": ["ror_display"], "lang": "en"},
               {"value": "北海道大学病院", "types": ["label"], "lang": "ja"}],
     "locations": [{"geonames_details": {"country_code": "JP", "name": "Sapporo"}}],
     "relationships": [{"type": "parent", "id": "https://ror.org/02e16g702", "label": "Hokkaido University"}]},
    {"id": "https://ror.org/0xxxxxx00", "status": "withdrawn", "types": ["education"],
     "names": [{"value": "Withdrawn Record", "types": ["ror_display"]}], "locations": [], "relationships": []},
]


def dump_zip(records: list[dict[str, object]]) -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("v2.20-2026-11-30-ror-data.json", json.dumps(records))
        archive.writestr("v2.20-2026-11-30-ror-data.csv", "id\n")
    return inner.getvalue()


@pytest.fixture()
def dump_server() -> Iterator[str]:
    body = dump_zip(RECORDS)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Disposition", 'attachment; filename="v2.20-2026-11-30-ror-data.zip"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/records/ror-data.zip"
    server.shutdown()
    server.server_close()


def test_fetch_ror_over_loopback_replaces_the_union(fresh_home: Path, dump_server: str) -> None:
    fetched = fetch_ror(dump_server)
    assert fetched.release == "ROR data dump v2.20 2026-11-30" and fetched.organisations == 2
    university = resolve("北海道大学")
    assert university.organisation is not None and university.organisation.ror_id == "02e16g702"
    assert university.release == "ROR data dump v2.20 2026-11-30"
    assert university.to_dict()["source"]["release"] == "v2.20 2026-11-30"
    hospital = resolve("北海道大学病院")
    assert hospital.parent is not None and hospital.parent.name == "Hokkaido University"


def test_a_dump_that_is_not_a_zip_is_refused(fresh_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "dump.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a zip"):
        fetch_ror(file=bad)


def test_a_dump_without_records_is_refused(fresh_home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "v2.1-2026-01-01-ror-data.zip"
    empty.write_bytes(dump_zip([]))
    with pytest.raises(InputError, match="no ROR records"):
        fetch_ror(file=empty)
    assert not (fresh_home / "research" / "ror" / "ror_organisations.csv").exists()
