"""Reading cable datasets: TeleGeography's API v3 layout, or a simple CSV layout of cables and landing points.

The default dataset is TeleGeography's open data (CC BY-NC-SA 3.0), kept outside the package in the
repository's ``data-noncommercial/cables/``; ``$KIZUNA_CABLES_DATA`` or an explicit path points Kizuna at
any other copy, or at newer or licensed data in either layout.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.cables.model import Cable, Dataset, LandingPoint, Line, Network
from kizuna.cables.places import place_of
from kizuna.core.datafiles import read_json, read_yaml, require
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.tables import read_table, yes_no

ENV_VAR = "KIZUNA_CABLES_DATA"
_REPO_DATA = Path(__file__).resolve().parents[3] / "data-noncommercial" / "cables"
TELEGEOGRAPHY = "telegeography"
CSV_LAYOUT = "csv"
# Fragments a comma split leaves behind that belong to the previous owner's name ("Acme, Inc.").
_SUFFIX = re.compile(r"^(inc|ltd|llc|co|corp|plc|ag|s\.a)\.?( \(\w+\))?$", re.IGNORECASE)
_LENGTH = re.compile(r"[\d,.]+")


def default_data_dir() -> Path:
    """Where the default dataset is: ``$KIZUNA_CABLES_DATA``, else the checkout's ``data-noncommercial/cables``."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else _REPO_DATA


def missing_data_message(path: Path) -> str:
    return (f"no cable data at {path}. TeleGeography's open data (CC BY-NC-SA 3.0, non-commercial) is not "
            f"packaged with Kizuna: run from a repository checkout (it lives in data-noncommercial/cables/), "
            f"or point Kizuna at a copy or at your own data with --data DIR or ${ENV_VAR}=DIR "
            f"(TeleGeography's api/v3 layout, or cables.csv + landing_points.csv; see docs/cables.md)")


def load_network(path: str | Path | None = None) -> Network:
    """Load a dataset directory in either layout (the default dataset when ``path`` is None); cached per path."""
    directory = Path(path) if path is not None else default_data_dir()
    return _load(directory.resolve())


@cache
def _load(directory: Path) -> Network:
    if not directory.is_dir():
        raise NotFoundError(missing_data_message(directory))
    if (directory / "cable" / "cables.json").is_file():
        return load_telegeography(directory)
    if (directory / "cables.csv").is_file():
        return load_csv(directory)
    raise NotFoundError(missing_data_message(directory))


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError("file missing (TeleGeography layout needs cable/cables.json and "
                         "landing-point/landing-point-geo.json)", path=path)
    return require(read_json(path), dict, path=path, field="(top level)")


def _features(path: Path) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    """(geometry, properties, id) of each feature of a GeoJSON FeatureCollection; InputError naming the feature."""
    found = []
    features = require(_read_json(path).get("features", []), list, path=path, field="features")
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        feature = require(feature, dict, path=path, field=where)
        geometry = require(feature.get("geometry") or {}, dict, path=path, field=f"{where}.geometry")
        properties = require(feature.get("properties"), dict, path=path, field=f"{where}.properties")
        if "id" not in properties:
            raise InputError("missing", path=path, field=f"{where}.properties.id")
        found.append((geometry, properties, str(properties["id"])))
    return found


def _point(value: Any, path: Path, feature_id: str) -> tuple[float, float]:
    """A GeoJSON position [lon, lat, …] as floats; InputError naming the feature otherwise."""
    try:
        lon, lat = value[:2]
        return float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise InputError(f"not a [longitude, latitude] position: {str(value)[:60]}", path=path,
                         field=f"coordinates of {feature_id!r}") from exc


def _lines(geometry: dict[str, Any], path: Path, feature_id: str) -> list[Line]:
    """The polylines of a LineString or MultiLineString geometry (lines of fewer than two points dropped)."""
    coordinates = geometry.get("coordinates", [])
    lines = coordinates if geometry.get("type") == "MultiLineString" else [coordinates]
    require(lines, list, path=path, field=f"coordinates of {feature_id!r}")
    return [tuple(_point(p, path, feature_id) for p in line) for line in lines
            if isinstance(line, list) and len(line) >= 2]


def split_owners(text: str | None) -> tuple[str, ...]:
    """Owner or supplier names from TeleGeography's comma-separated field, keeping "Acme, Inc." whole."""
    names: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if names and _SUFFIX.fullmatch(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return tuple(names)


def _length_km(text: Any) -> float | None:
    if isinstance(text, int | float):
        return float(text)
    match = _LENGTH.search(str(text or ""))
    if not match:
        return None
    try:
        return float(match.group().replace(",", ""))
    except ValueError:
        return None


def load_telegeography(directory: Path) -> Network:
    """TeleGeography's api/v3 layout: cable/cables.json, cable/cable-geo.json, landing-point/landing-point-geo.json."""
    cables_path = directory / "cable" / "cables.json"
    raw_cables = _read_json(cables_path)
    points_path = directory / "landing-point" / "landing-point-geo.json"
    coords: dict[str, tuple[float, float]] = {}
    for geometry, _, point_id in _features(points_path):
        coords[point_id] = _point(geometry.get("coordinates"), points_path, point_id)
    routes: dict[str, list[Line]] = {}
    warnings: list[str] = []
    geo_path = directory / "cable" / "cable-geo.json"
    if geo_path.is_file():
        for geometry, _, cable_id in _features(geo_path):
            routes.setdefault(cable_id, []).extend(_lines(geometry, geo_path, cable_id))
    else:
        warnings.append(f"{geo_path} missing: routes unknown, corridor scenarios cannot cut any cable")
    points: dict[str, LandingPoint] = {}
    cables: dict[str, Cable] = {}
    for cable_id, item in raw_cables.items():
        where = f"landing_points of cable {cable_id!r}"
        item = require(item, dict, path=cables_path, field=f"cable {cable_id!r}")
        landings: list[str] = []
        for lp in require(item.get("landing_points") or [], list, path=cables_path, field=where):
            lp = require(lp, dict, path=cables_path, field=where)
            lp_id, country = lp.get("id"), lp.get("country")
            if not lp_id or not country:
                raise InputError("landing point without id or country", path=cables_path, field=where)
            place = place_of(lp_id, country)
            if place is None:
                raise InputError(f"unknown country {country!r} (add it to data/cables/places.yaml)",
                                 path=cables_path, field=where)
            lon, lat = coords.get(lp_id, (None, None))
            points.setdefault(lp_id, LandingPoint(lp_id, lp.get("name") or lp_id, place, lon, lat))
            if lp_id not in landings:
                landings.append(lp_id)
        rfs_year = item.get("rfs_year")
        if rfs_year is not None and not isinstance(rfs_year, int):
            raise InputError(f"rfs_year {rfs_year!r} is not a year", path=cables_path,
                             field=f"rfs_year of cable {cable_id!r}")
        cables[cable_id] = Cable(
            id=cable_id, name=item.get("name") or cable_id, landings=tuple(landings),
            owners=split_owners(item.get("owners")), suppliers=split_owners(item.get("suppliers")),
            rfs_year=rfs_year, is_planned=bool(item.get("is_planned")), length_km=_length_km(item.get("length")),
            url=item.get("url") or None, routes=tuple(routes.get(cable_id, ())))
    config = directory / "config.json"
    data_date = str(_read_json(config).get("creation_time", ""))[:10] if config.is_file() else "unknown"
    licence_file = directory / "LICENSE-CC-BY-NC-SA-3.0.txt"
    meta = _dataset_meta(directory)
    dataset = Dataset(
        name=meta.get("name", "TeleGeography Submarine Cable Map (api v3)"), path=str(directory),
        data_date=str(meta.get("data_date", data_date)),
        licence=meta.get("licence", "CC BY-NC-SA 3.0" if licence_file.is_file() else "unknown"),
        attribution=meta.get("attribution", "Data © PriMetrica, Inc. (TeleGeography), submarinecablemap.com, "
                             "CC BY-NC-SA 3.0" if licence_file.is_file() else "unknown"),
        layout=TELEGEOGRAPHY)
    return Network(cables, points, dataset, warnings)


def _dataset_meta(directory: Path) -> dict[str, Any]:
    """Optional ``dataset.yaml`` beside the data: name, data_date, licence, attribution."""
    path = directory / "dataset.yaml"
    if not path.is_file():
        return {}
    return read_yaml(path, allow_empty=True)


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputError("file missing (CSV layout needs cables.csv and landing_points.csv)", path=path)
    table = read_table(path)
    table.require(*required)
    return [(line, {k: str(v).strip() for k, v in row.items()}) for line, row in table.records()]


def _float(value: str, path: Path, line: int, field: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(f"{value!r} is not a number", path=path, line=line, field=field) from None


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


def load_csv(directory: Path) -> Network:
    """The CSV layout.

    ``landing_points.csv``: id, name, country (ISO alpha-2 or a name), lat, lon.
    ``cables.csv``: id, name, landing_points (ids separated by ';'), owners, suppliers (';'), rfs_year,
    planned (true/false), length_km, url. Optional ``routes.geojson``: (Multi)LineStrings with property ``id``;
    optional ``dataset.yaml``: name, data_date, licence, attribution.
    """
    lp_path = directory / "landing_points.csv"
    points: dict[str, LandingPoint] = {}
    for line, row in _rows(lp_path, ("id", "country")):
        if not row["id"]:
            raise InputError("empty id", path=lp_path, line=line, field="id")
        if row["id"] in points:
            raise InputError(f"landing point {row['id']!r} listed twice", path=lp_path, line=line, field="id")
        place = place_of(row["id"], row["country"])
        if place is None:
            raise InputError(f"unknown country {row['country']!r} (use an ISO alpha-2 code)", path=lp_path,
                             line=line, field="country")
        lat = _float(row.get("lat", ""), lp_path, line, "lat")
        lon = _float(row.get("lon", ""), lp_path, line, "lon")
        if lat is not None and not -90 <= lat <= 90:
            raise InputError(f"latitude {lat} out of range", path=lp_path, line=line, field="lat")
        if lon is not None and not -180 <= lon <= 180:
            raise InputError(f"longitude {lon} out of range", path=lp_path, line=line, field="lon")
        points[row["id"]] = LandingPoint(row["id"], row.get("name") or row["id"], place, lon, lat)
    routes: dict[str, list[Line]] = {}
    routes_path = directory / "routes.geojson"
    if routes_path.is_file():
        for geometry, _, cable_id in _features(routes_path):
            routes.setdefault(cable_id, []).extend(_lines(geometry, routes_path, cable_id))
    cables_path = directory / "cables.csv"
    cables: dict[str, Cable] = {}
    for line, row in _rows(cables_path, ("id", "landing_points")):
        cable_id = row["id"]
        if not cable_id:
            raise InputError("empty id", path=cables_path, line=line, field="id")
        if cable_id in cables:
            raise InputError(f"cable {cable_id!r} listed twice", path=cables_path, line=line, field="id")
        landings = _list(row["landing_points"])
        for lp in landings:
            if lp not in points:
                raise InputError(f"landing point {lp!r} is not in landing_points.csv", path=cables_path,
                                 line=line, field="landing_points")
        year_text = row.get("rfs_year", "")
        if year_text and not year_text.isdigit():
            raise InputError(f"{year_text!r} is not a year", path=cables_path, line=line, field="rfs_year")
        planned = yes_no(row.get("planned", ""), path=cables_path, line=line, field="planned")
        cables[cable_id] = Cable(
            id=cable_id, name=row.get("name") or cable_id, landings=tuple(dict.fromkeys(landings)),
            owners=_list(row.get("owners", "")), suppliers=_list(row.get("suppliers", "")),
            rfs_year=int(year_text) if year_text else None, is_planned=bool(planned),
            length_km=_float(row.get("length_km", ""), cables_path, line, "length_km"), url=row.get("url") or None,
            routes=tuple(routes.get(cable_id, ())))
    meta = _dataset_meta(directory)
    dataset = Dataset(name=str(meta.get("name", directory.name)), path=str(directory),
                      data_date=str(meta.get("data_date", "unknown")), licence=str(meta.get("licence", "unknown")),
                      attribution=str(meta.get("attribution", "unknown")), layout=CSV_LAYOUT)
    warnings = [] if routes else [f"{routes_path} missing: routes unknown, corridor scenarios cannot cut any cable"]
    return Network(cables, points, dataset, warnings)
