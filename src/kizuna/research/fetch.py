"""``kizuna research fetch-ror``: load the full ROR data dump (CC0, Zenodo) in place of the bundled union.

The dump is a zip (possibly inside Zenodo's archive zip) holding the records as one JSON array in ROR schema v2.
Each record becomes one row of the compact file the resolver reads (``orgs.ROR_COLUMNS``), written atomically
under ``$KIZUNA_HOME/research/ror/`` with the release it came from; every answer afterwards names that release."""

from __future__ import annotations

import io
import json
import re
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError, KizunaError
from kizuna.core.tables import write_table
from kizuna.research.orgs import ROR_COLUMNS, fetched_dir, short_id
from kizuna.research.rules import rules

_RELEASE = re.compile(r"(v\d+(?:\.\d+)*)-(\d{4}-\d{2}-\d{2})")
_LANG_COLUMNS = {"ja": "name_ja", "zh": "name_zh", "ko": "name_ko"}


@dataclass(frozen=True, slots=True)
class Fetched:
    release: str
    organisations: int
    path: Path

    def to_dict(self) -> dict[str, Any]:
        return {"release": self.release, "organisations": self.organisations, "path": str(self.path)}


def fetch_ror(url: str | None = None, file: Path | None = None, timeout: float = 120) -> Fetched:
    """Download the dump from ``url`` (default: the rule file's Zenodo URL) or read ``file``, and install it."""
    limits = rules().sources.fetch_ror
    with tempfile.TemporaryFile() as spool:
        if file is not None:
            name = file.name
            with _open_local(file) as source:
                _copy(source, spool, limits.max_download_bytes, str(file))
        else:
            target = url or limits.url
            if not target.startswith(("http://", "https://")):
                raise InputError("give an http(s) URL", field="--url")
            name = target.rstrip("/").rsplit("/", 1)[-1]
            try:
                with urllib.request.urlopen(target, timeout=timeout) as response:
                    name = _filename(response.headers.get("Content-Disposition", "")) or name
                    _copy(response, spool, limits.max_download_bytes, target)
            except OSError as exc:
                raise KizunaError(f"cannot download the ROR dump from {target}: {exc}") from exc
        spool.seek(0)
        member, records = _records(spool, name, limits.max_json_bytes)
    release = _release(member) or _release(name) or member
    rows = [row for record in records if (row := _row(record, release)) is not None]
    if not rows:
        raise InputError("no ROR records in the dump", path=member)
    folder = fetched_dir()
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "release.txt", f"ROR data dump {release}\n")
    path = folder / "ror_organisations.csv"
    write_table(path, ROR_COLUMNS, rows)
    return Fetched(f"ROR data dump {release}", len(rows), path)


def _open_local(file: Path) -> IO[bytes]:
    try:
        return file.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=file) from exc


def _copy(source: IO[bytes], target: IO[bytes], bound: int, where: str) -> None:
    total = 0
    while chunk := source.read(1 << 20):
        total += len(chunk)
        if total > bound:
            raise InputError(f"larger than {bound:,} bytes (data/research/rules.yaml)", path=where)
        target.write(chunk)


def _filename(disposition: str) -> str:
    found = re.search(r'filename="?([^";]+)"?', disposition)
    return found.group(1) if found else ""


def _records(spool: IO[bytes], name: str, bound: int) -> tuple[str, list[Any]]:
    """The schema-v2 JSON array in the zip (or in a zip inside it), bounded before it is inflated."""
    try:
        archive = zipfile.ZipFile(spool)
    except zipfile.BadZipFile as exc:
        raise InputError("not a zip file", path=name) from exc
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        jsons = sorted((i for i in members if i.filename.endswith(".json")),
                       key=lambda i: ("schema_v1" in i.filename, "v2" not in i.filename))
        if not jsons:
            inner = next((i for i in members if i.filename.endswith(".zip")), None)
            if inner is None:
                raise InputError("no ROR JSON file in the zip", path=name)
            _check_size(inner, bound, name)
            return _records(io.BytesIO(archive.read(inner)), inner.filename, bound)
        chosen = jsons[0]
        _check_size(chosen, bound, name)
        try:
            data = json.loads(archive.read(chosen))
        except (ValueError, RecursionError) as exc:
            raise InputError(f"not valid JSON: {exc}", path=f"{name}:{chosen.filename}") from exc
    if not isinstance(data, list):
        raise InputError("expected a JSON array of ROR records", path=f"{name}:{chosen.filename}")
    return chosen.filename, data


def _check_size(info: zipfile.ZipInfo, bound: int, name: str) -> None:
    if info.file_size > bound:
        raise InputError(f"{info.filename} inflates to {info.file_size:,} bytes, more than {bound:,}", path=name)


def _release(name: str) -> str | None:
    found = _RELEASE.search(name)
    return f"{found.group(1)} {found.group(2)}" if found else None


def _row(record: Any, release: str) -> list[str] | None:
    """A schema-v2 record as a compact row; withdrawn records and records without an id or name are left out."""
    if not isinstance(record, dict) or record.get("status") == "withdrawn" or not record.get("id"):
        return None
    names = [n for n in record.get("names") or [] if isinstance(n, dict) and n.get("value")]
    display = next((n["value"] for n in names if "ror_display" in (n.get("types") or [])), None)
    if not display:
        return None
    by_column: dict[str, list[str]] = {c: [] for c in ("acronyms", "aliases", "labels", *_LANG_COLUMNS.values())}
    for entry in names:
        value, types, lang = str(entry["value"]).strip(), entry.get("types") or [], entry.get("lang")
        if value == display:
            continue
        if "acronym" in types:
            by_column["acronyms"].append(value)
        elif lang in _LANG_COLUMNS:
            by_column[_LANG_COLUMNS[lang]].append(value)
        elif "alias" in types:
            by_column["aliases"].append(value)
        else:
            by_column["labels"].append(value)
    location: dict[str, Any] = next(iter(record.get("locations") or []), {}) or {}
    geo = location.get("geonames_details") or {}
    parents = [short_id(r["id"]) for r in record.get("relationships") or []
               if isinstance(r, dict) and r.get("type") == "parent" and r.get("id")]
    return [short_id(record["id"]), display, str(record.get("status") or "active"),
            ";".join(map(str, record.get("types") or [])), str(geo.get("country_code") or ""),
            str(geo.get("name") or ""), *(";".join(by_column[c]) for c in
                                          ("acronyms", "aliases", "name_ja", "name_zh", "name_ko", "labels")),
            ";".join(parents), release]

