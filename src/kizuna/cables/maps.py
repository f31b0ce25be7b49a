"""Maps: an interactive Leaflet HTML map (Leaflet vendored and inlined: no CDN, works offline) and a static PNG
(matplotlib), cables coloured by trust, failed cables dashed, the cut set highlighted.

Longitudes west of 25°W are shifted by +360° so the Pacific is drawn whole, from the Red Sea to the Americas.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.cables.corridors import find_corridor
from kizuna.cables.scenario import View
from kizuna.core.atomic import atomic_writer
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled

VENDOR = Path(__file__).parent / "vendor" / "leaflet"
COLOURS = {"trusted": "#1f5fa8", "concern": "#c0392b", "down": "#8a8f98", "cut": "#ff8c00"}
LABELS = {"trusted": "trusted (no owner or supplier of concern)", "concern": "owner or supplier of concern",
          "down": "down in this scenario (failed or excluded)", "cut": "in the minimum cut"}
WEST = -25.0  # longitudes below this are drawn east of 180°
DEFAULT_BOUNDS = (30.0, -50.0, 250.0, 62.0)  # lon_min, lat_min, lon_max, lat_max (shifted longitudes)


def _shift(lon: float) -> float:
    return lon + 360 if lon < WEST else lon


def _lines(points: tuple[tuple[float, float], ...]) -> list[list[list[float]]]:
    """A route in shifted longitudes, split where a step would jump across the whole map."""
    parts: list[list[list[float]]] = [[]]
    for lon, lat in points:
        point = [round(_shift(lon), 4), round(lat, 4)]
        if parts[-1] and abs(point[0] - parts[-1][-1][0]) > 180:
            parts.append([])
        parts[-1].append(point)
    return [p for p in parts if len(p) >= 2]


def features(view: View, highlight: set[str] | None = None) -> dict[str, Any]:
    """GeoJSON of the view: every cable of the period (up or down), landing points, and failed corridors."""
    highlight = highlight or set()
    network = view.network
    out = []
    for cable_id in [*view.active, *view.removed]:
        cable = network.cables[cable_id]
        if not cable.routes:
            continue
        status = "down" if cable_id in view.removed else view.trust.status(cable_id)
        out.append({"type": "Feature", "geometry": {"type": "MultiLineString",
                                                    "coordinates": [ln for r in cable.routes for ln in _lines(r)]},
                    "properties": {"kind": "cable", "id": cable_id, "name": cable.name, "status": status,
                                   "cut": cable_id in highlight, "rfs_year": cable.rfs_year,
                                   "places": network.countries_of(cable), "owners": ", ".join(cable.owners),
                                   "suppliers": ", ".join(cable.suppliers),
                                   "why": view.removed.get(cable_id) or view.trust.why(cable_id)}})
    used = {lp for landings in view.active.values() for lp in landings}
    for lp in sorted(used):
        point = network.landing_points[lp]
        if point.lon is None or point.lat is None:
            continue
        out.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [_shift(point.lon), point.lat]},
                    "properties": {"kind": "station", "id": lp, "name": point.name, "place": point.country}})
    for corridor_id in view.scenario.corridors:
        corridor = find_corridor(corridor_id)
        geometry = corridor.geometry.__geo_interface__
        out.append({"type": "Feature", "geometry": geometry,
                    "properties": {"kind": "corridor", "id": corridor.id, "name": corridor.name}})
    return {"type": "FeatureCollection", "features": out}


@cache
def backdrop() -> dict[str, Any]:
    """Natural Earth 1:110m country outlines (public domain), shifted like the cables."""
    data = json.loads(bundled("cables", "naturalearth_lowres.geojson").read_text(encoding="utf-8"))

    def ring(coords: list[list[float]]) -> list[list[float]]:
        mean = sum(c[0] for c in coords) / len(coords)
        offset = 360 if mean < WEST else 0
        return [[c[0] + offset, c[1]] for c in coords]

    out = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        out.append({"type": "Feature", "properties": {"name": feature["properties"]["name"]},
                    "geometry": {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in polygons]}})
    return {"type": "FeatureCollection", "features": out}


def leaflet_assets() -> tuple[str, str]:
    """The vendored Leaflet 1.9.4 (BSD-2-Clause, npm package ``leaflet``): JavaScript and CSS."""
    return (VENDOR / "leaflet.js").read_text(encoding="utf-8"), (VENDOR / "leaflet.css").read_text(encoding="utf-8")




def map_script() -> str:
    """The JavaScript that draws a map payload with Leaflet (``kizunaCableMap(element, data, backdrop, …)``)."""
    return (Path(__file__).parent / "cablemap.js").read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe to inline in a <script> element (no "</script>" can close it early)."""
    return json.dumps(data).replace("</", "<\\/")


def map_payload(view: View, highlight: set[str] | None = None) -> dict[str, Any]:
    """What a map needs: the features, the legend and the credit line."""
    dataset = view.network.dataset
    return {"features": features(view, highlight), "attribution": html.escape(dataset.attribution),
            "legend": [{"colour": COLOURS[k], "label": LABELS[k]} for k in COLOURS],
            "scenario": view.scenario.describe()}


def write_html(view: View, path: str | Path, highlight: set[str] | None = None, title: str = "Submarine cables",
               bounds: tuple[float, float, float, float] = DEFAULT_BOUNDS) -> Path:
    """A standalone HTML map: Leaflet, the data and the backdrop are all inlined (no network needed)."""
    script, style = leaflet_assets()
    payload = map_payload(view, highlight)
    target = Path(path)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{style}</style>
<style>html,body{{margin:0;height:100%;font-family:system-ui,sans-serif}}#map{{position:absolute;top:3.2em;bottom:0;
left:0;right:0;background:#cfe0ee}}header{{padding:.5em 1em;height:2.2em;overflow:hidden}}</style>
</head><body><header><b>{html.escape(title)}</b> · {html.escape(view.scenario.describe())}</header>
<div id="map"></div>
<script>{script}</script>
<script>{map_script()}
kizunaCableMap('map', {script_json(payload)}, {script_json(backdrop())}, {script_json(COLOURS)}, {script_json(bounds)});
</script></body></html>
"""
    with atomic_writer(target) as handle:
        handle.write(page)
    return target


def write_png(view: View, path: str | Path, highlight: set[str] | None = None, title: str = "Submarine cables",
              bounds: tuple[float, float, float, float] = DEFAULT_BOUNDS) -> Path:
    """A static PNG map (matplotlib, Agg): Natural Earth outlines, cables by trust, the cut set on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D

    highlight = highlight or set()
    payload = features(view, highlight)
    fig, ax = plt.subplots(figsize=(14, 8), dpi=110)
    ax.set_facecolor("#cfe0ee")
    polygons = [ring for f in backdrop()["features"] for poly in f["geometry"]["coordinates"] for ring in poly[:1]]
    ax.add_collection(PolyCollection(polygons, facecolor="#e9edf2", edgecolor="#b8c0cc", linewidth=0.4))
    layers: dict[str, list[list[list[float]]]] = {"trusted": [], "concern": [], "down": [], "cut": []}
    for feature in payload["features"]:
        props = feature["properties"]
        if props["kind"] != "cable":
            continue
        key = "cut" if props["cut"] else props["status"]
        layers[key].extend(feature["geometry"]["coordinates"])
    styles = {"down": dict(linewidth=0.8, linestyle=(0, (3, 2))), "trusted": dict(linewidth=0.9),
              "concern": dict(linewidth=0.9), "cut": dict(linewidth=3.0)}
    for key in ("down", "trusted", "concern", "cut"):
        if layers[key]:
            ax.add_collection(LineCollection(layers[key], colors=COLOURS[key], alpha=0.85 if key != "cut" else 1,
                                             zorder=3 if key == "cut" else 2, **styles[key]))  # type: ignore[arg-type]
    xs = [f["geometry"]["coordinates"][0] for f in payload["features"] if f["properties"]["kind"] == "station"]
    ys = [f["geometry"]["coordinates"][1] for f in payload["features"] if f["properties"]["kind"] == "station"]
    ax.scatter(xs, ys, s=3, color="#1d2733", zorder=4)
    for feature in payload["features"]:
        if feature["properties"]["kind"] == "corridor":
            for poly in (feature["geometry"]["coordinates"] if feature["geometry"]["type"] == "MultiPolygon"
                         else [feature["geometry"]["coordinates"]]):
                ax.add_collection(PolyCollection([poly[0]], facecolor="#7a1f5c33", edgecolor="#7a1f5c",
                                                 linewidth=1.2, zorder=5))
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect(1.15)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{(t + 180) % 360 - 180:.0f}°" for t in ticks])
    ax.set_title(f"{title}\n{view.scenario.describe()}", fontsize=11)
    ax.legend(handles=[Line2D([0], [0], color=COLOURS[k], linewidth=3 if k == "cut" else 1.5, label=LABELS[k])
                       for k in COLOURS], loc="lower left", fontsize=8, framealpha=0.9)
    ax.text(0.995, 0.005, view.network.dataset.attribution, transform=ax.transAxes, ha="right", va="bottom",
            fontsize=6.5, color="#333", bbox=dict(facecolor="white", alpha=0.7, linewidth=0))
    fig.tight_layout()
    target = Path(path)
    with atomic_writer(target, "wb") as handle:
        fig.savefig(handle, format="png")
    plt.close(fig)
    return target


def write_map(view: View, path: str | Path, highlight: set[str] | None = None, title: str = "Submarine cables",
              bounds: tuple[float, float, float, float] = DEFAULT_BOUNDS) -> Path:
    """HTML or PNG by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm"):
        return write_html(view, path, highlight, title, bounds)
    if suffix == ".png":
        return write_png(view, path, highlight, title, bounds)
    raise InputError("the map must be a .html or .png file", path=path, field="--output")

