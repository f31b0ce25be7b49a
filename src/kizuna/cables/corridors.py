"""Corridor scenarios: polygons of chokepoints; a corridor failing cuts every cable whose route crosses it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shapely.geometry import MultiLineString, shape
from shapely.geometry.base import BaseGeometry

from kizuna.cables.model import Cable
from kizuna.core.datafiles import read_json
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled


@dataclass(frozen=True, slots=True)
class Corridor:
    id: str
    name: str
    aliases: tuple[str, ...]
    description: str
    citation: str
    geometry: BaseGeometry

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description, "citation": self.citation}


@cache
def load_corridors(path: Path | None = None) -> dict[str, Corridor]:
    """Corridors by id from a GeoJSON FeatureCollection (the bundled one by default)."""
    source = path or bundled("cables", "corridors.geojson")
    data = read_json(source)
    if not isinstance(data, dict):
        raise InputError("expected a GeoJSON FeatureCollection", path=source)
    out = {}
    for i, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        if not props.get("id"):
            raise InputError("corridor without an id", path=source, field=f"features[{i}].properties.id")
        geometry = shape(feature["geometry"])
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
            raise InputError("corridor must be a valid (Multi)Polygon", path=source, field=f"features[{i}].geometry")
        out[props["id"]] = Corridor(props["id"], props.get("name", props["id"]), tuple(props.get("aliases", ())),
                                    props.get("description", ""), props.get("citation", ""), geometry)
    return out


def find_corridor(name: str) -> Corridor:
    """A corridor by id or alias (``luzon``, ``malacca``, ``red-sea`` …)."""
    key = name.strip().casefold()
    corridors = load_corridors()
    for corridor in corridors.values():
        if key == corridor.id or key in corridor.aliases:
            return corridor
    raise InputError(f"unknown corridor {name!r} (known: {', '.join(sorted(corridors))})", field="--corridor")


def crosses(cable: Cable, corridor: Corridor) -> bool:
    """Whether the cable's (schematic) route passes through the corridor."""
    return bool(cable.routes) and _lines(cable).intersects(corridor.geometry)


@cache
def _lines(cable: Cable) -> MultiLineString:
    return MultiLineString([list(line) for line in cable.routes])
