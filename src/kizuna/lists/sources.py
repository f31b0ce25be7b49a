"""Which importer reads which files: the bundled manifest, or detection in a folder of official files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kizuna.core.datafiles import read_json, read_yaml, require
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.lists.importers import csl, dfat, eufsf, fcdo, ftm, meti, meti_export_ban, mof, ofac, ofsi, un, usjson
from kizuna.lists.importers.common import file_date
from kizuna.lists.model import ListData

Reader = Callable[[dict[str, Path], str | None, str | None, str], list[ListData]]

FORMATS: dict[str, Reader] = {
    "ofac-sdn": ofac.read,
    "csl-csv": csl.read_csv,
    "csl-json": csl.read_json,
    "un-xml": un.read,
    "meti-xlsx": meti.read,
    "us-restricted-json": usjson.read,
    "ftm-json": ftm.read,
    "mof-xlsx": mof.read,
    "ofsi-xlsx": ofsi.read,
    "dfat-xlsx": dfat.read,
    "fcdo-ods": fcdo.read,
    "eu-fsf-xml": eufsf.read,
    "meti-export-ban-pdf": meti_export_ban.read,
}

# Formats that carry no date of their own: the file's modification date stands in, and the user is told.
UNDATED = {"ofac-sdn"}


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One publication to import: its format, its files, and optionally its list code and data date."""

    format: str
    files: dict[str, Path]
    list_code: str | None = None
    data_date: str | None = None
    label: str | None = None  # how users are shown where the files came from (fetch: the URLs), else their paths

    def origin(self, base: Path) -> str:
        if self.label:
            return self.label
        names = []
        for path in self.files.values():
            try:
                names.append(str(path.relative_to(base)))
            except ValueError:
                names.append(str(path))
        return " + ".join(names)

    def read(self, base: Path) -> list[ListData]:
        reader = FORMATS.get(self.format)
        if reader is None:
            raise InputError(f"unknown format {self.format!r}; known: {', '.join(FORMATS)}")
        date = self.data_date
        warnings = []
        if date is None and self.format in UNDATED:
            date = file_date(self.files["primary"])
            warnings.append(f"{self.files['primary'].name} carries no date; using its file date {date}")
        lists = reader(self.files, self.list_code, date, self.origin(base))
        for data in lists:
            data.warnings[:0] = warnings
        return lists


def manifest_specs(manifest: Path) -> list[SourceSpec]:
    """Read a manifest like ``data/lists/bundle.yaml``; file paths are relative to the manifest."""
    document = read_yaml(manifest)
    specs = []
    sources = require(document.get("sources") or [], list, path=manifest, field="sources")
    for index, item in enumerate(sources, start=1):
        item = require(item, dict, path=manifest, field=f"sources[{index}]")
        require(item.get("files") or {}, dict, path=manifest, field=f"sources[{index}].files")
        if item.get("format") not in FORMATS:
            raise InputError(f"source #{index}: unknown format {item.get('format')!r}", path=manifest,
                             field="format")
        files = {role: manifest.parent / rel for role, rel in (item.get("files") or {}).items()}
        for role, path in files.items():
            if not path.exists():
                raise InputError(f"source #{index}: {role} file {path} does not exist", path=manifest,
                                 field=f"files.{role}")
        specs.append(SourceSpec(item["format"], files, item.get("list"),
                                str(item["data_date"]) if item.get("data_date") else None))
    return specs


def bundled_specs() -> tuple[Path, list[SourceSpec]]:
    """The bundled snapshot's sources and the folder their paths are relative to."""
    manifest = bundled("lists", "bundle.yaml")
    return manifest.parent, manifest_specs(manifest)


def detect_specs(path: Path) -> list[SourceSpec]:
    """Recognise official files in a folder (or one file) by their names and content."""
    if not path.exists():
        raise InputError("no such file or folder", path=path)
    if path.is_dir():
        for name in ("kizuna-sources.yaml", "bundle.yaml"):
            if (path / name).exists():
                return manifest_specs(path / name)
        candidates = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    else:
        candidates = [path]
    specs: list[SourceSpec] = []
    claimed: set[Path] = set()
    for candidate in candidates:
        if candidate in claimed:
            continue
        spec = _detect_one(candidate)
        if spec:
            specs.append(spec)
            claimed.update(spec.files.values())
    if not specs:
        raise InputError("no list file recognised (expected sdn.csv, cons_prim.csv, consolidated.csv/.json, "
                         "UN consolidated XML, EU FSF XML, METI End User List, MOF, OFSI or DFAT xlsx, the FCDO's ODS, "
                         "METI's export-ban PDFs, list JSON, or FollowTheMoney JSON)", path=path)
    return specs


def _ofac_set(primary: Path, prefix: str) -> SourceSpec:
    roles = {"alt": f"{prefix}alt.csv", "add": f"{prefix}add.csv", "comments": f"{prefix}comments.csv"}
    if prefix == "":
        roles["comments"] = "sdn_comments.csv"
    files = {"primary": primary}
    files.update({role: primary.parent / name for role, name in roles.items() if (primary.parent / name).exists()})
    return SourceSpec("ofac-sdn", files, "us-ofac-sdn" if prefix == "" else "us-ofac-nonsdn")


def _detect_one(path: Path) -> SourceSpec | None:
    name = path.name.lower()
    if name == "sdn.csv":
        return _ofac_set(path, "")
    if name == "cons_prim.csv":
        return _ofac_set(path, "cons_")
    if name.endswith(".xlsx"):
        return SourceSpec(_xlsx_format(path), {"primary": path})
    if name.endswith(".ods"):
        return SourceSpec("fcdo-ods", {"primary": path})
    if name.endswith("_tokutei.pdf"):
        return _meti_export_ban_set(path)
    head = _head(path)
    if name.endswith(".xml") and "<CONSOLIDATED_LIST" in head:
        return SourceSpec("un-xml", {"primary": path})
    if name.endswith(".xml") and "http://eu.europa.ec/fpi/fsd/export" in head:
        return SourceSpec("eu-fsf-xml", {"primary": path})
    if name.endswith(".csv") and head.lstrip("\ufeff").startswith(("_id,source", '"_id","source"')):
        return SourceSpec("csl-csv", {"primary": path})
    if name.endswith((".json", ".jsonl", ".ndjson")) and name != "lists.json":
        stripped = head.lstrip()
        if stripped.startswith("{") and '"schema"' in head.split("\n", 1)[0]:
            return SourceSpec("ftm-json", {"primary": path})
        if '"entities"' in head or '"list_id"' in head:
            return SourceSpec("us-restricted-json", {"primary": path})
        if '"results"' in head:
            return SourceSpec("csl-json", {"primary": path})
        if stripped.startswith("[") and _first_item_has_schema(path):
            return SourceSpec("ftm-json", {"primary": path})
    return None


# METI's export-ban PDFs by the names METI gives them, and the role each has in the importer
_METI_EXPORT_BAN = {"list_russia_tokutei.pdf": "russia", "list_daisangoku_tokutei.pdf": "third_countries",
                    "list_belarus_tokutei.pdf": "belarus"}


def _meti_export_ban_set(path: Path) -> SourceSpec | None:
    """The three export-ban PDFs of a folder as one list (those present)."""
    files = {role: path.parent / name for name, role in _METI_EXPORT_BAN.items() if (path.parent / name).exists()}
    return SourceSpec("meti-export-ban-pdf", files) if path.name.lower() in _METI_EXPORT_BAN else None


def _xlsx_format(path: Path) -> str:
    """Which list an xlsx workbook is, by its sheets (OFSI's ``Data``, MOF's index ``一覧``) or its header (DFAT's
    ``Reference``, ``Name of Individual or Entity``); METI's End User List otherwise."""
    from kizuna.core.xlsx import open_workbook

    book = open_workbook(path)
    try:
        names = book.sheetnames
        first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        book.close()
    if "一覧" in names and len(names) > 1:
        return "mof-xlsx"
    if "Data" in names and first and str(first[0]).strip() == "Last Updated":
        return "ofsi-xlsx"
    if [str(c).strip() for c in first[:2]] == ["Reference", "Name of Individual or Entity"]:
        return "dfat-xlsx"
    return "meti-xlsx"


def _head(path: Path, size: int = 4096) -> str:
    with path.open("rb") as handle:
        return handle.read(size).decode("utf-8", errors="replace")


def _first_item_has_schema(path: Path) -> bool:
    try:
        data = read_json(path)
    except InputError:
        return False
    return bool(data) and isinstance(data[0], dict) and "schema" in data[0]
